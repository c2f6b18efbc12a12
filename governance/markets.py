"""Markets as people write them (YAML, with units) and as the market registry takes them (WAD, wei, ids).

The genesis file `proposals/genesis/markets.yaml` is read through these models, and so are market proposals.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from eth_abi import encode
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from web3 import Web3

from governance.errors import InputError
from governance.fields import Fraction, Leverage, TaoAmount
from governance.paths import display, genesis_dir

KIND_ALPHA = 0
KIND_INDEX = 1
STATUS_NAMES = {0: "none", 1: "active", 2: "reduce-only", 3: "delisted"}
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class MarketParameters(BaseModel):
    """The governance parameters of one market (PROTOCOL.md section 2), converted to the registry's units."""

    model_config = ConfigDict(extra="forbid")

    max_leverage: Leverage = Field(description="Max leverage, e.g. 3x (WAD on chain)")
    maintenance_margin: Fraction = Field(description="Maintenance margin, e.g. 10%")
    partial_liquidation_band: Fraction = Field(description="Partial-liquidation band above MM, e.g. 5%")
    taker_fee: Fraction = Field(description="Taker fee on notional, e.g. 0.25%")
    maker_fee: Fraction = Field(description="Maker fee on notional, e.g. 0%")
    max_funding_rate_8h: Fraction = Field(description="Max funding rate per 8 hours, e.g. 0.75%")
    price_band: Fraction = Field(description="Max oracle move per update, e.g. 20%")
    max_open_interest: TaoAmount = Field(description="Max open interest per side, e.g. '5000 TAO' (wei on chain)")
    min_pool_tao: TaoAmount = Field(description="Liquidity threshold: min pool TAO reserve, e.g. '10000 TAO'")

    def as_tuple(self) -> tuple[int, ...]:
        """The `MarketParams` struct, in its field order."""
        return (
            self.max_leverage,
            self.maintenance_margin,
            self.partial_liquidation_band,
            self.taker_fee,
            self.maker_fee,
            self.max_funding_rate_8h,
            self.price_band,
            self.max_open_interest,
            self.min_pool_tao,
        )


class AlphaMarket(MarketParameters):
    """An alpha market: one subnet's alpha token, priced by the Alpha precompile."""

    ticker: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="2-12 upper-case letters or digits")
    netuid: int = Field(ge=1, le=65535, description="The subnet (root, 0, excluded)")

    @property
    def market_id(self) -> bytes:
        return alpha_market_id(self.netuid)

    def listing(self) -> tuple:
        """The `MarketListing` struct that `listMarket` takes."""
        return (self.ticker, KIND_ALPHA, self.netuid, ZERO_ADDRESS, self.as_tuple())


def alpha_market_id(netuid: int) -> bytes:
    """`keccak256(abi.encode(uint8(MarketKind.Alpha), uint256(netuid)))`, as the registry derives it."""
    return Web3.keccak(encode(["uint8", "uint256"], [KIND_ALPHA, netuid]))


def index_market_id(ticker: str) -> bytes:
    """`keccak256(abi.encode(uint8(MarketKind.Index), bytes32(ticker)))`."""
    return Web3.keccak(encode(["uint8", "bytes32"], [KIND_INDEX, ticker.encode().ljust(32, b"\0")]))


def load_genesis_markets(path: Path | None = None) -> list[AlphaMarket]:
    """The alpha markets of `proposals/genesis/markets.yaml`, each with the defaults filled in, checked."""
    path = path or genesis_dir() / "markets.yaml"
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise InputError(f"{display(path)}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{display(path)}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InputError(f"{display(path)}: expected a mapping with `version: 1`, `defaults` and `markets`")
    unknown = set(data) - {"version", "defaults", "markets"}
    if unknown:
        raise InputError(f"{display(path)}: unknown key '{sorted(unknown)[0]}' (expected version, defaults, markets)")
    defaults = data.get("defaults") or {}
    markets = []
    for index, entry in enumerate(data.get("markets") or []):
        try:
            markets.append(AlphaMarket.model_validate({**defaults, **(entry or {})}))
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            raise InputError(f"{display(path)}: markets.{index}.{key}: {message}") from None
    for field in ("ticker", "netuid"):
        seen: set = set()
        for market in markets:
            value = getattr(market, field)
            if value in seen:
                raise InputError(f"{display(path)}: {field} {value} is listed twice")
            seen.add(value)
    return markets
