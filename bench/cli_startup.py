"""Whole-process time of the two commands a user runs most offline: `megatao --help` and `megatao proposal validate`
of one file (goals: under 0.3 s and 0.5 s wall). Each runs as a new process, as a user starts it; the figure is the
median of N runs after one warm-up, with the CPU time (user + sys) beside it, since a busy machine stretches wall.

Usage: .venv/bin/python bench/cli_startup.py [N]   (default 7)
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEGATAO = ROOT / ".venv" / "bin" / "megatao"
COMMANDS = {
    "megatao --help": [str(MEGATAO), "--help"],
    "megatao proposal validate list-sn19.yaml": [
        str(MEGATAO), "proposal", "validate", str(ROOT / "proposals" / "examples" / "list-sn19.yaml"),
    ],
}  # fmt: skip


def run_once(argv: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "NO_COLOR": "1"})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for name, argv in COMMANDS.items():
        run_once(argv)
        walls, cpus = zip(*(run_once(argv) for _ in range(runs)), strict=True)
        print(
            f"{name}: wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
            f"cpu median {statistics.median(cpus):.3f} s, {runs} runs"
        )


if __name__ == "__main__":
    main()
