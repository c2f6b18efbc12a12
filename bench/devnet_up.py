"""How long `megatao devnet up` takes on a set-up machine, deployment included, measured as a user runs it.

Each run starts from no devnet, times the whole `megatao devnet up` process, then stops the devnet.
Usage: .venv/bin/python bench/devnet_up.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEGATAO = [sys.executable, "-m", "cli"]


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MEGATAO_STATE_DIR": f"{tmp}/state", "MEGATAO_DEPLOYMENTS_DIR": f"{tmp}/deployments"}
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*MEGATAO, "devnet", "up", "--json"], cwd=ROOT, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
            subprocess.run([*MEGATAO, "devnet", "down"], cwd=ROOT, env=env, check=True, capture_output=True)
    print(
        f"megatao devnet up, {runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
