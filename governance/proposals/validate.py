"""`validate`: the schema, then the semantic rules, of one or many proposal files (offline)."""

from __future__ import annotations

from pathlib import Path

from governance.proposals.loader import Loaded, load_proposal
from governance.proposals.rules import check_rules


def validate_file(path: Path) -> Loaded:
    """Load `path` and, when its schema holds, run every rule of its kind."""
    loaded = load_proposal(path)
    if loaded.proposal is not None:
        loaded.findings.extend(check_rules(loaded.proposal, loaded.source))
    return loaded
