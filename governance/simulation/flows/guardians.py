"""Check 6's guardians flows: what each guardian can do after the execution (governance/simulation/README.md,
"Check 6, guardians")."""

from __future__ import annotations

from web3 import Web3

from governance.proposals.models import Guardians
from governance.simulation.flows.market import FlowLog
from governance.simulation.fork import Fork, Reverted
from megatao.clients.markets import ZERO_ADDRESS
from megatao.core.units import format_duration


def guardians_flows(fork: Fork, protocol, proposal: Guardians, modules) -> FlowLog:
    """What each guardian can do after the execution: the proposal itself is guardian-proof (the Governor's rule);
    the replaced pause guardian can no longer pause opens and the new one can; the new proposal guardian cancels a
    proposal that is not guardian-proof and cannot cancel one that is, and the replaced one can cancel neither."""
    from governance.governor import Governance
    from governance.proposals.encode import encode_proposal

    log = FlowLog()
    gov = Governance(fork.chain)
    g, guard = gov.governor.functions, fork.chain.guard
    encoded = encode_proposal(proposal, gov.context())
    proof = guard(lambda: g.isGuardianProof(encoded.targets, encoded.values, encoded.calldatas).call())
    if proof:
        log.ok("guardian-proof", "the Governor's isGuardianProof holds for this proposal's calls: no guardian could "
               "have cancelled it")  # fmt: skip
    else:
        log.fail("guardian-proof", "the Governor's isGuardianProof is false: the proposal guardian could cancel it")
    if proposal.pause_guardian is not None:
        _pause_guardian_flows(fork, protocol, proposal.pause_guardian, log)
    if proposal.proposal_guardian is not None:
        _proposal_guardian_flows(fork, gov, proposal.proposal_guardian, log)
    return log


def _replaced(event, field: str, block: int) -> str | None:
    """The account the execution replaced: `field` of the last `event` log up to `block`."""
    logs = event().get_logs(from_block=max(block - 64, 0), to_block=block)
    return logs[-1]["args"][field] if logs else None


def _pause_guardian_flows(fork: Fork, protocol, new: str, log: FlowLog) -> None:
    f, guard = protocol.contract.functions, fork.chain.guard
    block, _ = fork.latest()
    old = guard(lambda: _replaced(protocol.contract.events.GuardianSet, "previousGuardian", block))
    if old and old not in (ZERO_ADDRESS, new):
        try:
            fork.send(old, f.pauseOpens())
            log.fail("replaced pause guardian", f"{old}, replaced, could still pause opens")
        except Reverted as exc:
            if exc.reason.startswith("GuardianUnauthorizedAccount"):
                log.ok("replaced pause guardian", f"{old} can no longer pause opens: {exc.reason}")
            else:
                log.fail("replaced pause guardian", f"{old}'s pauseOpens reverted {exc.reason}, not for the role")
    if new == ZERO_ADDRESS:
        log.ok("pause guardian", "none: only the timelock may pause opens now")
        return
    if guard(lambda: f.opensPaused().call()):
        detail = "a pause is in effect, which a guardian cannot extend (unpause_opens lifts it)"
        log.skip("pause guardian", detail)
        return
    try:
        sent = fork.send(new, f.pauseOpens())
    except Reverted as exc:
        log.fail("pause guardian", f"the new pause guardian {new} cannot pause opens: {exc.reason}")
        return
    until, length = guard(lambda: f.pausedUntil().call()), guard(lambda: f.maxPause().call())
    if guard(lambda: f.opensPaused().call()) and until == sent.timestamp + length:
        log.ok(
            "pause guardian",
            f"{new} paused opens at {sent.timestamp} until {until} ({format_duration(length)}, the max pause)",
        )
    else:
        log.fail("pause guardian", f"{new}'s pause left opensPaused false or ends at {until}, not after the max pause")


def _proposal_guardian_flows(fork: Fork, gov, new: str, log: FlowLog) -> None:
    from governance.simulation.lifecycle import delegates

    g, guard = gov.governor.functions, fork.chain.guard
    block, now = fork.latest()
    old = guard(lambda: _replaced(gov.governor.events.ProposalGuardianSet, "oldProposalGuardian", block))
    threshold = guard(lambda: g.proposalThreshold().call())
    able = [d for d in delegates(gov, block) if guard(lambda d=d: g.getVotes(d.address, now - 1).call()) >= threshold]
    if not able:
        log.skip("proposal guardian", "no delegate can propose")
        return
    proposer, protocol = able[0].address, gov.protocol.contract
    pause_guardian = guard(lambda: protocol.functions.guardian().call())
    max_pause = guard(lambda: protocol.functions.maxPause().call())
    counter = iter(range(1, 100))

    def propose(function: str, args: list) -> tuple:
        """A proposal of one call to the protocol (restating a value it holds), from the largest delegate."""
        calls = ([protocol.address], [0], [bytes.fromhex(protocol.encode_abi(function, args)[2:])])
        description = f"# Simulation: {function}, a proposal for the guardians to cancel ({next(counter)})\n"
        fork.send(proposer, g.propose(*calls, description))
        return (*calls, Web3.keccak(text=description))

    def cancellable() -> tuple:
        """Not guardian-proof: it renews a setting (the max pause, restated)."""
        return propose("setMaxPause", [max_pause])

    def cancel(who: str, flow: str, proposal: tuple, allowed: bool, refusal: str = "") -> None:
        """`who` cancels `proposal`: it must succeed when `allowed`, else revert with `refusal` (the role's error)."""
        try:
            fork.send(who, g.cancel(*proposal))
            verdict = log.ok if allowed else log.fail
            verdict(flow, f"{who} cancelled it" + ("" if allowed else ", which it should not be able to"))
        except Reverted as exc:
            if allowed or (refusal and not exc.reason.startswith(refusal)):
                log.fail(flow, f"{who}'s cancel reverted: {exc.reason}")
            else:
                log.ok(flow, f"{who} cannot cancel it: {exc.reason}")

    if old and old not in (ZERO_ADDRESS, new):
        cancel(
            old, "replaced proposal guardian vs a cancellable proposal", cancellable(), False, "GovernorUnableToCancel"
        )
    if new == ZERO_ADDRESS:
        log.ok("proposal guardian", "none: a proposer may cancel its own proposal, nobody else's")
        return
    cancel(new, "proposal guardian vs a cancellable proposal", cancellable(), True)
    proof = propose("setGuardian", [pause_guardian])
    cancel(new, "proposal guardian vs a guardian-proof proposal", proof, False, "ProposalGuardianCannotCancel")
