"""The bounds the contracts enforce, in the units the models convert to (WAD), so that `validate` finds offline what
the chain would reject at execution. `tests/test_proposal_rules.py` checks them against contracts/libraries."""

WAD = 10**18

MAX_LEVERAGE = (1 * WAD, 20 * WAD)
MAINTENANCE_MARGIN = (WAD // 100, WAD // 2)
PARTIAL_LIQUIDATION_BAND = (0, WAD // 10)
TAKER_FEE = (0, WAD // 100)
MAX_FUNDING_RATE_8H = (0, 2 * WAD // 100)
PRICE_BAND = (WAD // 100, WAD // 2)
#: Referral program (docs/protocol.md section 8): each share 0..50%.
REFERRAL_SHARE = (0, WAD // 2)
#: Liquidation fee, fraction of the remaining margin (docs/protocol.md section 5): 0..10%.
LIQUIDATION_FEE = (0, WAD // 10)
#: Utilization limit on increases (the VaultModule's bounds): 10%..90%; the breaker above it, at most 100%.
MAX_UTILIZATION_FOR_INCREASE = (WAD // 10, 9 * WAD // 10)
#: Collateral caps: at least 1 TAO, at most what the vault's 96-bit fields hold (79,228,162,514 TAO, the genesis
#: "no cap").
MIN_COLLATERAL_CAP = WAD
MAX_COLLATERAL_CAP = 2**96 - 1
