"""One call the timelock makes (its target, calldata and readable form): to the protocol's entry contract, or to
another contract under governance (the timelock itself, the Governor, the MTSOS oracle), and what encoding needs to
know of the deployment."""

from __future__ import annotations

from dataclasses import dataclass

from megatao.core.errors import InputError
from megatao.node.toolchain import abi

PROTOCOL_INTERFACE = "IMegaTAOProtocol"
#: The interfaces a proposal may call (`megatao.core.params.Param.contract`), each with what the deployment record
#: names the contract that answers it and the `Context` field that holds its address.
CALLABLE = {
    PROTOCOL_INTERFACE: ("MegaTAO", "protocol"),
    "IMegaTAOTimelock": ("MegaTAOTimelock", "timelock"),
    "MegaTAOGovernor": ("MegaTAOGovernor", "governor"),
    "IMtsosOracle": ("MtsosOracle", "index_oracle"),
}


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
    #: The TimelockController (MegaTAOTimelock), for the calls to the timelock itself (its upgrade delay).
    timelock: str | None = None

    def address_of(self, interface: str) -> str:
        """The deployed contract that answers `interface` (a `CALLABLE` key); InputError when the context lacks it."""
        name, attribute = CALLABLE[interface]
        address = getattr(self, attribute)
        if not address:
            raise InputError(f"the proposal calls the {name}, and the deployment records none")
        return address


def protocol_call(target: str, name: str, args: list, readable: str) -> Action:
    """A call to the protocol's entry contract (any module's function)."""
    return contract_call(target, PROTOCOL_INTERFACE, name, args, readable)


def contract_call(target: str, interface: str, name: str, args: list, readable: str) -> Action:
    """A call to `target`, encoded with the compiled ABI of `interface`."""
    from eth_utils import to_checksum_address
    from web3 import Web3  # imported here: web3 takes most of a second to load, and validation needs none

    contract = Web3().eth.contract(abi=abi(interface))
    function = contract.get_function_by_name(name)
    calldata = bytes.fromhex(contract.encode_abi(name, args)[2:])
    types = ",".join(abi_type(i) for i in function.abi["inputs"])
    return Action(to_checksum_address(target), 0, calldata, f"{name}({types})", readable)


def abi_type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(abi_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]
