"""The proposal kinds, one module each (governance/proposals/base.py says what a kind module defines).

A new kind is one module here, added to `MODULES`, and its commented template, proposals/templates/<kind>.yaml.
"""

from __future__ import annotations

from types import ModuleType

from governance.proposals.kinds import (
    lp_window,
    market_listing,
    market_update,
    protocol_params,
    referral_config,
    upgrade,
)

#: In the order `megatao proposal new` lists them.
MODULES: tuple[ModuleType, ...] = (
    market_listing,
    market_update,
    referral_config,
    lp_window,
    protocol_params,
    upgrade,
)
BY_KIND: dict[str, ModuleType] = {m.KIND: m for m in MODULES}
KINDS = tuple(BY_KIND)


def kind_of(proposal) -> ModuleType:
    """The module of a proposal's kind."""
    return BY_KIND[proposal.kind]


def expected_events(proposal) -> list[str]:
    module = kind_of(proposal)
    return list(module.expected_events(proposal) if hasattr(module, "expected_events") else module.EVENTS)
