"""Issue 15's attacks on the vault and governance through the CLI on a devnet: a sandwiched LP exit, a 4x rally and
the guardian freeze (docs/protocol.md sections 5, 7 and 9; tests/contracts/attacks/ has them at the contract level:
SandwichedLpExit, MarketRally and GuardianFreeze). tests/test_attacks_prices.py has the attacks on prices.

Each attack either ends with the attacker holding less TAO than it started with (read from the chain) or is refused
with the custom error that names the defence. The attacker's trades are always `megatao` commands. A few steps no
command expresses use the project's node client, each said where it is: the pause guardian's `pauseOpens`, and the
proposal that replaces the guardians with its votes, queue, execution and the proposal guardian's cancels (see that
test).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from megatao.node.accounts import dev_account
from tests import attack_helpers
from tests.attack_helpers import KEEPER, LP, Attacks, address, open_args, shown, to_next_epoch
from tests.conftest import assert_one_line_error
from tests.test_attacks import (
    ATTACKER,
    NETUID,
    POOL_MOVER,
    TICKER,
    VICTIM,
    WAD,
    account,
    in_one_block,
    ok,
    price,
    report,
    tao,
)

pytestmark = pytest.mark.anvil

#: `megatao ARGS` in this process and the devnet's reads (tests/attack_helpers.py's fixtures).
megatao = attack_helpers.megatao
devnet = attack_helpers.devnet


# 5. A sandwiched LP exit.


def test_sandwiched_lp_claim_and_deposit_are_priced_as_without_the_push(megatao, devnet):
    """The attacker, an LP with 2,000 TAO, requested its withdrawal in epoch 0; traders hold CHUTES longs and shorts.
    In epoch 1's windows it claims inside a sandwich, all in one block: push CHUTES 50% down (the longs under water at
    that spot, so the vault would look richer), poke (the pushed reading is the block's first), claim, another LP's
    deposit, restore. From the same state, the claim and the deposit alone in a block at the same time: the same TAO
    and the same shares to the wei, as LP equity is valued at the stored references. The sandwich only cost the
    attacker its poke's gas. Issue 15: a claim priced at the in-block spot, sandwiched, paid 3.3% less."""
    ok(megatao("lp", "deposit", "2000", *account(ATTACKER)))
    ok(megatao(*open_args(TICKER, "long", "100", "3x", VICTIM)))
    ok(megatao(*open_args(TICKER, "short", "60", "3x", 5)))
    ok(megatao("lp", "request-withdrawal", "all", *account(ATTACKER)))
    epoch = to_next_epoch(megatao)
    assert epoch["deposit_window"]["open"] and epoch["withdrawal_window"]["open"], epoch
    ok(megatao("market", "poke", TICKER, *account(KEEPER)))
    at = devnet.now() + 30
    claim = (ATTACKER, ("lp", "claim", *account(ATTACKER), "--json"))
    deposit = (LP, ("lp", "deposit", "500", *account(LP), "--json"))

    snapshot = devnet.node.snapshot()
    honest_claim, honest_deposit = (
        json.loads(ok(run).stdout) for run in in_one_block(devnet, claim, deposit, timestamp=at).runs
    )
    honest = devnet.wealth(ATTACKER)
    devnet.node.revert(snapshot)
    first = devnet.block_number()
    block = in_one_block(
        devnet,
        (POOL_MOVER, devnet.scaled(int(NETUID), 0.5)),
        (ATTACKER, ("market", "poke", TICKER, *account(ATTACKER))),
        claim,
        deposit,
        (POOL_MOVER, devnet.pool_set(int(NETUID), *devnet.pool(int(NETUID)))),
        timestamp=at,
    )
    for run in block.runs:
        ok(run)
    sandwiched_claim, sandwiched_deposit = (json.loads(run.stdout) for run in block.runs[2:4])
    sandwiched = devnet.wealth(ATTACKER)
    gas = devnet.gas_paid(ATTACKER, first)
    figures = (
        f"LP claim sandwiched by a 50% push: {tao(sandwiched_claim['amount'])} for "
        f"{int(sandwiched_claim['shares']) / WAD:,.2f} shares against {tao(honest_claim['amount'])} alone; the deposit "
        f"of 500 TAO got {int(sandwiched_deposit['shares']) / WAD:,.6f} shares against "
        f"{int(honest_deposit['shares']) / WAD:,.6f}; attacker {tao(honest)} after an honest claim, {tao(sandwiched)} "
        f"after the sandwich ({tao(honest - sandwiched)} less; its poke and claim cost {tao(gas)} of gas)"
    )
    assert len(block.transactions) == 5, figures
    assert int(sandwiched_claim["amount"]) == int(honest_claim["amount"]) > 0, figures
    assert int(sandwiched_deposit["shares"]) == int(honest_deposit["shares"]) > 0, figures
    assert 0 < honest - sandwiched < gas, figures
    report(figures)


# 6. A 4x rally of one market.

RALLY = (1.5, 2.0, 3.0, 4.0)
LONGS = (1, 2, 3, 4)
LATE = 5


def follow(megatao, within: Decimal) -> dict:
    """Keepers poke CHUTES every 10 minutes (each update weighs the reading held since the last one for the reference
    period, half the way to the spot) until the reference is within `within` of the spot; returns `market show`."""
    for _ in range(12):
        ok(megatao("market", "poke", TICKER, *account(KEEPER)))
        ok(megatao("devnet", "advance", "10m"))
        market = shown(megatao("market", "show", TICKER, "--json"))
        if int(market["divergence"]) <= within * WAD:
            return market
    raise AssertionError(f"the reference did not follow the spot: {market}")


def profit_per_notional(position: dict) -> Decimal:
    return Decimal(int(position["unrealized_pnl"])) / int(position["entry_notional"])


def test_rally_4x_auto_deleveraging_keeps_the_vault_solvent(megatao, devnet):
    """Four 1,500 TAO CHUTES longs (3x, on a pool made twice as deep first) and a late 150 TAO one opened at twice
    the price (it pays the skew it adds to); CHUTES rallies 4x over a few hours, keepers poking so the reference
    follows. The traders' profit passes its cap (30% of the reserves): a keeper's `trade adl` of the late long, below
    its side's average profit, is refused (AdlNotEligible); ADL of the most profitable long brings the profit under
    the cap, after which ADL is refused (AdlNotNeeded). The vault's TAO covers every book and the LPs keep a positive
    equity. Issue 15: the rally emptied the reserves."""
    tao_rao, alpha_rao = devnet.pool(int(NETUID))
    seeded = (2 * tao_rao, 2 * alpha_rao)  # twice as deep (depth cap 15,000 TAO a side), at the same price
    ok(megatao(*devnet.pool_set(int(NETUID), *seeded)))
    for _ in range(2):  # a deeper pool counts once a whole block has read it
        ok(megatao("market", "poke", TICKER, *account(KEEPER)))
        ok(megatao("devnet", "advance", "12"))
    for index in LONGS:
        ok(megatao(*open_args(TICKER, "long", "500", "3x", index, "--max-slippage", "3%")))
    for factor in RALLY:
        ok(megatao(*devnet.scaled(int(NETUID), factor, seeded)))
        follow(megatao, Decimal("0.04") if factor < 4 else Decimal("0.005"))
        if factor == 2.0:
            late = shown(megatao(*open_args(TICKER, "long", "50", "3x", LATE, "--max-slippage", "10%")))
    market = shown(megatao("market", "show", TICKER, "--json"))
    rallied = market["reference_price"]
    before = market["trader_profit"]
    assert int(before["now"]) > int(before["cap"]), market

    start = devnet.wealth(ATTACKER)
    refused = megatao("trade", "adl", address(LATE), TICKER, *account(ATTACKER))
    assert_one_line_error(refused, "autoDeleverage would revert: AdlNotEligible(")
    steps = []
    while int((profit := shown(megatao("market", "show", TICKER, "--json"))["trader_profit"])["now"]) > int(
        profit["cap"]
    ):
        held = {i: shown(megatao("trade", "positions", address(i), "--json"))[0] for i in (*LONGS, LATE)}
        target = max(held, key=lambda i: profit_per_notional(held[i]))
        ok(megatao("trade", "adl", address(target), TICKER, *account(KEEPER)))
        size = int(held[target]["size"])
        closed = size - devnet.position_in(target, TICKER)["size"]
        steps.append(f"devnet:{target} {closed / WAD:,.0f} of {size / WAD:,.0f} alpha")
        assert len(steps) <= len(LONGS), steps
    after = profit
    needless = megatao("trade", "adl", address(LONGS[0]), TICKER, *account(KEEPER))
    vault = devnet.vault()
    lp = shown(megatao("lp", "status", "--json"))
    figures = (
        f"4x rally: reference {price(rallied)} (late long in at {price(int(late['entry_price']))}); traders' profit "
        f"{tao(before['now'])} over its cap {tao(before['cap'])}; ADL closed {', '.join(steps)} -> profit "
        f"{tao(after['now'])}, cap {tao(after['cap'])}; vault holds {tao(vault['balance'])} for books of "
        f"{tao(vault['owed'])} (reserves {tao(vault['reserves'])}); LP equity {tao(lp['withdrawal_equity'])}"
    )
    assert steps and not any(step.startswith(f"devnet:{LATE} ") for step in steps), figures
    assert devnet.wealth(ATTACKER) == start, figures
    assert int(after["now"]) <= int(after["cap"]), figures
    assert_one_line_error(needless, "autoDeleverage would revert: AdlNotNeeded(")
    assert vault["balance"] == vault["owed"], figures
    assert int(lp["withdrawal_equity"]) > 0 and int(lp["deposit_equity"]) > 0, figures
    report(figures)


# 7. The guardian freeze.

GUARDIAN = 9  # the devnet's pause guardian
PROPOSAL_GUARDIAN = 8  # the devnet's proposal guardian
NEW_GUARDIAN, NEW_PROPOSAL_GUARDIAN = 6, 5
VOTERS = (1, 2, 3)  # 1.5% of the votes each: the 4% quorum


def as_key(devnet: Attacks, call, index: int) -> str | None:
    """`call` sent by devnet:`index` through the node client; the one-line error if it would revert, else None."""
    from megatao.core.errors import TransactionError

    try:
        devnet.chain.transact(call, dev_account(index))
    except TransactionError as exc:
        return str(exc)
    return None


def pause_opens(devnet: Attacks, index: int = GUARDIAN) -> str | None:
    """The pause guardian's `pauseOpens`: no command sends it, so the node client does, this step only."""
    return as_key(devnet, devnet.protocol.contract.functions.pauseOpens(), index)


def test_a_guardians_pause_lapses_by_itself(megatao, devnet):
    """The pause guardian pauses opens and cannot extend its pause (OpensAlreadyPaused); a second before the pause
    lapses opens are still refused (OpensArePaused), and once `maxPause` (7 days) has passed they work again without
    governance. The guardian is out its gas."""
    start = devnet.wealth(GUARDIAN)
    assert pause_opens(devnet) is None
    until = devnet.protocol.contract.functions.pausedUntil().call()
    refused = megatao(*open_args(TICKER, "long", "10", "2x", ATTACKER))
    extended = pause_opens(devnet)
    ok(megatao("devnet", "advance", str(until - devnet.now() - 2)))
    still = megatao(*open_args(TICKER, "long", "10", "2x", ATTACKER))
    ok(megatao("devnet", "advance", "2"))
    opened = shown(megatao(*open_args(TICKER, "long", "10", "2x", ATTACKER)))
    end = devnet.wealth(GUARDIAN)
    figures = (
        f"guardian's pause until {until}: extension refused ({extended}); open at {until - 1} refused, at "
        f"{devnet.now()} filled at {price(int(opened['entry_price']))}; guardian {tao(start)} -> {tao(end)}"
    )
    assert_one_line_error(refused, "openPosition would revert: OpensArePaused()")
    assert extended == f"pauseOpens would revert: OpensAlreadyPaused({until})", figures
    assert_one_line_error(still, "openPosition would revert: OpensArePaused()")
    assert int(opened["size"]) > 0 and end < start, figures
    report(figures)


def test_the_proposal_guardian_cannot_cancel_the_proposal_that_replaces_it(megatao, devnet):
    """Governance answers a pause at once with one proposal replacing both guardians and lifting the pause. At every
    stage (pending, active, succeeded, queued) the proposal guardian's `cancel` is refused
    (ProposalGuardianCannotCancel); meanwhile the pause lapses and the old guardian pauses again, which the executed
    proposal lifts. Afterwards the old pause guardian is refused (GuardianUnauthorizedAccount) and opens work.

    No proposal kind replaces the guardians yet (wip/prop's `guardians`), no command cancels, and on this branch the
    governance package (`megatao proposal`, `megatao vote`, governance/governor.py) stops at import on a parameter
    that is gone (KeyError 'price_band' in governance/proposals/bounds.py): the whole proposal, its votes, queue,
    execution and the cancels, goes through the node client, with the Governor's ABI. The pause and the trades are
    `megatao` commands."""
    from megatao.node.deployments import read_deployment
    from megatao.node.toolchain import abi

    record = read_deployment(devnet.chain.chain_id)["contracts"]
    governor = devnet.chain.contract(record["MegaTAOGovernor"]["address"], abi("MegaTAOGovernor"))
    router, send = devnet.protocol.contract, governor.functions
    calls = [
        (router, "setGuardian", [address(NEW_GUARDIAN)]),
        (governor, "setProposalGuardian", [address(NEW_PROPOSAL_GUARDIAN)]),
        (router, "unpauseOpens", []),
    ]
    targets, values = [contract.address for contract, _name, _args in calls], [0] * len(calls)
    calldatas = [bytes.fromhex(contract.encode_abi(name, args)[2:]) for contract, name, args in calls]
    description = "# Replace the guardians\n\nBoth guardians abused their powers.\n"
    digest = devnet.w3.keccak(text=description)
    proposal_id = send.hashProposal(targets, values, calldatas, digest).call()
    cancel = send.cancel(targets, values, calldatas, digest)

    assert pause_opens(devnet) is None
    assert as_key(devnet, send.propose(targets, values, calldatas, description), VOTERS[0]) is None
    refusals = {"Pending": as_key(devnet, cancel, PROPOSAL_GUARDIAN)}
    ok(megatao("devnet", "advance", str(86_400 + 12)))  # past the voting delay
    for voter in VOTERS:
        assert as_key(devnet, send.castVote(proposal_id, 1), voter) is None
    refusals["Active"] = as_key(devnet, cancel, PROPOSAL_GUARDIAN)
    ok(megatao("devnet", "advance", "5d"))
    refusals["Succeeded"] = as_key(devnet, cancel, PROPOSAL_GUARDIAN)
    assert as_key(devnet, send.queue(targets, values, calldatas, digest), VOTERS[0]) is None
    refusals["Queued"] = as_key(devnet, cancel, PROPOSAL_GUARDIAN)
    ok(megatao("devnet", "advance", "1d"))
    lapsed = shown(megatao(*open_args(TICKER, "long", "10", "2x", VICTIM)))  # day 7: the first pause lapsed
    repaused = pause_opens(devnet)
    ok(megatao("devnet", "advance", "1d"))
    paused = megatao(*open_args(TICKER, "long", "10", "2x", ATTACKER))
    executed = as_key(devnet, send.execute(targets, values, calldatas, digest), VOTERS[0])
    state = send.state(proposal_id).call()
    old_guardian = pause_opens(devnet)
    opened = shown(megatao(*open_args(TICKER, "long", "10", "2x", ATTACKER)))
    figures = (
        f"guardians' replacement {proposal_id}: the proposal guardian's cancels refused when {', '.join(refusals)}; "
        f"executed (state {state}): guardian {router.functions.guardian().call()}, proposal guardian "
        f"{send.proposalGuardian().call()}; the old guardian's pause: {old_guardian}; open filled at "
        f"{price(int(opened['entry_price']))}"
    )
    for stage, refusal in refusals.items():
        assert refusal == f"cancel would revert: ProposalGuardianCannotCancel({proposal_id})", (stage, refusal)
    assert int(lapsed["size"]) > 0 and repaused is None, figures
    assert_one_line_error(paused, "openPosition would revert: OpensArePaused()")
    assert executed is None and state == 7, figures  # ProposalState.Executed
    assert router.functions.guardian().call() == address(NEW_GUARDIAN), figures
    assert send.proposalGuardian().call() == address(NEW_PROPOSAL_GUARDIAN), figures
    assert old_guardian == f"pauseOpens would revert: GuardianUnauthorizedAccount({address(GUARDIAN)})", figures
    assert int(opened["size"]) > 0, figures
    report(figures)
