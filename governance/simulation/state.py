"""The protocol's state as a reviewer reads it: every parameter by path, with its unit, before and after.

`protocol_state` (markets, protocol-wide parameters, those of the other contracts governance owns, modules) and
`role_state` (ownership, guardians, timelock roles and delay, Governor settings) are what check 2 diffs against the
file's keys; check 5 diffs `role_state` alone, where only what a key asks for may change."""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils import keccak

from megatao.clients.markets import STATUS_NAMES
from megatao.clients.protocol import PARAM_FIELDS
from megatao.core.params import MARKET, PROTOCOL
from megatao.core.units import format_duration, format_fraction, format_leverage, format_tao
from megatao.node.toolchain import abi

ZERO = "0x0000000000000000000000000000000000000000"
#: A deposit cap of 2^128 - 1 wei: no cap (the LP module's genesis).
NO_CAP = 2**128 - 1
#: `epochSchedule()` field order (ILpModule.EpochSchedule).
SCHEDULE_FIELDS = (
    "epoch_length",
    "deposit_window",
    "withdrawal_window",
    "next_epoch_length",
    "next_deposit_window",
    "next_withdrawal_window",
    "next_from",
    "next_epoch",
)

#: Unit of each market parameter, by its field name.
PARAM_UNITS = {p.key: p.kind.symbol for p in MARKET}
PROTOCOL_UNITS = {p.key: p.kind.symbol for p in PROTOCOL}
TIMELOCK_ROLES = ("DEFAULT_ADMIN_ROLE", "PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE")


@dataclass(frozen=True)
class Value:
    raw: int | str | bool | None  # None: does not exist (a market not listed yet)
    unit: str  # "%", "x", "TAO", "s", "address", "" ...

    def shown(self) -> str:
        if self.raw is None:
            return "(none)"
        if isinstance(self.raw, bool | str):
            return str(self.raw).lower() if isinstance(self.raw, bool) else self.raw
        if self.unit.startswith("%"):
            return format_fraction(self.raw) + self.unit[1:]
        if self.unit == "x":
            return format_leverage(self.raw)
        if self.unit == "TAO":
            return "no cap" if self.raw >= NO_CAP else format_tao(self.raw, 4)
        if self.unit == "duration":
            return f"{format_duration(self.raw)} ({self.raw:,} s)"
        if self.unit == "days":
            return f"{self.raw:,} days"
        if self.unit == "MEGA":
            return f"{self.raw / 10**18:,.0f} MEGA"
        if self.unit == "s":
            return f"{self.raw:,} s"
        return str(self.raw)

    def as_json(self):
        return {
            "raw": self.raw if not isinstance(self.raw, int) or isinstance(self.raw, bool) else str(self.raw),
            "unit": self.unit,
            "shown": self.shown(),
        }


State = dict[str, Value]


def protocol_state(protocol) -> State:
    """Every market's parameters and status, the protocol-wide parameters and each module's implementation."""
    f = protocol.contract.functions
    guard = protocol.chain.guard
    state: State = {}
    for market_id in guard(lambda: f.marketIds().call()):
        ticker, kind, status, netuid, _listed_at, params = guard(lambda i=market_id: f.market(i).call())
        prefix = f"markets.{ticker}"
        state[f"{prefix}.status"] = Value(STATUS_NAMES[status], "")
        state[f"{prefix}.kind"] = Value("alpha" if kind == 0 else "index", "")
        state[f"{prefix}.netuid"] = Value(netuid, "")
        for name, value in zip(PARAM_FIELDS, params, strict=True):
            state[f"{prefix}.{name}"] = Value(value, PARAM_UNITS[name])
    fee, keeper, insurance, vault = guard(lambda: f.liquidationParams().call())
    state["protocol.liquidation_fee"] = Value(fee, "%")
    state["protocol.liquidation_fee_split.keeper"] = Value(keeper, "%")
    state["protocol.liquidation_fee_split.insurance_fund"] = Value(insurance, "%")
    state["protocol.liquidation_fee_split.vault"] = Value(vault, "%")
    insurance_share, referral_share = guard(lambda: f.tradingFeeSplit().call())
    state["protocol.insurance_fee_share"] = Value(insurance_share, "%")
    state["protocol.referral_fee_share"] = Value(referral_share, "%")
    increase, breaker = guard(lambda: f.utilizationLimits().call())
    state["protocol.max_utilization_for_increase"] = Value(increase, "%")
    state["protocol.circuit_breaker_utilization"] = Value(breaker, "%")
    account_cap, total_cap = guard(lambda: f.collateralCaps().call())
    state["protocol.collateral_cap_per_account"] = Value(account_cap, "TAO")
    state["protocol.collateral_cap_total"] = Value(total_cap, "TAO")
    risk = guard(lambda: f.riskParams().call())
    for key, value in zip(("min_margin", "min_keeper_fee", "max_pnl_factor", "max_profit_multiple"), risk, strict=True):
        state[f"protocol.{key}"] = Value(value, PROTOCOL_UNITS[key])
    settle_after, index_max_age = guard(lambda: f.oracleParams().call())
    state["protocol.settle_after"] = Value(settle_after, "duration")
    state["protocol.index_max_age"] = Value(index_max_age, "duration")
    state["protocol.max_pause"] = Value(guard(lambda: f.maxPause().call()), "duration")
    state["protocol.opens_paused"] = Value(guard(lambda: f.opensPaused().call()), "")
    state.update(governed_contracts_state(protocol))
    names = []
    for module_id in guard(lambda: f.moduleIds().call()):
        name = module_id.rstrip(b"\0").decode(errors="replace")
        names.append(name)
        implementation = guard(lambda m=module_id: f.moduleImplementation(m).call())
        selectors = guard(lambda m=module_id: f.moduleSelectors(m).call())
        state[f"modules.{name}.implementation"] = Value(implementation, "address")
        state[f"modules.{name}.selectors"] = Value(",".join(sorted("0x" + s.hex() for s in selectors)), "")
    if "lp" in names:
        state.update(lp_state(protocol))
    if "referral" in names:
        state.update(referral_state(protocol))
    return state


