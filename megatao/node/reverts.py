"""Revert data turned into words: `MarketAlreadyListed(0x72d0...)` instead of `0x3c1f...`."""

from __future__ import annotations

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector, is_address, to_checksum_address

PANIC_CODES = {
    0x01: "assert failed",
    0x11: "arithmetic overflow",
    0x12: "division by zero",
    0x32: "index out of bounds",
}


def _type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]


def _format(value) -> str:
    if isinstance(value, str) and is_address(value):
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_format(v) for v in value) + ")"
    return str(value)


def describe_revert(data: str | bytes | None, abi: list[dict]) -> str:
    """The custom error (with its arguments), `Error(string)` or `Panic` that `data` encodes, by `abi`."""
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data) if isinstance(data, str) else (data or b"")
    if len(raw) < 4:
        return "reverted without a reason"
    selector, body = raw[:4], raw[4:]
    if selector == function_signature_to_4byte_selector("Error(string)"):
        return decode(["string"], body)[0]
    if selector == function_signature_to_4byte_selector("Panic(uint256)"):
        code = decode(["uint256"], body)[0]
        return f"panic: {PANIC_CODES.get(code, hex(code))}"
    for item in abi:
        if item.get("type") != "error":
            continue
        types = [_type(p) for p in item["inputs"]]
        if function_signature_to_4byte_selector(f"{item['name']}({','.join(types)})") == selector:
            try:
                args = decode(types, body)
            except Exception:  # data that does not fit the declared types: show the name only
                return f"{item['name']}(...)"
            return f"{item['name']}({', '.join(_format(a) for a in args)})"
    return f"unknown error 0x{raw.hex()}"
