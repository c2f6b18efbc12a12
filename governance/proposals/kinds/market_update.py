"""market-update: new values for some of a listed market's parameters, and/or a new status.

`updateMarketParams(marketId, MarketParams)` with the market's current values for the keys the file leaves out,
then `setMarketStatus(marketId, status)` when the file names one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from governance.proposals.base import (
    ChainContext,
    ExpectedCall,
    Header,
    KeyTarget,
    Rules,
    Strict,
    Violation,
    run_rules,
)
from governance.proposals.calls import Action, Context, protocol_call
from governance.proposals.issues import Finding
from governance.proposals.kinds import market
from governance.proposals.kinds.market import STATUS_VALUES, MarketChanges
from megatao.clients.markets import KIND_ALPHA
from megatao.core import params
from megatao.core.errors import InputError
from megatao.core.fields import TaoAmount
from megatao.core.params import MARKET_KEYS, MARKET_PATHS, market_file_values

KIND = "market-update"
#: `setMarketStatus` writes the market only; `updateMarketParams` first brings the market's reference price and its
#: funding and interest accruals up to now under the old parameters (the oracle and funding namespaces).
NAMESPACES = {"market", "oracle", "funding"}
EVENTS: list[str] = []  # MarketParamsUpdated and/or MarketStatusSet, by the file's keys (expected_events)


class UpdateOracle(Strict):
    min_pool_tao: TaoAmount = Field(description="A new liquidity threshold.")


class MarketUpdate(Header):
    kind: Literal["market-update"]
    market: MarketChanges  # type: ignore[valid-type]
    oracle: UpdateOracle | None = None


Model = MarketUpdate
RULES = Rules(KIND, include=market.RULES)


@RULES("UPDATE-CHANGES-SOMETHING", "a market update changes at least one key")
def _update_changes_something(p: Model) -> Iterator[Violation]:
    changes = p.market.model_dump(exclude={"ticker"}, exclude_none=True)
    if not changes and p.oracle is None:
        yield ("market",), "no key to change", "name at least one parameter, the status, or oracle.min_pool_tao"


def changes(p: Model) -> dict[str, int]:
    """The market parameters the file names, by key, wherever the file writes them."""
    return {k: v for k, v in market_file_values(p.market, p.oracle).items() if v is not None}


def actions(p: Model, ctx: Context) -> list[Action]:
    ticker = p.market.ticker
    if not ctx.current_params or ticker not in ctx.current_params or not ctx.market_ids:
        raise InputError(f"market '{ticker}' is not listed on this deployment")
    market_id = ctx.market_ids[ticker]
    changed = changes(p)
    result = []
    if changed:
        values = dict(zip(MARKET_KEYS, ctx.current_params[ticker], strict=True)) | changed
        readable = f"updateMarketParams({ticker}: {', '.join(sorted(changed))})"
        result.append(protocol_call(ctx.protocol, "updateMarketParams", [market_id, tuple(values.values())], readable))
    if p.market.status is not None:
        status = STATUS_VALUES[p.market.status]
        readable = f"setMarketStatus({ticker}, {p.market.status})"
        result.append(protocol_call(ctx.protocol, "setMarketStatus", [market_id, status], readable))
    return result


def expected_calls(p: Model, protocol, fork_chain) -> list[ExpectedCall]:
    changed = changes(p)
    market_id = protocol.chain.guard(lambda: protocol.contract.functions.marketIdByTicker(p.market.ticker).call())
    calls: list[ExpectedCall] = []
    if changed:

        def update(args):
            rows = [("market.ticker", "0x" + market_id.hex(), "0x" + args["marketId"].hex())]
            values = dict(zip(MARKET_KEYS, args["params"].values(), strict=True))
            rows += [(MARKET_PATHS[key], changed[key], values[key]) for key in sorted(changed)]
            return rows

        calls.append(("updateMarketParams", update))
    if p.market.status is not None:
        calls.append(
            (
                "setMarketStatus",
                lambda args: [
                    ("market.ticker", "0x" + market_id.hex(), "0x" + args["marketId"].hex()),
                    ("market.status", STATUS_VALUES[p.market.status], args["status"]),
                ],
            )
        )
    return calls


def namespaces(p: Model) -> set[str]:
    return {"market"} | ({"oracle", "funding"} if changes(p) else set())


def expected_events(p: Model) -> list[str]:
    events = []
    if changes(p):
        events.append("MarketParamsUpdated")
    if p.market.status is not None:
        events.append("MarketStatusSet")
    return events


def key_targets(p: Model, new_implementations: dict[str, str]) -> list[KeyTarget]:
    prefix = f"markets.{p.market.ticker}"
    targets = [KeyTarget(MARKET_PATHS[k], f"{prefix}.{k}", v) for k, v in changes(p).items()]
    if p.market.status is not None:
        targets.append(KeyTarget("market.status", f"{prefix}.status", p.market.status))
    return targets


def chain_checks(p: Model, ctx: ChainContext) -> None:
    ticker, functions, chain = p.market.ticker, ctx.functions, ctx.chain
    market_id = chain.guard(lambda: functions.marketIdByTicker(ticker).call())
    if market_id == bytes(32):
        ctx.fail("CHAIN-MARKET-LISTED", ("market", "ticker"), f"no market '{ticker}' is listed", "check the ticker")
        return
    current = dict(zip(MARKET_KEYS, chain.guard(lambda: functions.marketParams(market_id).call()), strict=True))
    ctx.report.readings["current_params"] = current
    _check_alpha_only(p, ctx, alpha=chain.guard(lambda: functions.market(market_id).call())[1] == KIND_ALPHA)
    merged = current | p.market.model_dump(exclude={"ticker", "status"}, exclude_none=True)
    # The update's keys with the market's current values: the relations between keys must still hold.
    in_market = {k: merged[k] for k in merged if params.MARKET_PARAMS[k].place == "market"}
    updated = p.model_copy(update={"market": p.market.model_copy(update=in_market)})
    for finding in run_rules(RULES, updated, ctx.source):
        if finding.rule in {"MM-BELOW-INVERSE-LEVERAGE", "MAKER-AT-MOST-TAKER"}:
            ctx.report.findings.append(
                Finding(
                    f"CHAIN-{finding.rule}", finding.path, finding.line, finding.column,
                    finding.message + " (with the market's current values)", finding.hint,
                )
            )  # fmt: skip


def _check_alpha_only(p: Model, ctx: ChainContext, alpha: bool) -> None:
    """What offline validation leaves to the chain for an update: whether its market is an alpha market (the depth
    cap within its bounds) or an index market (0)."""
    for row in params.MARKET:
        value = getattr(p.market, row.key, None) if row.place == "market" else None
        if not row.alpha_only or value is None:
            continue
        low, high = row.bounds or (0, 0)
        if alpha and not low <= value <= high:
            expected = f"{row.show(low)}..{row.show(high)} for an alpha market"
            ctx.fail(f"CHAIN-{row.rule_id}", ("market", row.key), f"found {row.show(value)}, expected {expected}")
        elif not alpha and value != 0:
            ctx.fail(
                f"CHAIN-{row.rule_id}",
                ("market", row.key),
                f"found {row.show(value)}, expected 0: {p.market.ticker} is an index market (no pool, no depth cap)",
                f"remove {row.key}",
            )
