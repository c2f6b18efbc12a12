"""`megatao devnet`: the local chain with the Alpha precompile emulator and the deployment."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import click

from cli.base import Group, example, out, print_json, progress
from cli.options import json_option
from megatao.core.paths import display
from megatao.core.units import format_duration, parse_duration

# The library is imported inside each command: web3 and eth-account take a second to import, and --help needs neither.


@click.group(cls=Group, epilog=example("megatao devnet up && megatao devnet status"))
def devnet() -> None:
    """Run a local devnet: anvil on 127.0.0.1 with the emulator and the deployment."""


@devnet.command(epilog=example("megatao devnet up", "megatao devnet up --port 8545"))
@click.option("--port", type=click.IntRange(1, 65535), help="Port on 127.0.0.1 (default: a free one).")
@json_option
def up(port: int | None, as_json: bool) -> None:
    """Start anvil, place the Alpha precompile emulator at 0x...0808, seed the subnet pools and deploy.

    Writes deployments/<chainId>.json. If a devnet already runs, reports it and changes nothing.
    """
    from cli.pool import pools_table
    from megatao.clients.pools import AlphaPrecompile
    from megatao.devnet import devnet as lib

    result = lib.up(port, progress(quiet=as_json))
    state = result.state
    if as_json:
        print_json({"already_running": result.already_running, **asdict(state), "seconds": result.seconds})
        return
    if result.already_running:
        out.print(f"devnet already running at {state.rpc_url} (pid {state.pid}, since {state.started_at})")
        return
    chain = lib.devnet_chain(state)
    out.print(pools_table(AlphaPrecompile(chain), result.seeds))
    out.print(
        f"devnet ready at [bold]{state.rpc_url}[/bold] (chain {state.chain_id}, pid {state.pid}) "
        f"in {result.seconds:.1f} s; deployment record: {display(result.deployment)}"
    )
    out.print("stop it with: megatao devnet down")


@devnet.command(epilog=example("megatao devnet down", "megatao devnet down --json"))
@json_option
def down(as_json: bool) -> None:
    """Stop the devnet that `megatao devnet up` started (and no other process)."""
    from megatao.devnet import devnet as lib

    result = lib.down()
    if as_json:
        print_json({"stopped": result.stopped is not None, **(asdict(result.stopped) if result.stopped else {})})
        return
    if result.stopped is None:
        out.print("no devnet is running")
    else:
        out.print(f"stopped the devnet at {result.stopped.rpc_url} (pid {result.stopped.pid})")


@devnet.command(epilog=example("megatao devnet status", "megatao devnet status --json"))
@json_option
def status(as_json: bool) -> None:
    """Say whether a devnet runs, where, at which block, and what is deployed."""
    from megatao.devnet import devnet as lib

    st = lib.status()
    if as_json:
        print_json(
            {
                "running": st.state is not None and not st.stale,
                "stale": st.stale,
                **(asdict(st.state) if st.state else {}),
                "block": st.block,
                "timestamp": st.timestamp,
                "emulator": st.emulator,
                "deployment": str(st.deployment) if st.deployment else None,
            }
        )
        return
    if st.state is None:
        out.print("no devnet is running (start one with: megatao devnet up)")
        return
    if st.stale:
        out.print(f"the devnet recorded at {st.state.rpc_url} (pid {st.state.pid}) is gone; run: megatao devnet up")
        return
    when = datetime.fromtimestamp(st.timestamp, UTC).isoformat(timespec="seconds")
    rows = [
        ("rpc url", st.state.rpc_url),
        ("chain id", str(st.state.chain_id)),
        ("pid", str(st.state.pid)),
        ("block", f"{st.block} at {when}"),
        ("alpha precompile", "emulator at 0x...0808" if st.emulator else "missing"),
        ("deployment", display(st.deployment) if st.deployment else "none"),
        ("log", display(Path(st.state.log_path))),
    ]
    for key, value in rows:
        out.print(f"{key:>17}  {value}")


@devnet.command(
    epilog=example("megatao devnet advance 2d", "megatao devnet advance 48h", "megatao devnet advance 3600 --json")
)
@click.argument("duration")
@json_option
def advance(duration: str, as_json: bool) -> None:
    """Move the devnet's time forward by DURATION (seconds, or 90m, 48h, 7d, 1d12h) and mine blocks.

    Time moves by exactly DURATION; one block is mined per 12 s, at most 100 per call.
    """
    from megatao.devnet import devnet as lib

    moved = lib.advance(parse_duration(duration, "DURATION"))
    if as_json:
        print_json(asdict(moved))
        return
    out.print(
        f"advanced {format_duration(moved.seconds)}: block {moved.block_before} -> {moved.block_after}, "
        f"time {moved.time_before} -> {moved.time_after}"
    )
