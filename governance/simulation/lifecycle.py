"""The real governance lifecycle on the fork: propose as the proposer, vote For with the largest delegates until
quorum and majority, let the voting period pass, queue, let the timelock delay pass, execute. Every sender is
impersonated; time moves by timestamps (the Governor's clock), one block per step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from web3 import Web3

from governance.governor import STATES, Governance
from governance.proposals.encode import Encoded
from governance.simulation.fork import Fork, Reverted, Sent, sim_address
from megatao.node.anvil import BLOCK_GAS_LIMIT

EXECUTOR = sim_address("executor")
SUPPORT_FOR = 1


@dataclass
class Delegate:
    address: str
    votes: int


@dataclass
class Step:
    step: str
    block: int
    timestamp: int
    gas_used: int
    ok: bool = True
    detail: str = ""

    def as_json(self) -> dict:
        return dict(vars(self))


@dataclass
class Lifecycle:
    ok: bool = False
    message: str = ""
    proposer: str = ""
    proposer_votes: int = 0
    threshold: int = 0
    quorum: int = 0
    for_votes: int = 0
    voters: list[Delegate] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    snapshot: int = 0
    deadline: int = 0
    queued_at: int = 0
    eta: int = 0
    execute: Sent | None = None  # the execution transaction, also when it reverted
    revert_reason: str = ""
    # With the votes actually delegated at the fork block:
    delegated_total: int = 0
    delegate_count: int = 0
    quorum_today: int = 0
    delegates_needed: int = 0

    def step(self, name: str, sent: Sent, detail: str = "") -> None:
        """A step that went through, as the report lists it."""
        self.steps.append(Step(name, sent.block, sent.timestamp, sent.gas_used, True, detail))

    @property
    def would_pass_today(self) -> bool:
        return self.delegated_total >= self.quorum_today > 0

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "message": self.message,
            "proposer": self.proposer,
            "proposer_votes": str(self.proposer_votes),
            "proposal_threshold": str(self.threshold),
            "quorum": str(self.quorum),
            "for_votes": str(self.for_votes),
            "voters": [{"address": v.address, "votes": str(v.votes)} for v in self.voters],
            "steps": [s.as_json() for s in self.steps],
            "snapshot": self.snapshot,
            "deadline": self.deadline,
            "queued_at": self.queued_at,
            "eta": self.eta,
            "execution_lands_at": self.eta,
            "execution_gas_used": self.execute.gas_used if self.execute else None,
            "revert_reason": self.revert_reason,
            "delegated_today": {
                "total_delegated": str(self.delegated_total),
                "delegates": self.delegate_count,
                "quorum": str(self.quorum_today),
                "would_pass": self.would_pass_today,
                "largest_delegates_needed": self.delegates_needed,
            },
        }


def delegates(gov: Governance, block: int) -> list[Delegate]:
    """Every account that ever received delegated votes (from the token's DelegateVotesChanged events up to
    `block`), with its votes now, largest first (ties by address), those with none left out."""
    event = gov.token.events.DelegateVotesChanged()
    logs = gov.read(lambda: event.get_logs(from_block=0, to_block=block))
    addresses = sorted({Web3.to_checksum_address(log["args"]["delegate"]) for log in logs})
    found = [Delegate(a, gov.read(lambda a=a: gov.token.functions.getVotes(a).call())) for a in addresses]
    return sorted((d for d in found if d.votes > 0), key=lambda d: (-d.votes, d.address))


def run_lifecycle(
    fork: Fork,
    gov: Governance,
    encoded: Encoded,
    proposer: str | None,
    before_execute: Callable[[int], None] | None = None,
) -> Lifecycle:
    """Propose, vote, queue and execute. `before_execute(eta)`, when given, runs once the proposal is queued: it may
    send transactions timed before `eta - 12` (a rehearsal reads the chain just before the execution's block)."""
    result = Lifecycle()
    f = gov.governor.functions
    everyone = delegates(gov, fork.fork_block)
    now = gov.read(lambda: f.clock().call())
    _delegated_today(result, gov, everyone, now)

    result.threshold = gov.read(lambda: f.proposalThreshold().call())
    if proposer is None:
        if not everyone:
            result.message = "no account holds delegated votes: nobody can propose"
            return result
        proposer = everyone[0].address
    result.proposer = Web3.to_checksum_address(proposer)
    result.proposer_votes = gov.read(lambda: f.getVotes(result.proposer, now - 1).call())
    if result.proposer_votes < result.threshold:
        result.message = (
            f"the proposer {result.proposer} has {result.proposer_votes / 10**18:,.0f} MEGA of votes, below the "
            f"proposal threshold of {result.threshold / 10**18:,.0f}; pass --proposer with a larger delegate"
        )
        return result

    args = (encoded.targets, encoded.values, encoded.calldatas)
    try:
        result.step("propose", fork.send(result.proposer, f.propose(*args, encoded.description)))
        pid = encoded.proposal_id
        result.snapshot = gov.read(lambda: f.proposalSnapshot(pid).call())
        fork.advance_to(result.snapshot + 1)
        result.quorum = gov.read(lambda: f.quorum(result.snapshot).call())
        _vote_for(fork, gov, pid, everyone, result)
        result.deadline = gov.read(lambda: f.proposalDeadline(pid).call())
        fork.advance_to(result.deadline + 1)
        state = STATES[gov.read(lambda: f.state(pid).call())]
        if state != "Succeeded":
            result.message = (
                f"the proposal is {state} after the vote: For {result.for_votes / 10**18:,.0f} MEGA from every "
                f"delegate, quorum {result.quorum / 10**18:,.0f}"
            )
            return result
        description_hash = encoded.description_hash
        queued = fork.send(EXECUTOR, f.queue(*args, description_hash))
        result.step("queue", queued)
        result.queued_at = queued.timestamp
        result.eta = gov.read(lambda: f.proposalEta(pid).call())
        if before_execute is not None:
            before_execute(result.eta)
        fork.advance_to(result.eta - 12)  # the execution lands 12 s later, the first block at or after the eta
        sent = fork.try_send(EXECUTOR, f.execute(*args, description_hash), gas=BLOCK_GAS_LIMIT)
    except Reverted as exc:
        result.message = f"{exc.what} reverted on the fork: {exc.reason}"
        return result
    result.execute = sent
    if sent.receipt["status"] != 1:
        result.revert_reason = fork.revert_reason(sent.tx_hash)
        result.steps.append(Step("execute", sent.block, sent.timestamp, sent.gas_used, False, result.revert_reason))
        result.message = f"the execution reverted: {result.revert_reason}"
        return result
    result.step("execute", sent)
    result.ok = True
    result.message = (
        f"proposed by {result.proposer}, passed with {result.for_votes / 10**18:,.0f} MEGA For from "
        f"{len(result.voters)} delegate(s) (quorum {result.quorum / 10**18:,.0f}), queued, executed"
    )
    return result


def _delegated_today(result: Lifecycle, gov: Governance, everyone: list[Delegate], now: int) -> None:
    """The votes actually delegated at the fork block against today's quorum: how many of the largest delegates it
    takes to reach it."""
    f = gov.governor.functions
    result.quorum_today = gov.read(lambda: f.quorum(now - 1).call())
    result.delegate_count = len(everyone)
    result.delegated_total = sum(d.votes for d in everyone)
    running = 0
    for count, d in enumerate(everyone, start=1):
        running += d.votes
        if running >= result.quorum_today:
            result.delegates_needed = count
            break


def _vote_for(fork: Fork, gov: Governance, pid: int, everyone: list[Delegate], result: Lifecycle) -> None:
    """For votes from the largest delegates (with votes at the snapshot) until the For votes reach the quorum."""
    f = gov.governor.functions
    for d in everyone:
        if result.for_votes >= result.quorum:
            break
        power = gov.read(lambda d=d: f.getVotes(d.address, result.snapshot).call())
        if power == 0:
            continue
        result.step("castVote", fork.send(d.address, f.castVote(pid, SUPPORT_FOR)), f"For from {d.address}")
        result.voters.append(Delegate(d.address, power))
        result.for_votes += power