def governed_contracts_state(protocol) -> State:
    """The protocol-params values held by the contracts governance owns besides the protocol: the upgrade delay of
    its owner (the timelock, when the owner is one) and the elapsed cap of the index markets' oracle (the MTSOS
    oracle), as `protocol.upgrade_delay` and `protocol.mtsos_max_elapsed`."""
    f = protocol.contract.functions
    chain = protocol.chain
    state: State = {}
    owner = chain.guard(lambda: f.owner().call())
    if chain.guard(lambda: chain.w3.eth.get_code(owner)):
        timelock = chain.contract(owner, abi("IMegaTAOTimelock")).functions
        delay = _optional(chain, lambda: timelock.upgradeDelay().call())
        if delay is not None:
            state["protocol.upgrade_delay"] = Value(delay, "duration")
    oracles = set()
    for market_id in chain.guard(lambda: f.marketIds().call()):
        if chain.guard(lambda i=market_id: f.market(i).call())[1] == 1:  # an index market
            oracles.add(chain.guard(lambda i=market_id: f.indexOracle(i).call()))
    caps = {
        cap
        for oracle in sorted(oracles)
        if (cap := _optional(chain, chain.contract(oracle, abi("IMtsosOracle")).functions.maxElapsed().call))
        is not None
    }
    if len(caps) == 1:
        state["protocol.mtsos_max_elapsed"] = Value(caps.pop(), "duration")
    return state


def _optional(chain, read):
    """A view that a contract may not have (an owner that is not a timelock, an oracle without a cap): None then."""
    from web3.exceptions import BadFunctionCallOutput, ContractCustomError, ContractLogicError

    def attempt():
        try:
            return read()
        except (BadFunctionCallOutput, ContractCustomError, ContractLogicError):
            return None

    return chain.guard(attempt)


def read_schedule(protocol) -> dict[str, int]:
    """`epochSchedule()` by field name: the schedule in force, and the one set for the next epoch (`next_from`
    0: none)."""
    raw = protocol.chain.guard(lambda: protocol.contract.functions.epochSchedule().call())
    return dict(zip(SCHEDULE_FIELDS, raw, strict=True))


def lp_state(protocol) -> State:
    """The schedule of the next epoch (the pending one governance set, which takes effect at the next epoch boundary,
    or else the one in force) and the deposit caps (in force at once). Only values that time alone does not change:
    check 2 compares before the vote with after the execution, days apart, and a pending schedule may come into force
    in between (the next epoch's schedule stays the same when it does). The current epoch, its start and the
    schedule in force are check 7's."""
    s = read_schedule(protocol)
    account_cap, total_cap = protocol.chain.guard(lambda: protocol.contract.functions.depositCaps().call())
    pending = s["next_from"] != 0
    state: State = {}
    for name in ("epoch_length", "deposit_window", "withdrawal_window"):
        state[f"lp.next_epoch.{name}"] = Value(s[f"next_{name}"] if pending else s[name], "duration")
    state["lp.deposit_cap_per_account"] = Value(account_cap, "TAO")
    state["lp.deposit_cap_total"] = Value(total_cap, "TAO")
    return state


