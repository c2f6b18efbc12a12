"""One call the timelock makes to the protocol's entry contract (its target, calldata and readable form), and what
encoding needs to know of the deployment."""

from __future__ import annotations

from dataclasses import dataclass

from megatao.node.toolchain import abi


@dataclass(frozen=True)
class Action:
    """One call the timelock makes, with its readable form."""

    target: str
    value: int
    calldata: bytes
    signature: str  # "listMarket((string,uint8,uint16,address,(uint96,...)))"
    readable: str  # "listMarket(NINETEEN, alpha, netuid 19, ...)"


@dataclass(frozen=True)
class Context:
    """What encoding needs from the deployment: the entry contract, the governor, and for updates the market's
    current parameters (`current_params[ticker]` -> tuple in PARAM_KEYS order) and its id."""

    protocol: str
    governor: str | None = None
    index_oracle: str | None = None
    current_params: dict[str, tuple[int, ...]] | None = None
    market_ids: dict[str, bytes] | None = None
    implementations: dict[str, tuple[str, list[bytes]]] | None = None  # module id -> (address, selectors)
    #: The protocol's current parameters, by the protocol-params keys (for setters that take several at once).
    protocol_params: dict[str, int] | None = None


def protocol_call(target: str, name: str, args: list, readable: str) -> Action:
    from eth_utils import to_checksum_address
    from web3 import Web3  # imported here: web3 takes most of a second to load, and validation needs none

    contract = Web3().eth.contract(abi=abi("IMegaTAOProtocol"))
    function = contract.get_function_by_name(name)
    calldata = bytes.fromhex(contract.encode_abi(name, args)[2:])
    types = ",".join(abi_type(i) for i in function.abi["inputs"])
    return Action(to_checksum_address(target), 0, calldata, f"{name}({types})", readable)


def abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]
