"""Subnet pools: the devnet's seed file, and reading or setting pools through the Alpha precompile at 0x...0808.

Reads use only the precompile's own selectors, so they work on Bittensor itself; setting a pool needs the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

from eth_account.signers.local import LocalAccount
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from megatao.core.errors import InputError, NetworkError
from megatao.core.paths import display, genesis_dir
from megatao.core.source import read_source
from megatao.node.chain import Chain
from megatao.node.toolchain import abi

ALPHA_PRECOMPILE = "0x0000000000000000000000000000000000000808"
EMULATOR_CONTRACT = "AlphaPrecompileEmulator"
#: The subnet precompile, whose `getNetworkRegistrationBlock` tells a re-registered netuid (emulated the same way).
SUBNET_PRECOMPILE = "0x0000000000000000000000000000000000000803"
SUBNET_EMULATOR_CONTRACT = "SubnetPrecompileEmulator"
RAO_PER_UNIT = 10**9
MECHANISM_DYNAMIC = 1


class PoolSeed(BaseModel):
    """One subnet pool to seed on a local chain."""

    model_config = ConfigDict(extra="forbid")

    ticker: str = Field(pattern=r"^[A-Z0-9]{2,12}$", description="Market ticker the subnet trades under")
    netuid: int = Field(ge=1, le=65535, description="Subnet id (root, 0, is fixed at 1.0 and not seeded)")
    tao: Decimal = Field(gt=0, description="TAO reserve, in TAO")
    alpha: Decimal = Field(ge=0, description="Alpha reserve, in alpha")
    role: Literal["launch", "candidate", "thin"] = Field(description="Why the devnet has this pool")

    @property
    def tao_rao(self) -> int:
        return int(self.tao * RAO_PER_UNIT)

    @property
    def alpha_rao(self) -> int:
        return int(self.alpha * RAO_PER_UNIT)


class PoolSeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    pools: list[PoolSeed]


def load_pool_seeds(path: Path | None = None) -> list[PoolSeed]:
    """The pools of `proposals/genesis/devnet-pools.yaml` (or `path`), checked; errors name the file and key."""
    path = path or genesis_dir() / "devnet-pools.yaml"
    data = read_source(path).data
    try:
        seeds = PoolSeedFile.model_validate(data).pools
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{display(path)}: {key}: {first['msg']}") from None
    netuids = [seed.netuid for seed in seeds]
    duplicates = sorted({n for n in netuids if netuids.count(n) > 1})
    if duplicates:
        raise InputError(f"{display(path)}: netuid {duplicates[0]} is seeded twice")
    return seeds


@dataclass(frozen=True)
class PoolReading:
    """What the precompile answers for one subnet, in its own units."""

    netuid: int
    price: int  # TAO per alpha x 1e18
    tao_in_rao: int
    alpha_in_rao: int
    mechanism: int

    @property
    def price_tao(self) -> Decimal:
        return Decimal(self.price) / 10**18

    @property
    def tao_in(self) -> Decimal:
        return Decimal(self.tao_in_rao) / RAO_PER_UNIT


@dataclass(frozen=True)
class PoolRow:
    """One subnet pool as `megatao pool list` shows it: the precompile's reading and, when seeded, its ticker."""

    reading: PoolReading
    ticker: str | None
    role: str | None

    def as_json(self) -> dict:
        return {
            "netuid": self.reading.netuid,
            "ticker": self.ticker,
            "role": self.role,
            "price": str(self.reading.price),
            "tao_in_pool_rao": str(self.reading.tao_in_rao),
            "alpha_in_pool_rao": str(self.reading.alpha_in_rao),
            "mechanism": self.reading.mechanism,
        }


class AlphaPrecompile:
    """The Alpha precompile (or its emulator) on one chain."""

    def __init__(self, chain: Chain):
        self.chain = chain
        self.contract = chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT))

    def has_code(self) -> bool:
        return len(self.chain.guard(lambda: self.chain.w3.eth.get_code(ALPHA_PRECOMPILE))) > 0

    def read(self, netuid: int) -> PoolReading:
        functions = self.contract.functions
        return self.chain.guard(
            lambda: PoolReading(
                netuid=netuid,
                price=functions.getAlphaPrice(netuid).call(),
                tao_in_rao=functions.getTaoInPool(netuid).call(),
                alpha_in_rao=functions.getAlphaInPool(netuid).call(),
                mechanism=functions.getSubnetMechanism(netuid).call(),
            )
        )

    def pool_rows(self, seeds: list[PoolSeed]) -> list[PoolRow]:
        """Every pool: the emulator's own, or, on a chain with the real precompile, the subnets of `seeds`."""
        by_netuid = {seed.netuid: seed for seed in seeds}
        netuids = self.seeded_netuids() if self.is_emulator() else [seed.netuid for seed in seeds]
        rows = []
        for netuid in netuids:
            seed = by_netuid.get(netuid)
            rows.append(PoolRow(self.read(netuid), seed.ticker if seed else None, seed.role if seed else None))
        return rows

    def sum_alpha_price(self) -> int:
        return self.chain.guard(lambda: self.contract.functions.getSumAlphaPrice().call())

    def seeded_netuids(self) -> list[int]:
        """The subnets the emulator has pools for (the real precompile cannot list them)."""
        self._require_emulator()
        return list(self.chain.guard(lambda: self.contract.functions.netuids().call()))

    def seed(self, seeds: list[PoolSeed], sender: LocalAccount) -> dict:
        """Set every pool of `seeds` in one transaction."""
        self._require_emulator()
        rows = [(s.netuid, s.tao_rao, s.alpha_rao, MECHANISM_DYNAMIC) for s in seeds]
        return self.chain.transact(self.contract.functions.setPools(rows), sender)

    def set_pool(self, netuid: int, tao_rao: int, alpha_rao: int, sender: LocalAccount) -> dict:
        self._require_emulator()
        return self.chain.transact(
            self.contract.functions.setPool(netuid, tao_rao, alpha_rao, MECHANISM_DYNAMIC), sender
        )

    def is_emulator(self) -> bool:
        if not self.has_code():
            return False
        try:
            self.contract.functions.netuids().call()
        except Exception:  # the real precompile has no such selector and reverts
            return False
        return True

    def _require_emulator(self) -> None:
        if not self.is_emulator():
            raise NetworkError(
                f"no Alpha precompile emulator at {ALPHA_PRECOMPILE} on {self.chain.url}; "
                "pools can be set only on a devnet or a fork that runs it"
            )
