"""Commented templates of each kind, kept in proposals/templates/<kind>.yaml (each one validates)."""

from __future__ import annotations

from pathlib import Path

from governance.proposals.models import KINDS
from megatao.core.errors import InputError, did_you_mean
from megatao.core.paths import PROJECT_ROOT, display

TEMPLATES_DIR = PROJECT_ROOT / "proposals" / "templates"


def template_text(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(f"unknown proposal kind '{kind}'{did_you_mean(kind, KINDS)}; kinds: {', '.join(KINDS)}")
    return (TEMPLATES_DIR / f"{kind}.yaml").read_text()


def write_template(kind: str, path: Path, force: bool = False) -> Path:
    text = template_text(kind)
    if path.exists() and not force:
        raise InputError(f"{display(path)} exists; pick another file or pass --force to overwrite it")
    path.write_text(text)
    return path
