"""`validate --network`: what only the chain can tell, read at one block, each finding with a rule id."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.proposals.base import ChainContext
from governance.proposals.issues import Finding, key_path
from governance.proposals.kinds import kind_of
from governance.proposals.loader import Loaded
from megatao.clients.pools import MECHANISM_DYNAMIC
from megatao.clients.protocol import Protocol
from megatao.core.errors import InputError
from megatao.core.units import format_duration, format_fraction, format_tao

WAD = 10**18


@dataclass
class ChainReport:
    """The numbers read, so a reviewer sees what the verdict rests on."""

    block: int
    readings: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def describe(self) -> str:
        r = self.readings
        parts = []
        if "poolTao" in r:
            kind = "dynamic" if r["mechanism"] == MECHANISM_DYNAMIC else "stable"
            price = f"{r['price'] / 10**18:.9f} TAO"
            parts.append(f"subnet {r['netuid']} ({kind}): pool {format_tao(r['poolTao'], 0)}, price {price}")
        if "insuranceFeeShare" in r:
            parts.append(f"insurance fund's share of fees {format_fraction(r['insuranceFeeShare'])}")
        if "quorum" in r:
            parts.append(
                f"the vote needs a quorum of {r['quorum'] / WAD:,.0f} MEGA (For + Abstain); proposing needs "
                f"{r['proposalThreshold'] / WAD:,.0f}"
                + (f", the proposer has {r['proposerVotes'] / WAD:,.0f}" if "proposerVotes" in r else "")
            )
        if "longestLpExit" in r:
            parts.append(f"the protocol's longest LP exit {format_duration(r['longestLpExit'])}")
        if "upgradeDelay" in r:
            parts.append(
                f"the timelock's upgrade delay {format_duration(r['upgradeDelay'])}, the longest LP exit under the "
                f"file's schedule {format_duration(r['longestLpExitAfter'])}"
            )
        if "pauseGuardian" in r:
            proof = {True: "guardian-proof", False: "NOT guardian-proof"}.get(r.get("guardianProof"), "")
            parts.append(
                f"pause guardian {r['pauseGuardian']}, proposal guardian {r['proposalGuardian']}"
                + (f"; the proposal is {proof}" if proof else "")
            )
        if "currentParams" in r:
            parts.append(f"market listed, current max OI {format_tao(r['currentParams']['max_open_interest'], 0)}")
        return f"read at block {self.block}: " + ("; ".join(parts) or "nothing to read for this kind")


def check_governance(report: ChainReport, chain, proposer: str | None) -> Finding | None:
    """The quorum a vote needs now, and whether `proposer` has the votes to propose (a finding when not)."""
    from governance.governor import Governance

    try:
        gov = Governance(chain)
    except InputError:
        return None  # a deployment without governance: nothing to report
    f = gov.governor.functions
    now = chain.guard(lambda: f.clock().call())
    report.readings["quorum"] = chain.guard(lambda: f.quorum(now - 1).call())
    threshold = chain.guard(lambda: f.proposalThreshold().call())
    report.readings["proposalThreshold"] = threshold
    if proposer is None:
        return None
    power = chain.guard(lambda: f.getVotes(proposer, now - 1).call())
    report.readings["proposerVotes"] = power
    if power < threshold:
        return Finding(
            "CHAIN-PROPOSER-VOTES", "", 1, 1,
            f"the proposer {proposer} has {power / WAD:,.0f} MEGA of votes, below the proposal threshold of "
            f"{threshold / WAD:,.0f}",
            "ask holders to delegate to the proposer, or propose from an account that has the votes",
        )  # fmt: skip
    return None


def check_on_chain(loaded: Loaded, protocol: Protocol, proposer: str | None = None) -> ChainReport:
    chain = protocol.chain
    block = chain.guard(lambda: chain.w3.eth.block_number)
    report = ChainReport(block)
    proposal = loaded.proposal
    votes = check_governance(report, chain, proposer)
    if votes is not None:
        report.findings.append(votes)

    def fail(rule: str, loc: tuple, message: str, hint: str = "") -> None:
        """A finding of the chain checks, placed at `loc` in the file."""
        line, column = loaded.source.position((*loc, "<value>")) if loaded.source else (1, 1)
        report.findings.append(Finding(rule, key_path(loc), line, column, message, hint))

    from governance.governor import Governance

    try:
        governance = Governance(chain)
    except InputError:
        governance = None  # a deployment without governance
    module = kind_of(proposal)
    if hasattr(module, "chain_checks"):
        module.chain_checks(proposal, ChainContext(protocol, block, report, fail, loaded.source, governance))
    return report
