"""The compiler's view of the contracts, for the layout check: the build's artifacts and the solc AST in them
(foundry.toml asks for it with `ast = true`), indexed by node id. No source text is parsed here: contracts,
bases, functions, modifiers, constants and the calls inside a function body come from the AST; only a struct's
`@custom:storage-location` line is read from the source, at the place the AST gives for the struct."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from megatao.core.errors import ToolchainError
from megatao.core.paths import PROJECT_ROOT, display, out_dir

Node = dict


@cache
def _artifact_index(root: str) -> dict[str, list[Path]]:
    index: dict[str, list[Path]] = {}
    for path in Path(root).glob("*.sol/*.json"):
        index.setdefault(path.stem, []).append(path)
    return index


def _artifact_path(contract: str) -> Path:
    paths = _artifact_index(str(out_dir())).get(contract, [])
    if not paths:
        raise ToolchainError(f"no build artifact for {contract} under {display(out_dir())}; run `forge build`")
    if len(paths) > 1:
        preferred = [p for p in paths if p.parent.name == f"{contract}.sol"]
        if len(preferred) != 1:
            raise ToolchainError(f"several artifacts named {contract}: {', '.join(display(p) for p in paths)}")
        paths = preferred
    return paths[0]


@cache
def _read(path: Path) -> dict:
    return json.loads(path.read_text())


def find_artifact(contract: str) -> dict:
    """forge's artifact of `contract`, wherever its source file is (names must be unique in the build)."""
    return _read(_artifact_path(contract))


def built_contracts() -> list[str]:
    """The name of every contract, library and interface in the build output (contracts/, tests/ and libraries)."""
    return sorted(_artifact_index(str(out_dir())))


def _stale(artifact: dict) -> bool:
    """An artifact left in the build output by a source file since deleted (forge keeps it)."""
    targets = artifact.get("metadata", {}).get("settings", {}).get("compilationTarget", {})
    return any(not (PROJECT_ROOT / source).is_file() for source in targets)


def _current(root: str) -> set[Path] | None:
    """The artifacts under `root` that forge's files cache lists (the rest are left from older builds), or None
    without a cache for `root`."""
    for cache_dir in ("cache", "cache-test"):
        file = PROJECT_ROOT / cache_dir / "solidity-files-cache.json"
        if not file.is_file():
            continue
        data = json.loads(file.read_text())
        artifacts = PROJECT_ROOT / data.get("paths", {}).get("artifacts", "")
        if artifacts.resolve() != Path(root).resolve():
            continue
        return {
            artifacts / built["path"]
            for entry in data.get("files", {}).values()
            for versions in entry.get("artifacts", {}).values()
            for profiles in versions.values()
            for built in profiles.values()
        }
    return None


@dataclass
class Ast:
    """Every source unit of the build, and its contracts by name. (Node ids are unique within one compilation only,
    and an incremental build mixes several: nothing here is looked up by id.)"""

    units: dict[str, Node] = field(default_factory=dict)  # absolutePath -> SourceUnit
    contracts: dict[str, Node] = field(default_factory=dict)  # name -> ContractDefinition


@cache
def _ast(root: str) -> Ast:
    ast = Ast()
    current = _current(root)
    for paths in _artifact_index(root).values():
        for path in paths:
            artifact = _read(path)
            if _stale(artifact) or (current is not None and path not in current):
                continue
            unit = artifact.get("ast")
            if unit is None:
                raise ToolchainError(
                    f"{display(path)} has no AST: build with `ast = true` (foundry.toml), or, if it is left from an "
                    "older build, rebuild from clean (`forge clean && forge build`)"
                )
            if unit["absolutePath"] in ast.units:
                continue
            ast.units[unit["absolutePath"]] = unit
            for node in walk(unit):
                if node["nodeType"] == "ContractDefinition":
                    ast.contracts.setdefault(node["name"], node)
    return ast


def build_ast() -> Ast:
    return _ast(str(out_dir()))


def clear_caches() -> None:
    _artifact_index.cache_clear()
    _read.cache_clear()
    _ast.cache_clear()


def walk(node) -> Iterator[Node]:
    """Every AST node under `node` (itself included), in source order."""
    if isinstance(node, dict):
        if "nodeType" in node and "id" in node:
            yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def source_path(artifact: dict, contract: str) -> str:
    target = artifact.get("metadata", {}).get("settings", {}).get("compilationTarget", {})
    for path, name in target.items():
        if name == contract:
            return path
    absolute = artifact.get("ast", {}).get("absolutePath")
    if absolute:
        return absolute
    raise ToolchainError(f"the artifact of {contract} does not name its source file")


def contract(name: str) -> Node:
    found = build_ast().contracts.get(name)
    if found is None:
        raise ToolchainError(f"contract {name} not found in the build's AST")
    return found


def lineage(name: str) -> list[Node]:
    """The contract and its bases, most derived first (C3 linearization, as the compiler resolves names)."""
    contracts = build_ast().contracts
    return [contracts[n] for n in _linearize(name, contracts) if n in contracts]


