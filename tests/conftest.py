"""Shared fixtures: each test gets its own state and deployment folders, and a way to run the CLI as a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Devnet state and deployment records go to the test's own folder; no network comes from the environment."""
    monkeypatch.setenv("MEGATAO_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MEGATAO_DEPLOYMENTS_DIR", str(tmp_path / "deployments"))
    monkeypatch.delenv("MEGATAO_RPC_URL", raising=False)
    monkeypatch.delenv("MEGATAO_NETWORK", raising=False)
    return tmp_path


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


def assert_one_line_error(run: Run, *fragments: str) -> None:
    """Exit code 2, no traceback, and one `error:` line, the last on stderr (after any progress), naming each
    fragment."""
    assert run.code == 2, run.output
    assert "Traceback" not in run.output
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], run.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.fixture
def cli():
    return run_cli
