"""Checks 1-5, 7 and 8 of a simulated proposal (check 6, the user flows, is in flows/). Each returns a
CheckResult: pass / warn / fail, one line on what was found and one on what to do, and its evidence as rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from eth_utils import to_checksum_address
from web3 import Web3
from web3._utils.events import get_event_data

from governance.proposals.calls import CALLABLE, PROTOCOL_INTERFACE
from governance.proposals.encode import Encoded
from governance.proposals.kinds import BY_KIND, expected_events, kind_of
from governance.proposals.models import (
    Proposal,
)
from governance.simulation.report import CheckResult, graded, joined, skipped
from governance.simulation.state import PARAM_UNITS, LpCalendar, State, Value, diff
from governance.simulation.storage import Attribution, NamespaceMap, contract_slots, key32
from megatao.core.units import format_duration
from megatao.node.toolchain import abi

BLOCK_GAS_LIMIT = 75_000_000
GAS_FAIL_ABOVE = BLOCK_GAS_LIMIT // 2
GAS_WARN_ABOVE = BLOCK_GAS_LIMIT // 4


def _s(value) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_s(v) for v in value) + "]"
    return str(value)


# ---------------------------------------------------------------- 1. decoded calls


def check_calls(
    proposal: Proposal,
    encoded: Encoded,
    protocol,
    on_chain: dict | None,
    fork_chain,
    addresses: dict[str, str] | None = None,
) -> CheckResult:
    """Decode each calldata with the ABI of the contract the file means it for (independently of the encoder) and
    compare it with the file, key by key; also compare the proposal as the Governor recorded it (ProposalCreated) with
    the encoding. `addresses`: interface -> address of each contract a proposal may call (the protocol's entry
    contract by default; the timelock, the Governor and the MTSOS oracle from the deployment)."""
    addresses = {PROTOCOL_INTERFACE: protocol.address, **(addresses or {})}
    rows, problems = [], []
    calls = kind_of(proposal).expected_calls(proposal, protocol, fork_chain)
    for index, action in enumerate(encoded.actions):
        expected = calls[index] if index < len(calls) else None
        interface = expected[2] if expected is not None and len(expected) > 2 else PROTOCOL_INTERFACE
        contract = Web3().eth.contract(abi=abi(interface))
        name_of = CALLABLE[interface][0]
        try:
            function, args = contract.decode_function_input(action.calldata)
        except ValueError:
            problems.append(f"action {index}: calldata does not decode with the {name_of}'s ABI")
            continue
        mismatches = []
        target = addresses.get(interface)
        if target is None or Web3.to_checksum_address(action.target) != Web3.to_checksum_address(target):
            mismatches.append(f"target {action.target} is not the {name_of} at {target or '(none deployed)'}")
        if action.value != 0:
            mismatches.append(f"sends {action.value} wei")
        if expected is None:
            mismatches.append("the file has no action at this position")
        else:
            name, fields = expected[:2]
            if function.fn_name != name:
                mismatches.append(f"calls {function.fn_name}, the file means {name}")
            for key, want, got in fields(args):
                status = "ok" if want == got else "MISMATCH"
                rows.append(
                    {
                        "action": str(index),
                        "call": function.fn_name
                        if interface == PROTOCOL_INTERFACE
                        else f"{name_of}.{function.fn_name}",
                        "key": key,
                        "file": _s(want),
                        "calldata": _s(got),
                        "match": status,
                    }
                )
                if want != got:
                    mismatches.append(f"{key}: file {_s(want)}, calldata {_s(got)}")
        problems += [f"action {index}: {m}" for m in mismatches]
    if on_chain is not None:
        for name, ours in (("targets", encoded.targets), ("calldatas", encoded.calldatas), ("values", encoded.values)):
            theirs = on_chain[name]
            if [_s(x) for x in theirs] != [_s(x) for x in ours]:
                problems.append(f"the Governor recorded other {name} than the encoding")
        if on_chain["proposalId"] != encoded.proposal_id:
            problems.append("the Governor's proposal id differs from the offline one")
    failed = (joined(problems, 3), "the encoding does not say what the file says: do not submit; report it")
    return graded(
        1,
        f"{len(encoded.actions)} action(s), {len(rows)} value(s) decoded from the calldata equal the file's; the "
        "Governor recorded the same calls and id",
        fail=failed if problems else None,
        rows=rows,
    )


# ---------------------------------------------------------------- 2. semantic diff


def check_state(proposal: Proposal, before: State, after: State, new_implementations: dict[str, str]) -> CheckResult:
    changes = diff(before, after)
    changed_paths = {path for path, _, _ in changes}
    targets = kind_of(proposal).key_targets(proposal, new_implementations)
    claimed = {t.path for t in targets}
    rows, fails, warns = [], [], []
    for t in sorted(targets, key=lambda t: t.key):
        old = before.get(t.path, Value(None, ""))
        new = after.get(t.path, Value(None, old.unit))
        expected = Value(t.value, new.unit or PARAM_UNITS.get(t.path.rsplit(".", 1)[-1], ""))
        if new.raw != t.value:
            verdict = "FAIL: not the file's value"
            fails.append(f"{t.key} should set {t.path} to {expected.shown()}, it is {new.shown()}")
        elif t.path not in changed_paths and t.derived:
            verdict = "ok (follows from the keys; unchanged)"
        elif t.path not in changed_paths:
            verdict = "WARN: changes nothing"
            warns.append(f"{t.key} changes nothing ({t.path} is {old.shown()} already)")
        else:
            verdict = "ok"
        rows.append(
            {
                "key": t.key,
                "state": t.path,
                "unit": new.unit,
                "before": old.shown(),
                "after": new.shown(),
                "verdict": verdict,
            }
        )
    for path, old, new in changes:
        if path not in claimed and not _follows_from(path, claimed):
            fails.append(f"{path} changed ({old.shown()} -> {new.shown()}) and no key of the file asks for it")
            rows.append(
                {
                    "key": "(none)",
                    "state": path,
                    "unit": new.unit,
                    "before": old.shown(),
                    "after": new.shown(),
                    "verdict": "FAIL: changed without a key",
                }
            )
    n_changed = len(changes)
    return graded(
        2,
        f"{len(targets)} key(s) of the file each changed the state they name; "
        f"{n_changed} value(s) changed in all, none without a key",
        fail=(joined(fails, 2), "the execution does not do what the file says: fix the file or report the encoder")
        if fails
        else None,
        warn=(joined(warns, 3), "drop the keys that change nothing, or check that the file says what you meant")
        if warns
        else None,
        rows=rows,
    )


def _follows_from(path: str, claimed: set[str]) -> bool:
    """State that a key changes as a consequence: a listing creates a market's every row, an upgrade changes the
    module's selectors with its implementation, a new LP schedule says from when it is in force, a tier table that
    shrinks removes the rows of its former tiers. Rows of one object (`markets.X`, `modules.X`, `lp.next_epoch`),
    never of a whole section (`protocol`, `lp`)."""
    prefix = path.rsplit(".", 1)[0]
    if path.startswith("referral.tiers[") and "referral.tier_count" in claimed:
        return True
    return "." in prefix and any(c.rsplit(".", 1)[0] == prefix for c in claimed)


# ---------------------------------------------------------------- 3. raw storage diff


def expected_namespaces(proposal: Proposal) -> set[str]:
    """The storage a proposal's execution is expected to write: its kind's `namespaces(p)` when the keys decide it,
    else the kind's NAMESPACES."""
    module = kind_of(proposal)
    return module.namespaces(proposal) if hasattr(module, "namespaces") else set(module.NAMESPACES)


