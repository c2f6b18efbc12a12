"""What users and keepers do with positions, tried on the fork around an upgrade (the rehearsal's check 10), and
calls straight to the new implementations (check 11).

Check 10: each tried position is increased, closed and liquidated, each action on its own from the same state and
then undone (an EVM snapshot reverted), once just before the execution and once just after it. An action that worked
before and reverts after fails the check; one that reverted before too is not the upgrade's doing (a warning).
What each action needs (side, margin, liquidation price) is read before the upgrade, and each outcome is read from the
action's own events, so a new implementation whose views read wrong cannot make a trial look right.

Check 11: every state-changing function of each new implementation (an `initialize` included) is called on the
implementation's own address with zero arguments (`eth_call`) and must revert with `NotDelegateCall`: module
implementations are stateless code that nobody can initialize or take over.
"""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector
from web3.exceptions import ContractCustomError, ContractLogicError
from web3.logs import DISCARD

from governance.proposals.models import Upgrade
from governance.simulation.flows import Market, move_pool_past
from governance.simulation.fork import Fork, Reverted, sim_address
from governance.simulation.report import CheckResult, graded
from governance.upgrades.across import Book, Held, read_view, view_fields
from megatao.clients.trading import LIQUIDATION_STATUS
from megatao.core.units import format_tao
from megatao.node.reverts import describe_revert
from megatao.node.toolchain import abi

WAD = 10**18
RAO = 10**9
#: Positions tried: the first of each (market, side), at most this many.
MAX_TRIALS = 6
#: The trials test that an action works, not its price.
ACTIONS = ("increase", "close", "liquidate")
KEEPER = sim_address("rehearsal.keeper")
PROBE = sim_address("rehearsal.probe")
ZERO_ADDRESS = "0x" + "00" * 20


@dataclass(frozen=True)
class Plan:
    """A tried position and what its trials need, read before the upgrade."""

    held: Held
    size: int
    margin: int
    liquidation_price: int


@dataclass(frozen=True)
class Outcome:
    ok: bool | None  # None: not tried (and why)
    detail: str


def plan_trials(fork: Fork, protocol, book: Book) -> list[Plan]:
    """The first watched position of each (market, side), at most MAX_TRIALS, read now."""
    f = protocol.contract.functions
    names = view_fields(protocol, "position")
    plans, seen = [], set()
    for h in book.positions:
        if (h.ticker, h.side) in seen or len(plans) == MAX_TRIALS:
            continue
        info = read_view(fork, f.position(h.account, h.market_id), "latest", names)
        if isinstance(info, str) or info["size"] == 0:
            continue
        seen.add((h.ticker, h.side))
        plans.append(Plan(h, info["size"], info["margin"], info["liquidationPrice"]))
    return plans


def run_trials(fork: Fork, protocol, plans: list[Plan]) -> dict[tuple[Held, str], Outcome]:
    """Each action on each planned position, from the state now, undone after."""
    outcomes = {}
    markets: dict[str, Market] = {}
    for plan in plans:
        market = markets.setdefault(plan.held.ticker, Market(fork, protocol, plan.held.ticker))
        for action in ACTIONS:
            snapshot = fork.node.snapshot()
            try:
                outcomes[(plan.held, action)] = TRIALS[action](fork, market, plan)
            except Reverted as exc:
                outcomes[(plan.held, action)] = Outcome(False, f"{exc.what} reverted: {exc.reason}")
            finally:
                fork.node.revert(snapshot)
    return outcomes


def _event(market: Market, name: str, receipt: dict) -> dict | None:
    logs = getattr(market.protocol.contract.events, name)().process_receipt(receipt, errors=DISCARD)
    return dict(logs[0]["args"]) if len(logs) == 1 else None


