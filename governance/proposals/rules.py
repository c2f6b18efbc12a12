"""Semantic rules, each with an id: what the schema cannot say (relations between keys, protocol bounds). Each
kind's rules are in its module (governance/proposals/kinds/); this runs those of a proposal's kind.

A rule yields (key path, message, hint) for each violation; `check_rules` places them in the file.
"""

from __future__ import annotations

from governance.proposals.base import Rule, Violation, run_rules
from governance.proposals.issues import Finding
from governance.proposals.kinds import MODULES, kind_of
from megatao.core.source import Source

__all__ = ["RULES", "Rule", "Violation", "check_rules"]

#: Every rule of every kind, each once (the market kinds share the market parameters' rules).
RULES: list[Rule] = list({r.id: r for module in MODULES for r in module.RULES}.values())


def check_rules(proposal, source: Source | None) -> list[Finding]:
    return run_rules(kind_of(proposal).RULES, proposal, source)
