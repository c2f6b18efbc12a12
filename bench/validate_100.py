"""Offline validation of 100 proposal files (schema and rules), as `megatao proposal validate` does them.

Usage: .venv/bin/python bench/validate_100.py   (goal: under 2 s in total)
"""

from __future__ import annotations

import shutil
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from governance.proposals.validate import validate_file

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    examples = sorted((ROOT / "proposals" / "examples").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for index, source in enumerate(islice(cycle(examples), 100)):
            target = Path(tmp) / f"{index:03d}-{source.name}"
            shutil.copy(source, target)
            files.append(target)
        validate_file(files[0])  # imports and model building, as a warm CLI process would have done
        started = time.perf_counter()
        results = [validate_file(path) for path in files]
        elapsed = time.perf_counter() - started
    assert all(r.ok for r in results)
    print(f"validated 100 proposal files offline in {elapsed:.3f} s ({elapsed * 10:.1f} ms each)")


if __name__ == "__main__":
    main()
