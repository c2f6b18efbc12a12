"""The proposal file, one model per kind. Field docstrings become the JSON Schema's descriptions.

Values are written with units and converted on load: leverage to WAD (1e18 = 1x), fractions to WAD (1e18 = 100%),
TAO to wei, durations to seconds.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from megatao.core.fields import Duration, Fraction, Leverage, TaoAmount

TICKER = r"^[A-Z0-9]{2,12}$"
KINDS = ("market-listing", "market-update", "referral-config", "lp-window", "protocol-params", "upgrade")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Header(Strict):
    version: Literal[1]
    """Version of the proposal file format."""
    title: str = Field(min_length=1, max_length=120)
    """One line that names the change; the proposal's description starts with it."""
    description: str = Field(min_length=1)
    """Why this change, with evidence (Markdown)."""


# ---------------------------------------------------------------- market-listing / market-update


class ListedMarket(Strict):
    ticker: str = Field(pattern=TICKER)
    """2-12 upper-case letters or digits, unique among markets."""
    netuid: int | None = Field(default=None, ge=1, le=65535)
    """The subnet of an alpha market (1..65535; root, 0, is not a market). Absent for an index market."""
    max_leverage: Leverage
    """Max leverage, 1x..20x."""
    maintenance_margin: Fraction
    """Maintenance margin, 1%..50%, and below 1 / max_leverage."""
    partial_liquidation_band: Fraction
    """Partial-liquidation band above the maintenance margin, 0..10 points."""
    taker_fee: Fraction
    """Taker fee on notional, 0..1%."""
    maker_fee: Fraction
    """Maker fee on notional, 0..taker_fee."""
    max_funding_rate_8h: Fraction
    """Max funding rate per 8 hours, 0..2%."""
    max_open_interest: TaoAmount
    """Max open interest per side (TAO notional), above 0."""
    price_band: Fraction
    """Max oracle move per price update, 1%..50%."""


class ListingOracle(Strict):
    source: Literal["alpha-precompile", "mtsos-ema"]
    """alpha-precompile for a subnet's alpha; mtsos-ema for the MTSOS index."""
    min_pool_tao: TaoAmount | None = None
    """The liquidity threshold: below this pool TAO reserve the market accepts only closes (alpha markets)."""


class MarketListing(Header):
    kind: Literal["market-listing"]
    market: ListedMarket
    oracle: ListingOracle


class MarketChanges(Strict):
    ticker: str = Field(pattern=TICKER)
    """The listed market to change."""
    max_leverage: Leverage | None = None
    maintenance_margin: Fraction | None = None
    partial_liquidation_band: Fraction | None = None
    taker_fee: Fraction | None = None
    maker_fee: Fraction | None = None
    max_funding_rate_8h: Fraction | None = None
    max_open_interest: TaoAmount | None = None
    price_band: Fraction | None = None
    status: Literal["active", "reduce-only", "delisted"] | None = None
    """New status: active, reduce-only (closes only) or delisted."""


class UpdateOracle(Strict):
    min_pool_tao: TaoAmount
    """A new liquidity threshold."""


class MarketUpdate(Header):
    kind: Literal["market-update"]
    market: MarketChanges
    oracle: UpdateOracle | None = None


# ---------------------------------------------------------------- referral-config


class ReferralTier(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    """Tier name: lower-case letters, digits and dashes."""
    referrer_share: Fraction
    """The referrer's share of the taker fee, 0..50%."""
    referee_discount: Fraction
    """The referee's discount on the taker fee, 0..50%."""
    discount_days: int = Field(ge=0, le=3650)
    """How many days from the referee's first trade the discount lasts."""


class ReferralConfig(Header):
    kind: Literal["referral-config"]
    tiers: list[ReferralTier] = Field(min_length=1)
    builder_fee_share: Fraction
    """The share of the taker fee paid to the frontend whose builder code an order carries."""


# ---------------------------------------------------------------- lp-window


class LpWindow(Header):
    kind: Literal["lp-window"]
    epoch_length: Duration
    """Length of an LP epoch."""
    deposit_window: Duration
    """Deposits are open for this long from the start of each epoch."""
    withdraw_window: Duration
    """Withdrawal requests (and claims) are open for this long from the start of each epoch."""
    deposit_cap_per_account: TaoAmount
    """Most TAO one account may have deposited."""
    deposit_cap_total: TaoAmount
    """Most TAO the vault takes from LPs in total."""


# ---------------------------------------------------------------- protocol-params


class LiquidationSplit(Strict):
    keeper: Fraction
    insurance_fund: Fraction
    vault: Fraction


class ProtocolParams(Header):
    kind: Literal["protocol-params"]
    insurance_fee_share: Fraction | None = None
    """The insurance fund's share of each trading fee (the referral program's comes first, the vault takes the rest)."""
    liquidation_fee: Fraction | None = None
    """Liquidation fee, as a fraction of the remaining margin, 0..10%."""
    liquidation_fee_split: LiquidationSplit | None = None
    """How the liquidation fee is split; the three shares sum to 100%."""
    max_utilization_for_increase: Fraction | None = None
    """No position may increase above this utilization."""
    circuit_breaker_utilization: Fraction | None = None
    """At this utilization every market turns reduce-only until it falls back below the increase limit."""
    collateral_cap_per_account: TaoAmount | None = None
    """Most margin one account may hold across its positions."""
    collateral_cap_total: TaoAmount | None = None
    """Most margin all traders together may hold."""


# ---------------------------------------------------------------- upgrade


class ModuleReplacement(Strict):
    module: str = Field(pattern=r"^[a-z][A-Za-z0-9-]{0,31}$")
    """The module's id in the entry contract's registry (market, oracle, position, positionView, vault, ...)."""
    contract: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """The contract (in this repository's build) whose deployment replaces it."""


class Upgrade(Header):
    kind: Literal["upgrade"]
    modules: list[ModuleReplacement] = Field(min_length=1)


Proposal = MarketListing | MarketUpdate | ReferralConfig | LpWindow | ProtocolParams | Upgrade

MODELS: dict[str, type[BaseModel]] = {
    "market-listing": MarketListing,
    "market-update": MarketUpdate,
    "referral-config": ReferralConfig,
    "lp-window": LpWindow,
    "protocol-params": ProtocolParams,
    "upgrade": Upgrade,
}
