"""The deployed Governor, read and driven: proposals by id or file, their state and tally, submit, queue, execute,
votes cast directly or as EIP-712 ballots that anyone relays after a preflight."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3

from governance.proposals.encode import Context, Encoded, encode_proposal
from governance.proposals.models import Proposal, Upgrade
from megatao.clients.protocol import Protocol
from megatao.core.errors import CheckFailed, InputError
from megatao.devnet.deploy import GOVERNOR, MTSOS_ORACLE, TIMELOCK, TOKEN
from megatao.node.chain import Chain
from megatao.node.deployments import read_deployment
from megatao.node.toolchain import abi

STATES = ("Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed")
SUPPORT = {"against": 0, "for": 1, "abstain": 2}
SUPPORT_NAMES = {value: name for name, value in SUPPORT.items()}
BALLOT_TYPES = [
    {"name": "proposalId", "type": "uint256"},
    {"name": "support", "type": "uint8"},
    {"name": "voter", "type": "address"},
    {"name": "nonce", "type": "uint256"},
]
DOMAIN_TYPES = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True)
class Status:
    proposal_id: int
    state: str
    proposer: str
    snapshot: int  # unix time: votes count as delegated then
    deadline: int  # unix time: voting ends
    eta: int  # unix time the timelock allows execution; 0 until queued
    now: int
    against: int
    for_: int
    abstain: int
    quorum: int  # votes needed (For + Abstain), at the snapshot (at the last second before it while Pending)

    @property
    def quorum_reached(self) -> bool:
        return self.for_ + self.abstain >= self.quorum

    @property
    def missing_for_quorum(self) -> int:
        return max(0, self.quorum - self.for_ - self.abstain)

    def as_json(self) -> dict:
        return {
            "proposal_id": str(self.proposal_id),
            "state": self.state,
            "proposer": self.proposer,
            "snapshot": self.snapshot,
            "deadline": self.deadline,
            "eta": self.eta,
            "now": self.now,
            "votes": {"for": str(self.for_), "against": str(self.against), "abstain": str(self.abstain)},
            "quorum": str(self.quorum),
            "quorum_reached": self.quorum_reached,
            "missing_for_quorum": str(self.missing_for_quorum),
        }


@dataclass(frozen=True)
class OnChainProposal:
    proposal_id: int
    targets: list[str]
    values: list[int]
    calldatas: list[bytes]
    description: str

    @property
    def description_hash(self) -> bytes:
        return Web3.keccak(text=self.description)


def when(timestamp: int, now: int) -> str:
    """'2026-11-23 14:05 UTC (in 1d2h)'."""
    moment = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{moment} ({in_words(timestamp - now)})"


def in_words(seconds: int) -> str:
    """'in 1d2h' for a time ahead, '3h ago' for one past, 'now' within a minute."""
    if abs(seconds) < 60:
        return "now"
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    text = "".join(
        [f"{days}d"] * bool(days) + [f"{hours}h"] * bool(hours) + [f"{minutes}m"] * bool(minutes and not days)
    )
    return f"in {text}" if seconds > 0 else f"{text} ago"


class Governance:
    """The Governor, timelock and token of the deployment recorded for the chain `chain` serves."""

    def __init__(self, chain: Chain):
        self.chain = chain
        record = read_deployment(chain.chain_id)
        contracts = record.get("contracts", {})
        missing = [name for name in (GOVERNOR, TIMELOCK, TOKEN) if name not in contracts]
        if missing:
            raise InputError(f"the deployment record of chain {chain.chain_id} has no {', '.join(missing)}")
        self.governor = chain.contract(contracts[GOVERNOR]["address"], abi(GOVERNOR))
        self.token = chain.contract(contracts[TOKEN]["address"], abi(TOKEN))
        self.timelock_address = contracts[TIMELOCK]["address"]
        self.index_oracle = contracts.get(MTSOS_ORACLE, {}).get("address")
        self.protocol = Protocol(chain)

    @property
    def address(self) -> str:
        return self.governor.address

    def read(self, call):
        return self.chain.guard(call)

    # ------------------------------------------------------------------ encoding and lookup

    def context(self) -> Context:
        markets = self.protocol.markets()
        ids = {m.ticker: m.market_id for m in markets}
        current = {m.ticker: tuple(m.params.values()) for m in markets}
        return Context(
            protocol=self.protocol.address,
            governor=self.address,
            index_oracle=self.index_oracle,
            current_params=current,
            market_ids=ids,
            protocol_params=self.protocol.protocol_params(),
            timelock=self.timelock_address,
        )

    def encode(self, proposal: Proposal, implementations: dict | None = None) -> Encoded:
        context = self.context()
        if implementations:
            context = replace(context, implementations=implementations)
        return encode_proposal(proposal, context)

    def deploy_implementations(self, proposal: Upgrade, signer: LocalAccount) -> dict[str, tuple[str, list[bytes]]]:
        """Deploy each replacement module from this checkout's build; each must serve the module it replaces."""
        from megatao.devnet.deploy import deploy_contract

        implementations = {}
        for item in proposal.modules:
            address = deploy_contract(self.chain, item.contract, signer)
            module = self.chain.contract(address, abi(item.contract)).functions
            served = self.read(lambda m=module: m.moduleId().call()).rstrip(b"\0").decode()
            if served != item.module:
                raise InputError(f"{item.contract} serves module '{served}', not '{item.module}'")
            implementations[item.module] = (address, self.read(lambda m=module: m.exportedSelectors().call()))
        return implementations

    def encode_file(self, path: Path, implementations: dict | None = None) -> Encoded:
        """Validate the proposal file `path` (InvalidProposal when it has errors) and encode it for this deployment;
        an upgrade's calls need the `implementations` its submission deploys."""
        proposal = load_valid(path)
        if proposal.kind == "upgrade" and implementations is None:
            raise InputError(
                f"{path}: an upgrade's calls name implementations that `megatao proposal submit` deploys first; "
                "encode it by submitting, or look up a submitted one with `megatao proposal status FILE`"
            )
        return self.encode(proposal, implementations)

    def resolve(self, ref: str) -> OnChainProposal:
        """A proposal named by its id (decimal or 0x-hex) or by its file: its id, calls and description. A file's
        upgrade is found by its description (its calls name the implementations its submission deployed)."""
        from governance.proposals.encode import proposal_description

        if Path(ref).is_file():
            proposal = load_valid(Path(ref))
            if proposal.kind == "upgrade":
                found = self.find_by_description(proposal_description(proposal))
                if found is None:
                    raise InputError(f"{ref}: no proposal with this description was submitted")
                return found
            return proposal_from_encoded(self.encode(proposal))
        proposal_id = parse_proposal_id(ref)
        if proposal_id is None:
            raise InputError(f"'{ref}' is neither a proposal file nor a proposal id")
        return self.find(proposal_id)

    def find_by_description(self, description: str) -> OnChainProposal | None:
        """The latest proposal whose description is `description` (how a file names a proposal whose calls depend
        on deployments made at submission, such as an upgrade's new implementations)."""
        matches = [p for p in self.created() if p.description == description]
        return matches[-1] if matches else None

    def exists(self, proposal_id: int) -> bool:
        return self.read(lambda: self.governor.functions.proposalSnapshot(proposal_id).call()) != 0

    def created(self) -> list[OnChainProposal]:
        """Every proposal the Governor has recorded, oldest first, from its ProposalCreated events."""
        event = self.governor.events.ProposalCreated()
        return [
            OnChainProposal(
                log["args"]["proposalId"],
                list(log["args"]["targets"]),
                list(log["args"]["values"]),
                list(log["args"]["calldatas"]),
                log["args"]["description"],
            )  # fmt: skip
            for log in self.read(lambda: event.get_logs(from_block=0))
        ]

    def find(self, proposal_id: int) -> OnChainProposal:
        """The proposal's calls and description, from its ProposalCreated event."""
        for proposal in self.created():
            if proposal.proposal_id == proposal_id:
                return proposal
        raise InputError(f"no proposal {proposal_id} on the Governor at {self.address}")

    def status(self, proposal_id: int) -> Status:
        if not self.exists(proposal_id):
            raise InputError(f"no proposal {proposal_id} on the Governor at {self.address}")
        f = self.governor.functions

        def read() -> Status:
            snapshot = f.proposalSnapshot(proposal_id).call()
            now = f.clock().call()
            against, for_, abstain = f.proposalVotes(proposal_id).call()
            return Status(
                proposal_id=proposal_id,
                state=STATES[f.state(proposal_id).call()],
                proposer=f.proposalProposer(proposal_id).call(),
                snapshot=snapshot,
                deadline=f.proposalDeadline(proposal_id).call(),
                eta=f.proposalEta(proposal_id).call(),
                now=now,
                against=against,
                for_=for_,
                abstain=abstain,
                quorum=f.quorum(min(snapshot, now - 1)).call(),
            )

        return self.read(read)

    # ------------------------------------------------------------------ lifecycle

    def submit(self, encoded: Encoded, signer: LocalAccount) -> tuple[bool, Status]:
        """Propose, unless the same proposal exists already (then nothing is sent). Returns (sent, status)."""
        if self.exists(encoded.proposal_id):
            return False, self.status(encoded.proposal_id)
        f = self.governor.functions
        power = self.read(lambda: f.getVotes(signer.address, f.clock().call() - 1).call())
        threshold = self.read(lambda: f.proposalThreshold().call())
        if power < threshold:
            raise CheckFailed(
                f"{signer.address} has {power / 10**18:,.0f} MEGA of votes, below the proposal threshold of "
                f"{threshold / 10**18:,.0f}; ask holders to delegate to it"
            )
        call = f.propose(encoded.targets, encoded.values, encoded.calldatas, encoded.description)
        self.chain.transact(call, signer)
        return True, self.status(encoded.proposal_id)

    def queue(self, proposal: OnChainProposal, signer: LocalAccount) -> Status:
        status = self.status(proposal.proposal_id)
        if status.state != "Succeeded":
            raise CheckFailed(self.why_not("queue", status))
        args = (proposal.targets, proposal.values, proposal.calldatas, proposal.description_hash)
        self.chain.transact(self.governor.functions.queue(*args), signer)
        return self.status(proposal.proposal_id)

    def execute(self, proposal: OnChainProposal, signer: LocalAccount) -> Status:
        status = self.status(proposal.proposal_id)
        if status.state != "Queued" or status.eta > status.now:
            raise CheckFailed(self.why_not("execute", status))
        args = (proposal.targets, proposal.values, proposal.calldatas, proposal.description_hash)
        self.chain.transact(self.governor.functions.execute(*args), signer)
        return self.status(proposal.proposal_id)

    @staticmethod
    def why_not(action: str, s: Status) -> str:
        """Why `action` cannot happen yet (or ever) for a proposal in state `s`."""
        head = f"cannot {action} proposal {s.proposal_id}: "
        match s.state:
            case "Pending":
                return head + f"voting has not started; it opens at {when(s.snapshot, s.now)}"
            case "Active":
                return head + f"voting is open until {when(s.deadline, s.now)}"
            case "Defeated":
                why = (
                    f"quorum not reached ({s.missing_for_quorum / 10**18:,.0f} MEGA missing)"
                    if not s.quorum_reached
                    else "For did not exceed Against"
                )
                return head + f"it was defeated: {why}"
            case "Succeeded":
                return head + "it has passed but is not queued yet; queue it first"
            case "Queued":
                if action == "queue":
                    return head + f"it is queued already; it can execute at {when(s.eta, s.now)}"
                return head + f"the timelock delay ends at {when(s.eta, s.now)}"
            case _:
                return head + f"it is {s.state.lower()}"

    # ------------------------------------------------------------------ votes

    def _require_can_vote(self, proposal_id: int, voter: str) -> Status:
        status = self.status(proposal_id)
        if status.state != "Active":
            raise CheckFailed(f"proposal {proposal_id} is {status.state}, not open for votes")
        if self.read(lambda: self.governor.functions.hasVoted(proposal_id, voter).call()):
            raise CheckFailed(f"{voter} has voted on proposal {proposal_id} already")
        return status

    def voting_power(self, voter: str, status: Status) -> int:
        return self.read(lambda: self.governor.functions.getVotes(voter, status.snapshot).call())

    def cast(self, proposal_id: int, support: str, reason: str | None, signer: LocalAccount) -> int:
        status = self._require_can_vote(proposal_id, signer.address)
        power = self.voting_power(signer.address, status)
        f = self.governor.functions
        call = (
            f.castVoteWithReason(proposal_id, SUPPORT[support], reason)
            if reason
            else f.castVote(proposal_id, SUPPORT[support])
        )
        self.chain.transact(call, signer)
        return power

    def domain(self) -> dict:
        _, name, version, chain_id, contract, _, _ = self.read(lambda: self.governor.functions.eip712Domain().call())
        return {"name": name, "version": version, "chainId": chain_id, "verifyingContract": contract}

    def ballot_typed_data(self, proposal_id: int, support: str, voter: str, nonce: int) -> dict:
        return {
            "types": {"EIP712Domain": DOMAIN_TYPES, "Ballot": BALLOT_TYPES},
            "primaryType": "Ballot",
            "domain": self.domain(),
            "message": {"proposalId": proposal_id, "support": SUPPORT[support], "voter": voter, "nonce": nonce},
        }

    def sign_ballot(self, proposal_id: int, support: str, signer: LocalAccount) -> dict:
        """An EIP-712 ballot with the voter's keyed nonce for this proposal, so that it stays valid whichever of the
        voter's other ballots lands first."""
        if not self.exists(proposal_id):
            raise InputError(f"no proposal {proposal_id} on the Governor at {self.address}")
        key = proposal_id % 2**192
        nonce = self.read(lambda: self.governor.functions.nonces(signer.address, key).call())
        typed = self.ballot_typed_data(proposal_id, support, signer.address, nonce)
        signature = Account.sign_message(encode_typed_data(full_message=typed), signer.key).signature
        return {
            "version": 1,
            "kind": "ballot",
            "proposalId": str(proposal_id),
            "support": support,
            "voter": signer.address,
            "nonce": str(nonce),
            "signature": "0x" + bytes(signature).hex(),
            "typedData": portable(typed),
        }

    def preflight(self, ballot: dict) -> tuple[str | None, int]:
        """(None, voting power) when the ballot would be counted; else (the reason it would not, 0)."""
        proposal_id, support, voter = int(ballot["proposalId"]), ballot["support"], ballot["voter"]
        nonce = int(ballot["nonce"])
        typed = self.ballot_typed_data(proposal_id, support, voter, nonce)
        domain = ballot.get("typedData", {}).get("domain", {})
        if int(domain.get("chainId", -1)) != self.chain.chain_id:
            return f"signed for chain {domain.get('chainId')}, this is chain {self.chain.chain_id}", 0
        if Web3.to_checksum_address(domain.get("verifyingContract", "0x" + "00" * 20)) != self.address:
            return f"signed for the Governor at {domain.get('verifyingContract')}, not {self.address}", 0
        try:
            signer = Account.recover_message(encode_typed_data(full_message=typed), signature=ballot["signature"])
        except Exception:  # a malformed signature cannot be recovered: say so rather than fail
            return "the signature is malformed", 0
        if signer != Web3.to_checksum_address(voter):
            return f"the signature is by {signer}, not the voter {voter}", 0
        status = self.status(proposal_id)
        if status.state != "Active":
            return f"the proposal is {status.state}, not open for votes", 0
        if self.read(lambda: self.governor.functions.hasVoted(proposal_id, voter).call()):
            return "the voter has voted already", 0
        current = self.read(lambda: self.governor.functions.nonces(voter, nonce >> 64).call())
        if current != nonce:
            return f"the ballot's nonce was used or skipped (the voter's next nonce is {current})", 0
        power = self.voting_power(voter, status)
        if power == 0:
            return f"the voter had no votes at the proposal's snapshot ({status.snapshot})", 0
        return None, power

    def relay(self, ballot: dict, relayer: LocalAccount) -> dict:
        f = self.governor.functions
        call = f.castVoteBySig(
            int(ballot["proposalId"]), SUPPORT[ballot["support"]], ballot["voter"], ballot["signature"]
        )
        return self.chain.transact(call, relayer)


