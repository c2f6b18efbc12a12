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
    params: dict[str, int]  # PARAM_FIELDS -> on-chain value (WAD or wei)
    price: int  # the live oracle price, TAO x 1e18
    pool_tao: int  # wei; 0 for an index market
    below_liquidity_threshold: bool
    long_open_interest: int = 0  # wei of entry notional
    short_open_interest: int = 0
    funding_rate_8h: int = 0  # signed WAD per 8 hours; longs pay when positive
    reduce_only: bool = False  # accepts only closes now (status, circuit breaker or thin pool)


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
            trading = functions.marketTradingState(market_id).call()
            return MarketView(
                market_id=market_id,
                ticker=ticker,
                kind="alpha" if kind == KIND_ALPHA else "index",
                netuid=netuid,
                status=STATUS_NAMES[status],
                listed_at=listed_at,
                params=dict(zip(PARAM_FIELDS, params, strict=True)),
                price=functions.spotPrice(market_id).call(),
                pool_tao=functions.poolTaoReserve(market_id).call(),
                below_liquidity_threshold=functions.isBelowLiquidityThreshold(market_id).call(),
                long_open_interest=trading[0],
                short_open_interest=trading[1],
                funding_rate_8h=trading[2],
                reduce_only=trading[7],
            )

        return self.chain.guard(read)

    def update_price(self, market_id: bytes, sender) -> tuple[int, bool]:
        """Send `updatePrice`; returns the price the oracle accepted and whether the band clamped it."""
        self.chain.transact(self.contract.functions.updatePrice(market_id), sender)
        price, _block = self.chain.guard(lambda: self.contract.functions.lastPrice(market_id).call())
        spot = self.chain.guard(lambda: self.contract.functions.spotPrice(market_id).call())
        return price, price != spot

    def protocol_params(self) -> dict[str, int]:
        """The protocol-wide parameters, by the keys of a protocol-params proposal."""
        f = self.contract.functions

        def read() -> dict[str, int]:
            insurance_share, _referral_share = f.tradingFeeSplit().call()
            fee, keeper, insurance, vault = f.liquidationParams().call()
            increase, breaker = f.utilizationLimits().call()
            account_cap, global_cap = f.collateralCaps().call()
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
