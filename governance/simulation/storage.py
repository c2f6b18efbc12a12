"""Naming the raw storage slots a transaction changed, by the entry contract's ERC-7201 namespaces.

A slot holds no record of how it was computed, so a changed slot is attributed by recomputing candidates:
1. a field of a namespace struct: `slot - namespaceSlot` is a field's slot in the namespace's layout (forge's
   storageLayout of the `<Name>StorageLayout` probe, whose only variable is the struct at slot 0);
2. an entry of a mapping field: `keccak256(abi.encode(key, fieldSlot)) + k` for a key the transaction is known
   to use (market ids, tickers, selectors, module ids of the proposal and of the deployment) and `k` within the
   value struct's size;
3. an element of a dynamic array field: `keccak256(fieldSlot) + i` for `i` below 2^20.
What none of these explains (a mapping keyed by a value we do not guess, a mapping inside a mapping's struct) is
reported as "unattributed" in the contract it belongs to, never silently accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_abi import encode
from eth_utils import keccak

from megatao.core.errors import ToolchainError
from megatao.node.toolchain import artifact

#: (short name, namespace id, layout probe contract or None for reserved namespaces)
NAMESPACES = (
    ("router", "megatao.storage.router", "RouterStorageLayout"),
    ("market", "megatao.storage.market", "MarketStorageLayout"),
    ("oracle", "megatao.storage.oracle", "OracleStorageLayout"),
    ("position", "megatao.storage.position", "PositionStorageLayout"),
    ("margin", "megatao.storage.margin", "MarginStorageLayout"),
    ("funding", "megatao.storage.funding", "FundingStorageLayout"),
    ("vault", "megatao.storage.vault", "VaultStorageLayout"),
    ("fee", "megatao.storage.fee", "FeeStorageLayout"),
    ("lp", "megatao.storage.lp", "LpStorageLayout"),
    ("referral", "megatao.storage.referral", "ReferralStorageLayout"),
    ("order", "megatao.storage.order", None),
)
#: Slots a reserved namespace (no layout yet) may use directly.
RESERVED_SPAN = 64
ARRAY_SPAN = 2**20


def erc7201_slot(namespace_id: str) -> int:
    """`keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff))`."""
    inner = int.from_bytes(keccak(text=namespace_id), "big") - 1
    return int.from_bytes(keccak(inner.to_bytes(32, "big")), "big") & ~0xFF


@dataclass
class _Field:
    label: str
    slot: int  # absolute
    encoding: str  # inplace, mapping, dynamic_array
    size_slots: int  # for inplace; for mapping: the value's size; for arrays: the element's size in slots (>= 1)
    members: list[tuple[int, str]] = field(default_factory=list)  # (relative slot, "a, b") of a struct value
    element_slots: int = 0  # a fixed-size array in place: its element's size in slots (0: not an array)


@dataclass(frozen=True)
class Attribution:
    namespace: str | None  # "market", ... or None when unattributed
    label: str  # "markets[NINETEEN].params (slot 1: takerFee, makerFee, ...)"


def _slots_of(types: dict, type_id: str) -> int:
    return max(1, int(types[type_id]["numberOfBytes"]) // 32 + (int(types[type_id]["numberOfBytes"]) % 32 > 0))


def _members_by_slot(types: dict, type_id: str, prefix: str = "") -> list[tuple[int, str]]:
    """(relative slot, comma-joined member labels) of a struct, nested structs flattened."""
    entry = types.get(type_id, {})
    rows: dict[int, list[str]] = {}
    for member in entry.get("members") or []:
        base = int(member["slot"])
        inner = types.get(member["type"], {})
        if inner.get("members"):
            for rel, labels in _members_by_slot(types, member["type"], f"{prefix}{member['label']}."):
                rows.setdefault(base + rel, []).append(labels)
        else:
            rows.setdefault(base, []).append(prefix + member["label"])
    return sorted((slot, ", ".join(labels)) for slot, labels in rows.items())


class NamespaceMap:
    """The namespaces of the entry contract with their layouts, and the keys a transaction may have used."""

    def __init__(self) -> None:
        self.roots = {name: erc7201_slot(ns_id) for name, ns_id, _ in NAMESPACES}
        self.ids = {name: ns_id for name, ns_id, _ in NAMESPACES}
        self.fields: dict[str, list[_Field]] = {}
        for name, _, probe in NAMESPACES:
            self.fields[name] = self._layout(name, probe) if probe else []

    def _layout(self, name: str, probe: str) -> list[_Field]:
        try:
            layout = artifact(probe, probe.removesuffix("Layout"))["storageLayout"]
        except (ToolchainError, KeyError):
            return []
        types = layout["types"]
        struct = types[layout["storage"][0]["type"]]
        fields = []
        for member in struct["members"]:
            absolute = self.roots[name] + int(member["slot"])
            info = types[member["type"]]
            encoding = info["encoding"]
            if encoding == "mapping":
                value = info["value"]
                fields.append(
                    _Field(
                        member["label"], absolute, "mapping", _slots_of(types, value), _members_by_slot(types, value)
                    )
                )
            elif encoding == "dynamic_array":
                element = info.get("base", "")
                size = _slots_of(types, element) if element in types else 1
                fields.append(_Field(member["label"], absolute, "dynamic_array", size))
            elif "base" in info:  # a fixed-size array: its elements in place
                size, element = _slots_of(types, member["type"]), _slots_of(types, info["base"])
                fields.append(_Field(member["label"], absolute, "inplace", size, [], element))
            else:
                fields.append(_Field(member["label"], absolute, "inplace", _slots_of(types, member["type"])))
        return fields

    def attribute(self, slot: int, keys: dict[bytes, str]) -> Attribution:
        """Which namespace field `slot` belongs to, given the mapping keys (32-byte encoded -> readable name)."""
        for name, root in self.roots.items():
            offset = slot - root
            if not self.fields[name] and 0 <= offset < RESERVED_SPAN:
                return Attribution(name, f"slot +{offset} (reserved namespace, no layout)")
            labels = []  # fields packed into one slot are named together
            for f in self.fields[name]:
                if f.encoding == "dynamic_array" and f.slot == slot:
                    return Attribution(name, f"{f.label}.length")
                if f.encoding == "inplace" and f.slot <= slot < f.slot + f.size_slots:
                    if f.element_slots:
                        labels.append(f"{f.label}[{(slot - f.slot) // f.element_slots}]")
                    else:
                        labels.append(f.label if f.size_slots == 1 else f"{f.label} (slot +{slot - f.slot})")
            if labels:
                return Attribution(name, ", ".join(labels))
        for name in self.roots:
            for f in self.fields[name]:
                if f.encoding == "mapping":
                    for key, readable in keys.items():
                        base = int.from_bytes(keccak(key + f.slot.to_bytes(32, "big")), "big")
                        if base <= slot < base + f.size_slots:
                            return Attribution(name, _member_label(f, readable, slot - base))
                elif f.encoding == "dynamic_array":
                    base = int.from_bytes(keccak(f.slot.to_bytes(32, "big")), "big")
                    if base <= slot < base + ARRAY_SPAN * f.size_slots:
                        return Attribution(name, f"{f.label}[{(slot - base) // f.size_slots}]")
        return Attribution(None, "unattributed (not a namespace field, nor an entry for a key this simulation knows)")


def contract_slots(contract: str) -> dict[int, str]:
    """Slot -> what it holds, for a contract's own storage variables (not a namespace: the MTSOS oracle's), from
    forge's storageLayout of its artifact; fields packed into one slot are named together."""
    try:
        layout = artifact(contract)["storageLayout"]
    except (ToolchainError, KeyError):
        return {}
    types = layout["types"]
    rows: dict[int, list[str]] = {}
    for variable in layout["storage"]:
        base = int(variable["slot"])
        members = _members_by_slot(types, variable["type"])
        for relative, labels in members or [(0, "")]:
            rows.setdefault(base + relative, []).append(
                f"{variable['label']} ({labels})" if labels else variable["label"]
            )
    return {slot: ", ".join(labels) for slot, labels in rows.items()}


def _member_label(f: _Field, key: str, relative: int) -> str:
    members = dict(f.members)
    inner = f" (slot {relative}: {members[relative]})" if relative in members else ""
    return f"{f.label}[{key}]{inner}"


def key32(value: bytes | int | str) -> bytes:
    """A mapping key as Solidity hashes it: value types left-padded to 32 bytes, bytes32 and bytesN right-padded."""
    if isinstance(value, int):
        return value.to_bytes(32, "big")
    if isinstance(value, str):  # an address
        return encode(["address"], [value])
    return value.ljust(32, b"\0")
