"""The governed parameters, one row each: the single definition from which the proposal and genesis models, the
offline bounds, the encoders, the simulation's state targets and the CLI's rows derive.

A row names the parameter three ways: `key`, as YAML files and Python write it; `field`, where the contract takes
it (`updateMarketParams.params.maxLeverage`: function, argument, struct component); and `label`, as people read it.
Its bounds are in chain units (WAD, wei, seconds) and name the Solidity constants that hold them, so that
tests/test_params.py can hold each table against the compiled ABI and contracts/libraries. Adding a parameter to a
contract struct or setter is one row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from megatao.core.fields import Duration, Fraction, Leverage, TaoAmount
from megatao.core.units import WAD, format_duration, format_fraction, format_leverage


@dataclass(frozen=True)
class Unit:
    """How a kind of value is written, typed, shown and labelled in the simulation's state (`symbol`)."""

    name: str
    field: Any  # the pydantic type that parses what is written
    show: Callable[[int], str]  # as the CLI shows one value
    brief: Callable[[int], str]  # in a table's narrow column
    symbol: str  # the unit of a state Value: "x", "%", "TAO", "duration", "days"


def _tao_brief(wei: int) -> str:
    return f"{wei / 10**18:,.0f}"


def _tao_exact(wei: int) -> str:
    """'10,000 TAO', '0.01 TAO': every decimal the amount has, none it does not (a min keeper fee of 0.01 TAO must
    not read as 0 TAO)."""
    from decimal import Decimal

    return f"{(Decimal(wei) / 10**18).normalize():,f} TAO"


UNITS = {
    "leverage": Unit("leverage", Leverage, format_leverage, format_leverage, "x"),
    "fraction": Unit("fraction", Fraction, format_fraction, format_fraction, "%"),
    "fraction-8h": Unit("fraction-8h", Fraction, format_fraction, format_fraction, "% per 8 h"),
    "tao": Unit("tao", TaoAmount, _tao_exact, _tao_brief, "TAO"),
    "duration": Unit("duration", Duration, format_duration, format_duration, "duration"),
    "days": Unit("days", int, lambda days: f"{days} days", str, "days"),
}


@dataclass(frozen=True)
class Param:
    key: str
    field: str
    unit: str
    description: str
    label: str = ""
    #: Inclusive bounds in chain units; None where a relation to another parameter bounds it (maker <= taker).
    bounds: tuple[int, int] | None = None
    #: The Solidity constants of those bounds ("MarketBounds.MIN_MAX_LEVERAGE"); None for a bound the type holds.
    solidity: tuple[str | None, str | None] = (None, None)
    #: The validation rule that checks the bounds offline, with its id; None where a rule of its own does.
    rule_id: str | None = None
    #: Where a proposal writes it: "market" or "oracle" (the liquidity threshold of an alpha market).
    place: str = "market"
    #: The column of `megatao market list`; "" where it shares the previous row's column (and label).
    column: str = ""
    #: Alpha markets only (an index market has no pool).
    alpha_only: bool = False
    #: Keys this parameter had before, accepted for one release and reported as renamed.
    aliases: tuple[str, ...] = ()
    #: The interface (compiled ABI) whose function `field` names: the protocol's entry contract's, or that of another
    #: contract under governance (the timelock itself, the MTSOS oracle it owns), which a proposal then calls.
    contract: str = "IMegaTAOProtocol"

    @property
    def kind(self) -> Unit:
        return UNITS[self.unit]

    def show(self, value: int) -> str:
        return self.kind.show(value)


def _b(name: str) -> str:
    return f"MarketBounds.{name}"


def _c(name: str) -> str:
    return f"Constants.{name}"


def _g(name: str) -> str:
    return f"GovernanceDefaults.{name}"


_MP = "updateMarketParams.params."

