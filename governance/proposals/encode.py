"""A proposal as the Governor takes it: targets, values, calldatas and description, with its ids computed offline
exactly as OpenZeppelin's Governor (`hashProposal`) and TimelockController (`hashOperationBatch`) do. The calls
themselves are each kind's (`actions` in governance/proposals/kinds/)."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak

from governance.proposals.calls import Action, Context
from governance.proposals.kinds import BY_KIND, kind_of
from governance.proposals.models import Proposal
from megatao.core.errors import InputError


@dataclass(frozen=True)
class Encoded:
    actions: list[Action]
    description: str
    description_hash: bytes
    proposal_id: int
    timelock_operation_id: bytes | None

    @property
    def targets(self) -> list[str]:
        return [a.target for a in self.actions]

    @property
    def values(self) -> list[int]:
        return [a.value for a in self.actions]

    @property
    def calldatas(self) -> list[bytes]:
        return [a.calldata for a in self.actions]

    def as_json(self) -> dict:
        return {
            "proposal_id": str(self.proposal_id),
            "proposal_id_hex": hex(self.proposal_id),
            "description_hash": "0x" + self.description_hash.hex(),
            "timelock_operation_id": "0x" + self.timelock_operation_id.hex() if self.timelock_operation_id else None,
            "description": self.description,
            "actions": [
                {"target": a.target, "value": str(a.value), "calldata": "0x" + a.calldata.hex(),
                 "signature": a.signature, "call": a.readable}
                for a in self.actions
            ],
        }  # fmt: skip


def proposal_description(proposal: Proposal) -> str:
    """The text the Governor stores: the title as a Markdown heading, then the description."""
    return f"# {proposal.title}\n\n{proposal.description.strip()}\n"


def hash_proposal(targets: list[str], values: list[int], calldatas: list[bytes], description_hash: bytes) -> int:
    """`Governor.hashProposal`: uint256(keccak256(abi.encode(targets, values, calldatas, descriptionHash)))."""
    encoded = encode(["address[]", "uint256[]", "bytes[]", "bytes32"], [targets, values, calldatas, description_hash])
    return int.from_bytes(keccak(encoded), "big")


def timelock_operation_id(
    targets: list[str], values: list[int], calldatas: list[bytes], description_hash: bytes, governor: str
) -> bytes:
    """`TimelockController.hashOperationBatch` with GovernorTimelockControl's salt, bytes20(governor) ^ descHash."""
    salt = bytes(a ^ b for a, b in zip(bytes.fromhex(governor[2:]).ljust(32, b"\0"), description_hash, strict=True))
    encoded = encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"], [targets, values, calldatas, bytes(32), salt]
    )
    return keccak(encoded)


def encode_proposal(proposal: Proposal, ctx: Context) -> Encoded:
    if proposal.kind not in BY_KIND:
        raise InputError(f"proposals of kind '{proposal.kind}' cannot be encoded by this deployment yet")
    actions = kind_of(proposal).actions(proposal, ctx)
    description = proposal_description(proposal)
    description_hash = keccak(text=description)
    targets, values, calldatas = [a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions]
    proposal_id = hash_proposal(targets, values, calldatas, description_hash)
    operation = (
        timelock_operation_id(targets, values, calldatas, description_hash, ctx.governor) if ctx.governor else None
    )
    return Encoded(actions, description, description_hash, proposal_id, operation)


__all__ = ["Action", "Context", "Encoded", "encode_proposal", "hash_proposal", "proposal_description"]
