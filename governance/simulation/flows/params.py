"""Check 6's protocol-params flows: where the new governed values show in what users do, each measured after the
execution (governance/simulation/README.md, "Check 6, protocol-params")."""

from __future__ import annotations

from web3.exceptions import ContractLogicError

from governance.proposals.models import ProtocolParams
from governance.simulation.flows.market import MIN_NOTIONAL, RAO, WAD, FlowLog, Market, active_alpha_tickers
from governance.simulation.fork import Fork, Reverted, sim_address
from megatao.clients.markets import ZERO_ADDRESS
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC
from megatao.core.units import format_duration, format_tao
from megatao.node.toolchain import abi


def protocol_params_flows(fork: Fork, protocol, proposal: ProtocolParams, modules) -> FlowLog:
    """Where the new governed values show in what users do, each measured after the execution: the min margin in the
    refusal of an open below it; the upgrade delay in the wait the timelock gives an upgrade proposed now; the MTSOS
    oracle's elapsed cap in the EMA an update would store after a reading held longer than the cap; the max pause in
    the pause the guardian can start (last: it pauses opens). Keys without a flow (fee splits, caps, limits, the
    broken-price times) rest on checks 2 to 4."""
    log = FlowLog()
    if proposal.min_margin is not None:
        _min_margin_flow(fork, protocol, proposal.min_margin, log)
    if proposal.upgrade_delay is not None:
        _upgrade_delay_flow(fork, protocol, proposal.upgrade_delay, log)
    if proposal.mtsos_max_elapsed is not None:
        _max_elapsed_flow(fork, protocol, proposal.mtsos_max_elapsed, log)
    if proposal.max_pause is not None:
        _max_pause_flow(fork, protocol, proposal.max_pause, log)
    if not log.rows:
        why = "no user flow covers the keys this file names (fee splits, caps, limits, broken-price times)"
        log.skip("protocol parameters", why)
    return log


