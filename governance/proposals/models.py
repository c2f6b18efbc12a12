"""The proposal file, one model per kind. Field docstrings become the JSON Schema's descriptions.

Values are written with units and converted on load: leverage to WAD (1e18 = 1x), fractions to WAD (1e18 = 100%),
TAO to wei, durations to seconds.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from megatao.core import params
from megatao.core.fields import TaoAmount
from megatao.core.params import in_place, model_fields

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


class _ListedMarket(Strict):
    ticker: str = Field(pattern=TICKER)
    """2-12 upper-case letters or digits, unique among markets."""
    netuid: int | None = Field(default=None, ge=1, le=65535)
    """The subnet of an alpha market (1..65535; root, 0, is not a market). Absent for an index market."""


#: The ticker, the netuid and every market parameter that a proposal writes under `market:` (megatao.core.params).
ListedMarket = create_model("ListedMarket", __base__=_ListedMarket, **model_fields(in_place(params.MARKET, "market")))


class ListingOracle(Strict):
    source: Literal["alpha-precompile", "mtsos-ema"]
    """alpha-precompile for a subnet's alpha; mtsos-ema for the MTSOS index."""
    min_pool_tao: TaoAmount | None = Field(default=None, description=params.MARKET_PARAMS["min_pool_tao"].description)


class MarketListing(Header):
    kind: Literal["market-listing"]
    market: ListedMarket
    oracle: ListingOracle


class _MarketChanges(Strict):
    ticker: str = Field(pattern=TICKER)
    """The listed market to change."""
    status: Literal["active", "reduce-only", "delisted"] | None = None
    """New status: active, reduce-only (closes only) or delisted."""


#: The market parameters an update may change, each optional.
MarketChanges = create_model(
    "MarketChanges", __base__=_MarketChanges, **model_fields(in_place(params.MARKET, "market"), optional=True)
)


class UpdateOracle(Strict):
    min_pool_tao: TaoAmount
    """A new liquidity threshold."""


class MarketUpdate(Header):
    kind: Literal["market-update"]
    market: MarketChanges
    oracle: UpdateOracle | None = None


# ---------------------------------------------------------------- referral-config


class _ReferralTier(Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$")
    """Tier name: lower-case letters, digits and dashes."""


ReferralTier = create_model(
    "ReferralTier", __base__=_ReferralTier, **model_fields(params.under(params.REFERRAL, "tiers"))
)


class _ReferralConfig(Header):
    kind: Literal["referral-config"]
    tiers: list[ReferralTier] = Field(min_length=1)  # type: ignore[valid-type]


ReferralConfig = create_model(
    "ReferralConfig", __base__=_ReferralConfig, **model_fields(params.top_level(params.REFERRAL))
)


# ---------------------------------------------------------------- lp-window


class _LpWindow(Header):
    kind: Literal["lp-window"]


LpWindow = create_model("LpWindow", __base__=_LpWindow, **model_fields(params.LP))


# ---------------------------------------------------------------- protocol-params


LiquidationSplit = create_model(
    "LiquidationSplit", __base__=Strict, **model_fields(params.under(params.PROTOCOL, "liquidation_fee_split"))
)


class _ProtocolParams(Header):
    kind: Literal["protocol-params"]
    liquidation_fee_split: LiquidationSplit | None = None  # type: ignore[valid-type]
    """How the liquidation fee is split; the three shares sum to 100%."""


ProtocolParams = create_model(
    "ProtocolParams", __base__=_ProtocolParams, **model_fields(params.top_level(params.PROTOCOL), optional=True)
)


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
