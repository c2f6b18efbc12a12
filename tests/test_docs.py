"""The specification is docs/protocol.md, in this repository: every citation points to it, by a section it has."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "docs" / "protocol.md"


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0:
        names = listed.stdout.split()
    else:  # an export without git: every file but the generated and installed ones
        skip = (".venv/", "node_modules/", "out/", "cache/", "out-test/", "cache-test/", ".git/")
        names = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*") if p.is_file()]
        names = [n for n in names if not n.startswith(skip) and "__pycache__" not in n and ".egg-info" not in n]
    this = Path(__file__).relative_to(ROOT).as_posix()
    return [ROOT / n for n in names if n != this and (ROOT / n).is_file()]


def test_no_citation_of_a_specification_outside_the_repository():
    stale = []
    for path in tracked_files():
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        stale += [
            f"{path.relative_to(ROOT)}:{i}" for i, line in enumerate(text.splitlines(), 1) if "PROTOCOL.md" in line
        ]
    assert stale == []


def test_every_cited_section_exists():
    sections = set(re.findall(r"(?m)^##+ (\d+a?)\.", SPEC.read_text()))
    assert {str(n) for n in range(1, 12)} <= sections
    missing = []
    for path in tracked_files():
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        for number in re.findall(r"docs/protocol\.md,? sections? (\d+a?)", text):
            if number not in sections:
                missing.append(f"{path.relative_to(ROOT)}: section {number}")
    assert missing == []
