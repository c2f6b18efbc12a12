"""One call the timelock makes to the protocol's entry contract: its target, calldata and readable form."""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils import to_checksum_address
from web3 import Web3

from megatao.node.toolchain import abi


@dataclass(frozen=True)
class Action:
    """One call the timelock makes, with its readable form."""

    target: str
    value: int
    calldata: bytes
    signature: str  # "listMarket((string,uint8,uint16,address,(uint96,...)))"
    readable: str  # "listMarket(NINETEEN, alpha, netuid 19, ...)"


def protocol_call(target: str, name: str, args: list, readable: str) -> Action:
    contract = Web3().eth.contract(abi=abi("IMegaTAOProtocol"))
    function = contract.get_function_by_name(name)
    calldata = bytes.fromhex(contract.encode_abi(name, args)[2:])
    types = ",".join(abi_type(i) for i in function.abi["inputs"])
    return Action(to_checksum_address(target), 0, calldata, f"{name}({types})", readable)


def abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]
