"""A release as forge's build output holds it: the compiler's storage layouts and its AST (governance/upgrades/
solidity.py), no source text parsed:

* each ERC-7201 namespace (`contracts/protocol/storage/<Name>Storage.sol`): its id and `SLOT` constants and its
  struct's `@custom:storage-location` (from the AST), and its fields, from the layout probe `<Name>StorageLayout`'s
  `storageLayout` (whose only state variable is the namespace struct, so offsets are relative to the namespace's
  slot), with every struct reachable from it (mapping values, array elements);
* each module of `PROTOCOL_MODULES`: its id (`MODULE_ID`) and the selectors its `exportedSelectors()` lists (the
  `X.f.selector` expressions of its AST, resolved through the artifact's `methodIdentifiers`), plus what the checks
  need: its own `storageLayout`, its runtime bytecode size, and whether each state-changing function is
  `onlyDelegateCall` (its modifiers and calls, from the AST);
* the entry contract's own selectors (reserved: no module may serve them).

`snapshot()` returns the release; its committable part (`Release.reference()`) is written and read as the layout
reference. The checks an upgrade must pass against that reference are in layout.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from governance.upgrades import solidity
from megatao.core.errors import InputError, ToolchainError
from megatao.core.paths import PROJECT_ROOT, display

REFERENCE_FORMAT = "megatao-layout-reference/1"
#: Where `snapshot-layout` writes the release's reference by default.
DEFAULT_REFERENCE = PROJECT_ROOT / "contracts" / "upgrades" / "layout-reference.json"
STORAGE_DIR = PROJECT_ROOT / "contracts" / "protocol" / "storage"
ENTRY_CONTRACT = "MegaTAO"
#: A module's own functions that are not served through the entry contract.
MODULE_META = ("moduleId", "exportedSelectors")


@dataclass
class Namespace:
    id: str
    library: str
    probe: str
    source: str
    slot: str
    annotation: str | None
    fields: list[dict]
    structs: dict[str, list[dict]]

    def reference(self) -> dict:
        return {
            "library": self.library,
            "probe": self.probe,
            "source": self.source,
            "slot": self.slot,
            "fields": self.fields,
            "structs": self.structs,
        }


@dataclass
class Module:
    name: str
    id: str
    source: str
    selectors: dict[str, str]
    #: What the reference does not record, only the checks read.
    state: list[str] = field(default_factory=list)
    code_size: int = 0
    unguarded: list[str] = field(default_factory=list)

    def reference(self) -> dict:
        return {"id": self.id, "source": self.source, "selectors": self.selectors}


@dataclass
class Release:
    entry: Module
    namespaces: dict[str, Namespace]
    modules: dict[str, Module]

    def reference(self) -> dict:
        return {
            "format": REFERENCE_FORMAT,
            "entry": {"contract": self.entry.name, "source": self.entry.source, "selectors": self.entry.selectors},
            "namespaces": {nid: ns.reference() for nid, ns in sorted(self.namespaces.items())},
            "modules": {name: m.reference() for name, m in sorted(self.modules.items())},
        }


# ---------------------------------------------------------------- artifacts and the AST

find_artifact = solidity.find_artifact
built_contracts = solidity.built_contracts
clear_caches = solidity.clear_caches
_source_path = solidity.source_path


# ---------------------------------------------------------------- namespaces


def protocol_probes() -> list[str]:
    """Every layout probe declared in contracts/protocol/storage/*.sol."""
    return [name for name in solidity.unit_contracts(STORAGE_DIR) if name.endswith("StorageLayout")]


def _type_label(types: dict, type_id: str) -> str:
    label = types[type_id]["label"]
    return label


def _fields(types: dict, members: list[dict]) -> list[dict]:
    return [
        {
            "name": m["label"],
            "type": _type_label(types, m["type"]),
            "slot": int(m["slot"]),
            "offset": int(m["offset"]),
            "size": int(types[m["type"]]["numberOfBytes"]),
        }
        for m in members
    ]


def _collect_structs(types: dict, type_id: str, into: dict[str, list[dict]]) -> None:
    entry = types[type_id]
    for child in (entry.get("key"), entry.get("value"), entry.get("base")):
        if child:
            _collect_structs(types, child, into)
    members = entry.get("members")
    if members:
        name = entry["label"].removeprefix("struct ")
        if name not in into:
            into[name] = _fields(types, members)
            for member in members:
                _collect_structs(types, member["type"], into)


def read_namespace(probe: str) -> Namespace:
    """A namespace from its layout probe's artifact and its storage library's source."""
    artifact = find_artifact(probe)
    source_path = _source_path(artifact, probe)
    layout = artifact.get("storageLayout")
    if layout is None:
        raise ToolchainError(f"the artifact of {probe} has no storageLayout; build with extra_output = storageLayout")
    storage = layout.get("storage") or []
    if len(storage) != 1 or int(storage[0]["slot"]) != 0:
        raise ToolchainError(f"{probe} is not a layout probe: it must declare exactly one state variable, the struct")
    types = layout["types"]
    root = types[storage[0]["type"]]
    if "members" not in root:
        raise ToolchainError(f"{probe}'s state variable is not a struct")
    library = root["label"].removeprefix("struct ").split(".")[0]
    ns_id = solidity.string_value(solidity.unit_constant(source_path, "ID"))
    slot_node = solidity.unit_constant(source_path, "SLOT")
    slot = slot_node.get("value", "") if slot_node and slot_node["nodeType"] == "Literal" else ""
    if not ns_id or not (slot.startswith("0x") and len(slot) == 66):
        raise ToolchainError(f"{source_path} does not declare the namespace's ID and SLOT constants")
    locations = [solidity.storage_location(st, source_path) for st in solidity.structs(source_path)]
    annotation = next((loc for loc in locations if loc), None)
    structs: dict[str, list[dict]] = {}
    for member in root["members"]:
        _collect_structs(types, member["type"], structs)
    return Namespace(
        id=ns_id,
        library=library,
        probe=probe,
        source=source_path,
        slot=slot.lower(),
        annotation=annotation,
        fields=_fields(types, root["members"]),
        structs=dict(sorted(structs.items())),
    )


# ---------------------------------------------------------------- modules


def _selectors_of(name: str, artifact: dict) -> dict[str, str]:
    """What `exportedSelectors()` returns, from its source, as {0xselector: signature}."""
    definitions = solidity.definitions(name, "exportedSelectors")
    if not definitions:
        raise ToolchainError(f"{name} does not define exportedSelectors()")
    identifiers = artifact.get("methodIdentifiers", {})
    by_name: dict[str, list[str]] = {}
    for signature in identifiers:
        by_name.setdefault(signature.split("(")[0], []).append(signature)
    selectors = {}
    for function in solidity.selector_members(definitions[0].get("body")):
        candidates = by_name.get(function, [])
        if len(candidates) != 1:
            why = "it does not have it" if not candidates else f"it is overloaded ({', '.join(candidates)})"
            raise ToolchainError(f"{name}.exportedSelectors() lists {function}, which cannot be resolved: {why}")
        selectors["0x" + identifiers[candidates[0]]] = candidates[0]
    if not selectors:
        raise ToolchainError(f"{name}.exportedSelectors() lists no `X.f.selector` the checker can read")
    return dict(sorted(selectors.items()))


def _code_size(artifact: dict) -> int:
    code = artifact.get("deployedBytecode", {}).get("object", "")
    return len(code.removeprefix("0x")) // 2


def _guarded(contract: str, function: dict, depth: int = 0) -> bool:
    """`onlyDelegateCall` on the function, `_checkDelegateCall()` in its body, or its first statement calls an
    internal function that is guarded (as PositionModule's entry points delegate to `_open`, `_close`...)."""
    body = function.get("body")
    if solidity.has_modifier(function, "onlyDelegateCall"):
        return True
    if any(call["name"] == "_checkDelegateCall" for call in solidity.calls(body)):
        return True
    if depth >= 3 or not body or not body.get("statements"):
        return False
    for callee in solidity.calls(body["statements"][0]):
        if not callee["name"].startswith("_"):
            continue
        definitions = solidity.definitions(contract, callee["name"])
        if definitions and all(_guarded(contract, d, depth + 1) for d in definitions):
            return True
    return False


def _unguarded(name: str, artifact: dict) -> list[str]:
    """State-changing external functions whose definition is not `onlyDelegateCall`."""
    unguarded = []
    for item in artifact.get("abi", []):
        if item.get("type") != "function" or item.get("stateMutability") not in ("nonpayable", "payable"):
            continue
        definitions = solidity.definitions(name, item["name"])
        if not definitions or not all(_guarded(name, d) for d in definitions):
            signature = f"{item['name']}({','.join(i['type'] for i in item.get('inputs', []))})"
            unguarded.append(signature)
    return sorted(unguarded)


def read_module(name: str) -> Module:
    artifact = find_artifact(name)
    module_id = solidity.string_value(solidity.constant(name, "MODULE_ID"))
    if module_id is None:
        definitions = solidity.definitions(name, "moduleId")
        returned = solidity.returned_strings(definitions[0]) if definitions else []
        if not returned:
            raise ToolchainError(f"cannot read {name}'s module id (declare `bytes32 public constant MODULE_ID`)")
        module_id = returned[0]
    return Module(
        name=name,
        id=module_id,
        source=_source_path(artifact, name),
        selectors=_selectors_of(name, artifact),
        state=[v["label"] for v in (artifact.get("storageLayout") or {}).get("storage", [])],
        code_size=_code_size(artifact),
        unguarded=_unguarded(name, artifact),
    )


def read_entry(name: str = ENTRY_CONTRACT) -> Module:
    artifact = find_artifact(name)
    identifiers = artifact.get("methodIdentifiers", {})
    return Module(
        name=name,
        id="",
        source=_source_path(artifact, name),
        selectors=dict(sorted(("0x" + sel, sig) for sig, sel in identifiers.items())),
        state=[v["label"] for v in (artifact.get("storageLayout") or {}).get("storage", [])],
        code_size=_code_size(artifact),
    )


def protocol_modules() -> tuple[str, ...]:
    from megatao.devnet.deploy import PROTOCOL_MODULES

    return PROTOCOL_MODULES


def snapshot(
    probes: Mapping[str, str] | None = None,
    modules: Mapping[str, str | None] | None = None,
    extra_modules: Iterable[str] = (),
) -> Release:
    """The release in the build output. `probes` maps a protocol probe to the contract read in its place (a fixture);
    `modules` maps a protocol module to its replacement (None drops it); `extra_modules` are added."""
    probes, modules = dict(probes or {}), dict(modules or {})
    known_probes = protocol_probes()
    for probe in probes:
        if probe not in known_probes:
            raise InputError(f"unknown layout probe '{probe}'; the probes are {', '.join(known_probes)}")
    known_modules = protocol_modules()
    for module in modules:
        if module not in known_modules:
            raise InputError(f"unknown module '{module}'; the modules are {', '.join(known_modules)}")
    namespaces: dict[str, Namespace] = {}
    for probe in known_probes:
        namespace = read_namespace(probes.get(probe, probe))
        if namespace.id in namespaces:
            raise ToolchainError(f"{namespace.probe} and {namespaces[namespace.id].probe} both declare {namespace.id}")
        namespaces[namespace.id] = namespace
    names = [modules.get(m, m) for m in known_modules if modules.get(m, m)] + list(extra_modules)
    read = {name: read_module(name) for name in names}
    # A replacement is recorded under the module it replaces, so that the reference's entry is compared with it.
    by_slot = {modules.get(m, m): m for m in known_modules}
    return Release(read_entry(), namespaces, {by_slot.get(name, name): m for name, m in read.items()})


def write_reference(release: Release, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(release.reference(), indent=2, sort_keys=True) + "\n")


def load_reference(path: Path) -> dict:
    if not path.is_file():
        raise InputError(f"no layout reference at {display(path)}; record one with `megatao upgrade snapshot-layout`")
    try:
        reference = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise InputError(f"{display(path)} is not JSON: {exc}") from None
    if not isinstance(reference, dict) or reference.get("format") != REFERENCE_FORMAT:
        raise InputError(f"{display(path)} is not a layout reference (format {REFERENCE_FORMAT})")
    return reference
