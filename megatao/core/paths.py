"""Where the project's files are: the checkout, build output, local state and deployment records."""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout this package runs from (the CLI is installed in editable mode from it).
PROJECT_ROOT = Path(os.environ.get("MEGATAO_ROOT", Path(__file__).resolve().parents[2]))


def out_dir() -> Path:
    """forge's build output (override: MEGATAO_OUT_DIR)."""
    return Path(os.environ.get("MEGATAO_OUT_DIR", PROJECT_ROOT / "out"))


def state_dir() -> Path:
    """Local, uncommitted state such as the running devnet's pid and port (override: MEGATAO_STATE_DIR)."""
    return Path(os.environ.get("MEGATAO_STATE_DIR", PROJECT_ROOT / ".megatao"))


def deployments_dir() -> Path:
    """Deployment records, one `<chainId>.json` per chain (override: MEGATAO_DEPLOYMENTS_DIR)."""
    return Path(os.environ.get("MEGATAO_DEPLOYMENTS_DIR", PROJECT_ROOT / "deployments"))


def genesis_dir() -> Path:
    """The genesis configuration: launch markets and the devnet's pools."""
    return PROJECT_ROOT / "proposals" / "genesis"


def display(path: Path) -> str:
    """A path relative to the working directory when it is inside it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
