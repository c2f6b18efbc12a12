"""referral-config: the referral program's tier table and the builder's share of the taker fee
(docs/protocol.md section 8).

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

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, create_model

from governance.proposals import bounds
from governance.proposals.base import ChainContext, ExpectedCall, Header, KeyTarget, Rules, Strict, Violation
from governance.proposals.calls import Action, Context, protocol_call
from megatao.core import params
from megatao.core.params import model_fields
from megatao.core.units import WAD, format_fraction

KIND = "referral-config"
#: The referral namespace (builder share and tier count, the tiers and their names) and the fee namespace
#: (`tradingReferralShare`, which the referral setters keep equal to the largest tier's share + discount plus the
#: builder share).
NAMESPACES = {"referral", "fee"}
EVENTS = ["BuilderFeeShareSet", "ReferralTierSet"]


class _ReferralTier(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    """Tier name: lower-case letters, digits and dashes."""


ReferralTier = create_model(
    "ReferralTier", __base__=_ReferralTier, **model_fields(params.under(params.REFERRAL, "tiers"))
)


class _ReferralConfig(Header):
    kind: Literal["referral-config"]
    tiers: list[ReferralTier] = Field(min_length=1)  # type: ignore[valid-type]


Model = create_model("ReferralConfig", __base__=_ReferralConfig, **model_fields(params.top_level(params.REFERRAL)))

RULES = Rules(KIND)


@RULES("REFERRAL-SHARE-BOUNDS", "referrer share and referee discount each within 0..50%")
def _referral_share_bounds(p) -> Iterator[Violation]:
    low, high = bounds.REFERRAL_SHARE
    for index, tier in enumerate(p.tiers):
        for key in ("referrer_share", "referee_discount"):
            value = getattr(tier, key)
            if not low <= value <= high:
                message = f"found {format_fraction(value)}, expected {format_fraction(low)}..{format_fraction(high)}"
                yield ("tiers", index, key), message, ""


@RULES("FEE-SHARES-SUM", "referrer share + referee discount + builder share at most 100% of the fee")
def _fee_shares_sum(p) -> Iterator[Violation]:
    for index, tier in enumerate(p.tiers):
        total = tier.referrer_share + tier.referee_discount + p.builder_fee_share
        if total > WAD:
            yield (
                ("tiers", index, "referrer_share"),
                f"tier '{tier.name}' gives away {format_fraction(total)} of the fee with the builder share, "
                "expected at most 100%",
                "lower the referrer share, the discount or builder_fee_share",
            )


@RULES("TIER-NAMES-UNIQUE", "every tier has its own name")
def _tier_names_unique(p) -> Iterator[Violation]:
    seen: set[str] = set()
    for index, tier in enumerate(p.tiers):
        if tier.name in seen:
            yield ("tiers", index, "name"), f"tier name '{tier.name}' is used twice", ""
        seen.add(tier.name)


def referral_actions(proposal, protocol_address: str) -> list[Action]:
    from megatao.clients.referral import name_bytes

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


def actions(p, ctx: Context) -> list[Action]:
    return referral_actions(p, ctx.protocol)


def expected_calls(p, protocol, fork_chain) -> list[ExpectedCall]:
    """setBuilderFeeShare(0) (cleared while the table changes), setReferralTiers(the file's tiers, in order, names
    as left-aligned ASCII), setBuilderFeeShare(the file's share)."""

    def cleared(args):
        return [("builder_fee_share (cleared while the tiers change)", 0, args["share"])]

    def tiers(args):
        got = list(args["tiers"])
        rows = [("tiers (count)", len(p.tiers), len(got))]
        for i, tier in enumerate(p.tiers):
            name, share, discount, days = _tier_fields(got[i]) if i < len(got) else (None,) * 4
            rows += [
                (f"tiers[{i}].name", tier.name.encode("ascii").ljust(32, b"\0"), name),
                (f"tiers[{i}].referrer_share", tier.referrer_share, share),
                (f"tiers[{i}].referee_discount", tier.referee_discount, discount),
                (f"tiers[{i}].discount_days", tier.discount_days, days),
            ]
        return rows

    def share(args):
        return [("builder_fee_share", p.builder_fee_share, args["share"])]

    return [("setBuilderFeeShare", cleared), ("setReferralTiers", tiers), ("setBuilderFeeShare", share)]


def _tier_fields(tier) -> tuple:
    """(name, referrerShare, refereeDiscount, discountDays) of a decoded ReferralTier (a dict or a tuple)."""
    if isinstance(tier, dict):
        return tier["name"], tier["referrerShare"], tier["refereeDiscount"], tier["discountDays"]
    return tuple(tier)


def referral_share(p) -> int:
    """The trading-fee split's referral share a referral-config leaves: the largest tier's referrer share + referee
    discount, plus the builder share (`ReferralLogic.reservedShare`)."""
    return max(t.referrer_share + t.referee_discount for t in p.tiers) + p.builder_fee_share


def key_targets(p, new_implementations: dict[str, str]) -> list[KeyTarget]:
    targets = [KeyTarget("tiers (count)", "referral.tier_count", len(p.tiers), derived=True)]
    for i, tier in enumerate(p.tiers):
        prefix = f"referral.tiers[{i}]"
        targets += [
            KeyTarget(f"tiers[{i}].name", f"{prefix}.name", tier.name),
            KeyTarget(f"tiers[{i}].referrer_share", f"{prefix}.referrer_share", tier.referrer_share),
            KeyTarget(f"tiers[{i}].referee_discount", f"{prefix}.referee_discount", tier.referee_discount),
            KeyTarget(f"tiers[{i}].discount_days", f"{prefix}.discount_days", tier.discount_days),
        ]
    targets += [
        KeyTarget("builder_fee_share", "referral.builder_fee_share", p.builder_fee_share),
        KeyTarget(
            "tiers + builder_fee_share (referral share of the fee split)",
            "protocol.referral_fee_share",
            referral_share(p),
            derived=True,
        ),
    ]
    return targets


def chain_checks(p, ctx: ChainContext) -> None:
    insurance, _ = ctx.chain.guard(lambda: ctx.functions.tradingFeeSplit().call())
    ctx.report.readings["insurance_fee_share"] = insurance
    for index, tier in enumerate(p.tiers):
        total = tier.referrer_share + tier.referee_discount + p.builder_fee_share + insurance
        if total > WAD:
            ctx.fail(
                "CHAIN-FEE-SHARES-SUM",
                ("tiers", index, "referrer_share"),
                f"tier '{tier.name}' with the builder share and the insurance fund's {format_fraction(insurance)} "
                f"gives away {format_fraction(total)} of the fee, expected at most 100%",
                "the setters would revert FeeSharesExceedFee at execution",
            )
