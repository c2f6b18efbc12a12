"""The deployed protocol on one chain, found through its deployment record, and read as plain Python values."""

from __future__ import annotations

from dataclasses import dataclass

from megatao.clients.markets import KIND_ALPHA, PARAM_KEYS, STATUS_NAMES
from megatao.core.errors import InputError, did_you_mean
from megatao.node.chain import Chain
from megatao.node.deployments import read_deployment
from megatao.node.toolchain import abi

ENTRY_CONTRACT = "MegaTAO"
#: The ABI of everything the entry contract answers (its own functions and every module's).
PROTOCOL_INTERFACE = "IMegaTAOProtocol"

#: The `MarketParams` struct's fields, in order, by the names proposals use.
PARAM_FIELDS = PARAM_KEYS


@dataclass(frozen=True)
class MarketView:
    market_id: bytes
    ticker: str
    kind: str  # "alpha" or "index"
    netuid: int
    status: str
    listed_at: int
    params: dict[str, int]  # PARAM_FIELDS -> on-chain value (WAD, wei or seconds)
    price: int  # the spot now, TAO x 1e18 (the reference when the source fails)
    reference_price: int  # the reference price a trade now would use (the mark)
    moving_price: int  # the chain's own EMA (getMovingAlphaPrice), shown beside; 0 for an index market
    divergence: int  # |spot - reference| / reference, WAD
    price_broken: bool  # the price source fails: no opens, closes at the reference
    pool_tao: int  # the depth reading, wei; 0 for an index market
    below_liquidity_threshold: bool
    long_open_interest: int = 0  # wei at the reference price
    short_open_interest: int = 0
    funding_rate_8h: int = 0  # signed WAD per 8 hours; longs pay when positive
    reduce_only: bool = False  # accepts only closes now (status, circuit breaker, failing source or thin pool)
    depth_cap: int = 0  # wei per side; 0 for an index market
    trader_profit: int = 0  # the traders' unrealized profit, wei, and its cap (above it: auto-deleveraging)
    trader_profit_cap: int = 0

    def as_json(self) -> dict:
        """Prices, amounts and WAD ratios as decimal strings; the parameters by their unit (cli/base.py)."""
        from megatao.core.params import MARKET, json_values

        return {
            "market_id": "0x" + self.market_id.hex(),
            "ticker": self.ticker,
            "kind": self.kind,
            "netuid": self.netuid,
            "status": self.status,
            "listed_at": self.listed_at,
            "params": json_values(MARKET, self.params),
            "price": str(self.price),
            "reference_price": str(self.reference_price),
            "moving_price": str(self.moving_price),
            "divergence": str(self.divergence),
            "price_broken": self.price_broken,
            "pool_tao": str(self.pool_tao),
            "below_liquidity_threshold": self.below_liquidity_threshold,
            "open_interest": {"long": str(self.long_open_interest), "short": str(self.short_open_interest)},
            "depth_cap": str(self.depth_cap),
            "trader_profit": {"now": str(self.trader_profit), "cap": str(self.trader_profit_cap)},
            "funding_rate_8h": str(self.funding_rate_8h),
            "reduce_only": self.reduce_only,
        }


#: `oraclePrices(marketId)`'s fields, in order.
ORACLE_PRICE_FIELDS = (
    "spot",
    "reference_price",
    "block_start_reference_price",
    "stored_reference_price",
    "updated_at",
    "held_spot",
    "moving_price",
    "divergence",
    "pool_tao",
    "broken",
    "failing_since",
)
#: `marketTradingState(marketId)`'s fields, in order.
TRADING_STATE_FIELDS = (
    "long_open_interest",
    "short_open_interest",
    "long_entry_notional",
    "short_entry_notional",
    "funding_rate_8h",
    "funding_index",
    "spot_price",
    "reference_price",
    "price_broken",
    "status",
    "reduce_only",
    "below_liquidity_threshold",
    "depth_cap",
    "trader_profit",
    "trader_profit_cap",
)