def _direct_bases(node: Node) -> list[str]:
    """The names of a contract's direct bases, as written (`is A, B`), without any qualifier."""
    names = []
    for base in node.get("baseContracts", []):
        written = base["baseName"].get("name") or base["baseName"].get("namePath", "")
        names.append(written.rsplit(".", 1)[-1])
    return names


def _linearize(name: str, contracts: dict[str, Node]) -> list[str]:
    """Solidity's C3 linearization by name: `L(C) = C + merge(L(Bn), ..., L(B1), [Bn, ..., B1])`."""
    node = contracts.get(name)
    if node is None:
        return [name]
    bases = list(reversed(_direct_bases(node)))
    sequences = [_linearize(b, contracts) for b in bases] + [bases]
    result = [name]
    while any(sequences):
        for seq in sequences:
            head = seq[0] if seq else None
            if head is not None and not any(head in other[1:] for other in sequences):
                break
        else:
            raise ToolchainError(f"cannot linearize the bases of {name}")
        result.append(head)
        sequences = [[n for n in seq if n != head] for seq in sequences]
    return result


def definitions(name: str, function: str) -> list[Node]:
    """The FunctionDefinitions named `function` in the most derived contract of `name`'s lineage that has one."""
    try:
        chain = lineage(name)
    except ToolchainError:
        return []
    for c in chain:
        found = [n for n in c["nodes"] if n["nodeType"] == "FunctionDefinition" and n["name"] == function]
        if found:
            return found
    return []


def constant(name: str, variable: str) -> Node | None:
    """The value node of the constant `variable` in `name` or its bases."""
    try:
        chain = lineage(name)
    except ToolchainError:
        return None
    for c in chain:
        for n in c["nodes"]:
            if n["nodeType"] == "VariableDeclaration" and n["name"] == variable and n.get("constant"):
                return n.get("value")
    return None


def string_value(node: Node | None) -> str | None:
    return node.get("value") if node and node["nodeType"] == "Literal" and node.get("kind") == "string" else None


def unit_constant(absolute_path: str, variable: str) -> Node | None:
    """The value node of a file's constant `variable` (in any contract or library of that source unit)."""
    unit = build_ast().units.get(absolute_path)
    for n in walk(unit or {}):
        if n["nodeType"] == "VariableDeclaration" and n["name"] == variable and n.get("constant"):
            return n.get("value")
    return None


def has_modifier(function: Node, modifier: str) -> bool:
    return any(m["modifierName"].get("name") == modifier for m in function.get("modifiers", []))


def calls(node: Node | None) -> list[Node]:
    """The FunctionCalls of plain identifiers (`f(...)`, not `x.f(...)`) under `node`, in source order."""
    found = []
    for n in walk(node or {}):
        if n["nodeType"] == "FunctionCall" and n["expression"]["nodeType"] == "Identifier":
            found.append(n["expression"])
    return found


def selector_members(node: Node | None) -> list[str]:
    """`X.f.selector` and `this.f.selector` under `node`: the `f`s, in source order."""
    found = []
    for n in walk(node or {}):
        inner = n.get("expression") if n["nodeType"] == "MemberAccess" and n["memberName"] == "selector" else None
        if inner and inner["nodeType"] == "MemberAccess":
            found.append((int(n["src"].split(":")[0]), inner["memberName"]))
    return [name for _, name in sorted(found)]


def returned_strings(function: Node) -> list[str]:
    return [
        value
        for n in walk(function.get("body") or {})
        if n["nodeType"] == "Return" and (value := string_value(n.get("expression"))) is not None
    ]


def storage_location(struct: Node, absolute_path: str) -> str | None:
    """The `@custom:storage-location erc7201:<id>` of a struct: its NatSpec in the AST when the compiler keeps it
    there, else the doc comment right above the struct, at the place the AST gives."""
    text = (struct.get("documentation") or {}).get("text")
    if text is None:
        file = PROJECT_ROOT / absolute_path
        start = int(struct["src"].split(":")[0])
        before = file.read_bytes()[:start].decode()
        lines = []
        for line in reversed(before.rstrip().splitlines()):
            if not line.strip().startswith(("///", "/*", "*", "//")):
                break
            lines.append(line)
        text = "\n".join(reversed(lines))
    for word in text.split():
        if word.startswith("erc7201:"):
            return word.removeprefix("erc7201:")
    return None


def structs(absolute_path: str) -> list[Node]:
    return [n for n in walk(build_ast().units.get(absolute_path) or {}) if n["nodeType"] == "StructDefinition"]


def unit_contracts(directory: Path) -> list[str]:
    """The contracts declared in the source files of `directory`."""
    prefix = directory.relative_to(PROJECT_ROOT).as_posix() + "/"
    return sorted(
        n["name"]
        for path, unit in build_ast().units.items()
        if path.startswith(prefix)
        for n in unit["nodes"]
        if n["nodeType"] == "ContractDefinition"
    )
