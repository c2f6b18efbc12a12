"""Markets as people write them (YAML, with units) and as the market registry takes them (WAD, wei, ids).

The genesis file `proposals/genesis/markets.yaml` is read through these models, and so are market proposals.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from megatao.core import params
from megatao.core.errors import InputError
from megatao.core.paths import display, genesis_dir
from megatao.core.source import read_source

KIND_ALPHA = 0
KIND_INDEX = 1
STATUS_NAMES = {0: "none", 1: "active", 2: "reduce-only", 3: "delisted", 4: "settled"}
#: The fields of the registry's `MarketParams` struct, in order, by the names proposals and this module use.
PARAM_KEYS = params.MARKET_KEYS
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


class _Parameters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def as_tuple(self) -> tuple[int, ...]:
        """The `MarketParams` struct, in its field order."""
        return tuple(getattr(self, key) for key in PARAM_KEYS)


#: The governance parameters of one market (docs/protocol.md section 2), converted to the registry's units: one
#: field per row of `megatao.core.params.MARKET`.
MarketParameters = create_model("MarketParameters", __base__=_Parameters, **params.model_fields(params.MARKET))


class AlphaMarket(MarketParameters):  # type: ignore[misc,valid-type]
    """An alpha market: one subnet's alpha token, priced by the Alpha precompile."""

    ticker: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="2-12 upper-case letters or digits")
    netuid: int = Field(ge=1, le=65535, description="The subnet (root, 0, excluded)")

    @property
    def market_id(self) -> bytes:
        return alpha_market_id(self.netuid)

    def listing(self) -> tuple:
        """The `MarketListing` struct that `listMarket` takes."""
        return (self.ticker, KIND_ALPHA, self.netuid, ZERO_ADDRESS, self.as_tuple())


class IndexMarket(MarketParameters):  # type: ignore[misc,valid-type]
    """An index market (MTSOS), priced by an index oracle contract; it has no pool, so no liquidity threshold."""

    ticker: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="2-12 upper-case letters or digits")
    oracle: Literal["mtsos-ema"] = Field(description="The index oracle the market reads")
    min_pool_tao: Literal[0] = Field(default=0, description="Index markets have no liquidity threshold")
    oi_depth_ratio: Literal[0] = Field(default=0, description="Index markets have no pool, so no depth cap")

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
    from eth_abi import encode
    from web3 import Web3

    return Web3.keccak(encode(["uint8", "uint256"], [KIND_ALPHA, netuid]))


def index_market_id(ticker: str) -> bytes:
    """`keccak256(abi.encode(uint8(MarketKind.Index), bytes32(ticker)))`."""
    from eth_abi import encode
    from web3 import Web3

    return Web3.keccak(encode(["uint8", "bytes32"], [KIND_INDEX, ticker.encode().ljust(32, b"\0")]))


def load_genesis_markets(path: Path | None = None) -> list[AlphaMarket]:
    """The alpha markets of `proposals/genesis/markets.yaml`, each with the defaults filled in, checked."""
    return load_genesis(path).alpha


def load_genesis(path: Path | None = None) -> Genesis:
    """The alpha and index markets of `proposals/genesis/markets.yaml`, defaults filled in, checked."""
    path = path or genesis_dir() / "markets.yaml"
    data = read_source(path).data
    for loc, new in params.rename_aliases(data):
        where = ".".join(str(part) for part in loc)
        print(
            f"{display(path)}: {where} is renamed '{new}'; the old key is read until the next release", file=sys.stderr
        )
    if not isinstance(data, dict) or data.get("version") != 1:
        raise InputError(f"{display(path)}: expected a mapping with `version: 1`, `defaults` and `markets`")
    unknown = set(data) - {"version", "defaults", "markets", "index_markets"}
    if unknown:
        raise InputError(
            f"{display(path)}: unknown key '{sorted(unknown)[0]}' (expected version, defaults, markets, index_markets)"
        )
    defaults = data.get("defaults") or {}
    alpha_only = {p.key for p in params.MARKET if p.alpha_only}
    index_defaults = {k: v for k, v in defaults.items() if k not in alpha_only}
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
