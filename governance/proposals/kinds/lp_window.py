"""lp-window: the LP epochs, their deposit and withdrawal windows, and the deposit caps (docs/protocol.md section 7).

`setEpochSchedule(epoch length, deposit window, withdrawal window)`, which takes effect at the next epoch boundary,
then `setDepositCaps(account, global)`, which holds at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import create_model

from governance.proposals.base import ChainContext, ExpectedCall, Header, KeyTarget, Rules, Violation
from governance.proposals.calls import Action, Context, protocol_call
from megatao.core import params
from megatao.core.params import model_fields
from megatao.core.units import format_duration, format_tao

KIND = "lp-window"
#: The LP namespace only: `nextSchedule`, the caps' slot, and `schedule` when a pending schedule's epoch has begun.
NAMESPACES = {"lp"}
EVENTS = ["EpochScheduleSet", "DepositCapsSet"]


class _LpWindow(Header):
    kind: Literal["lp-window"]


Model = create_model("LpWindow", __base__=_LpWindow, **model_fields(params.LP))

RULES = Rules(KIND)


@RULES("WINDOW-WITHIN-EPOCH", "deposit and withdrawal windows shorter than the epoch")
def _window_within_epoch(p) -> Iterator[Violation]:
    for key in ("deposit_window", "withdraw_window"):
        value = getattr(p, key)
        if value >= p.epoch_length:
            yield (
                (key,),
                f"found {format_duration(value)}, expected shorter than the epoch ({format_duration(p.epoch_length)})",
                "a window as long as the epoch never closes",
            )


@RULES("ACCOUNT-CAP-WITHIN-TOTAL", "per-account deposit cap at most the total cap")
def _account_cap_within_total(p) -> Iterator[Violation]:
    if p.deposit_cap_per_account > p.deposit_cap_total:
        yield (
            ("deposit_cap_per_account",),
            f"found {format_tao(p.deposit_cap_per_account, 0)}, expected at most the total cap "
            f"({format_tao(p.deposit_cap_total, 0)})",
            "",
        )


def actions(p, ctx: Context) -> list[Action]:
    schedule = [p.epoch_length, p.deposit_window, p.withdraw_window]
    caps = [p.deposit_cap_per_account, p.deposit_cap_total]
    return [
        protocol_call(
            ctx.protocol, "setEpochSchedule", schedule,
            "setEpochSchedule(epoch " + ", deposits ".join(format_duration(x) for x in schedule[:2])
            + f", withdrawals {format_duration(schedule[2])})",
        ),
        protocol_call(
            ctx.protocol, "setDepositCaps", caps, f"setDepositCaps({format_tao(caps[0], 0)}, {format_tao(caps[1], 0)})"
        ),
    ]  # fmt: skip


def _compare(p, function: str):
    """The rows of one setter: each of its arguments against the file's key that the table maps to it."""
    rows = [q for q in params.LP if q.field.split(".")[0] == function]
    return lambda args: [(q.key, getattr(p, q.key), args[q.field.split(".")[1]]) for q in rows]


def expected_calls(p, protocol, fork_chain) -> list[ExpectedCall]:
    return [("setEpochSchedule", _compare(p, "setEpochSchedule")), ("setDepositCaps", _compare(p, "setDepositCaps"))]


def key_targets(p, new_implementations: dict[str, str]) -> list[KeyTarget]:
    # The schedule takes effect at the next epoch boundary: its keys name the next epoch's schedule (the pending one
    # after the execution); the caps hold at once.
    return [
        KeyTarget("epoch_length", "lp.next_epoch.epoch_length", p.epoch_length),
        KeyTarget("deposit_window", "lp.next_epoch.deposit_window", p.deposit_window),
        KeyTarget("withdraw_window", "lp.next_epoch.withdrawal_window", p.withdraw_window),
        KeyTarget("deposit_cap_per_account", "lp.deposit_cap_per_account", p.deposit_cap_per_account),
        KeyTarget("deposit_cap_total", "lp.deposit_cap_total", p.deposit_cap_total),
    ]


def chain_checks(p, ctx: ChainContext) -> None:
    """The LP module refuses a schedule whose longest exit is not shorter than the owner's upgrade delay
    (`LpExitNotShorterThanUpgradeDelay`), so that an LP can always leave before a queued upgrade executes. The longest
    exit is max(the epoch in force when the schedule is set, the new epoch) + the new withdrawal window - 1 s; the
    epoch in force is taken as the longer of today's schedule and a pending one."""
    from megatao.node.toolchain import abi

    chain, f = ctx.chain, ctx.functions
    owner = chain.guard(lambda: f.owner().call())
    if not chain.guard(lambda: chain.w3.eth.get_code(owner)):
        return  # an account owns the protocol: no upgrade delay, no constraint
    timelock = chain.contract(owner, abi("IMegaTAOTimelock")).functions
    delay = chain.guard(lambda: timelock.upgradeDelay().call())
    # `epochSchedule()`: the schedule in force, then the one set for the next epoch (`nextFrom` 0: none).
    length, _, _, next_length, _, _, next_from, _ = chain.guard(lambda: f.epochSchedule().call())
    current = max(length, next_length if next_from else 0)
    epoch = max(current, p.epoch_length)
    exit_ = epoch + p.withdraw_window - 1
    ctx.report.readings.update({"upgrade_delay": delay, "longest_lp_exit_after": exit_})
    if exit_ >= delay:
        ctx.fail(
            "CHAIN-LP-EXIT-SHORTER-THAN-UPGRADE-DELAY",
            ("withdraw_window",),
            f"the longest LP exit would be {format_duration(exit_)} (epoch {format_duration(epoch)} + withdrawal "
            f"window - 1 s), expected shorter than the upgrade delay ({format_duration(delay)})",
            "the LP module refuses it: shorten the epoch or the window, or lengthen upgrade_delay first",
        )
