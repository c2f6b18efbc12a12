"""protocol-params: the protocol-wide parameters (docs/protocol.md sections 3a and 5 to 9), each written only when
the file names it.

One setter call per group of keys that a setter takes together, in the table's order (megatao/core/params.py,
PROTOCOL); a setter that takes several values keeps the current ones of those the file leaves out. Most setters are
the protocol's (its entry contract's); two are on the other contracts governance owns, each called at its own
address: the MTSOS index oracle's `setMaxElapsed` and the timelock's own `setUpgradeDelay` (an upgrade call, so a
proposal that names `upgrade_delay` waits the upgrade delay, not the timelock's minimum delay)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import create_model

from governance.proposals import bounds
from governance.proposals.base import ChainContext, ExpectedCall, Header, KeyTarget, Rules, Strict, Violation
from governance.proposals.calls import Action, Context, contract_call
from megatao.core import params
from megatao.core.errors import InputError
from megatao.core.params import model_fields
from megatao.core.units import WAD, format_duration, format_fraction, format_tao

KIND = "protocol-params"
#: The storage each setter writes: the protocol's namespaces (contracts/protocol/storage/), or for a setter of another
#: contract, that contract (its own storage layout).
SETTER_WRITES = {
    "setTradingFeeSplit": {"fee"},
    "setLiquidationFee": {"fee"},
    "setLiquidationFeeSplit": {"fee"},
    "setUtilizationLimits": {"vault"},
    "setCollateralCaps": {"vault"},
    "setRiskParams": {"vault", "fee"},
    "setOracleParams": {"oracle"},
    "setMaxPause": {"router"},
    "setMaxElapsed": {"MtsosOracle"},
    "setUpgradeDelay": set(),  # the timelock's own storage, accounted as governance bookkeeping
}
#: Every namespace a protocol-params proposal may write; `namespaces(p)` is the file's own share of them.
NAMESPACES = set().union(*SETTER_WRITES.values())
#: The event each setter emits.
SETTER_EVENTS = {
    "setTradingFeeSplit": "TradingFeeSplitSet",
    "setLiquidationFee": "LiquidationFeeSet",
    "setLiquidationFeeSplit": "LiquidationFeeSplitSet",
    "setUtilizationLimits": "UtilizationLimitsSet",
    "setCollateralCaps": "CollateralCapsSet",
    "setRiskParams": "RiskParamsSet",
    "setOracleParams": "OracleParamsSet",
    "setMaxPause": "MaxPauseSet",
    "setMaxElapsed": "MaxElapsedSet",
    "setUpgradeDelay": "UpgradeDelaySet",
}
EVENTS: list[str] = []  # by the file's keys (expected_events)

LiquidationSplit = create_model(
    "LiquidationSplit", __base__=Strict, **model_fields(params.under(params.PROTOCOL, "liquidation_fee_split"))
)


class _ProtocolParams(Header):
    kind: Literal["protocol-params"]
    liquidation_fee_split: LiquidationSplit | None = None  # type: ignore[valid-type]
    """How the liquidation fee is split; the three shares sum to 100%."""


Model = create_model(
    "ProtocolParams", __base__=_ProtocolParams, **model_fields(params.top_level(params.PROTOCOL), optional=True)
)

RULES = Rules(KIND)


@RULES("PARAMS-NONEMPTY", "a protocol-params proposal changes at least one parameter")
def _params_nonempty(p) -> Iterator[Violation]:
    if not p.model_dump(exclude={"version", "kind", "title", "description"}, exclude_none=True):
        yield (), "no parameter to change", "name at least one of the protocol parameters"


@RULES("LIQUIDATION-FEE-BOUNDS", "liquidation fee within 0..10% (docs/protocol.md section 5)")
def _liquidation_fee_bounds(p) -> Iterator[Violation]:
    low, high = bounds.LIQUIDATION_FEE
    if p.liquidation_fee is not None and not low <= p.liquidation_fee <= high:
        message = (
            f"found {format_fraction(p.liquidation_fee)}, expected {format_fraction(low)}..{format_fraction(high)}"
        )
        yield ("liquidation_fee",), message, ""


@RULES("LIQUIDATION-SPLIT-SUM", "keeper + insurance fund + vault shares sum to exactly 100%")
def _liquidation_split_sum(p) -> Iterator[Violation]:
    split = p.liquidation_fee_split
    if split is not None:
        total = split.keeper + split.insurance_fund + split.vault
        if total != WAD:
            yield ("liquidation_fee_split",), f"the shares sum to {format_fraction(total)}, expected 100%", ""


@RULES("FRACTION-AT-MOST-ONE", "the insurance share of fees at most 100%")
def _fraction_at_most_one(p) -> Iterator[Violation]:
    if p.insurance_fee_share is not None and p.insurance_fee_share > WAD:
        yield ("insurance_fee_share",), f"found {format_fraction(p.insurance_fee_share)}, expected at most 100%", ""


@RULES("UTILIZATION-ORDER", "increase limit 10%..90%, the circuit breaker above it and at most 100%")
def _utilization_order(p) -> Iterator[Violation]:
    increase, breaker = p.max_utilization_for_increase, p.circuit_breaker_utilization
    low, high = bounds.MAX_UTILIZATION_FOR_INCREASE
    if increase is not None and not low <= increase <= high:
        message = f"found {format_fraction(increase)}, expected {format_fraction(low)}..{format_fraction(high)}"
        yield ("max_utilization_for_increase",), message, ""
    if breaker is not None and not 0 < breaker <= WAD:
        yield ("circuit_breaker_utilization",), f"found {format_fraction(breaker)}, expected at most 100%", ""
    if increase is not None and breaker is not None and increase >= breaker:
        yield (
            ("max_utilization_for_increase",),
            f"found {format_fraction(increase)}, expected below the circuit breaker ({format_fraction(breaker)})",
            "the breaker releases when utilization falls back below the increase limit",
        )


@RULES("COLLATERAL-CAP-BOUNDS", "collateral caps from 1 TAO to 2^96-1 wei")
def _collateral_cap_bounds(p) -> Iterator[Violation]:
    for key in ("collateral_cap_per_account", "collateral_cap_total"):
        value = getattr(p, key)
        if value is not None and value < bounds.MIN_COLLATERAL_CAP:
            yield (key,), f"found {format_tao(value)}, expected at least 1 TAO", ""
        if value is not None and value > bounds.MAX_COLLATERAL_CAP:
            yield (
                (key,),
                f"found {format_tao(value, 0)}, expected at most {format_tao(bounds.MAX_COLLATERAL_CAP, 0)}",
                "the vault keeps collateral caps in 96 bits; the largest value means no cap",
            )


@RULES("ACCOUNT-COLLATERAL-WITHIN-TOTAL", "per-account collateral cap at most the total cap")
def _collateral_caps(p) -> Iterator[Violation]:
    account, total = p.collateral_cap_per_account, p.collateral_cap_total
    if account is not None and total is not None and account > total:
        yield ("collateral_cap_per_account",), "expected at most collateral_cap_total", ""


def _bound_rule(row: params.Param) -> None:
    """A row's bounds (megatao/core/params.py, held against the Solidity constants by tests/test_params.py)."""
    low, high = row.bounds or (0, 0)

    def check(p) -> Iterator[Violation]:
        value = given(p, row.key)
        if value is not None and not low <= value <= high:
            found = f"found {row.show(value)}, expected {row.show(low)}..{row.show(high)}"
            yield tuple(row.key.split(".")), found, f"{_where(row)} rejects it"

    RULES(row.rule_id, f"{row.key} within {row.show(low)}..{row.show(high)}")(check)


