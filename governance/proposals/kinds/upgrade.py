"""upgrade: new implementations of protocol modules, each swapped in with `setModule(id, implementation, selectors,
"")` (docs/protocol.md section 9; governance/upgrades/README.md for the layout check and the rehearsal)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from governance.proposals.base import ExpectedCall, Header, KeyTarget, Rules, Strict, Violation
from governance.proposals.calls import Action, Context, protocol_call
from megatao.core.errors import InputError
from megatao.node.toolchain import abi

KIND = "upgrade"
#: The router's module table.
NAMESPACES = {"router"}
EVENTS = ["ModuleSet"]


class ModuleReplacement(Strict):
    module: str = Field(pattern=r"^[a-z][A-Za-z0-9-]{0,31}$")
    """The module's id in the entry contract's registry (market, oracle, position, positionView, vault, ...)."""
    contract: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """The contract (in this repository's build) whose deployment replaces it."""


class Upgrade(Header):
    kind: Literal["upgrade"]
    modules: list[ModuleReplacement] = Field(min_length=1)


Model = Upgrade
RULES = Rules(KIND)


@RULES("MODULES-UNIQUE", "each module replaced once")
def _modules_unique(p: Model) -> Iterator[Violation]:
    seen: set[str] = set()
    for index, item in enumerate(p.modules):
        if item.module in seen:
            yield ("modules", index, "module"), f"module '{item.module}' is replaced twice", ""
        seen.add(item.module)


def actions(p: Model, ctx: Context) -> list[Action]:
    result = []
    for item in p.modules:
        if not ctx.implementations or item.module not in ctx.implementations:
            raise InputError(f"no deployed implementation of {item.contract} for module '{item.module}'")
        address, selectors = ctx.implementations[item.module]
        module_id = item.module.encode().ljust(32, b"\0")
        readable = f"setModule({item.module} -> {item.contract} at {address}, {len(selectors)} selectors)"
        result.append(protocol_call(ctx.protocol, "setModule", [module_id, address, selectors, b""], readable))
    return result


def expected_calls(p: Model, protocol, fork_chain) -> list[ExpectedCall]:
    def compare(index: int, item: ModuleReplacement):
        def upgrade(args):
            implementation = args["implementation"]
            module = fork_chain.contract(implementation, abi(item.contract)).functions
            exported = sorted("0x" + s.hex() for s in fork_chain.guard(lambda: module.exportedSelectors().call()))
            module_id = fork_chain.guard(lambda: module.moduleId().call())
            return [
                (f"modules[{index}].module", item.module.encode().ljust(32, b"\0"), args["moduleId"]),
                (f"modules[{index}].contract (its moduleId)", item.module.encode().ljust(32, b"\0"), module_id),
                (
                    f"modules[{index}].contract (its selectors)",
                    exported,
                    sorted("0x" + s.hex() for s in args["selectors"]),
                ),
                (f"modules[{index}] initData", b"", args["initData"]),
            ]

        return upgrade

    return [("setModule", compare(i, item)) for i, item in enumerate(p.modules)]


def key_targets(p: Model, new_implementations: dict[str, str]) -> list[KeyTarget]:
    return [
        KeyTarget(f"modules[{i}]", f"modules.{m.module}.implementation", new_implementations.get(m.module))
        for i, m in enumerate(p.modules)
    ]