#: The market registry's `MarketParams` struct, in its field order.
MARKET: tuple[Param, ...] = (
    Param("max_leverage", _MP + "maxLeverage", "leverage", "Max leverage, 1x..20x.", "max leverage",
          (WAD, 20 * WAD), (_b("MIN_MAX_LEVERAGE"), _b("MAX_MAX_LEVERAGE")), "LEVERAGE-BOUNDS", column="lev"),
    Param("maintenance_margin", _MP + "maintenanceMargin", "fraction",
          "Maintenance margin, 1%..50%, and below 1 / max_leverage.", "maintenance margin",
          (WAD // 100, WAD // 2), (_b("MIN_MAINTENANCE_MARGIN"), _b("MAX_MAINTENANCE_MARGIN")), "MM-BOUNDS",
          column="MM"),
    Param("partial_liquidation_band", _MP + "partialLiquidationBand", "fraction",
          "Partial-liquidation band above the maintenance margin, 0..10 points.", "partial-liq. band",
          (0, WAD // 10), (None, _b("MAX_PARTIAL_LIQUIDATION_BAND")), "LIQ-BAND-BOUNDS", column="liq band"),
    Param("taker_fee", _MP + "takerFee", "fraction", "Taker fee on notional, 0..1%.", "taker / maker fee",
          (0, WAD // 100), (None, _b("MAX_TAKER_FEE")), "TAKER-FEE-BOUNDS", column="taker/maker"),
    # No label or column of its own: shown beside the taker fee.
    Param("maker_fee", _MP + "makerFee", "fraction", "Maker fee on notional, 0..taker_fee."),
    Param("max_funding_rate_8h", _MP + "maxFundingRate8h", "fraction-8h", "Max funding rate per 8 hours, 0..2%.",
          "max funding per 8h", (0, 2 * WAD // 100), (None, _b("MAX_MAX_FUNDING_RATE_8H")), "FUNDING-BOUNDS",
          column="max fund/8h"),
    Param("max_open_interest", _MP + "maxOpenInterestPerSide", "tao",
          "Max open interest per side (TAO notional at the reference price), above 0.", "max OI per side",
          (1, 2**96 - 1), (_b("MIN_MAX_OPEN_INTEREST"), _b("MAX_MAX_OPEN_INTEREST")), column="max OI (TAO)"),
    Param("min_pool_tao", _MP + "liquidityThreshold", "tao",
          "The liquidity threshold: below this pool TAO reserve the market accepts only closes (alpha markets).",
          "liquidity threshold", (1, 2**96 - 1), (_b("MIN_LIQUIDITY_THRESHOLD"), _b("MAX_LIQUIDITY_THRESHOLD")),
          place="oracle", column="min pool (TAO)", alpha_only=True),
    Param("reference_period", _MP + "referencePeriod", "duration",
          "Period P of the reference price, the time-weighted EMA that fills and margin checks read beside the spot "
          "(alpha markets; an index market's reference is its oracle's EMA), 60 s..1 day.", "reference period",
          (60, 86_400), (_b("MIN_REFERENCE_PERIOD"), _b("MAX_REFERENCE_PERIOD")), "REFERENCE-PERIOD-BOUNDS",
          column="ref period"),
    Param("divergence_limit", _MP + "divergenceLimit", "fraction",
          "Opens are refused while the spot stands further than this from the reference price, 0.5%..25%.",
          "divergence limit", (WAD // 200, WAD // 4), (_b("MIN_DIVERGENCE_LIMIT"), _b("MAX_DIVERGENCE_LIMIT")),
          "DIVERGENCE-LIMIT-BOUNDS", column="diverge"),
    Param("oi_depth_ratio", _MP + "oiDepthRatio", "fraction",
          "Depth cap: open interest per side at most this share of the pool's TAO reserve (alpha markets), "
          "0.1%..50%.", "depth cap (of pool TAO)", (WAD // 1000, WAD // 2),
          (_b("MIN_OI_DEPTH_RATIO"), _b("MAX_OI_DEPTH_RATIO")), "OI-DEPTH-RATIO-BOUNDS", column="depth cap",
          alpha_only=True),
    Param("depth_factor", _MP + "depthFactor", "leverage",
          "Skew impact depth factor: a fill moving the skew from s0 to s1 pays max(0, s1^2 - s0^2) / 2D, D being the "
          "pool's TAO reserve (the vault's reserves for an index market) times this, 0.1..100.", "depth factor",
          (WAD // 10, 100 * WAD), (_b("MIN_DEPTH_FACTOR"), _b("MAX_DEPTH_FACTOR")), "DEPTH-FACTOR-BOUNDS",
          column="depth x"),
)  # fmt: skip

#: The protocol-wide parameters of a protocol-params proposal (dotted keys are nested in the file).
PROTOCOL: tuple[Param, ...] = (
    Param("insurance_fee_share", "setTradingFeeSplit.insuranceShare", "fraction",
          "The insurance fund's share of each trading fee (the referral program's comes first, the vault takes the "
          "rest).", "insurance share of fees", (0, WAD), (None, _c("MAX_TRADING_FEE_INSURANCE_SHARE"))),
    Param("liquidation_fee", "setLiquidationFee.fee", "fraction",
          "Liquidation fee, as a fraction of the remaining margin, 0..10%.", "liquidation fee",
          (0, WAD // 10), (None, _c("MAX_LIQUIDATION_FEE"))),
    Param("liquidation_fee_split.keeper", "setLiquidationFeeSplit.keeperShare", "fraction",
          "The keeper's share of the liquidation fee.", "liquidation fee to the keeper", (0, WAD)),
    Param("liquidation_fee_split.insurance_fund", "setLiquidationFeeSplit.insuranceShare", "fraction",
          "The insurance fund's share of the liquidation fee.", "liquidation fee to the insurance fund", (0, WAD)),
    Param("liquidation_fee_split.vault", "setLiquidationFeeSplit.vaultShare", "fraction",
          "The vault's share of the liquidation fee.", "liquidation fee to the vault", (0, WAD)),
    Param("max_utilization_for_increase", "setUtilizationLimits.maxUtilizationForIncrease", "fraction",
          "No position may increase above this utilization.", "utilization limit for increases",
          (WAD // 10, 9 * WAD // 10), (_c("MIN_UTILIZATION_LIMIT"), _c("MAX_UTILIZATION_LIMIT"))),
    Param("circuit_breaker_utilization", "setUtilizationLimits.circuitBreakerUtilization", "fraction",
          "At this utilization every market turns reduce-only until it falls back below the increase limit.",
          "circuit breaker", (1, WAD), (None, _c("MAX_CIRCUIT_BREAKER_UTILIZATION"))),
    Param("collateral_cap_per_account", "setCollateralCaps.accountCap", "tao",
          "Most margin one account may hold across its positions.", "collateral cap per account",
          (WAD, 2**96 - 1), (_c("MIN_COLLATERAL_CAP"), _c("MAX_COLLATERAL_CAP"))),
    Param("collateral_cap_total", "setCollateralCaps.globalCap", "tao", "Most margin all traders together may hold.",
          "collateral cap in total", (WAD, 2**96 - 1), (_c("MIN_COLLATERAL_CAP"), _c("MAX_COLLATERAL_CAP"))),
    Param("min_margin", "setRiskParams.minMargin", "tao",
          "A position's min margin, from the min keeper fee to 10 TAO.", "min margin per position",
          (0, 10 * WAD), (None, _c("MAX_MIN_MARGIN")), "MIN-MARGIN-BOUNDS"),
    Param("min_keeper_fee", "setRiskParams.minKeeperFee", "tao",
          "A liquidation pays its keeper at least this, from the insurance fund when the fee share is smaller, "
          "0..1 TAO.", "min keeper fee", (0, WAD), (None, _c("MAX_MIN_KEEPER_FEE")), "MIN-KEEPER-FEE-BOUNDS"),
    Param("max_pnl_factor", "setRiskParams.maxPnlFactor", "fraction",
          "Cap on the traders' unrealized profit per market, of the vault's reserves: above it anyone may "
          "auto-deleverage, 1%..90%.", "max PnL factor", (WAD // 100, 9 * WAD // 10),
          (_c("MIN_MAX_PNL_FACTOR"), _c("MAX_MAX_PNL_FACTOR")), "MAX-PNL-FACTOR-BOUNDS"),
    Param("max_profit_multiple", "setRiskParams.maxProfitMultiple", "leverage",
          "Cap on a position's realized profit, as a multiple of the margin closed, 1x..18x.", "max profit multiple",
          (WAD, 18 * WAD), (_c("MIN_MAX_PROFIT_MULTIPLE"), _c("MAX_MAX_PROFIT_MULTIPLE")),
          "MAX-PROFIT-MULTIPLE-BOUNDS"),
    Param("settle_after", "setOracleParams.settleAfter", "duration",
          "After its price source has failed this long, anyone may settle a market, 10 minutes..7 days.",
          "settle after failing", (600, 7 * 86_400), (_c("MIN_SETTLE_AFTER"), _c("MAX_SETTLE_AFTER")),
          "SETTLE-AFTER-BOUNDS"),
    Param("index_max_age", "setOracleParams.indexMaxAge", "duration",
          "An index market accepts no opens while its oracle's last update is older than this, 1 minute..1 day.",
          "index max age", (60, 86_400), (_c("MIN_INDEX_MAX_AGE"), _c("MAX_INDEX_MAX_AGE")), "INDEX-MAX-AGE-BOUNDS"),
    Param("max_pause", "setMaxPause.newMaxPause", "duration",
          "A pause of opens lapses by itself after this long unless governance renews it, 1 hour..30 days.",
          "max pause", (3_600, 30 * 86_400), (_c("MIN_MAX_PAUSE"), _c("MAX_MAX_PAUSE")), "MAX-PAUSE-BOUNDS"),
    Param("mtsos_max_elapsed", "setMaxElapsed.maxElapsed", "duration",
          "The MTSOS index oracle weighs each reading for at most this long, 1 minute..1 day (the oracle's own "
          "setter; the timelock owns the oracle).", "MTSOS max elapsed", (60, 86_400),
          (_c("MIN_MTSOS_MAX_ELAPSED"), _c("MAX_MTSOS_MAX_ELAPSED")), "MTSOS-MAX-ELAPSED-BOUNDS",
          contract="IMtsosOracle"),
    Param("upgrade_delay", "setUpgradeDelay.newDelay", "duration",
          "A proposal with an upgrade call waits at least this long in the timelock, 1 day..60 days and longer than "
          "the longest LP exit. Setting it is an upgrade call itself: the whole proposal waits the current upgrade "
          "delay.", "upgrade delay", (86_400, 60 * 86_400),
          (_g("MIN_UPGRADE_DELAY"), _g("MAX_UPGRADE_DELAY")), "UPGRADE-DELAY-BOUNDS", contract="IMegaTAOTimelock"),
)  # fmt: skip

#: The LP epochs, windows and caps of an lp-window proposal.
LP: tuple[Param, ...] = (
    Param("epoch_length", "setEpochSchedule.epochLength", "duration", "Length of an LP epoch.", "epoch length",
          (86_400, 30 * 86_400), (_c("MIN_EPOCH_LENGTH"), _c("MAX_EPOCH_LENGTH"))),
    Param("deposit_window", "setEpochSchedule.depositWindow", "duration",
          "Deposits are open for this long from the start of each epoch.", "deposit window",
          (3_600, 30 * 86_400 - 1), (_c("MIN_LP_WINDOW"), None)),
    Param("withdraw_window", "setEpochSchedule.withdrawalWindow", "duration",
          "Withdrawal requests (and claims) are open for this long from the start of each epoch.",
          "withdrawal window", (3_600, 30 * 86_400 - 1), (_c("MIN_LP_WINDOW"), None)),
    Param("deposit_cap_per_account", "setDepositCaps.accountCap", "tao", "Most TAO one account may have deposited.",
          "deposit cap per account", (WAD, 2**128 - 1), (_c("MIN_DEPOSIT_CAP"), _c("MAX_DEPOSIT_CAP"))),
    Param("deposit_cap_total", "setDepositCaps.globalCap", "tao", "Most TAO the vault takes from LPs in total.",
          "deposit cap in total", (WAD, 2**128 - 1), (_c("MIN_DEPOSIT_CAP"), _c("MAX_DEPOSIT_CAP"))),
)  # fmt: skip

#: The referral program: each tier's shares (keys under `tiers[]`) and the builder's share.
REFERRAL: tuple[Param, ...] = (
    Param("tiers.referrer_share", "setReferralTiers.tiers.referrerShare", "fraction",
          "The referrer's share of the taker fee, 0..50%.", "referrer share",
          (0, WAD // 2), (None, _c("MAX_REFERRAL_SHARE"))),
    Param("tiers.referee_discount", "setReferralTiers.tiers.refereeDiscount", "fraction",
          "The referee's discount on the taker fee, 0..50%.", "referee discount",
          (0, WAD // 2), (None, _c("MAX_REFERRAL_SHARE"))),
    Param("tiers.discount_days", "setReferralTiers.tiers.discountDays", "days",
          "How many days from the referee's first trade the discount lasts.", "discount days",
          (0, 3650), (None, _c("MAX_REFERRAL_DISCOUNT_DAYS"))),
    Param("builder_fee_share", "setBuilderFeeShare.share", "fraction",
          "The share of the taker fee paid to the frontend whose builder code an order carries.",
          "builder fee share", (0, WAD // 2), (None, _c("MAX_BUILDER_FEE_SHARE"))),
)  # fmt: skip

TABLES = {"market": MARKET, "protocol": PROTOCOL, "lp": LP, "referral": REFERRAL}


def by_key(table: tuple[Param, ...]) -> dict[str, Param]:
    return {p.key: p for p in table}


#: The `MarketParams` keys in struct order.
MARKET_KEYS = tuple(p.key for p in MARKET)
MARKET_PARAMS = by_key(MARKET)
#: Where each market parameter stands in a proposal file: "market.max_leverage", "oracle.min_pool_tao".
MARKET_PATHS = {p.key: f"{p.place}.{p.key}" for p in MARKET}


def leaf(key: str) -> str:
    return key.rpartition(".")[2]


def aliases(table: tuple[Param, ...]) -> dict[str, str]:
    """Old key -> the key it was renamed to, for the keys (last part) of one table."""
    return {old: leaf(p.key) for p in table for old in p.aliases}


def model_fields(rows: tuple[Param, ...] | list[Param], optional: bool = False) -> dict[str, Any]:
    """Pydantic field definitions (`create_model` keywords) for `rows`, by their last key part, each described by
    its row; `optional` makes each one default to None (an update names only what it changes)."""
    from pydantic import Field

    fields: dict[str, Any] = {}
    for p in rows:
        limits = {"ge": p.bounds[0], "le": p.bounds[1]} if p.kind.field is int and p.bounds else {}
        kind = p.kind.field
        if optional:
            fields[leaf(p.key)] = (kind | None, Field(default=None, description=p.description, **limits))
        else:
            fields[leaf(p.key)] = (kind, Field(description=p.description, **limits))
    return fields


def in_place(table: tuple[Param, ...], place: str) -> list[Param]:
    return [p for p in table if p.place == place]


def under(table: tuple[Param, ...], prefix: str) -> list[Param]:
    """The rows nested under `prefix.` in a file (the tiers of a referral table, a liquidation split)."""
    return [p for p in table if p.key.startswith(prefix + ".")]


def top_level(table: tuple[Param, ...]) -> list[Param]:
    return [p for p in table if "." not in p.key]


def market_file_values(market: Any, oracle: Any) -> dict[str, int | None]:
    """The market parameters a proposal file gives, by key, each read from the block the row places it in
    (`market:` or `oracle:`); None where the file leaves it out."""
    blocks = {"market": market, "oracle": oracle}
    return {p.key: getattr(blocks[p.place], p.key, None) for p in MARKET}


def display_rows(
    table: tuple[Param, ...], values: dict[str, int], brief: bool = False, blank: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """(label, or column when `brief`, and the value shown) for each parameter of `values`, "-" for those in
    `blank`; a row without a label of its own joins the one before it ("taker / maker fee": "0.25% / 0%")."""
    rows: list[tuple[str, str]] = []
    for p in table:
        if p.key not in values:
            continue
        shown = "-" if p.key in blank else (p.kind.brief if brief else p.kind.show)(values[p.key])
        name = p.column if brief else p.label
        if not name and rows:
            rows[-1] = (rows[-1][0], rows[-1][1] + ("/" if brief else " / ") + shown)
        else:
            rows.append((name or p.key, shown))
    return rows


#: The units whose values count seconds or days: numbers in a JSON document; every other unit's value (WAD, wei) is
#: an amount, a decimal string (the convention of cli/base.py).
COUNTING_UNITS = frozenset({"duration", "days"})


def json_values(table: tuple[Param, ...], values: dict[str, int]) -> dict[str, int | str]:
    """`values` (key -> chain value) for a JSON document: seconds and days as numbers, amounts as decimal strings."""
    units = {p.key: p.unit for p in table}
    return {
        key: str(value) if isinstance(value, int) and units.get(key) not in COUNTING_UNITS else value
        for key, value in values.items()
    }


def all_aliases() -> dict[str, str]:
    """Every old key of every table -> its new key (the keys' last parts, as a YAML mapping holds them)."""
    return {old: new for table in TABLES.values() for old, new in aliases(table).items()}


def rename_aliases(data: Any, renames: dict[str, str] | None = None, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Renames, in place, every old key of `data` (nested mappings and lists too) to its new name, unless the new
    one is written as well; returns (location of the old key, new name) for each, to report it."""
    renames = all_aliases() if renames is None else renames
    found: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for old in [k for k in data if k in renames and renames[k] not in data]:
            data[renames[old]] = data.pop(old)
            found.append(((*loc, old), renames[old]))
        for key, value in data.items():
            found += rename_aliases(value, renames, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += rename_aliases(value, renames, (*loc, index))
    return found