def _where(row: params.Param) -> str:
    return {"IMtsosOracle": "the MTSOS oracle", "IMegaTAOTimelock": "the timelock"}.get(row.contract, "the protocol")


for _row in params.PROTOCOL:
    if _row.rule_id:
        _bound_rule(_row)


@RULES("MIN-MARGIN-AT-LEAST-KEEPER-FEE", "the min margin at least the min keeper fee")
def _min_margin_covers_keeper(p) -> Iterator[Violation]:
    margin, keeper = p.min_margin, p.min_keeper_fee
    if margin is not None and keeper is not None and margin < keeper:
        yield (
            ("min_margin",),
            f"found {format_tao(margin)}, expected at least the min keeper fee ({format_tao(keeper)})",
            "the liquidation module refuses it (RiskParamOutOfBounds): the smallest position must be able to pay the "
            "keeper floor",
        )


def given(p, key: str) -> Any:
    """The file's value of a (dotted) table key, or None where the file leaves it out."""
    value: Any = p
    for part in key.split("."):
        value = getattr(value, part, None) if value is not None else None
    return value


def _setters() -> dict[str, list[params.Param]]:
    """Each setter, in the table's order, with the rows it takes, in its arguments' order."""
    setters: dict[str, list[params.Param]] = {}
    for row in params.PROTOCOL:
        setters.setdefault(row.field.split(".")[0], []).append(row)
    return setters


