"""The static checks an upgrade must pass: a release (read from the build by governance/upgrades/release.py, whose
reading functions are re-exported here) against the release's storage-layout and selector reference.

`snapshot()` returns the release, whose committable part (`Release.reference()`) is the reference;
`check(reference, release)` applies OpenZeppelin's rules for namespaced storage and returns one `Problem` per
violation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from governance.upgrades.release import (
    DEFAULT_REFERENCE,
    ENTRY_CONTRACT,
    MODULE_META,
    REFERENCE_FORMAT,
    STORAGE_DIR,
    Module,
    Namespace,
    Release,
    built_contracts,
    clear_caches,
    find_artifact,
    load_reference,
    protocol_modules,
    protocol_probes,
    read_entry,
    read_module,
    read_namespace,
    snapshot,
    write_reference,
)

__all__ = [
    "DEFAULT_REFERENCE",
    "ENTRY_CONTRACT",
    "MAX_CODE_SIZE",
    "MODULE_META",
    "REFERENCE_FORMAT",
    "RULES",
    "STORAGE_DIR",
    "Module",
    "Namespace",
    "Problem",
    "Release",
    "built_contracts",
    "check",
    "clear_caches",
    "compare_fields",
    "erc7201_slot",
    "find_artifact",
    "load_reference",
    "problems_json",
    "protocol_modules",
    "protocol_probes",
    "read_entry",
    "read_module",
    "read_namespace",
    "snapshot",
    "write_reference",
]

#: EIP-170: the largest runtime bytecode a contract may have.
MAX_CODE_SIZE = 24_576

# ---------------------------------------------------------------- rule ids
FIELD_DELETED = "namespace-field-deleted"
FIELD_RENAMED = "namespace-field-renamed"
FIELD_INSERTED = "namespace-field-inserted"
FIELD_REORDERED = "namespace-field-reordered"
FIELD_RETYPED = "namespace-field-retyped"
FIELD_MOVED = "namespace-field-moved"
NAMESPACE_DELETED = "namespace-deleted"
NAMESPACE_SLOT = "namespace-slot-mismatch"
NAMESPACE_ANNOTATION = "namespace-annotation-mismatch"
STATE_OUTSIDE = "state-outside-namespace"
SELECTOR_CLASH = "selector-clash"
SELECTOR_ENTRY_CLASH = "selector-entry-clash"
CODE_SIZE = "bytecode-too-large"
UNGUARDED = "implementation-unguarded"
MODULE_REMOVED = "module-removed"
MODULE_ID_CHANGED = "module-id-changed"
RULES = (
    FIELD_DELETED,
    FIELD_RENAMED,
    FIELD_INSERTED,
    FIELD_REORDERED,
    FIELD_RETYPED,
    FIELD_MOVED,
    NAMESPACE_DELETED,
    NAMESPACE_SLOT,
    NAMESPACE_ANNOTATION,
    STATE_OUTSIDE,
    SELECTOR_CLASH,
    SELECTOR_ENTRY_CLASH,
    CODE_SIZE,
    UNGUARDED,
    MODULE_REMOVED,
    MODULE_ID_CHANGED,
)


@dataclass(frozen=True)
class Problem:
    """One violation: `subject` is the namespace id or the contract, `field` the field, struct field or function."""

    subject: str
    field: str | None
    rule: str
    message: str
    hint: str

    def line(self) -> str:
        where = f"{self.subject}.{self.field}" if self.field else self.subject
        return f"[{self.rule}] {where}: {self.message} (hint: {self.hint})"


# ---------------------------------------------------------------- namespaces


def erc7201_slot(namespace_id: str) -> str:
    """`keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))`, as 0x-hex."""
    from eth_utils import keccak

    inner = int.from_bytes(keccak(text=namespace_id), "big") - 1
    slot = int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF
    return "0x" + slot.to_bytes(32, "big").hex()


# ---------------------------------------------------------------- the checks


def compare_fields(subject: str, prefix: str, old: list[dict], new: list[dict]) -> list[Problem]:
    """OpenZeppelin's rule for a namespace struct (and each struct in it): append only. The first field whose name
    differs is the last one compared: what follows it has moved with it."""
    problems = []
    old_names, new_names = [f["name"] for f in old], [f["name"] for f in new]
    for i, before in enumerate(old):
        if i >= len(new):
            problems += [_deleted(subject, prefix, gone) for gone in old[i:]]
            break
        after = new[i]
        if before["name"] != after["name"]:
            problems.append(_renamed_or_moved(subject, prefix, i, before, after, old_names, new_names))
            break
        changed = _retyped_or_moved(subject, prefix, before, after)
        if changed is not None:
            problems.append(changed)
    return problems


def _deleted(subject: str, prefix: str, gone: dict) -> Problem:
    return Problem(
        subject,
        f"{prefix}{gone['name']}",
        FIELD_DELETED,
        f"field `{gone['name']}` ({gone['type']}) was deleted",
        "never delete a field: keep it (unused) so that later fields keep their slots",
    )


def _renamed_or_moved(
    subject: str, prefix: str, i: int, before: dict, after: dict, old_names: list[str], new_names: list[str]
) -> Problem:
    """Position `i` holds another field than it did: one inserted before it, renamed, deleted or reordered."""
    if after["name"] not in old_names and before["name"] in new_names:
        return Problem(
            subject,
            f"{prefix}{after['name']}",
            FIELD_INSERTED,
            f"field `{after['name']}` was inserted before `{before['name']}`, moving every later field",
            f"append `{after['name']}` after `{old_names[-1]}` instead",
        )
    if before["name"] not in new_names and after["name"] not in old_names:
        return Problem(
            subject,
            f"{prefix}{before['name']}",
            FIELD_RENAMED,
            f"field `{before['name']}` was renamed or replaced by `{after['name']}` ({after['type']})",
            f"keep `{before['name']}`; if only the name changed on purpose, review and re-snapshot",
        )
    if before["name"] not in new_names:
        return _deleted(subject, prefix, before)
    return Problem(
        subject,
        f"{prefix}{before['name']}",
        FIELD_REORDERED,
        f"field `{before['name']}` moved from position {i} to {new_names.index(before['name'])}",
        "restore the declared order; only append new fields at the end",
    )


def _retyped_or_moved(subject: str, prefix: str, before: dict, after: dict) -> Problem | None:
    """The same field at the same position: its type and size, then its slot and offset, must not change."""
    if before["type"] != after["type"] or before["size"] != after["size"]:
        return Problem(
            subject,
            f"{prefix}{before['name']}",
            FIELD_RETYPED,
            f"field `{before['name']}` changed type from {before['type']} ({before['size']} bytes) to "
            f"{after['type']} ({after['size']} bytes)",
            f"keep {before['type']}; add a new field at the end for the new type",
        )
    if (before["slot"], before["offset"]) != (after["slot"], after["offset"]):
        return Problem(
            subject,
            f"{prefix}{before['name']}",
            FIELD_MOVED,
            f"field `{before['name']}` moved from slot {before['slot']} offset {before['offset']} to slot "
            f"{after['slot']} offset {after['offset']}",
            "an earlier field or an inline struct changed size; restore it",
        )
    return None


def check(reference: dict, release: Release) -> list[Problem]:
    """Every violation of `release` against `reference`: the namespaces', the contracts', the selectors', then the
    modules'."""
    return [
        *_namespace_problems(reference, release),
        *_contract_problems(release),
        *_selector_problems(reference, release),
        *_module_problems(reference, release),
    ]


