"""Shared fixtures: each test gets its own state and deployment folders, and a way to run the CLI as a user does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class SharedDevnet:
    """One devnet for the whole session; each test using it runs between an EVM snapshot and its revert."""

    rpc_url: str
    env: dict[str, str]


@pytest.fixture(scope="session")
def shared_devnet(tmp_path_factory):
    base = tmp_path_factory.mktemp("shared-devnet")
    env = {"MEGATAO_STATE_DIR": str(base / "state"), "MEGATAO_DEPLOYMENTS_DIR": str(base / "deployments")}
    up = run_cli("devnet", "up", "--json", env=env)
    assert up.code == 0, up.output
    yield SharedDevnet(json.loads(up.stdout)["rpc_url"], env)
    run_cli("devnet", "down", env=env)


@pytest.fixture(autouse=True)
def isolated_state(request, tmp_path, monkeypatch):
    """Devnet state and deployment records go to the test's own folder (or to the shared devnet's, which is
    snapshotted before the test and reverted after); no network comes from the environment."""
    monkeypatch.delenv("MEGATAO_RPC_URL", raising=False)
    monkeypatch.delenv("MEGATAO_NETWORK", raising=False)
    if "shared_devnet" not in request.fixturenames:
        monkeypatch.setenv("MEGATAO_STATE_DIR", str(tmp_path / "state"))
        monkeypatch.setenv("MEGATAO_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
        yield tmp_path
        return
    from megatao.node.anvil import AnvilRpc

    devnet = request.getfixturevalue("shared_devnet")
    for key, value in devnet.env.items():
        monkeypatch.setenv(key, value)
    node = AnvilRpc(devnet.rpc_url)
    snapshot = node.snapshot()
    yield tmp_path
    node.revert(snapshot)


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """`megatao ARGS` in a new process, as a user would run it."""
    result = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    return Run(result.returncode, result.stdout, result.stderr)


def assert_one_line_error(run: Run, *fragments: str, code: int = 2) -> None:
    """Exit code 2 (or `code`), no traceback, and one `error:` line, the last on stderr (after any progress), naming
    each fragment."""
    assert run.code == code, run.output
    assert "Traceback" not in run.output
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], run.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.fixture
def cli():
    return run_cli