def check_storage(
    kind: str,
    trace: dict,
    contracts: dict[str, str],
    bookkeeping: dict[str, str],
    gas_accounts: dict[str, str],
    keys: dict[bytes, str],
    expected: set[str] | None = None,
) -> CheckResult:
    """`contracts`: the proposal's target contracts by address (MegaTAO's slots are named by its namespaces, another
    contract's by its own storage layout); `bookkeeping`: the Governor and timelock; `gas_accounts`: the sender and
    the block's coinbase (balance and nonce only); `expected`: the namespaces (or contract names) the execution may
    write, by default its kind's NAMESPACES."""
    pre, post = trace.get("pre", {}), trace.get("post", {})
    names = NamespaceMap()
    if expected is None:
        expected = BY_KIND[kind].NAMESPACES if kind in BY_KIND else set()
    found = _StorageFindings()
    for raw_address in sorted(set(pre) | set(post), key=str.lower):
        address = to_checksum_address(raw_address)
        before, after = pre.get(raw_address, {}), post.get(raw_address, {})
        slots = sorted(set(before.get("storage", {})) | set(after.get("storage", {})))
        other = sorted(k for k in ("balance", "nonce", "code") if k in after and after.get(k) != before.get(k))
        if address in gas_accounts:
            found.gas_account(gas_accounts[address], address, slots, other)
        elif address in bookkeeping:
            found.bookkeeping(bookkeeping[address], address, slots, other)
        elif address not in contracts:
            found.unexpected(address, slots, other)
        else:
            found.target(kind, contracts[address], address, slots, other, names, keys, expected)
    notes = [
        "Slots are attributed by recomputing candidates (namespace fields, mapping entries for the keys the proposal "
        "uses, dynamic-array elements); a slot no candidate explains is reported unattributed, as a warning.",
        f"Namespaces this {kind} is expected to write: {', '.join(sorted(expected)) or 'none'}.",
        "Governor and timelock slots are accepted as bookkeeping without naming each one.",
    ]
    namespaces = ", ".join(sorted(names.ids.get(n, n) for n in found.touched if n)) or "none"
    return graded(
        3,
        f"only the expected contracts changed; namespaces written: {namespaces}",
        fail=(
            "; ".join(sorted(set(found.fails))[:2]),
            "something outside the proposal's scope changed: find out why before voting",
        )
        if found.fails
        else None,
        warn=(
            f"{len(found.warns)} changed slot(s) could not be attributed; namespaces written: {namespaces}",
            "read the unattributed slots in the report",
        )
        if found.warns
        else None,
        rows=found.rows,
        notes=notes,
    )


