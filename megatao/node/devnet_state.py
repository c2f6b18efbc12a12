"""Where the running devnet is: the pid, port and log of the anvil that `megatao devnet up` started, kept in
`.megatao/devnet.json`. Here, below the devnet package, so that a network lookup can find the devnet's URL."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from megatao.core.paths import state_dir
from megatao.node.anvil import AnvilProcess, rpc


@dataclass
class DevnetState:
    pid: int
    port: int
    rpc_url: str
    chain_id: int
    log_path: str
    started_at: str

    @property
    def process(self) -> AnvilProcess:
        return AnvilProcess(pid=self.pid, port=self.port, log_path=Path(self.log_path))


def state_file() -> Path:
    return state_dir() / "devnet.json"


def load_state() -> DevnetState | None:
    try:
        return DevnetState(**json.loads(state_file().read_text()))
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, TypeError):
        state_file().unlink(missing_ok=True)  # unreadable state describes nothing we can stop
        return None


def save_state(state: DevnetState) -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_text(json.dumps(asdict(state), indent=2) + "\n")


def _answers(url: str) -> bool:
    try:
        rpc(url, "eth_chainId", timeout=2.0)
    except ConnectionError:
        return False
    return True


def running_devnet() -> DevnetState | None:
    """The devnet that `up` started, if its process still runs and answers."""
    state = load_state()
    if state and state.process.is_alive() and _answers(state.rpc_url):
        return state
    return None


def running_devnet_url() -> str | None:
    state = running_devnet()
    return state.rpc_url if state else None
