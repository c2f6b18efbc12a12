"""Deployment records: `deployments/<chainId>.json` with addresses, block and the git commit they came from."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from megatao.core.errors import InputError
from megatao.core.paths import PROJECT_ROOT, deployments_dir, display

SCHEMA_VERSION = 1


def git_commit() -> str:
    """The checkout's commit, with '-dirty' when the work tree has changes; 'unknown' outside git."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")


def deployment_path(chain_id: int) -> Path:
    return deployments_dir() / f"{chain_id}.json"


def write_deployment(chain_id: int, network: str, block: int, contracts: dict[str, dict], extra: dict) -> Path:
    record = {
        "schemaVersion": SCHEMA_VERSION,
        "chainId": chain_id,
        "network": network,
        "block": block,
        "gitCommit": git_commit(),
        "deployedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "contracts": contracts,
        **extra,
    }
    path = deployment_path(chain_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    tmp.replace(path)
    return path


def read_deployment(chain_id: int) -> dict:
    path = deployment_path(chain_id)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"no deployment record for chain {chain_id} at {display(path)}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{display(path)}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
