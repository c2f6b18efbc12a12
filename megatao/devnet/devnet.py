"""The local devnet: one anvil on loopback that outlives the command, with the emulator and the deployment.

Its pid, port and log live in `.megatao/devnet.json`; `down` stops only that process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from megatao.clients.markets import load_genesis
from megatao.clients.pools import EMULATOR_CONTRACT, AlphaPrecompile, PoolSeed, load_pool_seeds
from megatao.core.errors import DevnetError, ToolchainError
from megatao.core.paths import state_dir
from megatao.core.progress import SILENT, Progress
from megatao.devnet.deploy import (
    ENTRY_CONTRACT,
    GOVERNANCE_DEPLOYER,
    GOVERNOR,
    MTSOS_ORACLE,
    PROTOCOL_INTERFACE,
    PROTOCOL_MODULES,
    TOKEN,
    deploy_devnet,
)
from megatao.node.anvil import BLOCK_TIME_SECONDS, AnvilProcess, AnvilRpc, free_port
from megatao.node.chain import Chain
from megatao.node.deployments import deployment_path, write_deployment
from megatao.node.devnet_state import DevnetState, load_state, running_devnet, save_state, state_file
from megatao.node.networks import DEVNET_CHAIN_ID, Endpoint, get_network
from megatao.node.toolchain import artifact, forge_build

#: Each default account starts with this much TAO.
DEV_BALANCE_TAO = 100_000


def devnet_chain(state: DevnetState) -> Chain:
    return Chain(Endpoint(get_network("devnet"), state.rpc_url))


@dataclass
class UpResult:
    state: DevnetState
    already_running: bool
    seeds: list[PoolSeed]
    deployment: Path | None
    seconds: float


def up(port: int | None = None, progress: Progress = SILENT, anvil_args: tuple[str, ...] = ()) -> UpResult:
    """Start the devnet and deploy on it, or report the one already running. A failure leaves no process behind.
    `anvil_args` go to anvil as they are (e.g. `--steps-tracing` for opcode traces)."""
    started = time.monotonic()
    existing = running_devnet()
    if existing:
        return UpResult(existing, True, [], deployment_path(existing.chain_id), 0.0)
    stale = load_state()
    if stale:
        stale.process.stop()
        state_file().unlink(missing_ok=True)

    seeds = load_pool_seeds()
    genesis = load_genesis()
    _ensure_artifacts(progress)
    port = port if port is not None else free_port()
    with progress.step(f"starting anvil on 127.0.0.1:{port}"):
        anvil = AnvilProcess.launch(
            port,
            state_dir() / "anvil.log",
            chain_id=DEVNET_CHAIN_ID,
            balance_tao=DEV_BALANCE_TAO,
            extra_args=anvil_args,
        )
    state = DevnetState(
        pid=anvil.pid,
        port=port,
        rpc_url=anvil.url,
        chain_id=DEVNET_CHAIN_ID,
        log_path=str(anvil.log_path),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    try:
        chain = devnet_chain(state)
        contracts = deploy_devnet(chain, seeds, genesis, progress)
        block = chain.guard(lambda: chain.w3.eth.block_number)
        with progress.step("writing the deployment record"):
            record = write_deployment(
                DEVNET_CHAIN_ID,
                "devnet",
                block,
                contracts,
                {
                    "markets": [
                        {"ticker": m.ticker, "netuid": getattr(m, "netuid", None), "marketId": "0x" + m.market_id.hex()}
                        for m in [*genesis.alpha, *genesis.index]
                    ],
                    "pools": [seed.model_dump(mode="json") for seed in seeds],
                    "devBalanceTao": DEV_BALANCE_TAO,
                },
            )
        save_state(state)
    except BaseException:
        anvil.stop()
        deployment_path(DEVNET_CHAIN_ID).unlink(missing_ok=True)
        raise
    return UpResult(state, False, seeds, record, time.monotonic() - started)


def _ensure_artifacts(progress: Progress) -> None:
    try:
        required = (
            EMULATOR_CONTRACT,
            ENTRY_CONTRACT,
            PROTOCOL_INTERFACE,
            MTSOS_ORACLE,
            TOKEN,
            GOVERNOR,
            GOVERNANCE_DEPLOYER,
        )
        for contract in (*required, *PROTOCOL_MODULES):
            artifact(contract)
    except ToolchainError:
        with progress.step("compiling the contracts (forge build)"):
            forge_build()


@dataclass
class DownResult:
    stopped: DevnetState | None


def down() -> DownResult:
    """Stop the process that `up` started (and nothing else), and forget its state and deployment record."""
    state = load_state()
    if state is None:
        return DownResult(None)
    state.process.stop()
    if state.process.is_alive():
        raise DevnetError(f"anvil (pid {state.pid}) did not stop; stop it by hand")
    state_file().unlink(missing_ok=True)
    deployment_path(state.chain_id).unlink(missing_ok=True)
    return DownResult(state)


@dataclass
class Status:
    state: DevnetState | None
    stale: bool
    block: int | None = None
    timestamp: int | None = None
    emulator: bool = False
    deployment: Path | None = None


def status() -> Status:
    state = load_state()
    if state is None:
        return Status(None, stale=False)
    if running_devnet() is None:
        return Status(state, stale=True)
    chain = devnet_chain(state)
    latest = AnvilRpc(state.rpc_url).block()
    record = deployment_path(state.chain_id)
    return Status(
        state,
        stale=False,
        block=int(latest["number"], 16),
        timestamp=int(latest["timestamp"], 16),
        emulator=AlphaPrecompile(chain).is_emulator(),
        deployment=record if record.exists() else None,
    )


#: anvil's cost per mined block grows with the chain's length (4,000 blocks take ~14 s here), so a long advance
#: mines at most this many blocks, spread evenly over the duration; the time moves by exactly the duration.
MAX_BLOCKS_PER_ADVANCE = 100


@dataclass
class Advance:
    seconds: int
    blocks: int
    block_before: int
    block_after: int
    time_before: int
    time_after: int


def advance(seconds: int) -> Advance:
    """Move the devnet's clock forward by exactly `seconds`, mining one block per 12 s (at least one, at most 100)."""
    state = running_devnet()
    if state is None:
        raise DevnetError("no devnet is running; start one with `megatao devnet up`")
    node = AnvilRpc(state.rpc_url)
    before = node.block()
    blocks = min(max(1, seconds // BLOCK_TIME_SECONDS), MAX_BLOCKS_PER_ADVANCE)
    interval, remainder = divmod(seconds, blocks)
    # Pin the first block's time to the last block's, not to the wall clock, so the move is exact.
    node.set_next_block_timestamp(int(before["timestamp"], 16) + remainder + interval)
    node.mine(blocks, interval)
    after = node.block()
    return Advance(
        seconds=seconds,
        blocks=blocks,
        block_before=int(before["number"], 16),
        block_after=int(after["number"], 16),
        time_before=int(before["timestamp"], 16),
        time_after=int(after["timestamp"], 16),
    )