def _namespace_problems(reference: dict, release: Release) -> list[Problem]:
    """Namespaces: append-only fields, none deleted, slots per ERC-7201."""
    problems: list[Problem] = []
    for ns_id, before in sorted(reference.get("namespaces", {}).items()):
        now = release.namespaces.get(ns_id)
        if now is None:
            problems.append(
                Problem(
                    ns_id,
                    None,
                    NAMESPACE_DELETED,
                    f"namespace {ns_id} ({before['library']}) is gone from the build",
                    f"keep {before['library']} and its probe {before['probe']}: its data stays in storage",
                )
            )
            continue
        problems += compare_fields(ns_id, "", before["fields"], now.fields)
        for struct, fields in sorted(before.get("structs", {}).items()):
            if struct in now.structs:
                problems += compare_fields(ns_id, f"{struct}.", fields, now.structs[struct])
    for ns_id, now in sorted(release.namespaces.items()):
        expected = erc7201_slot(ns_id)
        if now.slot != expected:
            problems.append(
                Problem(
                    ns_id,
                    "SLOT",
                    NAMESPACE_SLOT,
                    f"{now.library}.SLOT is {now.slot}, the ERC-7201 slot of {ns_id!r} is {expected}",
                    f"set SLOT = {expected} in {now.source}",
                )
            )
        if now.annotation != ns_id:
            problems.append(
                Problem(
                    ns_id,
                    "ID",
                    NAMESPACE_ANNOTATION,
                    f"{now.library}.Layout is annotated erc7201:{now.annotation}, its ID is {ns_id!r}",
                    f"annotate the struct `@custom:storage-location erc7201:{ns_id}`",
                )
            )
    return problems