@dataclass
class _StorageFindings:
    """Check 3's evidence, account by account: its rows, what fails, what warns, and the namespaces written."""

    rows: list[dict] = field(default_factory=list)
    fails: list[str] = field(default_factory=list)
    warns: list[str] = field(default_factory=list)
    touched: set[str | None] = field(default_factory=set)

    def row(self, contract: str, address: str, slot: str, attribution: str, verdict: str) -> None:
        self.rows.append(
            {"contract": contract, "address": address, "slot": slot, "attribution": attribution, "verdict": verdict}
        )

    def gas_account(self, name: str, address: str, slots: list[str], other: list[str]) -> None:
        """The sender or the coinbase: its balance and nonce may change, nothing else."""
        if slots or "code" in other:
            self.fails.append(f"{name} {address} changed storage or code")
        self.row(name, address, "-", "gas: " + ", ".join(other), "ok")

    def bookkeeping(self, name: str, address: str, slots: list[str], other: list[str]) -> None:
        """The Governor or the timelock: its slots are counted, not named; its balance, nonce and code must stay."""
        self.row(name, address, f"{len(slots)} slot(s)", "governance bookkeeping (proposal and operation state)", "ok")
        if other:
            self.fails.append(f"{name} changed its {', '.join(other)}")

    def unexpected(self, address: str, slots: list[str], other: list[str]) -> None:
        """An account the proposal does not target: any change fails."""
        what = ", ".join(other + ["storage"] * bool(slots))
        self.fails.append(f"{address} (not a contract the proposal targets) changed {what}")
        self.row("unexpected", address, f"{len(slots)} slot(s)", ", ".join(other), "FAIL")

    def target(
        self,
        kind: str,
        contract: str,
        address: str,
        slots: list[str],
        other: list[str],
        names: NamespaceMap,
        keys: dict[bytes, str],
        expected: set[str],
    ) -> None:
        """A contract the proposal targets: each slot named by MegaTAO's namespaces, or by the contract's own storage
        layout; unattributed warns, a namespace outside `expected` fails, and so does a change of balance, nonce or
        code."""
        if other:
            self.fails.append(f"{contract} changed its {', '.join(other)}")
        own = contract_slots(contract) if contract != "MegaTAO" else None
        for slot in slots:
            if own is not None:
                label = own.get(int(slot, 16))
                attribution = Attribution(contract if label else None, label or "unattributed")
            else:
                attribution = names.attribute(int(slot, 16), keys)
            if attribution.namespace is None:
                verdict = "WARN"
                self.warns.append(f"slot {slot} of {contract} is unattributed")
            elif attribution.namespace in expected:
                verdict = "ok"
            else:
                verdict = "FAIL"
                written = names.ids.get(attribution.namespace, attribution.namespace)
                self.fails.append(f"namespace {written} changed; this {kind} should not write it")
            self.touched.add(attribution.namespace)
            ns = names.ids.get(attribution.namespace, attribution.namespace or "-")
            self.row(contract, address, slot, f"{ns}: {attribution.label}", verdict)