def _min_margin_flow(fork: Fork, protocol, min_margin: int, log: FlowLog) -> None:
    """An open at 1x whose margin after the fee and impact falls just below the min margin reverts MarginBelowMinimum
    naming the file's value; one with a margin 2% above it opens."""
    flow = "min margin"
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.skip(flow, "no active alpha market to open on")
        return
    if min_margin <= MIN_NOTIONAL:
        detail = f"a min margin of {format_tao(min_margin, 9)} refuses no position of the min notional"
        log.skip(flow, detail)
        return
    market = Market(fork, protocol, tickers[0])
    below = min_margin // RAO * RAO  # the fee and impact take it below the min
    try:
        market.open(sim_address("trader.min-margin.below"), True, below, WAD)
        log.fail(flow, f"an open with {format_tao(below, 9)} of margin (less the fee, below the min) succeeded")
        return
    except Reverted as exc:
        expected = "MarginBelowMinimum("
        if not exc.reason.startswith(expected) or not exc.reason.rstrip(")").endswith(f", {min_margin}"):
            log.fail(flow, f"an open below the min margin of {format_tao(min_margin, 9)} reverted {exc.reason}")
            return
    above = -(-min_margin * 102 // 100 // RAO) * RAO
    try:
        market.open(sim_address("trader.min-margin.above"), True, above, WAD)
    except Reverted as exc:
        log.fail(flow, f"an open with {format_tao(above, 9)} of margin (2% above the min) reverted {exc.reason}")
        return
    log.ok(
        flow,
        f"on {market.ticker}, {format_tao(below, 9)} at 1x leaves less than the min margin after the fee and is "
        f"refused (MarginBelowMinimum, min {format_tao(min_margin, 9)}); {format_tao(above, 9)} opens",
    )


def _upgrade_delay_flow(fork: Fork, protocol, upgrade_delay: int, log: FlowLog) -> None:
    """The wait the timelock gives a module upgrade scheduled now (`operationDelay`, what `scheduleBatch` applies)."""
    guard = fork.chain.guard
    owner = guard(lambda: protocol.contract.functions.owner().call())
    timelock = fork.chain.contract(owner, abi("IMegaTAOTimelock")).functions
    upgrade = bytes.fromhex(protocol.contract.encode_abi("setModule", [b"oracle".ljust(32, b"\0"), owner, [], b""])[2:])
    waits = guard(lambda: timelock.operationDelay([upgrade], 0).call())
    if waits == upgrade_delay:
        log.ok("upgrade delay", f"a module upgrade scheduled now waits {format_duration(waits)} in the timelock")
    else:
        log.fail("upgrade delay", f"a module upgrade scheduled now waits {format_duration(waits)}, not the file's "
                 f"{format_duration(upgrade_delay)}")  # fmt: skip


def _max_elapsed_flow(fork: Fork, protocol, max_elapsed: int, log: FlowLog) -> None:
    """A reading held for twice the cap: the update the oracle would make weighs it for the cap only, to the wei of
    the contract's arithmetic (megatao.clients.oracle.EmaState, with the file's cap). The held reading is first moved
    away from the EMA (one pool's price up 10% on the emulator, then an update), so that the weight shows."""
    from megatao.clients.oracle import EmaState

    flow = "MTSOS max elapsed"
    f, guard = protocol.contract.functions, fork.chain.guard
    oracles = {
        guard(lambda i=i: f.indexOracle(i).call())
        for i in guard(lambda: f.marketIds().call())
        if guard(lambda i=i: f.market(i).call())[1] == 1
    }
    tickers = active_alpha_tickers(fork, protocol)
    if len(oracles) != 1 or not tickers:
        log.skip(flow, "needs one index oracle and an alpha market")
        return
    oracle = fork.chain.contract(oracles.pop(), abi("IMtsosOracle")).functions
    market = Market(fork, protocol, tickers[0])
    emulator = fork.chain.contract(ALPHA_PRECOMPILE, abi(EMULATOR_CONTRACT)).functions
    tao, alpha = (
        guard(lambda: emulator.getTaoInPool(market.netuid).call()),
        guard(lambda: emulator.getAlphaInPool(market.netuid).call()),
    )
    keeper = sim_address("keeper.mtsos")
    try:
        fork.send(keeper, emulator.setPool(market.netuid, tao * 11 // 10, alpha, MECHANISM_DYNAMIC))
        fork.send(keeper, oracle.update())
        read = (oracle.ema, oracle.lastSpot, oracle.lastUpdate)
        ema, held, last_update = (guard(lambda r=r: r().call()) for r in read)
        fork.advance(2 * max_elapsed)
        previewed, _ = guard(lambda: oracle.previewUpdate().call())
        spot = guard(lambda: emulator.getSumAlphaPrice().call())
    except (Reverted, ContractLogicError) as exc:
        log.fail(flow, f"the MTSOS oracle could not be updated on the fork: {exc}")
        return
    now = fork.now()
    capped = EmaState(ema, held, last_update, max_elapsed).preview(now, spot)[0]
    uncapped = EmaState(ema, held, last_update, 2 * max_elapsed).preview(now, spot)[0]
    if previewed == capped != uncapped:
        log.ok(
            flow,
            f"a reading held {format_duration(2 * max_elapsed)} is weighed for {format_duration(max_elapsed)}: the "
            f"next EMA is {previewed} (uncapped it would be {uncapped})",
        )
    elif capped == uncapped:
        log.skip(flow, "the held reading equals the EMA")
    else:
        log.fail(flow, f"after {format_duration(2 * max_elapsed)} the oracle would store {previewed}; the file's cap "
                 f"of {format_duration(max_elapsed)} gives {capped}")  # fmt: skip


def _max_pause_flow(fork: Fork, protocol, max_pause: int, log: FlowLog) -> None:
    """The pause guardian's pause lasts the file's max pause (the owner then lifts it, as the fork's last step)."""
    f, guard = protocol.contract.functions, fork.chain.guard
    guardian = guard(lambda: f.guardian().call())
    if guardian == ZERO_ADDRESS or guard(lambda: f.opensPaused().call()):
        why = (
            "no pause guardian" if guardian == ZERO_ADDRESS else "a pause is in effect, which a guardian cannot extend"
        )
        log.skip("max pause", why)
        return
    try:
        sent = fork.send(guardian, f.pauseOpens())
    except Reverted as exc:
        log.fail("max pause", f"the pause guardian {guardian} could not pause opens: {exc.reason}")
        return
    until = guard(lambda: f.pausedUntil().call())
    if until - sent.timestamp == max_pause:
        log.ok("max pause", f"the pause guardian's pause of opens at {sent.timestamp} lapses at {until}, "
               f"{format_duration(max_pause)} later")  # fmt: skip
    else:
        log.fail("max pause", f"the pause guardian's pause lasts {format_duration(until - sent.timestamp)}, not the "
                 f"file's {format_duration(max_pause)}")  # fmt: skip
    fork.send(guard(lambda: f.owner().call()), f.unpauseOpens())