def referral_state(protocol) -> State:
    """The referral tier table (each tier's name, referrer share, referee discount, discount days) and the builder
    share. The trading-fee split's referral share, which the referral setters maintain, is
    `protocol.referral_fee_share`."""
    f = protocol.contract.functions
    guard = protocol.chain.guard
    tiers = guard(lambda: f.referralTiers().call())
    state: State = {
        "referral.tier_count": Value(len(tiers), ""),
        "referral.builder_fee_share": Value(guard(lambda: f.builderFeeShare().call()), "%"),
    }
    for i, (name, share, discount, days) in enumerate(tiers):
        state[f"referral.tiers[{i}].name"] = Value(bytes(name).rstrip(b"\0").decode("ascii", errors="replace"), "")
        state[f"referral.tiers[{i}].referrer_share"] = Value(share, "%")
        state[f"referral.tiers[{i}].referee_discount"] = Value(discount, "%")
        state[f"referral.tiers[{i}].discount_days"] = Value(days, "days")
    return state


def role_state(gov, accounts: list[str]) -> State:
    """Ownership and guardians of MegaTAO, the timelock's roles for `accounts` and its delay, the Governor's
    settings and guardian."""
    f = gov.protocol.contract.functions
    guard = gov.chain.guard
    state: State = {
        "megatao.owner": Value(guard(lambda: f.owner().call()), "address"),
        "megatao.pendingOwner": Value(guard(lambda: f.pendingOwner().call()), "address"),
        "megatao.guardian": Value(guard(lambda: f.guardian().call()), "address"),
    }
    timelock = gov.chain.contract(gov.timelock_address, abi("MegaTAOTimelock")).functions
    state["timelock.minDelay"] = Value(guard(lambda: timelock.getMinDelay().call()), "s")
    for role in TIMELOCK_ROLES:
        role_id = bytes(32) if role == "DEFAULT_ADMIN_ROLE" else keccak(text=role)
        for account in sorted(set(accounts)):
            held = guard(lambda r=role_id, a=account: timelock.hasRole(r, a).call())
            state[f"timelock.{role}.{account}"] = Value(held, "")
    g = gov.governor.functions
    state["governor.proposalGuardian"] = Value(guard(lambda: g.proposalGuardian().call()), "address")
    state["governor.timelock"] = Value(guard(lambda: g.timelock().call()), "address")
    state["governor.votingDelay"] = Value(guard(lambda: g.votingDelay().call()), "s")
    state["governor.votingPeriod"] = Value(guard(lambda: g.votingPeriod().call()), "s")
    state["governor.proposalThreshold"] = Value(guard(lambda: g.proposalThreshold().call()), "MEGA")
    state["governor.quorumNumerator"] = Value(guard(lambda: g.quorumNumerator().call()), "")
    state["governor.lateQuorumVoteExtension"] = Value(guard(lambda: g.lateQuorumVoteExtension().call()), "s")
    return state


def diff(before: State, after: State) -> list[tuple[str, Value, Value]]:
    """(path, before, after) of every path whose value differs, sorted by path; a new path's before is None."""
    rows = []
    for path in sorted(set(before) | set(after)):
        old = before.get(path, Value(None, after[path].unit if path in after else ""))
        new = after.get(path, Value(None, old.unit))
        if old.raw != new.raw:
            rows.append((path, old, new))
    return rows


@dataclass(frozen=True)
class EpochWindows:
    """One LP epoch: its number, start and schedule, and where its windows end (`[start, start + window)`)."""

    epoch: int
    start: int
    length: int
    deposit_window: int
    withdrawal_window: int
    schedule: str  # "in force" or "pending (set by governance)"

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def deposit_closes(self) -> int:
        return self.start + self.deposit_window

    @property
    def withdrawal_closes(self) -> int:
        return self.start + self.withdrawal_window


@dataclass(frozen=True)
class LpCalendar:
    """The LP calendar as read at `read_at`: the epoch then and its start, the schedule in force and the pending
    one (`next_from` 0: none), from which every later epoch follows (LpLogic.epochOf, rollSchedule)."""

    read_at: int
    epoch: int
    start: int
    schedule: dict[str, int]

    def at(self, t: int) -> EpochWindows:
        """The epoch containing time `t` (at or after `read_at`) and its windows."""
        s = self.schedule
        if s["next_from"] and t >= s["next_from"]:
            length = s["next_epoch_length"]
            k = (t - s["next_from"]) // length
            return EpochWindows(
                s["next_epoch"] + k,
                s["next_from"] + k * length,
                length,
                s["next_deposit_window"],
                s["next_withdrawal_window"],
                "pending at the read (set by governance)",
            )
        length = s["epoch_length"]
        k = (t - self.start) // length
        return EpochWindows(
            self.epoch + k, self.start + k * length, length, s["deposit_window"], s["withdrawal_window"], "in force"
        )


def read_calendar(protocol) -> LpCalendar:
    """The LP calendar now (`currentEpoch()`, `epochSchedule()` and the latest block's time)."""
    f = protocol.contract.functions
    guard = protocol.chain.guard
    epoch, start = guard(lambda: f.currentEpoch().call())
    now = guard(lambda: protocol.chain.w3.eth.get_block("latest")["timestamp"])
    return LpCalendar(now, epoch, start, read_schedule(protocol))