def storage_keys(proposal: Proposal, market_ids: dict[str, bytes], extra: list[bytes]) -> dict[bytes, str]:
    """The mapping keys an execution may use, with readable names: every market's id (by ticker) and ticker,
    the proposal's own market, module ids and selectors (`extra`)."""
    keys: dict[bytes, str] = {}
    for ticker, market_id in market_ids.items():
        keys[key32(market_id)] = ticker
        keys[key32(ticker.encode())] = f'"{ticker}"'
    module = kind_of(proposal)
    own = module.market_id(proposal) if hasattr(module, "market_id") else None
    if own is not None:
        keys.setdefault(key32(own), proposal.market.ticker)
        keys.setdefault(key32(proposal.market.ticker.encode()), f'"{proposal.market.ticker}"')
    for value in extra:
        keys.setdefault(key32(value), "0x" + value.hex().rstrip("0") if len(value) == 32 else "0x" + value.hex())
    return keys


# ---------------------------------------------------------------- 4. events


EVENT_SOURCES = (
    "IMegaTAOProtocol",
    "MegaTAOGovernor",
    "MegaTAOTimelock",
    "MegaTAOToken",
    "MtsosOracle",
    "AlphaPrecompileEmulator",
    "SubnetPrecompileEmulator",
)


def event_table() -> dict[bytes, dict]:
    table = {}
    for source in EVENT_SOURCES:
        for item in abi(source):
            if item.get("type") == "event" and not item.get("anonymous"):
                types = ",".join(_type(i) for i in item["inputs"])
                table.setdefault(Web3.keccak(text=f"{item['name']}({types})"), item)
    return table


def _type(param: dict) -> str:
    if param["type"].startswith("tuple"):
        return "(" + ",".join(_type(c) for c in param["components"]) + ")" + param["type"][5:]
    return param["type"]


def decode_logs(logs: list, names: dict[str, str]) -> list[dict]:
    table = event_table()
    codec = Web3().codec
    decoded = []
    for log in logs:
        topic = bytes(log["topics"][0]) if log["topics"] else b""
        emitter = to_checksum_address(log["address"])
        item = table.get(topic)
        row = {"index": str(log["logIndex"]), "emitter": names.get(emitter, emitter), "event": "?", "args": ""}
        if item is None:
            row["event"] = f"unknown (topic 0x{topic.hex()})"
        else:
            try:
                data = get_event_data(codec, item, log)
                row["event"] = item["name"]
                row["args"] = ", ".join(f"{k}={_s(v)}" for k, v in data["args"].items())
            except Exception:  # a log that matches the topic but not the types: show it as undecoded
                row["event"] = f"{item['name']} (does not decode)"
        decoded.append(row)
    return decoded


def check_events(proposal: Proposal, receipt: dict, names: dict[str, str]) -> CheckResult:
    rows = decode_logs(receipt["logs"], names)
    events = [r["event"] for r in rows]
    expected = expected_events(proposal)
    expected += ["CallExecuted", "ProposalExecuted"]
    missing = [e for e in expected if e not in events]
    unknown = [e for e in events if e.startswith("unknown") or e.endswith("(does not decode)")]
    return graded(
        4,
        f"{len(rows)} event(s), all decoded; " + ", ".join(sorted(set(events))),
        fail=(
            f"expected event(s) missing: {', '.join(missing)}",
            "the execution did not do what the file asks: read the events below",
        )
        if missing
        else None,
        warn=(f"{len(unknown)} event(s) no ABI of the deployment decodes", "find out which contract emits them")
        if unknown
        else None,
        rows=rows,
    )


# ---------------------------------------------------------------- 5. roles


def check_roles(before: State, after: State, targets: list | None = None) -> CheckResult:
    """Every change to ownership, guardians, timelock roles and delay, and Governor settings: one a key of the file
    asks for (`targets`, its kind's KeyTargets; a guardians proposal's) with the value it names is expected, any
    other fails."""
    wanted = {t.path: t for t in targets or []}
    changes = diff(before, after)
    rows, unexpected = [], []
    for path, old, new in changes:
        target = wanted.get(path)
        asked = target is not None and new.raw == target.value
        rows.append(
            {
                "role": path,
                "before": old.shown(),
                "after": new.shown(),
                "verdict": f"ok: {target.key}" if asked else "FAIL: no key of the file asks for it",
            }
        )
        if not asked:
            unexpected.append((path, old, new))
    described = "; ".join(f"{p} {o.shown()} -> {n.shown()}" for p, o, n in unexpected[:2])
    asked_for = len(changes) - len(unexpected)
    summary = (
        f"{asked_for} role change(s), each one the file asks for; nothing else changed in ownership, guardians, "
        f"timelock roles and delay, or Governor settings ({len(before)} values read before and after)"
        if asked_for
        else f"no change to ownership, guardians, timelock roles and delay, or Governor "
        f"settings ({len(before)} values read before and after)"
    )
    return graded(
        5,
        summary,
        fail=(
            f"{len(unexpected)} role or ownership change(s) no key of the file asks for: {described}",
            "treat it as an attack until explained",
        )
        if unexpected
        else None,
        rows=rows or None,
    )