def _increase(fork: Fork, market: Market, plan: Plan) -> Outcome:
    value = max(plan.margin // 10, WAD // 100) // RAO * RAO
    leverage = min(2 * WAD, market.max_leverage)
    sent = market.increase(plan.held.account, plan.size > 0, leverage, value)
    event = _event(market, "PositionIncreased", sent.receipt)
    if event is None:
        return Outcome(False, "increasePosition emitted no PositionIncreased")
    new = event["newSize"]
    if (new > 0) != (plan.size > 0) or abs(new) <= abs(plan.size):
        return Outcome(False, f"the size went from {plan.size} to {new}")
    return Outcome(True, f"{format_tao(value)} added: size {plan.size} -> {new}")


def _close(fork: Fork, market: Market, plan: Plan) -> Outcome:
    sent = market.close(plan.held.account, plan.size > 0)
    event = _event(market, "PositionDecreased", sent.receipt)
    if event is None or event["newSize"] != 0:
        return Outcome(False, "closePosition left the position open")
    return Outcome(True, f"closed, {format_tao(event['payout'])} paid out")


def _liquidate(fork: Fork, market: Market, plan: Plan) -> Outcome:
    if market.kind != 0:
        return Outcome(None, "index market: the rehearsal does not move the MTSOS oracle's 7-day average")
    f, held = market.f, plan.held

    def status() -> str:
        return LIQUIDATION_STATUS[fork.chain.guard(lambda: f.liquidationStatus(held.account, held.market_id).call())]

    moved = ""
    if status() == "healthy":
        price = move_pool_past(fork, market, KEEPER, plan.liquidation_price, held.side == "long")
        moved = f"the pool moved to {price / WAD:.9f} (liquidation price {plan.liquidation_price / WAD:.9f}), "
    pokes = market.liquidation_pokes()
    for block in range(1, pokes + 1):
        market.poke(KEEPER)
        now = status()
        if now == "healthy":
            continue
        sent = fork.send(KEEPER, f.liquidate(held.account, held.market_id))
        if _event(market, "PositionLiquidated", sent.receipt) is None:
            return Outcome(False, "liquidate emitted no PositionLiquidated")
        return Outcome(True, f"{moved}liquidated ({now}) after {block} poke(s)")
    return Outcome(False, f"{moved}still healthy after {pokes} pokes")


TRIALS = {"increase": _increase, "close": _close, "liquidate": _liquidate}


def check_trials(
    number: int,
    title: str,
    plans: list[Plan],
    before: dict[tuple[Held, str], Outcome],
    after: dict[tuple[Held, str], Outcome],
) -> CheckResult:
    if not plans:
        return CheckResult(number, "warn", "no position to try", name=title)
    rows, fails, warns = [], [], []
    for plan in plans:
        h = plan.held
        for action in ACTIONS:
            b, a = before[(h, action)], after[(h, action)]
            if a.ok is None:
                verdict = "skipped"
            elif a.ok:
                verdict = "ok"
            elif b.ok:
                verdict = "FAIL"
                fails.append(f"{h.ticker} {h.side}: {action} worked before the upgrade, after it {a.detail}")
            else:
                verdict = "WARN: failed before the upgrade too"
                warns.append(f"{h.ticker} {h.side}: {action} failed before and after the upgrade ({a.detail})")
            rows.append(
                {
                    "market": h.ticker,
                    "side": h.side,
                    "account": h.account,
                    "action": action,
                    "before_the_upgrade": b.detail,
                    "after_the_upgrade": a.detail,
                    "verdict": verdict,
                }
            )
    notes = [
        "each action starts from the same state and is undone after (EVM snapshot); before = just before the "
        "execution, after = just after it; outcomes are read from the actions' events "
        "(PositionIncreased, PositionDecreased, PositionLiquidated)"
    ]
    done = sorted({r["action"] for r in rows if r["verdict"] == "ok"}, key=ACTIONS.index)
    skips = sorted({f"{r['action']} on {r['market']}" for r in rows if r["verdict"] == "skipped"})
    broken = (
        f"{len(fails)} action(s) broken by the upgrade: " + "; ".join(fails[:2]),
        "do not submit: positions opened before the upgrade cannot be traded or liquidated after it",
    )
    doubtful = (
        "; ".join(warns[:2]),
        "these actions fail without the upgrade as well: check the positions' state on the source chain",
    )
    return graded(
        number,
        f"{len(plans)} position(s) opened before the upgrade: {', '.join(done)} work after it as before"
        + (f" ({', '.join(skips)} not tried: see the rows)" if skips else ""),
        fail=broken if fails else None,
        warn=doubtful if warns else None,
        rows=rows,
        notes=notes,
        name=title,
    )


# ---------------------------------------------------------------- check 11


def _type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]


