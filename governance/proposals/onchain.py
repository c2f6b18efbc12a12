"""`validate --network`: what only the chain can tell, read at one block, each finding with a rule id."""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.proposals.encode import PARAM_KEYS
from governance.proposals.issues import Finding, key_path
from governance.proposals.loader import Loaded
from governance.proposals.models import MarketListing, MarketUpdate, ReferralConfig
from governance.proposals.rules import check_rules
from megatao.clients.markets import alpha_market_id
from megatao.clients.pools import AlphaPrecompile
from megatao.clients.protocol import Protocol
from megatao.core.errors import InputError
from megatao.core.units import format_fraction, format_tao

MECHANISM_DYNAMIC = 1
WAD = 10**18
WEI_PER_RAO = 10**9


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
        line, column = loaded.source.position((*loc, "<value>")) if loaded.source else (1, 1)
        report.findings.append(Finding(rule, key_path(loc), line, column, message, hint))

    functions = protocol.contract.functions
    if isinstance(proposal, MarketListing):
        m = proposal.market
        if chain.guard(lambda: functions.marketIdByTicker(m.ticker).call()) != bytes(32):
            fail("CHAIN-TICKER-FREE", ("market", "ticker"), f"ticker {m.ticker} is already listed", "pick another")
        if m.netuid is not None:
            market_id = alpha_market_id(m.netuid)
            if chain.guard(lambda: functions.marketStatus(market_id).call()) != 0:
                fail("CHAIN-SUBNET-NOT-LISTED", ("market", "netuid"), f"subnet {m.netuid} already has a market", "")
            _check_pool(proposal, AlphaPrecompile(chain), block, report, fail)
    elif isinstance(proposal, ReferralConfig):
        insurance, _ = chain.guard(lambda: functions.tradingFeeSplit().call())
        report.readings["insuranceFeeShare"] = insurance
        for index, tier in enumerate(proposal.tiers):
            total = tier.referrer_share + tier.referee_discount + proposal.builder_fee_share + insurance
            if total > WAD:
                fail(
                    "CHAIN-FEE-SHARES-SUM",
                    ("tiers", index, "referrer_share"),
                    f"tier '{tier.name}' with the builder share and the insurance fund's {format_fraction(insurance)} "
                    f"gives away {format_fraction(total)} of the fee, expected at most 100%",
                    "the setters would revert FeeSharesExceedFee at execution",
                )
    elif isinstance(proposal, MarketUpdate):
        ticker = proposal.market.ticker
        market_id = chain.guard(lambda: functions.marketIdByTicker(ticker).call())
        if market_id == bytes(32):
            fail("CHAIN-MARKET-LISTED", ("market", "ticker"), f"no market '{ticker}' is listed", "check the ticker")
        else:
            current = dict(zip(PARAM_KEYS, chain.guard(lambda: functions.marketParams(market_id).call()), strict=True))
            report.readings["currentParams"] = current
            merged = current | proposal.market.model_dump(exclude={"ticker", "status"}, exclude_none=True)
            _check_merged_params(loaded, merged, report)
    return report


def _check_pool(proposal: MarketListing, alpha: AlphaPrecompile, block: int, report: ChainReport, fail) -> None:
    netuid, threshold = proposal.market.netuid, proposal.oracle.min_pool_tao or 0
    reading = alpha.read(netuid)
    pool_wei = reading.tao_in_rao * WEI_PER_RAO
    report.readings.update(
        {"netuid": netuid, "mechanism": reading.mechanism, "price": reading.price, "poolTao": pool_wei}
    )
    if reading.mechanism != MECHANISM_DYNAMIC:
        fail("CHAIN-SUBNET-DYNAMIC", ("market", "netuid"), f"subnet {netuid} is not a dynamic subnet (price fixed)", "")
    if reading.price == 0:
        fail("CHAIN-PRICE-NONZERO", ("market", "netuid"), f"subnet {netuid} prices at 0 (no alpha in its pool)", "")
    if pool_wei < threshold:
        fail(
            "CHAIN-POOL-DEPTH",
            ("oracle", "min_pool_tao"),
            f"subnet {netuid}'s pool holds {format_tao(pool_wei, 0)} at block {block}, below the threshold of "
            f"{format_tao(threshold, 0)}",
            "the listing would revert at execution; wait for the pool to deepen or lower the threshold",
        )


def _check_merged_params(loaded: Loaded, merged: dict, report: ChainReport) -> None:
    """The update's keys with the market's current values: the relations between keys must still hold."""
    updated = loaded.proposal.model_copy(
        update={
            "market": loaded.proposal.market.model_copy(update={k: merged[k] for k in merged if k != "min_pool_tao"})
        }
    )
    for finding in check_rules(updated, loaded.source):
        if finding.rule in {"MM-BELOW-INVERSE-LEVERAGE", "MAKER-AT-MOST-TAKER"}:
            report.findings.append(
                Finding(
                    f"CHAIN-{finding.rule}", finding.path, finding.line, finding.column,
                    finding.message + " (with the market's current values)", finding.hint,
                )
            )  # fmt: skip