def _contract_problems(release: Release) -> list[Problem]:
    """Contracts: stateless, under the code limit, implementations guarded."""
    problems: list[Problem] = []
    for contract in [release.entry, *(release.modules[m] for m in sorted(release.modules))]:
        for variable in contract.state:
            problems.append(
                Problem(
                    contract.name,
                    variable,
                    STATE_OUTSIDE,
                    f"{contract.name} declares state variable `{variable}` outside any namespace",
                    "move it into a namespace struct (ERC-7201); module implementations are stateless code",
                )
            )
        if contract.code_size > MAX_CODE_SIZE:
            problems.append(
                Problem(
                    contract.name,
                    None,
                    CODE_SIZE,
                    f"runtime bytecode is {contract.code_size:,} bytes, over the {MAX_CODE_SIZE:,}-byte limit",
                    "split the module or move code into an external library",
                )
            )
        for function in contract.unguarded:
            problems.append(
                Problem(
                    contract.name,
                    function,
                    UNGUARDED,
                    f"{function} changes state and is not `onlyDelegateCall`: callable on the implementation itself",
                    "add the `onlyDelegateCall` modifier so that calling (or initializing) the implementation reverts",
                )
            )
    return problems


def _selector_problems(reference: dict, release: Release) -> list[Problem]:
    """Selectors: one module each, none of the entry contract's. Of the modules that serve one selector, the ones the
    reference does not record serving it are named (the last one when the reference records them all)."""
    problems: list[Problem] = []
    served: dict[str, list[str]] = {}
    for name in sorted(release.modules):
        module = release.modules[name]
        for selector, signature in module.selectors.items():
            if selector in release.entry.selectors:
                problems.append(
                    Problem(
                        module.name,
                        signature,
                        SELECTOR_ENTRY_CLASH,
                        f"{signature} ({selector}) is the entry contract's own {release.entry.selectors[selector]}",
                        "rename the function: the entry contract's selectors are reserved",
                    )
                )
            else:
                served.setdefault(selector, []).append(name)
    for selector, names in sorted(served.items()):
        if len(names) < 2:
            continue
        before = reference.get("modules", {})
        newcomers = [n for n in names if selector not in before.get(n, {}).get("selectors", {})] or names[-1:]
        for name in newcomers:
            module = release.modules[name]
            others = [release.modules[n].name for n in names if n != name]
            problems.append(
                Problem(
                    module.name,
                    module.selectors[selector],
                    SELECTOR_CLASH,
                    f"{module.selectors[selector]} ({selector}) is also served by {', '.join(others)}",
                    "serve it from one module only: drop it from one `exportedSelectors()` or rename it",
                )
            )
    return problems


def _module_problems(reference: dict, release: Release) -> list[Problem]:
    """Modules: every one of the reference still in the build, under its id."""
    problems: list[Problem] = []
    for name, before in sorted(reference.get("modules", {}).items()):
        now = release.modules.get(name)
        if now is None:
            problems.append(
                Problem(
                    name,
                    None,
                    MODULE_REMOVED,
                    f"module {name} (id {before['id']!r}) is not in the build",
                    "keep the module, or remove it through `setModule` with a reviewed, re-snapshotted reference",
                )
            )
        elif now.id != before["id"]:
            problems.append(
                Problem(
                    name,
                    "moduleId",
                    MODULE_ID_CHANGED,
                    f"module id changed from {before['id']!r} to {now.id!r}: the registry would keep the old entry",
                    f"keep MODULE_ID = {before['id']!r}",
                )
            )
    return problems


def problems_json(problems: list[Problem]) -> list[dict]:
    return [asdict(p) for p in problems]
