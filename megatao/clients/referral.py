"""The referral program on chain: codes, a trader's referrer, builders, tiers and rewards (docs/protocol.md section 8).

A referral code is 3..32 characters A-Z, 0-9 or `_`, stored as its ASCII bytes left-aligned in a bytes32 (zero bytes
after). Codes are case-insensitive here: the text is upper-cased before it is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3 import Web3

from megatao.clients.protocol import Protocol
from megatao.core.errors import InputError

CODE_RE = re.compile(r"^[A-Z0-9_]{3,32}$")
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
WEI_PER_RAO = 10**9
DAY = 86400


def parse_code(text: str) -> bytes:
    """The bytes32 of referral code `text` (upper-cased), or an InputError that says what a code may be."""
    code = text.strip().upper()
    if not CODE_RE.match(code):
        raise InputError(
            f"'{text}' is not a referral code: 3 to 32 characters, letters A-Z, digits 0-9 or '_' (e.g. ALICE_2026)"
        )
    return code.encode("ascii").ljust(32, b"\0")


def code_text(code: bytes) -> str:
    """A code's text ('' for none)."""
    return bytes(code).rstrip(b"\0").decode("ascii", errors="replace")


def name_bytes(name: str) -> bytes:
    """A tier name as the bytes32 `setReferralTiers` takes (ASCII, left-aligned)."""
    raw = name.encode("ascii")
    if not raw or len(raw) > 32:
        raise InputError(f"tier name '{name}' must be 1 to 32 ASCII characters")
    return raw.ljust(32, b"\0")


@dataclass(frozen=True)
class Tier:
    index: int
    name: str
    referrer_share: int  # WAD of the taker fee
    referee_discount: int  # WAD of the taker fee
    discount_days: int


@dataclass(frozen=True)
class ReferralAccount:
    """`referralAccount(address)`, with the code texts and tier name resolved."""

    address: str
    code: str  # its own code ('' for none)
    tier: int
    tier_name: str
    builder: bool
    rewards: int  # wei
    referrer: str | None
    referrer_code: str
    first_trade_at: int  # 0: none since binding
    discount_ends_at: int  # 0: not started
    discount_now: int  # WAD

    @property
    def claimable(self) -> int:
        """What a claim pays now: the rewards in whole rao."""
        return self.rewards - self.rewards % WEI_PER_RAO

    def as_json(self) -> dict:
        """Rewards and the discount (WAD) as decimal strings, times as numbers (cli/base.py)."""
        return {
            "address": self.address,
            "code": self.code or None,
            "tier": self.tier,
            "tier_name": self.tier_name,
            "builder": self.builder,
            "rewards": str(self.rewards),
            "claimable": str(self.claimable),
            "referrer": self.referrer,
            "referrer_code": self.referrer_code or None,
            "first_trade_at": self.first_trade_at,
            "discount_ends_at": self.discount_ends_at,
            "discount_now": str(self.discount_now),
        }


class Referral:
    """The referral functions of the protocol recorded for `protocol`'s chain."""

    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.chain = protocol.chain
        self.functions = protocol.contract.functions

    # ------------------------------------------------------------ reads

    def code_owner(self, code: bytes) -> str | None:
        owner = self.chain.guard(lambda: self.functions.referralCodeOwner(code).call())
        return None if owner == ZERO_ADDRESS else owner

    def tiers(self) -> list[Tier]:
        rows = self.chain.guard(lambda: self.functions.referralTiers().call())
        return [Tier(i, code_text(name), share, discount, days) for i, (name, share, discount, days) in enumerate(rows)]

    def builder_fee_share(self) -> int:
        return self.chain.guard(lambda: self.functions.builderFeeShare().call())

    def account(self, address: str) -> ReferralAccount:
        address = Web3.to_checksum_address(address)
        row = self.chain.guard(lambda: self.functions.referralAccount(address).call())
        code, tier, builder, rewards, referrer, referrer_code, first, ends, discount = row
        tiers = self.tiers()
        return ReferralAccount(
            address=address,
            code=code_text(code),
            tier=tier,
            tier_name=tiers[tier].name if tier < len(tiers) else "",
            builder=builder,
            rewards=rewards,
            referrer=None if referrer == ZERO_ADDRESS else referrer,
            referrer_code=code_text(referrer_code),
            first_trade_at=first,
            discount_ends_at=ends,
            discount_now=discount,
        )

    def resolve(self, target: str) -> str:
        """An address, or the owner of a referral code."""
        if Web3.is_address(target):
            return Web3.to_checksum_address(target)
        owner = self.code_owner(parse_code(target))
        if owner is None:
            raise InputError(f"no account registered the referral code '{target.upper()}'")
        return owner

    # ------------------------------------------------------------ transactions

    def register(self, code_text_: str, sender: LocalAccount) -> bytes:
        """Registers `code` for `sender`; returns the bytes32 registered."""
        code = parse_code(code_text_)
        owner = self.code_owner(code)
        if owner is not None:
            raise InputError(f"the code '{code_text(code)}' belongs to {owner} already; choose another")
        mine = self.account(sender.address).code
        if mine:
            raise InputError(f"{sender.address} owns the code '{mine}' already: one code per account")
        self.chain.transact(self.functions.registerReferralCode(code), sender)
        return code

    def bind(self, code_text_: str, sender: LocalAccount) -> str:
        """Binds `sender` to the owner of `code` as its referrer (once); returns the referrer."""
        code = parse_code(code_text_)
        referrer = self.code_owner(code)
        if referrer is None:
            raise InputError(f"no account registered the referral code '{code_text(code)}'")
        if referrer == sender.address:
            raise InputError(f"'{code_text(code)}' is {sender.address}'s own code: no one refers themselves")
        current = self.account(sender.address).referrer
        if current is not None:
            raise InputError(f"{sender.address} is bound to {current} already: a referrer is set once")
        self.chain.transact(self.functions.bindReferralCode(code), sender)
        return referrer

    def claim(self, sender: LocalAccount) -> int:
        """Claims `sender`'s rewards in whole rao; returns the wei sent."""
        amount = self.account(sender.address).claimable
        if amount == 0:
            raise InputError(f"{sender.address} has no referral or builder rewards to claim (less than 1 rao)")
        self.chain.transact(self.functions.claimReferralRewards(), sender)
        return amount
