"""The bounds the contracts enforce, in the units the models convert to (WAD, wei), so that `validate` finds offline
what the chain would reject at execution. Each comes from its row in megatao/core/params.py, which
tests/test_params.py holds against the Solidity constants."""

from megatao.core.params import LP, MARKET, PROTOCOL, REFERRAL, by_key
from megatao.core.units import WAD

_MARKET, _PROTOCOL, _REFERRAL, _LP = by_key(MARKET), by_key(PROTOCOL), by_key(REFERRAL), by_key(LP)

__all__ = ["WAD"]

MAX_LEVERAGE = _MARKET["max_leverage"].bounds
MAINTENANCE_MARGIN = _MARKET["maintenance_margin"].bounds
PARTIAL_LIQUIDATION_BAND = _MARKET["partial_liquidation_band"].bounds
TAKER_FEE = _MARKET["taker_fee"].bounds
MAX_FUNDING_RATE_8H = _MARKET["max_funding_rate_8h"].bounds
REFERENCE_PERIOD = _MARKET["reference_period"].bounds
DIVERGENCE_LIMIT = _MARKET["divergence_limit"].bounds
#: Alpha markets only: an index market has no pool, so no depth cap, and takes 0.
OI_DEPTH_RATIO = _MARKET["oi_depth_ratio"].bounds
DEPTH_FACTOR = _MARKET["depth_factor"].bounds
#: Referral program (docs/protocol.md section 8): each share 0..50%.
REFERRAL_SHARE = _REFERRAL["tiers.referrer_share"].bounds
#: Liquidation fee, fraction of the remaining margin (docs/protocol.md section 5): 0..10%.
LIQUIDATION_FEE = _PROTOCOL["liquidation_fee"].bounds
#: Utilization limit on increases (the VaultModule's bounds): 10%..90%; the breaker above it, at most 100%.
MAX_UTILIZATION_FOR_INCREASE = _PROTOCOL["max_utilization_for_increase"].bounds
#: Collateral caps: at least 1 TAO, at most what the vault's 96-bit fields hold (79,228,162,514 TAO, the genesis
#: "no cap").
MIN_COLLATERAL_CAP, MAX_COLLATERAL_CAP = _PROTOCOL["collateral_cap_total"].bounds