class Protocol:
    """The MegaTAO entry contract recorded for the chain `chain` is connected to."""

    def __init__(self, chain: Chain):
        self.chain = chain
        record = read_deployment(chain.chain_id)
        try:
            self.address = record["contracts"][ENTRY_CONTRACT]["address"]
        except KeyError:
            raise InputError(f"the deployment record of chain {chain.chain_id} has no {ENTRY_CONTRACT}") from None
        self.contract = chain.contract(self.address, abi(PROTOCOL_INTERFACE))

    def market_ids(self) -> list[bytes]:
        return self.chain.guard(lambda: self.contract.functions.marketIds().call())

    def market(self, market_id: bytes) -> MarketView:
        functions = self.contract.functions

        def read() -> MarketView:
            ticker, kind, status, netuid, listed_at, params = functions.market(market_id).call()
            trading = dict(zip(TRADING_STATE_FIELDS, functions.marketTradingState(market_id).call(), strict=True))
            prices = self.oracle_prices(market_id)
            return MarketView(
                market_id=market_id,
                ticker=ticker,
                kind="alpha" if kind == KIND_ALPHA else "index",
                netuid=netuid,
                status=STATUS_NAMES[status],
                listed_at=listed_at,
                params=dict(zip(PARAM_FIELDS, params, strict=True)),
                price=prices["spot"] if not prices["broken"] and prices["spot"] else prices["reference_price"],
                reference_price=prices["reference_price"],
                moving_price=prices["moving_price"],
                divergence=prices["divergence"],
                price_broken=prices["broken"],
                pool_tao=prices["pool_tao"],
                below_liquidity_threshold=trading["below_liquidity_threshold"],
                long_open_interest=trading["long_open_interest"],
                short_open_interest=trading["short_open_interest"],
                funding_rate_8h=trading["funding_rate_8h"],
                reduce_only=trading["reduce_only"],
                depth_cap=trading["depth_cap"],
                trader_profit=trading["trader_profit"],
                trader_profit_cap=trading["trader_profit_cap"],
            )

        return self.chain.guard(read)

    def oracle_prices(self, market_id: bytes) -> dict:
        """`oraclePrices`: what a trade now would see (spot, reference, the block's starting reference, the held
        reading, the chain's moving price, divergence, depth, failure), by ORACLE_PRICE_FIELDS."""
        raw = self.chain.guard(lambda: self.contract.functions.oraclePrices(market_id).call())
        return dict(zip(ORACLE_PRICE_FIELDS, raw, strict=True))

    def poke(self, market_id: bytes, sender) -> int:
        """Send `poke`: the reference price's update for this block; returns the reference after it."""
        self.chain.transact(self.contract.functions.poke(market_id), sender)
        price, _updated_at = self.chain.guard(lambda: self.contract.functions.referencePrice(market_id).call())
        return price

    def settle(self, market_id: bytes, sender) -> int:
        """Send `settleMarket`; returns the settlement price."""
        self.chain.transact(self.contract.functions.settleMarket(market_id), sender)
        price, _updated_at = self.chain.guard(lambda: self.contract.functions.referencePrice(market_id).call())
        return price

    def protocol_params(self) -> dict[str, int]:
        """The protocol-wide parameters, by the keys of a protocol-params proposal."""
        f = self.contract.functions

        def read() -> dict[str, int]:
            insurance_share, _referral_share = f.tradingFeeSplit().call()
            fee, keeper, insurance, vault = f.liquidationParams().call()
            increase, breaker = f.utilizationLimits().call()
            account_cap, global_cap = f.collateralCaps().call()
            min_margin, min_keeper_fee, max_pnl_factor, max_profit_multiple = f.riskParams().call()
            settle_after, index_max_age = f.oracleParams().call()
            return {
                "insurance_fee_share": insurance_share,
                "liquidation_fee": fee,
                "liquidation_fee_split.keeper": keeper,
                "liquidation_fee_split.insurance_fund": insurance,
                "liquidation_fee_split.vault": vault,
                "max_utilization_for_increase": increase,
                "circuit_breaker_utilization": breaker,
                "collateral_cap_per_account": account_cap,
                "collateral_cap_total": global_cap,
                "min_margin": min_margin,
                "min_keeper_fee": min_keeper_fee,
                "max_pnl_factor": max_pnl_factor,
                "max_profit_multiple": max_profit_multiple,
                "settle_after": settle_after,
                "index_max_age": index_max_age,
                "max_pause": f.maxPause().call(),
            }

        return self.chain.guard(read)

    def index_oracle(self, market_id: bytes) -> str:
        return self.chain.guard(lambda: self.contract.functions.indexOracle(market_id).call())

    def markets(self) -> list[MarketView]:
        return [self.market(market_id) for market_id in self.market_ids()]

    def market_by_ticker(self, ticker: str) -> MarketView:
        market_id = self.chain.guard(lambda: self.contract.functions.marketIdByTicker(ticker.upper()).call())
        if market_id == bytes(32):
            tickers = [m.ticker for m in self.markets()]
            raise InputError(
                f"no market '{ticker}'{did_you_mean(ticker.upper(), tickers)}; listed: {', '.join(tickers)}"
            )
        return self.market(market_id)