# ---------------------------------------------------------------- 7. timing


def check_timing(
    queued_at: int, eta: int, calendar: LpCalendar | str | None, after: LpCalendar | None = None
) -> CheckResult:
    """Where the execution (queue time + the timelock delay) lands in the LP calendar read before the vote:
    inside an open deposit or withdrawal window warns (LPs decide in a window whose terms change under them).
    `calendar`: None without an LP module, a string when it could not be read; `after`: the calendar after the
    execution, shown when the proposal changed the schedule."""
    if calendar is None:
        return skipped(
            7,
            "the deployment has no LP module, so there is no LP window calendar to compare with",
            "rerun once the LP module is deployed",
        )
    if isinstance(calendar, str):
        return skipped(7, f"the LP calendar could not be read: {calendar}", "compare with the LP windows by hand")
    e = calendar.at(eta)
    following = calendar.at(e.end)
    rows = [
        {"what": "queued", "time": _when(queued_at), "detail": f"epoch {calendar.at(queued_at).epoch}"},
        {"what": "execution lands (queue time + delay)", "time": _when(eta), "detail": f"epoch {e.epoch}"},
        {
            "what": f"epoch {e.epoch}",
            "time": f"{_when(e.start)} .. {_when(e.end)}",
            "detail": f"schedule {e.schedule}: epoch {format_duration(e.length)}, deposits "
            f"{format_duration(e.deposit_window)}, withdrawals {format_duration(e.withdrawal_window)}",
        },
    ]
    open_windows = []
    for name, closes in (("deposit", e.deposit_closes), ("withdrawal", e.withdrawal_closes)):
        is_open = e.start <= eta < closes
        rows.append(
            {
                "what": f"epoch {e.epoch} {name} window",
                "time": f"{_when(e.start)} .. {_when(closes)}",
                "detail": "OPEN at the execution" if is_open else "closed at the execution",
            }
        )
        if is_open:
            open_windows.append(f"{name} window [{e.start}, {closes})")
    rows.append(
        {
            "what": f"epoch {following.epoch} windows open",
            "time": _when(following.start),
            "detail": f"deposits until {following.deposit_closes}, withdrawals until {following.withdrawal_closes}",
        }
    )
    notes = [
        "Windows are [start, start + window): open at the first second, closed at the end (contracts/README.md, LPs).",
        f"Calendar read at {calendar.read_at}, before the vote; a pending schedule is applied from its epoch.",
    ]
    if after is not None and after.schedule["next_from"]:
        s = after.schedule
        notes.append(
            f"After the execution: epoch {format_duration(s['next_epoch_length'])}, deposits "
            f"{format_duration(s['next_deposit_window'])}, withdrawals {format_duration(s['next_withdrawal_window'])} "
            f"from epoch {s['next_epoch']} (at {_when(s['next_from'])})."
        )
    inside = None
    if open_windows:
        latest = max(e.deposit_closes if "deposit" in w else e.withdrawal_closes for w in open_windows)
        inside = (
            f"the execution at {eta} lands inside epoch {e.epoch}'s open " + " and ".join(open_windows),
            f"LPs act in that window under terms that change mid-window: if it matters, propose so that the "
            f"execution lands at or after {latest} (and before {following.start})",
        )
    return graded(
        7,
        f"the execution at {eta} lands outside the LP windows: epoch {e.epoch}'s deposit window closed at "
        f"{e.deposit_closes}, its withdrawal window at {e.withdrawal_closes}; the next open at {following.start}",
        warn=inside,
        rows=rows,
        notes=notes,
    )


def _when(t: int) -> str:
    """A chain time: its timestamp and UTC date."""
    return f"{t} ({datetime.fromtimestamp(t, UTC):%Y-%m-%d %H:%M:%S} UTC)"


# ---------------------------------------------------------------- 8. gas


def check_gas(gas_used: int) -> CheckResult:
    share = gas_used * 100 / BLOCK_GAS_LIMIT
    line = f"execution used {gas_used:,} gas, {share:.2f}% of the {BLOCK_GAS_LIMIT:,} block gas limit"
    return graded(
        8,
        line,
        fail=(line + " (above half)", "split the proposal into smaller ones") if gas_used > GAS_FAIL_ABOVE else None,
        warn=(line + " (above a quarter)", "consider splitting the proposal") if gas_used > GAS_WARN_ABOVE else None,
    )
