"""Trading through the protocol: open, close, add margin, liquidate, and reading positions, in user units."""

from __future__ import annotations

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.logs import DISCARD

from megatao.clients.protocol import Protocol
from megatao.core.errors import InputError
from megatao.core.units import WAD, WEI_PER_RAO, format_fraction

LIQUIDATION_STATUS = ("healthy", "partial", "full")


@dataclass(frozen=True)
class PositionView:
    ticker: str
    side: str
    size: int  # 1e18 units of the asset, signed
    entry_price: int
    entry_notional: int
    margin: int
    accrued_funding: int
    accrued_interest: int
    mark_price: int  # the reference price a trade now would use
    spot_price: int
    unrealized_pnl: int
    equity: int
    margin_ratio: int  # signed WAD
    leverage: int  # WAD
    liquidation_price: int
    liquidation_status: str

    def as_json(self) -> dict:
        """Every figure is an amount, price or WAD ratio: a decimal string (cli/base.py)."""
        return {k: str(v) if isinstance(v, int) else v for k, v in vars(self).items()}


@dataclass(frozen=True)
class Fill:
    """What one trade paid, from its receipt's events: the fill price (the entry price of an open), the trading fee
    and the skew impact (docs/protocol.md section 3), all wei."""

    price: int
    fee: int
    impact: int

    def as_json(self) -> dict:
        return {"fill_price": str(self.price), "fee": str(self.fee), "impact": str(self.impact)}


