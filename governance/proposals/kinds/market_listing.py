"""market-listing: a new market, alpha (a subnet's pool through the Alpha precompile) or index (MTSOS).

One call, `listMarket((ticker, kind, netuid, indexOracle, MarketParams))`; the registry checks the listing criteria
itself at execution (docs/protocol.md section 9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from governance.proposals.base import ChainContext, ExpectedCall, Header, KeyTarget, Rules, Strict, Violation
from governance.proposals.calls import Action, Context, protocol_call
from governance.proposals.kinds import market
from governance.proposals.kinds.market import ListedMarket
from megatao.clients.markets import KIND_ALPHA, KIND_INDEX, ZERO_ADDRESS, alpha_market_id, index_market_id
from megatao.core import params
from megatao.core.errors import InputError
from megatao.core.fields import TaoAmount
from megatao.core.params import MARKET_PATHS, market_file_values
from megatao.core.units import WEI_PER_RAO, format_tao

KIND = "market-listing"
NAMESPACES = {"market", "oracle"}
EVENTS = ["MarketListed"]


class ListingOracle(Strict):
    source: Literal["alpha-precompile", "mtsos-ema"]
    """alpha-precompile for a subnet's alpha; mtsos-ema for the MTSOS index."""
    min_pool_tao: TaoAmount | None = Field(default=None, description=params.MARKET_PARAMS["min_pool_tao"].description)


class MarketListing(Header):
    kind: Literal["market-listing"]
    market: ListedMarket  # type: ignore[valid-type]
    oracle: ListingOracle


Model = MarketListing
RULES = Rules(KIND, include=market.RULES)


@RULES("ORACLE-MATCHES-MARKET", "alpha markets name a netuid and a liquidity threshold; index markets neither")
def _oracle_matches_market(p: Model) -> Iterator[Violation]:
    if p.oracle.source == "alpha-precompile":
        if p.market.netuid is None:
            yield ("market",), "missing key 'netuid' for an alpha-precompile market", "the subnet whose alpha trades"
        if not p.oracle.min_pool_tao:
            yield (
                ("oracle", "min_pool_tao"),
                "expected a liquidity threshold above 0 TAO for an alpha market",
                "the pool TAO reserve below which the market accepts only closes",
            )
    else:
        if p.market.netuid is not None:
            yield ("market", "netuid"), "an mtsos-ema market follows the index, not a subnet", "remove netuid"
        if p.oracle.min_pool_tao:
            yield ("oracle", "min_pool_tao"), "an index market has no pool threshold", "remove min_pool_tao"


def market_id(p: Model) -> bytes:
    return alpha_market_id(p.market.netuid) if p.market.netuid is not None else index_market_id(p.market.ticker)


def _params_tuple(m, oracle: ListingOracle | None) -> tuple[int, ...]:
    """The `MarketParams` struct from a listing's blocks; an index market's oracle block adds nothing."""
    return tuple(value or 0 for value in market_file_values(m, oracle).values())


def actions(p: Model, ctx: Context) -> list[Action]:
    m = p.market
    if p.oracle.source == "alpha-precompile":
        listing = (m.ticker, KIND_ALPHA, m.netuid, ZERO_ADDRESS, _params_tuple(m, p.oracle))
        where = f"alpha, netuid {m.netuid}"
    else:
        if not ctx.index_oracle:
            raise InputError("an mtsos-ema listing needs the MTSOS oracle's address, and the deployment has none")
        from eth_utils import to_checksum_address

        listing = (m.ticker, KIND_INDEX, 0, to_checksum_address(ctx.index_oracle), _params_tuple(m, None))
        where = f"index, oracle {ctx.index_oracle}"
    return [protocol_call(ctx.protocol, "listMarket", [listing], f"listMarket({m.ticker}, {where})")]


def expected_calls(p: Model, protocol, fork_chain) -> list[ExpectedCall]:
    m, o = p.market, p.oracle

    def listing(args):
        listing = args["listing"]
        ticker, kind, netuid = listing["ticker"], listing["kind"], listing["netuid"]
        values = list(listing["params"].values())
        file_params = [value or 0 for value in market_file_values(m, o).values()]
        expected_kind = KIND_ALPHA if o.source == "alpha-precompile" else KIND_INDEX
        rows = [
            ("market.ticker", m.ticker, ticker),
            ("oracle.source", expected_kind, kind),
            ("market.netuid", m.netuid or 0, netuid),
        ]
        for key, want, got in zip(params.MARKET_KEYS, file_params, values, strict=True):
            rows.append((MARKET_PATHS[key], want, got))
        return rows

    return [("listMarket", listing)]


def key_targets(p: Model, new_implementations: dict[str, str]) -> list[KeyTarget]:
    m, o = p.market, p.oracle
    prefix = f"markets.{m.ticker}"
    targets = [
        KeyTarget("market.ticker", f"{prefix}.status", "active"),
        KeyTarget("oracle.source", f"{prefix}.kind", "alpha" if o.source == "alpha-precompile" else "index"),
    ]
    if m.netuid is not None:
        targets.append(KeyTarget("market.netuid", f"{prefix}.netuid", m.netuid))
    for key, value in market_file_values(m, o).items():
        targets.append(KeyTarget(MARKET_PATHS[key], f"{prefix}.{key}", value or 0))
    return targets


def chain_checks(p: Model, ctx: ChainContext) -> None:
    m, functions, chain = p.market, ctx.functions, ctx.chain
    if chain.guard(lambda: functions.marketIdByTicker(m.ticker).call()) != bytes(32):
        ctx.fail("CHAIN-TICKER-FREE", ("market", "ticker"), f"ticker {m.ticker} is already listed", "pick another")
    if m.netuid is None:
        return
    subnet_market = alpha_market_id(m.netuid)
    if chain.guard(lambda: functions.marketStatus(subnet_market).call()) != 0:
        ctx.fail("CHAIN-SUBNET-NOT-LISTED", ("market", "netuid"), f"subnet {m.netuid} already has a market", "")
    _check_pool(p, ctx)


def _check_pool(p: Model, ctx: ChainContext) -> None:
    from megatao.clients.pools import MECHANISM_DYNAMIC, AlphaPrecompile

    alpha = AlphaPrecompile(ctx.chain)
    netuid, threshold = p.market.netuid, p.oracle.min_pool_tao or 0
    reading = alpha.read(netuid)
    pool_wei = reading.tao_in_rao * WEI_PER_RAO
    ctx.report.readings.update(
        {"netuid": netuid, "mechanism": reading.mechanism, "price": reading.price, "pool_tao": pool_wei}
    )
    if reading.mechanism != MECHANISM_DYNAMIC:
        ctx.fail("CHAIN-SUBNET-DYNAMIC", ("market", "netuid"), f"subnet {netuid} is not a dynamic subnet (price fixed)")
    if reading.price == 0:
        ctx.fail("CHAIN-PRICE-NONZERO", ("market", "netuid"), f"subnet {netuid} prices at 0 (no alpha in its pool)")
    if pool_wei < threshold:
        ctx.fail(
            "CHAIN-POOL-DEPTH",
            ("oracle", "min_pool_tao"),
            f"subnet {netuid}'s pool holds {format_tao(pool_wei, 0)} at block {ctx.block}, below the threshold of "
            f"{format_tao(threshold, 0)}",
            "the listing would revert at execution; wait for the pool to deepen or lower the threshold",
        )
