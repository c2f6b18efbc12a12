"""The one module that owns anvil processes: launch on loopback, wait until it answers, stop, and its RPC cheats.

Used by the devnet (a long-lived anvil that outlives the command) and by fork simulations (an anvil that lives for
one command and is always stopped).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from megatao.core.errors import DevnetError
from megatao.node.toolchain import foundry_binary

LOOPBACK = "127.0.0.1"
#: Bittensor's block gas limit and block time, so gas and time on the devnet look like the chain's.
BLOCK_GAS_LIMIT = 75_000_000
BLOCK_TIME_SECONDS = 12
READY_TIMEOUT_SECONDS = 20.0


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def ensure_port_free(port: int) -> None:
    if not 1 <= port <= 65535:
        raise DevnetError(f"port {port} is not a TCP port (1..65535)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise DevnetError(f"port {port} on {LOOPBACK} is already in use; pick another with --port") from None
            raise DevnetError(f"cannot use port {port} on {LOOPBACK}: {exc.strerror}") from None


def rpc(url: str, method: str, params: list | None = None, timeout: float = 10.0):
    """One JSON-RPC call; raises ConnectionError when the node does not answer and DevnetError on an RPC error."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        raise ConnectionError(str(getattr(exc, "reason", exc))) from None
    if "error" in answer:
        raise DevnetError(f"{method} failed at {url}: {answer['error'].get('message', answer['error'])}")
    return answer["result"]


@dataclass
class AnvilProcess:
    """A running anvil: its pid, where it listens and where it logs."""

    pid: int
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @classmethod
    def launch(
        cls,
        port: int,
        log_path: Path,
        chain_id: int | None = None,
        fork_url: str | None = None,
        fork_block: int | None = None,
        balance_tao: int = 10_000,
        extra_args: tuple[str, ...] = (),
    ) -> AnvilProcess:
        """Start anvil detached from this process (it outlives the command) and wait until it answers.

        On any failure the process is stopped before the error is raised, so nothing is left behind.
        """
        ensure_port_free(port)
        args = [
            str(foundry_binary("anvil")),
            "--host",
            LOOPBACK,
            "--port",
            str(port),
            "--gas-limit",
            str(BLOCK_GAS_LIMIT),
            "--balance",
            str(balance_tao),
        ]
        if chain_id is not None:
            args += ["--chain-id", str(chain_id)]
        if fork_url:
            args += ["--fork-url", fork_url]
            if fork_block is not None:
                args += ["--fork-block-number", str(fork_block)]
        args += extra_args
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        anvil = cls(pid=process.pid, port=port, log_path=log_path)
        try:
            anvil._wait_ready(process)
        except BaseException:
            anvil.stop()
            raise
        return anvil

    def _wait_ready(self, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DevnetError(f"anvil exited with code {process.returncode}: {self._last_log_line()}")
            try:
                rpc(self.url, "eth_chainId", timeout=1.0)
                return
            except ConnectionError:
                time.sleep(0.05)
        raise DevnetError(f"anvil did not answer on {self.url} within {READY_TIMEOUT_SECONDS:.0f} s")

    def _last_log_line(self) -> str:
        try:
            lines = [line for line in self.log_path.read_text().splitlines() if line.strip()]
        except OSError:
            return "no log"
        return lines[-1] if lines else "no output"

    def is_alive(self) -> bool:
        """True while the pid still runs anvil listening on our port (a reused pid is not ours)."""
        try:
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return bool(cmdline) and cmdline[0].endswith(b"anvil") and str(self.port).encode() in cmdline

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the process (and its process group) if it is still ours: SIGTERM, then SIGKILL."""
        if not self.is_alive():
            self._reap()
            return
        self._signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._reap()
            if not self.is_alive():
                return
            time.sleep(0.05)
        self._signal(signal.SIGKILL)
        self._reap()

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            os.kill(self.pid, sig)

    def _reap(self) -> None:
        """Collect the exit status when we are the parent, so no zombie keeps the pid."""
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, os.WNOHANG)


class AnvilRpc:
    """anvil's cheat methods over JSON-RPC, for devnets and forks alike."""

    def __init__(self, url: str):
        self.url = url

    def call(self, method: str, *params):
        return rpc(self.url, method, list(params))

    def set_code(self, address: str, code: str) -> None:
        self.call("anvil_setCode", address, code)

    def set_balance(self, address: str, wei: int) -> None:
        self.call("anvil_setBalance", address, hex(wei))

    def impersonate(self, address: str) -> None:
        self.call("anvil_impersonateAccount", address)

    def mine(self, blocks: int = 1, interval_seconds: int | None = None) -> None:
        params = [hex(blocks)] + ([hex(interval_seconds)] if interval_seconds is not None else [])
        self.call("anvil_mine", *params)

    def increase_time(self, seconds: int) -> None:
        self.call("evm_increaseTime", hex(seconds))

    def set_next_block_timestamp(self, timestamp: int) -> None:
        self.call("evm_setNextBlockTimestamp", hex(timestamp))

    def snapshot(self) -> str:
        return self.call("evm_snapshot")

    def revert(self, snapshot_id: str) -> bool:
        return self.call("evm_revert", snapshot_id)

    def block(self, tag: str = "latest") -> dict:
        return self.call("eth_getBlockByNumber", tag, False)

    def trace_transaction(self, tx_hash: str, tracer: str, config: dict | None = None, timeout: float = 60.0) -> dict:
        """`debug_traceTransaction` with a built-in tracer (`callTracer`, `prestateTracer`; `config` is its
        tracerConfig, e.g. `{"diffMode": True}`)."""
        options: dict = {"tracer": tracer}
        if config:
            options["tracerConfig"] = config
        return rpc(self.url, "debug_traceTransaction", [tx_hash, options], timeout=timeout)
