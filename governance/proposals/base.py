"""What every proposal kind shares: the file's header, the strict model base, rules, and what a kind module defines.

A kind is one module of governance/proposals/kinds/ (and its commented template, proposals/templates/<kind>.yaml).
It defines, beside its model:
- `KIND` (the file's `kind:`), `Model`, `RULES` (a `Rules` list), `NAMESPACES` (the storage namespaces its
  execution writes) and `EVENTS` (the events it emits);
- `actions(p, ctx)`: the calls the timelock makes (the encoder);
- `expected_calls(p, protocol, fork_chain)`: for each action, its function name, how to compare the decoded
  calldata with the file's keys and, when it is not the protocol's, the interface of the contract it calls;
- `key_targets(p, new_implementations)`: the state each key of the file must set;
- optionally `chain_checks(p, ctx)` (what only the chain can tell, for `validate --network`), `market_id(p)` (a
  market the proposal creates), `expected_events(p)` (when the events depend on the keys), `namespaces(p)` (when
  the storage written depends on the keys; a contract's name stands for that contract's own storage) and
  `accounts(p)` (addresses the file names, whose roles the simulation reads before and after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from governance.proposals.issues import Finding, key_path
from megatao.core.source import Source

TICKER = r"^[A-Z0-9]{2,12}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Header(Strict):
    version: Literal[1]
    """Version of the proposal file format."""
    title: str = Field(min_length=1, max_length=120)
    """One line that names the change; the proposal's description starts with it."""
    description: str = Field(min_length=1)
    """Why this change, with evidence (Markdown)."""


# ---------------------------------------------------------------- rules

#: (key path, message, hint)
Violation = tuple[tuple, str, str]


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    kinds: tuple[str, ...]
    check: Callable[[Any], Iterable[Violation]]


class Rules(list):
    """A kind's rules, in order; `@RULES("RULE-ID", "summary")` registers one."""

    def __init__(self, *kinds: str, include: Iterable[Rule] = ()):
        super().__init__(include)
        self.kinds = kinds

    def __call__(self, rule_id: str, summary: str):
        def register(check: Callable[[Any], Iterable[Violation]]):
            self.append(Rule(rule_id, summary, self.kinds, check))
            return check

        return register


def run_rules(rules: Iterable[Rule], proposal: Any, source: Source | None) -> list[Finding]:
    """Every violation of `rules`, placed in the file, in the file's order."""
    findings = []
    for r in rules:
        for loc, message, hint in r.check(proposal):
            line, column = source.position((*loc, "<value>")) if source else (1, 1)
            findings.append(Finding(r.id, key_path(loc), line, column, message, hint))
    return sorted(findings, key=lambda f: (f.line, f.column))


# ---------------------------------------------------------------- simulation's expectations


@dataclass(frozen=True)
class KeyTarget:
    key: str  # the file's key path
    path: str  # the state path it should set
    value: object  # the value it should have after execution (raw)
    #: A value the keys determine without naming it (the referral share from the tiers and builder share, the tier
    #: count): it must take `value`, but leaving it unchanged is no warning.
    derived: bool = False


#: One action's function name, and from its decoded arguments the rows (file key, file value, calldata value);
#: optionally third, the interface of the contract it calls (`calls.CALLABLE`; the protocol's when left out).
ExpectedCall = (
    tuple[str, Callable[[dict], list[tuple[str, object, object]]]]
    | tuple[str, Callable[[dict], list[tuple[str, object, object]]], str]
)


@dataclass
class ChainContext:
    """What a kind's chain checks read and where they report (`validate --network`)."""

    protocol: Any
    block: int
    report: Any  # onchain.ChainReport
    fail: Callable[..., None]  # fail(rule, loc, message, hint="")
    source: Source | None
    #: The deployment's Governor, timelock and token (governance.governor.Governance); None without governance.
    governance: Any = None

    @property
    def chain(self):
        return self.protocol.chain

    @property
    def functions(self):
        return self.protocol.contract.functions
