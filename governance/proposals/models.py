"""The proposal file, one model per kind (each defined in its module of governance/proposals/kinds/). Field
descriptions become the JSON Schema's descriptions.

Values are written with units and converted on load: leverage to WAD (1e18 = 1x), fractions to WAD (1e18 = 100%),
TAO to wei, durations to seconds.
"""

from __future__ import annotations

from pydantic import BaseModel

from governance.proposals.base import TICKER, Header, Strict
from governance.proposals.kinds import (
    BY_KIND,
    KINDS,
    guardians,
    lp_window,
    market_listing,
    market_update,
    protocol_params,
    referral_config,
    upgrade,
)
from governance.proposals.kinds.market import ListedMarket, MarketChanges
from governance.proposals.kinds.market_listing import ListingOracle
from governance.proposals.kinds.market_update import UpdateOracle
from governance.proposals.kinds.protocol_params import LiquidationSplit
from governance.proposals.kinds.referral_config import ReferralTier
from governance.proposals.kinds.upgrade import ModuleReplacement

__all__ = [
    "KINDS", "MODELS", "TICKER", "Header", "Strict", "ListedMarket", "MarketChanges", "ListingOracle", "UpdateOracle",
    "LiquidationSplit", "ReferralTier", "ModuleReplacement", "MarketListing", "MarketUpdate", "ReferralConfig",
    "LpWindow", "ProtocolParams", "Guardians", "Upgrade", "Proposal",
]  # fmt: skip

MarketListing = market_listing.Model
MarketUpdate = market_update.Model
ReferralConfig = referral_config.Model
LpWindow = lp_window.Model
ProtocolParams = protocol_params.Model
Guardians = guardians.Model
Upgrade = upgrade.Model

Proposal = MarketListing | MarketUpdate | ReferralConfig | LpWindow | ProtocolParams | Guardians | Upgrade

MODELS: dict[str, type[BaseModel]] = {kind: module.Model for kind, module in BY_KIND.items()}
