"""The protocol's state as a reviewer reads it: every parameter by path, with its unit, before and after.

`protocol_state` is what check 2 diffs (markets, protocol-wide parameters, modules); `role_state` is what check 5
diffs (ownership, guardians, timelock roles and delay, Governor settings)."""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils import keccak

from governance.markets import STATUS_NAMES
from governance.protocol import PARAM_FIELDS
from governance.toolchain import abi
from governance.units import format_fraction, format_leverage, format_tao

ZERO = "0x0000000000000000000000000000000000000000"

#: Unit of each market parameter, by its field name.
PARAM_UNITS = {
    "max_leverage": "x",
    "maintenance_margin": "%",
    "partial_liquidation_band": "%",
    "taker_fee": "%",
    "maker_fee": "%",
    "max_funding_rate_8h": "% per 8 h",
    "price_band": "%",
    "max_open_interest": "TAO",
    "min_pool_tao": "TAO",
}
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
            return format_tao(self.raw, 4)
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
    state["protocol.opens_paused"] = Value(guard(lambda: f.opensPaused().call()), "")
    for module_id in guard(lambda: f.moduleIds().call()):
        name = module_id.rstrip(b"\0").decode(errors="replace")
        implementation = guard(lambda m=module_id: f.moduleImplementation(m).call())
        selectors = guard(lambda m=module_id: f.moduleSelectors(m).call())
        state[f"modules.{name}.implementation"] = Value(implementation, "address")
        state[f"modules.{name}.selectors"] = Value(",".join(sorted("0x" + s.hex() for s in selectors)), "")
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
    timelock = gov.chain.contract(gov.timelock_address, abi("TimelockController")).functions
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