class Trading:
    def __init__(self, protocol: Protocol):
        self.protocol = protocol
        self.chain = protocol.chain
        self.functions = protocol.contract.functions

    def market_id(self, ticker: str) -> bytes:
        return self.protocol.market_by_ticker(ticker).market_id

    def bounds(self, ticker: str, buy: bool, max_slippage: int) -> tuple[int, int]:
        """The reference price a trade now would use, and the acceptable price `max_slippage` (WAD) away from it
        against the trader: above it for a buy (opening a long, closing a short), below it for a sell."""
        prices = self.protocol.oracle_prices(self.market_id(ticker))
        reference = prices["reference_price"]
        if buy:
            return reference, reference * (WAD + max_slippage) // WAD
        return reference, reference * (WAD - max_slippage) // WAD

    def deadline(self, seconds: int) -> int:
        """The latest block's time plus `seconds`: the last moment the trade may execute."""
        return self.chain.guard(lambda: self.chain.w3.eth.get_block("latest")["timestamp"]) + seconds

    def fill_bounds(
        self, ticker: str, buy: bool, max_slippage: int, acceptable_price: int | None, wait: int
    ) -> tuple[int, int, int]:
        """(acceptable price, deadline, reference price) of a fill: the acceptable price `max_slippage` (WAD) from
        the reference price unless given, the deadline `wait` seconds after the latest block's time."""
        reference, acceptable = self.bounds(ticker, buy, max_slippage)
        if acceptable_price is not None:
            acceptable = acceptable_price
        return acceptable, self.deadline(wait), reference

    @staticmethod
    def reduce_size(position: PositionView, size: int | None = None, fraction: int | None = None) -> int:
        """The size a reduce closes, given as units (x 1e18) or as a WAD fraction of `position` (exactly one of
        them): more than nothing, less than all of it (closing all is `close`)."""
        if (size is None) == (fraction is None):
            raise InputError("give one of --size and --fraction")
        held = abs(position.size)
        if fraction is not None:
            if not 0 < fraction < WAD:
                raise InputError(
                    f"--fraction {format_fraction(fraction)} must be above 0% and below 100% (close to close it all)"
                )
            size = held * fraction // WAD
        if size >= held:
            raise InputError(f"--size must be below the position's {held / WAD:,.6f} (close to close it all)")
        return size

    def open(
        self,
        ticker: str,
        is_long: bool,
        margin: int,
        leverage: int,
        acceptable_price: int,
        deadline: int,
        signer: LocalAccount,
    ) -> tuple[PositionView, Fill]:
        """Opens a position; returns it and what its fill paid."""
        if margin % WEI_PER_RAO:
            raise InputError("the margin must be a whole number of rao (9 decimals of TAO)")
        market_id = self.market_id(ticker)
        call = self.functions.openPosition(market_id, is_long, leverage, acceptable_price, deadline)
        receipt = self.chain.transact(call, signer, value=margin)
        return self.position(signer.address, ticker), self.fill(receipt)

    def fill(self, receipt) -> Fill:
        """The fill of the trade `receipt` is for: price, fee and skew impact from the protocol's events."""
        events = self.protocol.contract.events

        def logs(name: str) -> list:
            return list(getattr(events, name)().process_receipt(receipt, errors=DISCARD))

        opened, increased, decreased = logs("PositionOpened"), logs("PositionIncreased"), logs("PositionDecreased")
        prices = [e.args.entryPrice for e in opened] + [e.args.fillPrice for e in increased + decreased]
        fee = sum(e.args.fee for e in opened + increased + decreased)
        impact = sum(e.args.impact for e in logs("PriceImpactCharged"))
        return Fill(prices[0] if prices else 0, fee, impact)

    def close(self, ticker: str, acceptable_price: int, deadline: int, signer: LocalAccount) -> dict:
        """Close the signer's position; in a settled market, at the settlement price with no fee (the bounds do
        not apply)."""
        market = self.protocol.market_by_ticker(ticker)
        if market.status == "settled":
            call = self.functions.closeSettledPosition(signer.address, market.market_id)
        else:
            call = self.functions.closePosition(market.market_id, acceptable_price, deadline)
        before = self.chain.guard(lambda: self.chain.w3.eth.get_balance(signer.address))
        receipt = self.chain.transact(call, signer)
        after = self.chain.guard(lambda: self.chain.w3.eth.get_balance(signer.address))
        gas_cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
        return {"received": after - before + gas_cost, "block": receipt["blockNumber"], "fill": self.fill(receipt)}

    def increase(
        self, ticker: str, margin: int, leverage: int, acceptable_price: int, deadline: int, signer: LocalAccount
    ) -> tuple[PositionView, Fill]:
        """Grows the signer's position by `margin x leverage` of notional, `margin` sent; returns it and the fill."""
        if margin % WEI_PER_RAO:
            raise InputError("the margin must be a whole number of rao (9 decimals of TAO)")
        call = self.functions.increasePosition(self.market_id(ticker), leverage, acceptable_price, deadline)
        receipt = self.chain.transact(call, signer, value=margin)
        return self.position(signer.address, ticker), self.fill(receipt)

    def reduce(self, ticker: str, size: int, acceptable_price: int, deadline: int, signer: LocalAccount) -> dict:
        """Closes `size` (asset units x 1e18, unsigned) of the signer's position; what it received and the fill."""
        call = self.functions.reducePosition(self.market_id(ticker), size, acceptable_price, deadline)
        before = self.chain.guard(lambda: self.chain.w3.eth.get_balance(signer.address))
        receipt = self.chain.transact(call, signer)
        after = self.chain.guard(lambda: self.chain.w3.eth.get_balance(signer.address))
        gas_cost = receipt["gasUsed"] * receipt["effectiveGasPrice"]
        return {"received": after - before + gas_cost, "block": receipt["blockNumber"], "fill": self.fill(receipt)}

    def remove_margin(self, ticker: str, amount: int, signer: LocalAccount) -> PositionView:
        if amount % WEI_PER_RAO:
            raise InputError("the amount must be a whole number of rao (9 decimals of TAO)")
        self.chain.transact(self.functions.removeMargin(self.market_id(ticker), amount), signer)
        return self.position(signer.address, ticker)

    def auto_deleverage(self, account: str, ticker: str, keeper: LocalAccount) -> dict:
        receipt = self.chain.transact(self.functions.autoDeleverage(account, self.market_id(ticker)), keeper)
        return {"block": receipt["blockNumber"], "gas_used": receipt["gasUsed"]}

    def add_margin(self, ticker: str, amount: int, signer: LocalAccount) -> PositionView:
        self.chain.transact(self.functions.addMargin(self.market_id(ticker)), signer, value=amount)
        return self.position(signer.address, ticker)

    def liquidate(self, account: str, ticker: str, keeper: LocalAccount) -> dict:
        receipt = self.chain.transact(self.functions.liquidate(account, self.market_id(ticker)), keeper)
        return {"block": receipt["blockNumber"], "gas_used": receipt["gasUsed"]}

    def position(self, account: str, ticker: str) -> PositionView:
        info = self.chain.guard(lambda: self.functions.position(account, self.market_id(ticker)).call())
        return self._view(ticker, info)

    def positions(self, account: str) -> list[PositionView]:
        summary = self.chain.guard(lambda: self.functions.accountSummary(account).call())
        tickers = {m.market_id: m.ticker for m in self.protocol.markets()}
        return [self._view(tickers.get(info[2], "?"), info) for info in summary[3]]

    @staticmethod
    def _view(ticker: str, info: tuple) -> PositionView:
        (_, _, _, size, entry, notional, margin, funding, interest, mark, spot, pnl, equity, ratio, leverage,
         liq_price, status, _) = info  # fmt: skip
        if size == 0:
            raise InputError(f"no open position in {ticker}")
        return PositionView(
            ticker, "long" if size > 0 else "short", size, entry, notional, margin, funding, interest, mark, spot,
            pnl, equity, ratio, leverage, liq_price, LIQUIDATION_STATUS[status],
        )  # fmt: skip