def _zero(param: dict):
    """The zero value of an ABI parameter (empty dynamic arrays, bytes and strings)."""
    kind = param["type"]
    if kind.endswith("]"):
        inner, size = kind[: kind.rindex("[")], kind[kind.rindex("[") + 1 : -1]
        return [_zero({**param, "type": inner}) for _ in range(int(size))] if size else []
    if kind == "tuple":
        return tuple(_zero(c) for c in param["components"])
    if kind == "address":
        return ZERO_ADDRESS
    if kind == "bool":
        return False
    if kind in ("bytes", "string"):
        return b"" if kind == "bytes" else ""
    if kind.startswith("bytes"):
        return bytes(int(kind[5:]))
    return 0


def state_changing(contract_abi: list[dict]) -> list[dict]:
    """The contract's nonpayable and payable functions, by signature."""
    functions = [
        item
        for item in contract_abi
        if item.get("type") == "function" and item.get("stateMutability") in ("nonpayable", "payable")
    ]
    return sorted(functions, key=lambda item: signature(item))


def signature(item: dict) -> str:
    return f"{item['name']}({','.join(_type(p) for p in item.get('inputs', []))})"


def direct_call(fork: Fork, address: str, item: dict, abis: list[dict]) -> str | None:
    """Call `item` on `address` with zero arguments; None if it succeeded, else the decoded revert."""
    data = function_signature_to_4byte_selector(signature(item)) + encode(
        [_type(p) for p in item.get("inputs", [])], [_zero(p) for p in item.get("inputs", [])]
    )
    try:
        fork.chain.guard(lambda: fork.w3.eth.call({"from": PROBE, "to": address, "data": "0x" + data.hex()}))
    except (ContractCustomError, ContractLogicError) as exc:
        raw = exc.data if isinstance(getattr(exc, "data", None), str | bytes) else None
        return describe_revert(raw, abis) if raw else str(exc)
    return None


def check_direct_calls(
    number: int, title: str, fork: Fork, proposal: Upgrade, implementations: dict[str, tuple[str, list[bytes]]]
) -> CheckResult:
    rows, fails, warns, initializers = [], [], [], []
    for item in proposal.modules:
        address = implementations[item.module][0]
        contract_abi = abi(item.contract)
        for function in state_changing(contract_abi):
            name = signature(function)
            if function["name"].startswith("initialize"):
                initializers.append(f"{item.contract}.{name}")
            reason = direct_call(fork, address, function, contract_abi + fork.abis)
            if reason is None:
                verdict = "FAIL: succeeded"
                fails.append(f"{item.contract}.{name} succeeded on the implementation itself")
            elif reason.startswith("NotDelegateCall("):
                verdict = "ok"
            else:
                verdict = "WARN: not the delegatecall guard"
                warns.append(f"{item.contract}.{name} reverted with {reason}, not NotDelegateCall")
            rows.append(
                {
                    "module": item.module,
                    "implementation": f"{item.contract} at {address}",
                    "function": name,
                    "direct_call": "succeeded" if reason is None else f"reverts {reason}",
                    "verdict": verdict,
                }
            )
    notes = ["eth_call from a keyless address to each implementation's own address, every argument zero"]
    unguarded = (
        f"{len(fails)} function(s) run on the implementation itself: " + "; ".join(fails[:2]),
        "add `onlyDelegateCall` to them (ModuleBase): anyone could initialize or take over the implementation",
    )
    late = (
        "; ".join(warns[:2]),
        "make `onlyDelegateCall` the first modifier so that nothing else runs on the implementation",
    )
    inits = f" ({', '.join(initializers)} included)" if initializers else " (none has an initializer)"
    passed = (
        f"all {len(rows)} state-changing function(s) of {len(proposal.modules)} new implementation(s){inits} revert "
        "NotDelegateCall when called on the implementation itself"
        if rows
        else f"the {len(proposal.modules)} new implementation(s) have no state-changing function: nothing to "
        "initialize or call on them"
    )
    return graded(
        number,
        passed,
        fail=unguarded if fails else None,
        warn=late if warns else None,
        rows=rows,
        notes=notes,
        name=title,
    )
