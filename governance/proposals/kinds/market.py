"""What the two market kinds (market-listing, market-update) share: the market block's model, the bounds and
relations of the market parameters, and the parameters' place in a file (megatao/core/params.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Literal

from pydantic import Field, create_model

from governance.proposals.base import TICKER, Rules, Strict, Violation
from megatao.core import params
from megatao.core.params import in_place, model_fields
from megatao.core.units import WAD, format_fraction, format_leverage

STATUS_VALUES = {"active": 1, "reduce-only": 2, "delisted": 3}


class _ListedMarket(Strict):
    ticker: str = Field(pattern=TICKER)
    """2-12 upper-case letters or digits, unique among markets."""
    netuid: int | None = Field(default=None, ge=1, le=65535)
    """The subnet of an alpha market (1..65535; root, 0, is not a market). Absent for an index market."""


_IN_MARKET = in_place(params.MARKET, "market")

#: The ticker, the netuid and every market parameter that a proposal writes under `market:`; those of alpha markets
#: only (the depth cap) are optional, since an index listing leaves them out (OI-DEPTH-RATIO-BOUNDS).
ListedMarket = create_model(
    "ListedMarket",
    __base__=_ListedMarket,
    **model_fields([p for p in _IN_MARKET if not p.alpha_only]),
    **model_fields([p for p in _IN_MARKET if p.alpha_only], optional=True),
)


class _MarketChanges(Strict):
    ticker: str = Field(pattern=TICKER)
    """The listed market to change."""
    status: Literal["active", "reduce-only", "delisted"] | None = None
    """New status: active, reduce-only (closes only) or delisted."""


#: The market parameters an update may change, each optional.
MarketChanges = create_model("MarketChanges", __base__=_MarketChanges, **model_fields(_IN_MARKET, optional=True))

#: The rules of the market parameters, for both kinds (a value an update leaves out is None and not checked).
RULES = Rules("market-listing", "market-update")


def _market_bound_rule(key: str, rule_id: str, limits: tuple[int, int], fmt: Callable[[int], str]) -> None:
    low, high = limits

    def check(p) -> Iterator[Violation]:
        value = getattr(p.market, key)
        if value is not None and not low <= value <= high:
            yield ("market", key), f"found {fmt(value)}, expected {fmt(low)}..{fmt(high)}", "the registry rejects it"

    RULES(rule_id, f"{key} within {fmt(low)}..{fmt(high)} (docs/protocol.md section 2)")(check)


def listing_kind(p) -> str | None:
    """The kind a listing lists, alpha or index (its oracle block names the source); None for an update, whose
    market's kind only the chain knows (market_update.chain_checks)."""
    source = getattr(getattr(p, "oracle", None), "source", None)
    return None if source is None else "index" if source == "mtsos-ema" else "alpha"


def _alpha_only_bound_rule(param: params.Param) -> None:
    """Bounds of a parameter that only alpha markets have: required and within bounds for an alpha listing, 0 or left
    out for an index listing (the registry requires 0 of an index market), and for an update either (its market's kind
    is checked on chain)."""
    key, (low, high), fmt = param.key, param.bounds, param.show

    def check(p) -> Iterator[Violation]:
        value, kind = getattr(p.market, key), listing_kind(p)
        if kind == "index":
            if value:
                yield (
                    ("market", key),
                    f"found {fmt(value)}, expected 0 or no key: index markets take 0 (they have no pool)",
                    f"remove {key}",
                )
        elif kind == "alpha" and value is None:
            yield ("market",), f"missing key '{key}' for an alpha market", param.description
        elif value is not None and not low <= value <= high and not (kind is None and value == 0):
            expected = f"{fmt(low)}..{fmt(high)}" + ("" if kind else " (alpha markets) or 0 (index markets)")
            yield ("market", key), f"found {fmt(value)}, expected {expected}", "the registry rejects it"

    RULES(param.rule_id, f"{key} within {fmt(low)}..{fmt(high)} for alpha markets; index markets take 0")(check)


for _param in params.MARKET:
    if _param.rule_id and _param.bounds and _param.place == "market":
        if _param.alpha_only:
            _alpha_only_bound_rule(_param)
        else:
            _market_bound_rule(_param.key, _param.rule_id, _param.bounds, _param.show)


@RULES("MM-BELOW-INVERSE-LEVERAGE", "maintenance margin below 1 / max leverage")
def _mm_below_inverse_leverage(p) -> Iterator[Violation]:
    mm, leverage = p.market.maintenance_margin, p.market.max_leverage
    if mm is not None and leverage is not None and mm * leverage >= WAD * WAD:
        ceiling = format_fraction(WAD * WAD // leverage)
        yield (
            ("market", "maintenance_margin"),
            f"found {format_fraction(mm)} with max leverage {format_leverage(leverage)}, expected below {ceiling}",
            "a position at max leverage would open already liquidatable: lower the margin or the leverage",
        )


@RULES("MAKER-AT-MOST-TAKER", "maker fee at most the taker fee")
def _maker_at_most_taker(p) -> Iterator[Violation]:
    maker, taker = p.market.maker_fee, p.market.taker_fee
    if maker is not None and taker is not None and maker > taker:
        yield ("market", "maker_fee"), f"found {format_fraction(maker)}, expected at most the taker fee", ""


@RULES("OPEN-INTEREST-POSITIVE", "max open interest above zero")
def _open_interest_positive(p) -> Iterator[Violation]:
    if p.market.max_open_interest == 0:
        yield ("market", "max_open_interest"), "found 0 TAO, expected above 0", "a market with no room cannot trade"
