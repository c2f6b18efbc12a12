"""Check 6: what users do on the fork after the execution.

One flow set per kind, registered in FLOWS; a kind whose module the deployment lacks reports "skipped" with the
reason (a warning, never a pass). Each kind's flows are in a module of their own, described there and in
governance/simulation/README.md:

| module | flows |
|---|---|
| market.py | what every flow shares: `Market` (one market on the fork, traded by impersonated accounts), `FlowLog` |
| trading.py | market-listing, market-update, upgrade: open and close, the open interest cap, funding, liquidation |
| lp.py | lp-window: deposits at the edges of the new schedule's window |
| referral.py | referral-config: a referred trade per tier, its fee split to the wei |
| guardians.py | guardians: what the new and the replaced guardians can do |
| params.py | protocol-params: the new governed values in effect |
"""

from __future__ import annotations

from collections.abc import Callable

from governance.proposals.models import Proposal
from governance.simulation.flows.guardians import guardians_flows
from governance.simulation.flows.lp import lp_window_flows
from governance.simulation.flows.market import (
    ANY_BUY_PRICE,
    ANY_SELL_PRICE,
    NO_DEADLINE,
    FlowLog,
    Market,
    active_alpha_tickers,
    move_pool_past,
)
from governance.simulation.flows.params import protocol_params_flows
from governance.simulation.flows.referral import referral_flows
from governance.simulation.flows.trading import listing_flows, update_flows, upgrade_flows
from governance.simulation.fork import Fork
from governance.simulation.report import CheckResult, graded, skipped

__all__ = [
    "ACTIONS",
    "ANY_BUY_PRICE",
    "ANY_SELL_PRICE",
    "FLOWS",
    "NO_DEADLINE",
    "FlowLog",
    "Market",
    "active_alpha_tickers",
    "check_flows",
    "move_pool_past",
]

#: kind -> flow. A flow returns a FlowLog, or a string: why it was skipped.
FLOWS: dict[str, Callable] = {
    "market-listing": listing_flows,
    "market-update": update_flows,
    "upgrade": upgrade_flows,
    "lp-window": lp_window_flows,
    "referral-config": referral_flows,
    "guardians": guardians_flows,
    "protocol-params": protocol_params_flows,
}
#: What to do when a kind's flows fail.
TRADING_ACTION = "users could not trade this market as intended after the execution: revise the parameters"
ACTIONS = {
    "lp-window": "LPs could not deposit as the file intends after the execution: revise the windows or the caps",
    "referral-config": "referred trades do not pay what the file configures: revise the tiers",
    "guardians": "a guardian cannot do what the file appoints it for, or a replaced one still can: do not vote yet",
    "protocol-params": "a parameter does not take the effect the file names after the execution: report it",
}


def check_flows(fork: Fork, protocol, proposal: Proposal, modules: set[str]) -> CheckResult:
    flow = FLOWS.get(proposal.kind)
    if flow is None:
        return skipped(6, f"no user flows are defined for {proposal.kind} proposals yet")
    outcome = flow(fork, protocol, proposal, modules)
    if isinstance(outcome, str):
        return skipped(6, outcome, "rerun once the module is deployed")
    if all(r["result"] == "skipped" for r in outcome.rows):  # nothing measured: never a pass
        return skipped(6, "; ".join(r["detail"] for r in outcome.rows) or "no user flow ran")
    done = ", ".join(dict.fromkeys(r["flow"] for r in outcome.rows if r["result"] == "ok"))
    broken = ("; ".join(outcome.fails[:2]), ACTIONS.get(proposal.kind, TRADING_ACTION))
    doubtful = ("; ".join(w for w, _ in outcome.warnings[:2]), outcome.warnings[0][1]) if outcome.warnings else None
    return graded(
        6, f"after execution: {done}", fail=broken if outcome.fails else None, warn=doubtful, rows=outcome.rows
    )
