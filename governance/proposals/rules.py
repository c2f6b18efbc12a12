"""Semantic rules, each with an id: what the schema cannot say (relations between keys, protocol bounds).

A rule yields (key path, message, hint) for each violation; `check_rules` places them in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from governance.proposals import bounds
from governance.proposals.issues import Finding, key_path
from governance.proposals.models import (
    LpWindow,
    MarketListing,
    MarketUpdate,
    Proposal,
    ProtocolParams,
    ReferralConfig,
    Upgrade,
)
from megatao.core import params
from megatao.core.source import Source
from megatao.core.units import format_duration, format_fraction, format_leverage, format_tao

Violation = tuple[tuple, str, str]


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    kinds: tuple[type, ...]
    check: Callable[[Proposal], Iterable[Violation]]


RULES: list[Rule] = []


def rule(rule_id: str, summary: str, *kinds: type):
    def register(check: Callable[[Proposal], Iterable[Violation]]):
        RULES.append(Rule(rule_id, summary, kinds, check))
        return check

    return register


def check_rules(proposal: Proposal, source: Source | None) -> list[Finding]:
    findings = []
    for r in RULES:
        if not isinstance(proposal, r.kinds):
            continue
        for loc, message, hint in r.check(proposal):
            line, column = source.position((*loc, "<value>")) if source else (1, 1)
            findings.append(Finding(r.id, key_path(loc), line, column, message, hint))
    return sorted(findings, key=lambda f: (f.line, f.column))


# ---------------------------------------------------------------- market parameters


def _market_bound_rule(key: str, rule_id: str, limits: tuple[int, int], fmt: Callable[[int], str]) -> None:
    low, high = limits

    def check(p: Proposal) -> Iterator[Violation]:
        value = getattr(p.market, key)
        if value is not None and not low <= value <= high:
            yield ("market", key), f"found {fmt(value)}, expected {fmt(low)}..{fmt(high)}", "the registry rejects it"

    rule(rule_id, f"{key} within {fmt(low)}..{fmt(high)} (docs/protocol.md section 2)", MarketListing, MarketUpdate)(
        check
    )


for _param in params.MARKET:
    if _param.rule_id and _param.bounds:
        _market_bound_rule(_param.key, _param.rule_id, _param.bounds, _param.show)


@rule("MM-BELOW-INVERSE-LEVERAGE", "maintenance margin below 1 / max leverage", MarketListing, MarketUpdate)
def _mm_below_inverse_leverage(p: Proposal) -> Iterator[Violation]:
    mm, leverage = p.market.maintenance_margin, p.market.max_leverage
    if mm is not None and leverage is not None and mm * leverage >= bounds.WAD * bounds.WAD:
        ceiling = format_fraction(bounds.WAD * bounds.WAD // leverage)
        yield (
            ("market", "maintenance_margin"),
            f"found {format_fraction(mm)} with max leverage {format_leverage(leverage)}, expected below {ceiling}",
            "a position at max leverage would open already liquidatable: lower the margin or the leverage",
        )


@rule("MAKER-AT-MOST-TAKER", "maker fee at most the taker fee", MarketListing, MarketUpdate)
def _maker_at_most_taker(p: Proposal) -> Iterator[Violation]:
    maker, taker = p.market.maker_fee, p.market.taker_fee
    if maker is not None and taker is not None and maker > taker:
        yield ("market", "maker_fee"), f"found {format_fraction(maker)}, expected at most the taker fee", ""


@rule("OPEN-INTEREST-POSITIVE", "max open interest above zero", MarketListing, MarketUpdate)
def _open_interest_positive(p: Proposal) -> Iterator[Violation]:
    if p.market.max_open_interest == 0:
        yield ("market", "max_open_interest"), "found 0 TAO, expected above 0", "a market with no room cannot trade"


@rule(
    "ORACLE-MATCHES-MARKET",
    "alpha markets name a netuid and a liquidity threshold; index markets neither",
    MarketListing,
)
def _oracle_matches_market(p: Proposal) -> Iterator[Violation]:
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


@rule("UPDATE-CHANGES-SOMETHING", "a market update changes at least one key", MarketUpdate)
def _update_changes_something(p: MarketUpdate) -> Iterator[Violation]:
    changes = p.market.model_dump(exclude={"ticker"}, exclude_none=True)
    if not changes and p.oracle is None:
        yield ("market",), "no key to change", "name at least one parameter, the status, or oracle.min_pool_tao"


# ---------------------------------------------------------------- referral-config


@rule("REFERRAL-SHARE-BOUNDS", "referrer share and referee discount each within 0..50%", ReferralConfig)
def _referral_share_bounds(p: ReferralConfig) -> Iterator[Violation]:
    low, high = bounds.REFERRAL_SHARE
    for index, tier in enumerate(p.tiers):
        for key in ("referrer_share", "referee_discount"):
            value = getattr(tier, key)
            if not low <= value <= high:
                message = f"found {format_fraction(value)}, expected {format_fraction(low)}..{format_fraction(high)}"
                yield ("tiers", index, key), message, ""


@rule("FEE-SHARES-SUM", "referrer share + referee discount + builder share at most 100% of the fee", ReferralConfig)
def _fee_shares_sum(p: ReferralConfig) -> Iterator[Violation]:
    for index, tier in enumerate(p.tiers):
        total = tier.referrer_share + tier.referee_discount + p.builder_fee_share
        if total > bounds.WAD:
            yield (
                ("tiers", index, "referrer_share"),
                f"tier '{tier.name}' gives away {format_fraction(total)} of the fee with the builder share, "
                "expected at most 100%",
                "lower the referrer share, the discount or builder_fee_share",
            )


@rule("TIER-NAMES-UNIQUE", "every tier has its own name", ReferralConfig)
def _tier_names_unique(p: ReferralConfig) -> Iterator[Violation]:
    seen: set[str] = set()
    for index, tier in enumerate(p.tiers):
        if tier.name in seen:
            yield ("tiers", index, "name"), f"tier name '{tier.name}' is used twice", ""
        seen.add(tier.name)


# ---------------------------------------------------------------- lp-window


@rule("WINDOW-WITHIN-EPOCH", "deposit and withdrawal windows shorter than the epoch", LpWindow)
def _window_within_epoch(p: LpWindow) -> Iterator[Violation]:
    for key in ("deposit_window", "withdraw_window"):
        value = getattr(p, key)
        if value >= p.epoch_length:
            yield (
                (key,),
                f"found {format_duration(value)}, expected shorter than the epoch ({format_duration(p.epoch_length)})",
                "a window as long as the epoch never closes",
            )


@rule("ACCOUNT-CAP-WITHIN-TOTAL", "per-account deposit cap at most the total cap", LpWindow)
def _account_cap_within_total(p: LpWindow) -> Iterator[Violation]:
    if p.deposit_cap_per_account > p.deposit_cap_total:
        yield (
            ("deposit_cap_per_account",),
            f"found {format_tao(p.deposit_cap_per_account, 0)}, expected at most the total cap "
            f"({format_tao(p.deposit_cap_total, 0)})",
            "",
        )


# ---------------------------------------------------------------- protocol-params


@rule("PARAMS-NONEMPTY", "a protocol-params proposal changes at least one parameter", ProtocolParams)
def _params_nonempty(p: ProtocolParams) -> Iterator[Violation]:
    if not p.model_dump(exclude={"version", "kind", "title", "description"}, exclude_none=True):
        yield (), "no parameter to change", "name at least one of the protocol parameters"


@rule("LIQUIDATION-FEE-BOUNDS", "liquidation fee within 0..10% (docs/protocol.md section 5)", ProtocolParams)
def _liquidation_fee_bounds(p: ProtocolParams) -> Iterator[Violation]:
    low, high = bounds.LIQUIDATION_FEE
    if p.liquidation_fee is not None and not low <= p.liquidation_fee <= high:
        message = (
            f"found {format_fraction(p.liquidation_fee)}, expected {format_fraction(low)}..{format_fraction(high)}"
        )
        yield ("liquidation_fee",), message, ""


@rule("LIQUIDATION-SPLIT-SUM", "keeper + insurance fund + vault shares sum to exactly 100%", ProtocolParams)
def _liquidation_split_sum(p: ProtocolParams) -> Iterator[Violation]:
    split = p.liquidation_fee_split
    if split is not None:
        total = split.keeper + split.insurance_fund + split.vault
        if total != bounds.WAD:
            yield ("liquidation_fee_split",), f"the shares sum to {format_fraction(total)}, expected 100%", ""


@rule("FRACTION-AT-MOST-ONE", "the insurance share of fees at most 100%", ProtocolParams)
def _fraction_at_most_one(p: ProtocolParams) -> Iterator[Violation]:
    if p.insurance_fee_share is not None and p.insurance_fee_share > bounds.WAD:
        yield ("insurance_fee_share",), f"found {format_fraction(p.insurance_fee_share)}, expected at most 100%", ""


@rule("UTILIZATION-ORDER", "increase limit 10%..90%, the circuit breaker above it and at most 100%", ProtocolParams)
def _utilization_order(p: ProtocolParams) -> Iterator[Violation]:
    increase, breaker = p.max_utilization_for_increase, p.circuit_breaker_utilization
    low, high = bounds.MAX_UTILIZATION_FOR_INCREASE
    if increase is not None and not low <= increase <= high:
        message = f"found {format_fraction(increase)}, expected {format_fraction(low)}..{format_fraction(high)}"
        yield ("max_utilization_for_increase",), message, ""
    if breaker is not None and not 0 < breaker <= bounds.WAD:
        yield ("circuit_breaker_utilization",), f"found {format_fraction(breaker)}, expected at most 100%", ""
    if increase is not None and breaker is not None and increase >= breaker:
        yield (
            ("max_utilization_for_increase",),
            f"found {format_fraction(increase)}, expected below the circuit breaker ({format_fraction(breaker)})",
            "the breaker releases when utilization falls back below the increase limit",
        )


@rule("COLLATERAL-CAP-BOUNDS", "collateral caps from 1 TAO to 2^96-1 wei", ProtocolParams)
def _collateral_cap_bounds(p: ProtocolParams) -> Iterator[Violation]:
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


@rule("ACCOUNT-COLLATERAL-WITHIN-TOTAL", "per-account collateral cap at most the total cap", ProtocolParams)
def _collateral_caps(p: ProtocolParams) -> Iterator[Violation]:
    account, total = p.collateral_cap_per_account, p.collateral_cap_total
    if account is not None and total is not None and account > total:
        yield ("collateral_cap_per_account",), "expected at most collateral_cap_total", ""


# ---------------------------------------------------------------- upgrade


@rule("MODULES-UNIQUE", "each module replaced once", Upgrade)
def _modules_unique(p: Upgrade) -> Iterator[Violation]:
    seen: set[str] = set()
    for index, item in enumerate(p.modules):
        if item.module in seen:
            yield ("modules", index, "module"), f"module '{item.module}' is replaced twice", ""
        seen.add(item.module)