def actions(p, ctx: Context) -> list[Action]:
    current = ctx.protocol_params or {}

    def value(key: str) -> int:
        found = given(p, key)
        if found is not None:
            return found
        if key not in current:
            raise InputError(f"the deployment does not report its current {key}")
        return current[key]

    result = []
    for setter, rows in _setters().items():
        if all(given(p, row.key) is None for row in rows):
            continue
        values = [value(row.key) for row in rows]
        readable = f"{setter}(" + ", ".join(row.show(v) for row, v in zip(rows, values, strict=True)) + ")"
        interface = rows[0].contract
        result.append(contract_call(ctx.address_of(interface), interface, setter, values, readable))
    return result


def expected_calls(p, protocol, fork_chain) -> list[ExpectedCall]:
    """The setter calls the file means, each on its contract, comparing only the values the file names."""

    def compare(rows: list[params.Param]):
        named = [(row.key, row.field.split(".")[1], given(p, row.key)) for row in rows]
        return lambda args: [(key, want, args[arg]) for key, arg, want in named if want is not None]

    return [
        (setter, compare(rows), rows[0].contract)
        for setter, rows in _setters().items()
        if any(given(p, row.key) is not None for row in rows)
    ]


def _named_setters(p) -> list[str]:
    return [s for s, rows in _setters().items() if any(given(p, row.key) is not None for row in rows)]


def namespaces(p) -> set[str]:
    """What the file's setters write (SETTER_WRITES)."""
    return set().union(*(SETTER_WRITES[s] for s in _named_setters(p)))


def expected_events(p) -> list[str]:
    return [SETTER_EVENTS[s] for s in _named_setters(p)]


def key_targets(p, new_implementations: dict[str, str]) -> list[KeyTarget]:
    top = [row for row in params.PROTOCOL if "." not in row.key]
    nested = [row for row in params.PROTOCOL if "." in row.key]
    return [
        KeyTarget(row.key, f"protocol.{row.key}", given(p, row.key))
        for row in top + nested
        if given(p, row.key) is not None
    ]


def chain_checks(p, ctx: ChainContext) -> None:
    """With the chain's current values: the min margin against the min keeper fee when the file names one of them,
    and a new upgrade delay against the protocol's longest LP exit (the timelock refuses one not longer)."""
    f, chain = ctx.functions, ctx.chain
    if (p.min_margin is None) != (p.min_keeper_fee is None):
        current_margin, current_keeper, *_ = chain.guard(lambda: f.riskParams().call())
        margin = current_margin if p.min_margin is None else p.min_margin
        keeper = current_keeper if p.min_keeper_fee is None else p.min_keeper_fee
        if margin < keeper:
            key = "min_margin" if p.min_margin is not None else "min_keeper_fee"
            ctx.fail(
                "CHAIN-MIN-MARGIN-AT-LEAST-KEEPER-FEE",
                (key,),
                f"the min margin {format_tao(margin)} would be below the min keeper fee {format_tao(keeper)} "
                "(with the protocol's current value of the other)",
                "the liquidation module rejects it: set both",
            )
    if p.upgrade_delay is not None:
        exit_ = chain.guard(lambda: f.longestLpExit().call())
        ctx.report.readings["longest_lp_exit"] = exit_
        if p.upgrade_delay <= exit_:
            ctx.fail(
                "CHAIN-UPGRADE-DELAY-LONGER-THAN-LP-EXIT",
                ("upgrade_delay",),
                f"found {format_duration(p.upgrade_delay)}, expected longer than the protocol's longest LP exit "
                f"({format_duration(exit_)}, {exit_:,} s)",
                "an LP must be able to leave before a queued upgrade executes; shorten the LP epochs first",
            )
