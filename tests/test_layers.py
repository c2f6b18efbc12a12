"""The Python packages' layers: no import circle, no import from a lower layer up into a higher one.

Read with `ast` from the source, so it holds every import, the ones inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("megatao", "governance", "cli")

#: Lowest first. A module may import its own layer and the layers before it, never one after it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("megatao.core",),
    ("megatao.node",),
    ("megatao.clients",),
    ("megatao.devnet",),
    ("governance.proposals", "governance.governor"),
    ("governance.simulation",),
    ("governance.upgrades",),
    ("cli",),
)
#: The packages' own __init__ modules hold only a docstring and a version: they belong to no layer.
UNLAYERED = ("megatao", "governance")


def module_files() -> dict[str, Path]:
    files = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            files[name] = path
    return files


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The project modules that `name` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def layer_of(module: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_has_a_layer():
    unplaced = [m for m in import_graph() if layer_of(m) is None and m not in UNLAYERED]
    assert unplaced == []


def test_no_import_goes_up_a_layer():
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if layer_of(module) is not None and layer_of(target) is not None and layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_the_check_sees_a_circle_and_an_upward_import():
    graph = {"megatao.core.a": {"megatao.node.b"}, "megatao.node.b": {"megatao.core.a"}}
    assert circles(graph) == [["megatao.core.a", "megatao.node.b"]]
    assert layer_of("megatao.node.b") > layer_of("megatao.core.a")
