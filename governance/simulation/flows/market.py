"""The flows' tools: one market on the fork traded by impersonated accounts, the log a flow writes, and the amounts
and prices every flow shares (any price, any time: the flows test the market, not the trader's bounds)."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.simulation.fork import Fork
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC
from megatao.clients.trading import Trading
from megatao.core.params import MARKET_KEYS
from megatao.node.toolchain import abi

WAD = 10**18
RAO = 10**9
#: Any price, any time: the flows test the market, not the trader's bounds.
ANY_BUY_PRICE, ANY_SELL_PRICE, NO_DEADLINE = 2**256 - 1, 0, 2**64
SMALL_NOTIONAL = 10 * WAD
MIN_NOTIONAL = 10**14
#: A keeper pokes the market this often while the pool stays past a position's liquidation price.
POKE_INTERVAL = 60
CRASH_BELOW_LIQUIDATION = 0.95
STATUS = ("healthy", "partial", "full")


@dataclass
class FlowLog:
    rows: list[dict] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (what, what to do)

    def ok(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "ok", "detail": what})

    def fail(self, flow: str, what: str) -> None:
        self.rows.append({"flow": flow, "result": "FAIL", "detail": what})
        self.fails.append(f"{flow}: {what}")

    def warn(self, flow: str, what: str, action: str) -> None:
        """Users can do what the flow tries, but a key of the file does not take the effect it names."""
        self.rows.append({"flow": flow, "result": "WARN", "detail": what})
        self.warnings.append((f"{flow}: {what}", action))

    def skip(self, flow: str, why: str) -> None:
        """The flow could not run on this fork (nothing measured: never a pass)."""
        self.rows.append({"flow": flow, "result": "skipped", "detail": why})


class Market:
    """One market on the fork, traded by impersonated accounts."""

    def __init__(self, fork: Fork, protocol, ticker: str):
        self.fork, self.protocol = fork, protocol
        self.f = protocol.contract.functions
        self.ticker = ticker
        self.market_id = fork.chain.guard(lambda: self.f.marketIdByTicker(ticker).call())
        info = fork.chain.guard(lambda: self.f.market(self.market_id).call())
        self.kind, self.status, self.netuid = info[1], info[2], info[3]
        params = dict(zip(MARKET_KEYS, info[5], strict=True))
        self.max_leverage, self.mm = params["max_leverage"], params["maintenance_margin"]
        self.band, self.taker = params["partial_liquidation_band"], params["taker_fee"]
        self.reference_period, self.max_oi = params["reference_period"], params["max_open_interest"]
        self.oi_depth_ratio = params["oi_depth_ratio"]

    def open(self, trader: str, is_long: bool, notional: int, leverage: int):
        margin = notional * WAD // leverage // RAO * RAO
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(
            trader, self.f.openPosition(self.market_id, is_long, leverage, bound, NO_DEADLINE), margin
        )

    def increase(self, trader: str, is_long: bool, leverage: int, value: int):
        bound = ANY_BUY_PRICE if is_long else ANY_SELL_PRICE
        return self.fork.send(trader, self.f.increasePosition(self.market_id, leverage, bound, NO_DEADLINE), value)

    def close(self, trader: str, is_long: bool | None = None):
        """Closes `trader`'s position at any price; its side from the position view unless given (an upgrade under
        rehearsal may break that view, and must not pick the close's bound)."""
        if is_long is None:
            p = self.position(trader)
            is_long = p is None or p.side == "long"
        bound = ANY_SELL_PRICE if is_long else ANY_BUY_PRICE
        return self.fork.send(trader, self.f.closePosition(self.market_id, bound, NO_DEADLINE))

    def liquidation_pokes(self) -> int:
        """How many pokes, POKE_INTERVAL apart, a keeper may need: three reference periods' worth."""
        return -(-3 * self.reference_period // POKE_INTERVAL)

    def poke(self, keeper: str):
        """A keeper's poke a minute after the last block: the reference price's update."""
        return self.fork.send(keeper, self.f.poke(self.market_id), at=self._now() + POKE_INTERVAL)

    def favourable_ratio(self, p) -> int:
        """The position's margin ratio at the best of spot, reference and the block's starting reference for it:
        the one the protocol's liquidation status reads."""
        prices = self.fork.chain.guard(lambda: self.f.oraclePrices(self.market_id).call())
        candidates = (p.spot_price, p.mark_price, prices[2])
        best = max(candidates) if p.size > 0 else min(candidates)
        pnl = p.size * (best - p.entry_price) // WAD
        equity = p.margin + pnl - p.accrued_funding - p.accrued_interest
        return equity * WAD // p.entry_notional

    def trading_state(self) -> dict:
        """`marketTradingState(marketId)` by its fields' names (open interest at the reference, the depth cap...)."""
        function = self.f.marketTradingState(self.market_id)
        names = [c["name"] for c in function.abi["outputs"][0]["components"]]
        return dict(zip(names, self.fork.chain.guard(function.call), strict=True))

    def pool_tao(self) -> int:
        """The pool's TAO reserve the protocol reads (wei), `oraclePrices(marketId).poolTao`."""
        function = self.f.oraclePrices(self.market_id)
        names = [c["name"] for c in function.abi["outputs"][0]["components"]]
        return dict(zip(names, self.fork.chain.guard(function.call), strict=True))["poolTao"]

    def _now(self) -> int:
        return self.fork.chain.guard(lambda: self.fork.w3.eth.get_block("latest")["timestamp"])

    def position(self, trader: str):
        info = self.fork.chain.guard(lambda: self.f.position(trader, self.market_id).call())
        return None if info[3] == 0 else Trading._view(self.ticker, info)


def active_alpha_tickers(fork: Fork, protocol) -> list[str]:
    f = protocol.contract.functions
    tickers = []
    for market_id in fork.chain.guard(lambda: f.marketIds().call()):
        ticker, kind, status, *_ = fork.chain.guard(lambda i=market_id: f.market(i).call())
        if kind == 0 and status == 1:
            tickers.append(ticker)
    return sorted(tickers)


def move_pool_past(fork: Fork, market: Market, sender: str, liquidation_price: int, is_long: bool) -> int:
    """Set the alpha market's pool (on the emulator, in one block) so that its price is 5% beyond
    `liquidation_price`: below it for a long, above it for a short. Returns the pool's new price (TAO x 1e18)."""
    emulator = fork.chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT)).functions
    tao_rao = fork.chain.guard(lambda: emulator.getTaoInPool(market.netuid).call())
    beyond = CRASH_BELOW_LIQUIDATION if is_long else 2 - CRASH_BELOW_LIQUIDATION
    target = max(int(liquidation_price * beyond), 1)
    alpha_rao = min(max(tao_rao * WAD // target, 1), 2**64 - 1)
    fork.send(sender, emulator.setPool(market.netuid, tao_rao, alpha_rao, MECHANISM_DYNAMIC))
    return tao_rao * WAD // alpha_rao
