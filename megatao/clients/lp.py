"""The vault's LPs: status (epoch, windows, share values, caps, an account's shares and request), and the three LP
transactions: deposit, request-withdrawal, claim. Reads and sends through the entry contract (`ILpModule`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from eth_account.signers.local import LocalAccount
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.logs import DISCARD

from megatao.clients.protocol import Protocol
from megatao.core.errors import InputError, TransactionError
from megatao.core.units import format_duration, format_tao
from megatao.node.chain import Chain

SHARE_UNIT = 10**18
WAD = 10**18
REQUEST_STATUS = {0: "none", 1: "pending", 2: "claimable", 3: "void"}
#: `lpStatus` field order (ILpModule.LpStatus).
STATUS_FIELDS = (
    "epoch",
    "epoch_start",
    "epoch_end",
    "deposit_window_open",
    "deposit_window_edge",
    "withdrawal_window_open",
    "withdrawal_window_edge",
    "deposit_share_value",
    "withdrawal_share_value",
    "deposit_equity",
    "withdrawal_equity",
    "total_shares",
    "reserves",
    "utilization",
    "utilization_limit",
    "account_deposit_cap",
    "global_deposit_cap",
    "shares",
    "request_shares",
    "request_epoch",
    "request_status",
    "request_value",
)
NO_CAP = 2**128 - 1


@dataclass(frozen=True)
class LpStatus:
    """`lpStatus(account)` at block time `now`. Amounts wei, share values wei per 1e18 shares, ratios WAD."""

    account: str
    now: int
    epoch: int
    epoch_start: int
    epoch_end: int
    deposit_window_open: bool
    deposit_window_edge: int  # closes at (open) or next opens at (closed)
    withdrawal_window_open: bool
    withdrawal_window_edge: int
    deposit_share_value: int
    withdrawal_share_value: int
    deposit_equity: int
    withdrawal_equity: int
    total_shares: int
    reserves: int
    utilization: int
    utilization_limit: int
    account_deposit_cap: int
    global_deposit_cap: int
    shares: int
    request_shares: int
    request_epoch: int
    request_status: str
    request_value: int

    @classmethod
    def from_tuple(cls, account: str, now: int, values) -> LpStatus:
        fields = dict(zip(STATUS_FIELDS, values, strict=True))
        fields["request_status"] = REQUEST_STATUS[fields["request_status"]]
        return cls(account=account, now=now, **fields)

    def window_line(self, name: str) -> str:
        """'open, closes in 1d 2h (at 1700000000)' or 'closed, opens in 5d (at ...)'."""
        is_open = self.deposit_window_open if name == "deposit" else self.withdrawal_window_open
        edge = self.deposit_window_edge if name == "deposit" else self.withdrawal_window_edge
        wait = format_duration(max(edge - self.now, 0)) or "0s"
        return f"open, closes in {wait} (at {edge})" if is_open else f"closed, opens in {wait} (at {edge})"

    def request_line(self) -> str:
        if self.request_status == "none":
            return "none"
        shares = format_shares(self.request_shares)
        if self.request_status == "pending":
            return (
                f"{shares} shares requested in epoch {self.request_epoch}, claimable in epoch "
                f"{self.request_epoch + 1}'s withdrawal window (opens at {self.epoch_end}); "
                f"worth {format_tao(self.request_value)} now"
            )
        if self.request_status == "claimable":
            return (
                f"{shares} shares claimable now until {self.withdrawal_window_edge} "
                f"(worth {format_tao(self.request_value)} now): megatao lp claim"
            )
        return f"{shares} shares of epoch {self.request_epoch}: void (missed), returned by `megatao lp claim`"

    @property
    def shares_value(self) -> int:
        """What the account's shares are worth at the withdrawal value, wei."""
        return self.shares * self.withdrawal_share_value // SHARE_UNIT

    def to_json(self) -> dict:
        """Amounts, share counts and ratios as decimal strings; times, epochs as numbers (cli/base.py)."""
        return {
            "account": self.account,
            "now": self.now,
            "epoch": self.epoch,
            "epoch_start": self.epoch_start,
            "epoch_end": self.epoch_end,
            "deposit_window": {"open": self.deposit_window_open, "edge": self.deposit_window_edge},
            "withdrawal_window": {"open": self.withdrawal_window_open, "edge": self.withdrawal_window_edge},
            "deposit_share_value": str(self.deposit_share_value),
            "withdrawal_share_value": str(self.withdrawal_share_value),
            "deposit_equity": str(self.deposit_equity),
            "withdrawal_equity": str(self.withdrawal_equity),
            "total_shares": str(self.total_shares),
            "reserves": str(self.reserves),
            "utilization": str(self.utilization),
            "utilization_limit": str(self.utilization_limit),
            "account_deposit_cap": str(self.account_deposit_cap),
            "global_deposit_cap": str(self.global_deposit_cap),
            "shares": str(self.shares),
            "shares_value": str(self.shares_value),
            "request": {
                "shares": str(self.request_shares),
                "epoch": self.request_epoch,
                "status": self.request_status,
                "value": str(self.request_value),
            },
        }


