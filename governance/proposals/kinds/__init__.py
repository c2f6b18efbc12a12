"""The proposal kinds, one module each (governance/proposals/base.py says what a kind module defines).

A new kind is one module here, named in `MODULE_NAMES` (its `KIND` is the name with dashes), and its commented
template, proposals/templates/<kind>.yaml. The modules load on first use (`MODULES`, `BY_KIND`, `kind_of`), so that
naming the kinds (`KINDS`, for the CLI's choices) costs no model building.
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType
from typing import Any

#: In the order `megatao proposal new` lists them.
MODULE_NAMES = (
    "market_listing",
    "market_update",
    "referral_config",
    "lp_window",
    "protocol_params",
    "guardians",
    "upgrade",
)
KINDS = tuple(name.replace("_", "-") for name in MODULE_NAMES)


@cache
def _modules() -> tuple[ModuleType, ...]:
    modules = tuple(importlib.import_module(f"{__name__}.{name}") for name in MODULE_NAMES)
    for kind, module in zip(KINDS, modules, strict=True):
        assert kind == module.KIND, f"{module.__name__} declares KIND {module.KIND!r}, expected {kind!r}"
    return modules


def __getattr__(name: str) -> Any:
    if name == "MODULES":
        return _modules()
    if name == "BY_KIND":
        return dict(zip(KINDS, _modules(), strict=True))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def kind_of(proposal) -> ModuleType:
    """The module of a proposal's kind."""
    return _modules()[KINDS.index(proposal.kind)]


def expected_events(proposal) -> list[str]:
    module = kind_of(proposal)
    return list(module.expected_events(proposal) if hasattr(module, "expected_events") else module.EVENTS)
