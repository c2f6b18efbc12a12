"""Markets as people write them (YAML, with units) and as the market registry takes them (WAD, wei, ids).

The genesis file `proposals/genesis/markets.yaml` is read through these models, and so are market proposals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from eth_abi import encode
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from web3 import Web3

from megatao.core.errors import InputError
from megatao.core.fields import Fraction, Leverage, TaoAmount
from megatao.core.paths import display, genesis_dir
from megatao.core.source import read_source

KIND_ALPHA = 0
KIND_INDEX = 1
STATUS_NAMES = {0: "none", 1: "active", 2: "reduce-only", 3: "delisted"}
#: The fields of the registry's `MarketParams` struct, in order, by the names proposals and this module use.
PARAM_KEYS = (
    "max_leverage",
    "maintenance_margin",
    "partial_liquidation_band",
    "taker_fee",
    "maker_fee",
    "max_funding_rate_8h",
    "price_band",
    "max_open_interest",
    "min_pool_tao",
)
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class MarketParameters(BaseModel):
    """The governance parameters of one market (docs/protocol.md section 2), converted to the registry's units."""

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
        return tuple(getattr(self, key) for key in PARAM_KEYS)


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


class IndexMarket(MarketParameters):
    """An index market (MTSOS), priced by an index oracle contract; it has no pool, so no liquidity threshold."""

    ticker: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="2-12 upper-case letters or digits")
    oracle: Literal["mtsos-ema"] = Field(description="The index oracle the market reads")
    min_pool_tao: Literal[0] = Field(default=0, description="Index markets have no liquidity threshold")

    @property
    def market_id(self) -> bytes:
        return index_market_id(self.ticker)

    def listing(self, oracle_address: str) -> tuple:
        return (self.ticker, KIND_INDEX, 0, oracle_address, self.as_tuple())


@dataclass(frozen=True)
class Genesis:
    alpha: list[AlphaMarket]
    index: list[IndexMarket]


def alpha_market_id(netuid: int) -> bytes:
    """`keccak256(abi.encode(uint8(MarketKind.Alpha), uint256(netuid)))`, as the registry derives it."""
    return Web3.keccak(encode(["uint8", "uint256"], [KIND_ALPHA, netuid]))


def index_market_id(ticker: str) -> bytes:
    """`keccak256(abi.encode(uint8(MarketKind.Index), bytes32(ticker)))`."""
    return Web3.keccak(encode(["uint8", "bytes32"], [KIND_INDEX, ticker.encode().ljust(32, b"\0")]))


def load_genesis_markets(path: Path | None = None) -> list[AlphaMarket]:
    """The alpha markets of `proposals/genesis/markets.yaml`, each with the defaults filled in, checked."""
    return load_genesis(path).alpha


def load_genesis(path: Path | None = None) -> Genesis:
    """The alpha and index markets of `proposals/genesis/markets.yaml`, defaults filled in, checked."""
    path = path or genesis_dir() / "markets.yaml"
    data = read_source(path).data
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InputError(f"{display(path)}: expected a mapping with `version: 1`, `defaults` and `markets`")
    unknown = set(data) - {"version", "defaults", "markets", "index_markets"}
    if unknown:
        raise InputError(
            f"{display(path)}: unknown key '{sorted(unknown)[0]}' (expected version, defaults, markets, index_markets)"
        )
    defaults = data.get("defaults") or {}
    index_defaults = {k: v for k, v in defaults.items() if k != "min_pool_tao"}
    alpha = _validated(path, "markets", AlphaMarket, defaults, data.get("markets"))
    index = _validated(path, "index_markets", IndexMarket, index_defaults, data.get("index_markets"))
    for field in ("ticker", "netuid"):
        seen: set = set()
        for market in [*alpha, *index]:
            value = getattr(market, field, None)
            if value is None:
                continue
            if value in seen:
                raise InputError(f"{display(path)}: {field} {value} is listed twice")
            seen.add(value)
    return Genesis(alpha, index)


def _validated(path: Path, section: str, model: type[BaseModel], defaults: dict, entries: list | None) -> list:
    markets = []
    for index, entry in enumerate(entries or []):
        try:
            markets.append(model.model_validate({**defaults, **(entry or {})}))
        except ValidationError as exc:
            first = exc.errors()[0]
            key = ".".join(str(part) for part in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            raise InputError(f"{display(path)}: {section}.{index}.{key}: {message}") from None
    return markets
