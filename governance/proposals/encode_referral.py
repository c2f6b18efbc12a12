"""Encoding of a `referral-config` proposal: the calls the timelock makes to install a tier table and a builder share.

Three calls, in this order, to the protocol's entry contract:

1. `setBuilderFeeShare(0)`: always accepted (no share to add to any tier);
2. `setReferralTiers((bytes32 name, uint256 referrerShare, uint256 refereeDiscount, uint256 discountDays)[])`: the
   whole table, index = position in the file, names as left-aligned ASCII;
3. `setBuilderFeeShare(builder_fee_share)`.

Each setter checks referrer share + referee discount + builder share + the vault's insurance share <= 100% against
the other's current value; clearing the builder share first means the batch is accepted whenever the final state is,
whatever the table it replaces. A code's tier (`setReferralCodeTier`) is not part of this proposal kind.
"""

from __future__ import annotations

from governance.proposals.calls import Action, protocol_call
from governance.proposals.models import ReferralConfig
from megatao.clients.referral import name_bytes
from megatao.core.units import format_fraction


def referral_actions(proposal: ReferralConfig, protocol_address: str) -> list[Action]:
    tiers = [(name_bytes(t.name), t.referrer_share, t.referee_discount, t.discount_days) for t in proposal.tiers]
    described = "; ".join(
        f"{t.name}: referrer {format_fraction(t.referrer_share)}, discount {format_fraction(t.referee_discount)} "
        f"for {t.discount_days} days"
        for t in proposal.tiers
    )
    share = proposal.builder_fee_share
    return [
        protocol_call(protocol_address, "setBuilderFeeShare", [0], "setBuilderFeeShare(0%) while the tiers change"),
        protocol_call(protocol_address, "setReferralTiers", [tiers], f"setReferralTiers({described})"),
        protocol_call(protocol_address, "setBuilderFeeShare", [share], f"setBuilderFeeShare({format_fraction(share)})"),
    ]
