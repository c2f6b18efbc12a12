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
from megatao.core.params import MARKET, json_values
from megatao.core.units import format_duration, format_fraction, format_tao

WAD = 10**18
#: The readings that are amounts (decimal strings in JSON); the others are seconds, ids, addresses or flags.
AMOUNT_READINGS = frozenset(
    {"price", "pool_tao", "insurance_fee_share", "quorum", "proposal_threshold", "proposer_votes"}
)


@dataclass
class ChainReport:
    """The numbers read, so a reviewer sees what the verdict rests on."""

    block: int
    readings: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict:
        """The block and the readings: amounts (wei, prices, votes, WAD shares, the market's parameters by their unit)
        as decimal strings, seconds and ids as numbers (cli/base.py)."""
        readings = {}
        for key, value in self.readings.items():
            if key == "current_params":
                value = json_values(MARKET, value)
            elif key in AMOUNT_READINGS:
                value = str(value)
            readings[key] = value
        return {"block": self.block, "readings": readings}

    def describe(self) -> str:
        r = self.readings
        parts = []
        if "pool_tao" in r:
            kind = "dynamic" if r["mechanism"] == MECHANISM_DYNAMIC else "stable"
            price = f"{r['price'] / 10**18:.9f} TAO"
            parts.append(f"subnet {r['netuid']} ({kind}): pool {format_tao(r['pool_tao'], 0)}, price {price}")
        if "insurance_fee_share" in r:
            parts.append(f"insurance fund's share of fees {format_fraction(r['insurance_fee_share'])}")
        if "quorum" in r:
            parts.append(
                f"the vote needs a quorum of {r['quorum'] / WAD:,.0f} MEGA (For + Abstain); proposing needs "
                f"{r['proposal_threshold'] / WAD:,.0f}"
                + (f", the proposer has {r['proposer_votes'] / WAD:,.0f}" if "proposer_votes" in r else "")
            )
        if "longest_lp_exit" in r:
            parts.append(f"the protocol's longest LP exit {format_duration(r['longest_lp_exit'])}")
        if "upgrade_delay" in r:
            parts.append(
                f"the timelock's upgrade delay {format_duration(r['upgrade_delay'])}, the longest LP exit under the "
                f"file's schedule {format_duration(r['longest_lp_exit_after'])}"
            )
        if "pause_guardian" in r:
            proof = {True: "guardian-proof", False: "NOT guardian-proof"}.get(r.get("guardian_proof"), "")
            parts.append(
                f"pause guardian {r['pause_guardian']}, proposal guardian {r['proposal_guardian']}"
                + (f"; the proposal is {proof}" if proof else "")
            )
        if "current_params" in r:
            parts.append(f"market listed, current max OI {format_tao(r['current_params']['max_open_interest'], 0)}")
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
    report.readings["proposal_threshold"] = threshold
    if proposer is None:
        return None
    power = chain.guard(lambda: f.getVotes(proposer, now - 1).call())
    report.readings["proposer_votes"] = power
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