def portable(typed: dict) -> dict:
    """The typed data with its uint256 values as 0x-hex strings: JSON numbers past 2**53 lose precision in most
    tools, and `cast wallet sign --data` reads big values only as strings."""
    message = {k: hex(v) if isinstance(v, int) and k != "support" else v for k, v in typed["message"].items()}
    return {**typed, "message": message}


def read_ballot(path: Path) -> dict:
    try:
        ballot = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not a ballot (invalid JSON: {exc.msg})") from None
    required = {"proposalId", "support", "voter", "nonce", "signature", "typedData"}
    if not isinstance(ballot, dict) or ballot.get("kind") != "ballot" or not required <= set(ballot):
        raise InputError(f"{path}: not a ballot (expected kind 'ballot' with {', '.join(sorted(required))})")
    if ballot["support"] not in SUPPORT:
        raise InputError(f"{path}: support '{ballot['support']}' is not one of for, against, abstain")
    return ballot


class InvalidProposal(CheckFailed):
    """A proposal file with errors, before anything is sent: `lines` are its findings, as `validate` writes them."""

    def __init__(self, path: Path, lines: list[str]):
        super().__init__(f"{path} does not validate; nothing was sent")
        self.lines = lines


def load_valid(path: Path) -> Proposal:
    """The proposal in `path`, which must validate (schema and rules): InvalidProposal otherwise."""
    from governance.proposals.validate import validate_file

    loaded = validate_file(path)
    if not loaded.ok:
        raise InvalidProposal(path, [finding.format(str(path)) for finding in loaded.findings])
    return loaded.proposal


def proposal_from_encoded(encoded: Encoded) -> OnChainProposal:
    return OnChainProposal(encoded.proposal_id, encoded.targets, encoded.values, encoded.calldatas, encoded.description)


def parse_proposal_id(text: str) -> int | None:
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None
