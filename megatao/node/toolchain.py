"""The project's pinned Foundry binaries (installed from npm by `npm ci`) and forge's build artifacts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

from megatao.core.errors import ToolchainError
from megatao.core.paths import PROJECT_ROOT, display, out_dir

_NPM_BIN = PROJECT_ROOT / "node_modules" / "@foundry-rs"


def foundry_binary(name: str) -> Path:
    """Path of `anvil`, `forge` or `cast`: $MEGATAO_<NAME>, else the npm-pinned binary, else one on PATH."""
    override = os.environ.get(f"MEGATAO_{name.upper()}")
    candidates = [Path(override)] if override else []
    candidates.append(_NPM_BIN / f"{name}-linux-amd64" / "bin" / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ToolchainError(f"{name} not found (looked in {display(candidates[0])}); run `npm ci` in {PROJECT_ROOT}")


def forge_build() -> None:
    """Compile the contracts with the pinned toolchain; raises with forge's own message on failure."""
    result = subprocess.run(
        [str(foundry_binary("forge")), "build"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ToolchainError(f"forge build failed: {detail[-1] if detail else 'no output'}")
    artifact.cache_clear()


@cache
def artifact(contract: str, source: str | None = None) -> dict:
    """forge's JSON artifact of `contract` (from `<source>.sol`; by default `<contract>.sol`, else the one source file
    of the build that declares it, as the test fixtures under tests/contracts/fixtures/ do)."""
    path = out_dir() / f"{source or contract}.sol" / f"{contract}.json"
    if not path.is_file() and source is None:
        found = sorted(out_dir().glob(f"*.sol/{contract}.json"))
        path = found[0] if len(found) == 1 else path
    if not path.is_file():
        raise ToolchainError(f"no build artifact for {contract} at {display(path)}; run `forge build`")
    return json.loads(path.read_text())


def deployed_bytecode(contract: str) -> str:
    """Runtime bytecode as 0x-hex, what `anvil_setCode` places at an address."""
    return artifact(contract)["deployedBytecode"]["object"]


def abi(contract: str) -> list[dict]:
    return artifact(contract)["abi"]
