"""Check 6's lp-window flows: the new schedule in force from the next epoch boundary, deposits at the window's first
and last seconds, one at the second it closes (governance/simulation/README.md, "Check 6, lp-window")."""

from __future__ import annotations

from governance.proposals.models import LpWindow
from governance.simulation.flows.market import WAD, FlowLog
from governance.simulation.fork import Fork, Reverted, sim_address
from governance.simulation.state import read_schedule
from megatao.clients.lp import STATUS_FIELDS, LpStatus, format_shares
from megatao.clients.markets import ZERO_ADDRESS
from megatao.core.units import format_duration, format_tao

#: What each LP of the flow deposits: 1 TAO, the least a per-account cap may be, so only the window or the global
#: cap can refuse it.
LP_DEPOSIT = WAD


def lp_window_flows(fork: Fork, protocol, proposal: LpWindow, modules) -> FlowLog | str:
    """The new schedule in force from the next epoch boundary: deposits at the window's first and last seconds
    succeed, a deposit at the second it closes reverts DepositWindowClosed (windows are [start, start + w))."""
    if "lp" not in modules:
        return "the deployment has no LP module"
    log = FlowLog()
    f = protocol.contract.functions
    guard = fork.chain.guard
    pending = read_schedule(protocol)
    if not pending["next_from"]:
        log.fail("schedule", "after the execution no schedule is pending for the next epoch")
        return log
    start = pending["next_from"]
    closes = start + proposal.deposit_window
    deposits = FlowLog()

    def deposit(flow: str, who: str, at: int) -> None:
        lp = sim_address(who)
        try:
            sent = fork.send(lp, f.deposit(), LP_DEPOSIT, at=at)
        except Reverted as exc:
            deposits.fail(flow, f"a deposit of {format_tao(LP_DEPOSIT)} at {at} reverted: {exc.reason}" + _cap_hint(f))
            return
        status = LpStatus.from_tuple(lp, sent.timestamp, guard(lambda: f.lpStatus(lp).call()))
        deposits.ok(
            flow,
            f"{format_tao(LP_DEPOSIT)} deposited at {sent.timestamp} ({format_duration(sent.timestamp - start)} "
            f"after the window opened at {start}; it closes at {closes}): {format_shares(status.shares)} share(s)",
        )

    deposit("deposit inside the window (its first second)", "lp.first", start)
    epoch, epoch_start = guard(lambda: f.currentEpoch().call())
    in_force = read_schedule(protocol)
    wanted = (proposal.epoch_length, proposal.deposit_window, proposal.withdraw_window)
    got = (in_force["epoch_length"], in_force["deposit_window"], in_force["withdrawal_window"])
    shown = ", ".join(format_duration(x) for x in got)
    if (epoch, epoch_start) != (pending["next_epoch"], start) or got != wanted:
        log.fail(
            "schedule",
            f"at {start} epoch {epoch} (start {epoch_start}) runs epoch, deposit and withdrawal windows of "
            f"{shown}; the file sets {', '.join(format_duration(x) for x in wanted)} from epoch "
            f"{pending['next_epoch']}",
        )
    else:
        log.ok("schedule", f"epoch {epoch} began at {start} with the file's schedule (epoch, windows: {shown})")
    log.rows += deposits.rows
    log.fails += deposits.fails
    if log.fails:
        return log
    deposits = log
    deposit("deposit inside the window (its last second)", "lp.last", closes - 1)
    if proposal.deposit_window >= proposal.epoch_length:
        log.skip("deposit outside the window", "the window spans the epoch")
        return log
    flow = "deposit outside the window (the second it closes)"
    try:
        sent = fork.send(sim_address("lp.late"), f.deposit(), LP_DEPOSIT, at=closes)
        log.fail(flow, f"a deposit at {sent.timestamp}, when the window had closed, succeeded")
    except Reverted as exc:
        if exc.reason.startswith("DepositWindowClosed"):
            log.ok(flow, f"a deposit at {closes} reverts: {exc.reason}")
        else:
            log.fail(flow, f"a deposit at {closes} reverted with {exc.reason}, not DepositWindowClosed")
    return log


def _cap_hint(f) -> str:
    """Why a deposit may not fit: the global cap below the LPs' equity (which validation cannot know)."""
    try:
        status = f.lpStatus(ZERO_ADDRESS).call()
    except Exception:  # a view that reverts says nothing more
        return ""
    values = dict(zip(STATUS_FIELDS, status, strict=True))
    equity, cap = values["deposit_equity"], values["global_deposit_cap"]
    if equity + LP_DEPOSIT > cap:
        return (
            f" (the total cap of {format_tao(cap)} is below the LPs' equity of {format_tao(max(equity, 0))} "
            "plus the deposit: no deposit fits)"
        )
    return ""