def format_shares(units: int) -> str:
    """'12.5' for 12.5e18 share units (up to 18 decimals, trailing zeros dropped)."""
    text = f"{Decimal(units) / SHARE_UNIT:,.18f}".rstrip("0").rstrip(".")
    return text or "0"


def format_cap(wei: int) -> str:
    return "none" if wei >= NO_CAP else format_tao(wei)


def parse_shares(text: str, available: int) -> int:
    """Share units in `text`: a number of shares (18 decimals) or 'all' (`available`)."""
    raw = str(text).strip().replace("_", "").replace(",", "")
    if raw.lower() == "all":
        if available == 0:
            raise InputError("no free shares to request: the account holds none outside escrow")
        return available
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InputError(f"shares '{text}' is not a number: write e.g. 12.5, or 'all'") from None
    units = value * SHARE_UNIT
    if value <= 0 or units != units.to_integral_value():
        raise InputError(f"shares '{text}' must be positive, with at most 18 decimals")
    if units > available:
        raise InputError(f"shares '{text}' exceed the account's {format_shares(available)} free shares")
    return int(units)


@dataclass(frozen=True)
class LpResult:
    tx_hash: str
    amount: int  # wei deposited or paid
    shares: int  # shares minted, requested or burned


class Lp:
    """The LP functions of the protocol recorded for `chain`."""

    def __init__(self, chain: Chain, protocol: Protocol | None = None):
        self.chain = chain
        self.protocol = protocol or Protocol(chain)
        self.functions = self.protocol.contract.functions

    def _now(self) -> int:
        return self.chain.guard(lambda: self.chain.w3.eth.get_block("latest")["timestamp"])

    def status(self, account: str) -> LpStatus:
        try:
            values = self.chain.guard(lambda: self.functions.lpStatus(account).call())
        except (ContractCustomError, ContractLogicError):
            raise InputError(
                f"the LP module is not deployed on chain {self.chain.chain_id} (lpStatus is not served by "
                f"{self.protocol.address})"
            ) from None
        return LpStatus.from_tuple(account, self._now(), values)

    def token(self) -> str:
        return self.chain.guard(lambda: self.functions.lpToken().call())

    def deposit(self, signer: LocalAccount, amount: int) -> LpResult:
        s = self.status(signer.address)
        if amount <= 0:
            raise InputError("the amount must be positive")
        if not s.deposit_window_open:
            raise InputError(f"the deposit window is closed: {s.window_line('deposit')}")
        receipt = self.chain.transact(self.functions.deposit(), signer, value=amount)
        shares = self._event_arg(receipt, "LpDeposited", "shares")
        return LpResult(_hash(receipt), amount, shares)

    def request_withdrawal(self, signer: LocalAccount, shares_text: str) -> LpResult:
        s = self.status(signer.address)
        if not s.withdrawal_window_open:
            raise InputError(f"the withdrawal window is closed: {s.window_line('withdrawal')}")
        if s.request_status == "claimable":
            raise InputError(
                f"a request of epoch {s.request_epoch} is claimable now: claim it first (megatao lp claim)"
            )
        shares = parse_shares(shares_text, s.shares)
        receipt = self.chain.transact(self.functions.requestWithdrawal(shares), signer)
        return LpResult(_hash(receipt), 0, shares)

    def claim(self, signer: LocalAccount) -> tuple[LpResult, str]:
        """Claims the request (or releases a void one); returns the result and 'claimed' or 'released'."""
        s = self.status(signer.address)
        if s.request_status == "none":
            raise InputError(f"{signer.address} has no withdrawal request")
        if s.request_status == "pending":
            raise InputError(f"not claimable yet: {s.request_line()}")
        receipt = self.chain.transact(self.functions.claimWithdrawal(), signer)
        if s.request_status == "void":
            return LpResult(_hash(receipt), 0, s.request_shares), "released"
        amount = self._event_arg(receipt, "WithdrawalClaimed", "amount")
        return LpResult(_hash(receipt), amount, s.request_shares), "claimed"

    def _event_arg(self, receipt, event: str, arg: str) -> int:
        logs = getattr(self.protocol.contract.events, event)().process_receipt(receipt, errors=DISCARD)
        if not logs:
            raise TransactionError(f"no {event} event in transaction {_hash(receipt)}")
        return logs[0]["args"][arg]


def _hash(receipt) -> str:
    return "0x" + bytes(receipt["transactionHash"]).hex()


def utilization_text(status: LpStatus) -> str:
    return f"{status.utilization * 100 / WAD:.2f}% (claims wait above {status.utilization_limit * 100 / WAD:.0f}%)"
