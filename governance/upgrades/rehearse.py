"""`megatao upgrade rehearse`: an upgrade proposal carried out on a fork of the source chain, with the positions open
before it checked across it.

The file's new implementations are deployed from this checkout's build on the fork and swapped in through the real
governance lifecycle (the simulation's fork, lifecycle, state and storage diffs and report, reused). The report joins
the static layout check against the committed reference (`megatao upgrade check`), the simulation's checks of the
execution, and the checks across the upgrade: positions (across.py), vault and market totals, funding and interest
accrual, trades and liquidations (trials.py), and direct calls to the new implementations. See README.md here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from governance.governor import Governance
from governance.proposals.encode import encode_proposal
from governance.proposals.models import Upgrade
from governance.simulation import checks
from governance.simulation.lifecycle import run_lifecycle
from governance.simulation.report import CheckResult, Report, graded, ladder, skipped
from governance.simulation.simulate import (
    Session,
    check_proposer,
    deploy_upgrade,
    encoded_info,
    execution_checks,
    execution_reverted,
    load,
    module_ids,
    on_chain_proposal,
    place_emulator,
    role_accounts,
    session,
)
from governance.simulation.state import protocol_state, role_state
from governance.upgrades import layout
from governance.upgrades.across import (
    Book,
    accruals,
    check_accrual,
    check_positions,
    check_totals,
    find_positions,
    open_positions,
    read_at,
    touch_markets,
)
from governance.upgrades.trials import check_direct_calls, check_trials, plan_trials, run_trials
from megatao.core.errors import InputError, MegaTAOError, did_you_mean
from megatao.core.paths import PROJECT_ROOT
from megatao.core.progress import SILENT, Progress
from megatao.node.networks import Endpoint
from megatao.node.toolchain import abi

TITLES = {
    1: "Storage layout and selectors against the reference",
    2: "Decoded calls match the file",
    3: "Semantic diff of protocol state",
    4: "Raw storage diff",
    5: "Events emitted",
    6: "Roles and ownership",
    7: "Positions keep their size, entry, margin and accruals",
    8: "Vault, insurance and market totals unchanged",
    9: "Funding and interest accrue without a jump",
    10: "Positions can still be increased, closed and liquidated",
    11: "Implementations cannot be initialized or changed directly",
    12: "Execution gas",
}
#: The simulation's checks the rehearsal reuses: simulation number -> rehearsal number.
FROM_SIMULATION = {1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 8: 12}


class RehearsalReport(Report):
    KIND = "megatao-upgrade-rehearsal-report"
    HEADING = "Upgrade rehearsal"


def default_report_dir(path: Path) -> Path:
    """Next to the file's simulation report (reports/<stem>/), in its own folder."""
    return PROJECT_ROOT / "reports" / path.stem / "rehearsal"


def _shown_path(path: Path) -> str:
    """A path as the report shows it: relative to the project when inside it (the same bytes from any directory)."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _renumber(result: CheckResult) -> CheckResult:
    number = FROM_SIMULATION[result.number]
    return replace(result, number=number, name=TITLES[number])


def _skipped(number: int, why: str) -> CheckResult:
    return skipped(number, why, name=TITLES[number])


# ---------------------------------------------------------------- input


def check_contracts(path: Path, proposal: Upgrade) -> None:
    """Each contract of the file is in this checkout's build and is a module (moduleId, exportedSelectors)."""
    built = layout.built_contracts()
    for index, item in enumerate(proposal.modules):
        where = f"{path.name}: modules[{index}].contract"
        if item.contract not in built:
            raise InputError(
                f"{where}: no contract '{item.contract}' in this checkout's build{did_you_mean(item.contract, built)}; "
                "name a contract of contracts/ or a fixture of tests/contracts/fixtures/upgrades/ and run `forge build`"
            )
        functions = {f["name"] for f in abi(item.contract) if f.get("type") == "function"}
        if not {"moduleId", "exportedSelectors"} <= functions:
            raise InputError(f"{where}: {item.contract} is not a module (it has no moduleId() and exportedSelectors())")


def check_modules(path: Path, proposal: Upgrade, registry: dict[str, bytes]) -> None:
    """Each module of the file is one the deployment has (a rehearsal swaps implementations), and its contract
    serves it."""
    for index, item in enumerate(proposal.modules):
        if item.module not in registry:
            raise InputError(
                f"{path.name}: modules[{index}].module: the deployment has no module '{item.module}'"
                f"{did_you_mean(item.module, registry)}; its modules are {', '.join(sorted(registry))}"
            )
        try:
            served = layout.read_module(item.contract).id
        except MegaTAOError:  # a source the checker cannot read: deploying it on the fork checks its moduleId()
            continue
        if served != item.module:
            raise InputError(
                f"{path.name}: modules[{index}].contract: {item.contract} serves module '{served}', not '{item.module}'"
            )


# ---------------------------------------------------------------- check 1


def check_layout(number: int, proposal: Upgrade, reference_path: Path) -> CheckResult:
    """`megatao upgrade check` with the file's contracts in place of the modules they replace."""
    title = TITLES[number]
    reference = layout.load_reference(reference_path)
    by_id = {entry["id"]: name for name, entry in reference.get("modules", {}).items()}
    replaced, added = {}, []
    for item in proposal.modules:
        if item.module in by_id:
            replaced[by_id[item.module]] = item.contract
        else:
            added.append(item.contract)
    shown = _shown_path(reference_path)
    options = [f"--module {name}={contract}" for name, contract in replaced.items()] + [f"--module {c}" for c in added]
    command = " ".join(["megatao upgrade check", *options])
    notes = [
        f"the same check as `{command}`, on this checkout's build; it reads the namespaces declared in "
        "contracts/protocol/storage/, so a module that redeclares a namespace elsewhere is caught by checks 7-10, "
        "not here"
    ]
    try:
        release = layout.snapshot(modules=replaced, extra_modules=added)
    except MegaTAOError as exc:
        return CheckResult(
            number, "fail", f"the build could not be read: {exc}", "fix the build first", notes=notes, name=title
        )
    problems = layout.check(reference, release)
    rows = [
        {
            "rule": p.rule,
            "where": f"{p.subject}.{p.field}" if p.field else p.subject,
            "problem": p.message,
            "hint": p.hint,
        }
        for p in problems
    ]
    unsafe = (
        f"{len(problems)} upgrade-safety problem(s) against {shown}: {problems[0].line()}" if problems else "",
        "fix the new implementation; do not submit",
    )
    return graded(
        number,
        f"{len(release.namespaces)} namespaces and {len(release.modules)} modules, with "
        f"{', '.join(item.contract for item in proposal.modules)}, match {shown}: fields appended only, one module "
        "per selector, none of the entry contract's, code within 24,576 bytes, every state-changing function guarded",
        fail=unsafe if problems else None,
        rows=rows if problems else None,
        notes=notes,
        name=title,
    )


# ---------------------------------------------------------------- the rehearsal


def rehearse(
    path: Path,
    endpoint: Endpoint,
    fork_block: int | None = None,
    proposer: str | None = None,
    reference: Path = layout.DEFAULT_REFERENCE,
    progress: Progress = SILENT,
) -> RehearsalReport:
    """Rehearse the upgrade in `path` on a fork of `endpoint` at `fork_block` (default: its latest block)."""
    proposal = load(path)
    if not isinstance(proposal, Upgrade):
        raise InputError(
            f"{path.name} is a {proposal.kind} proposal: `megatao upgrade rehearse` takes kind upgrade "
            f"(simulate any kind with `megatao proposal simulate {path}`)"
        )
    check_proposer(proposer)
    check_contracts(path, proposal)
    with progress.step("storage layout and selectors against the reference"):
        layout_check = check_layout(1, proposal, reference)
    with session(path, proposal, endpoint, fork_block, progress) as s:
        s.source_info["layout_reference"] = _shown_path(reference)
        return _rehearse_on(s, path, proposal, proposer, layout_check, progress)


class _BeforeExecution:
    """The lifecycle's hook, once the proposal is queued: touch each watched market just before the execution's
    block, then try each planned position's actions (undone after)."""

    def __init__(self, fork, protocol, book: Book):
        self.fork, self.protocol, self.book = fork, protocol, book
        self.touches: dict = {}
        self.plans: list = []
        self.outcomes: dict = {}

    def __call__(self, eta: int) -> None:
        self.touches = touch_markets(self.fork, self.protocol, self.book, eta)
        self.plans = plan_trials(self.fork, self.protocol, self.book)
        self.outcomes = run_trials(self.fork, self.protocol, self.plans)


def _rehearse_on(
    s: Session, path: Path, proposal: Upgrade, proposer: str | None, layout_check: CheckResult, progress: Progress
) -> RehearsalReport:
    fork = s.fork
    gov = Governance(fork.chain)
    protocol = gov.protocol
    check_modules(path, proposal, module_ids(protocol))
    with progress.step("Alpha precompile emulator on the fork"):
        s.source_info["emulator"] = place_emulator(fork, proposal, protocol, s.source)
    with progress.step("deploying the new implementations on the fork"):
        implementations = deploy_upgrade(fork, proposal)
    new = {module: address for module, (address, _) in implementations.items()}
    encoded = encode_proposal(proposal, replace(gov.context(), implementations=implementations))
    s.file_info.update(encoded_info(encoded, new))
    with progress.step("positions to carry across the upgrade"):
        book = find_positions(fork, protocol, s.source_info.get("deploymentBlock"))
        if not book.positions:
            book = open_positions(fork, protocol)
    s.source_info["positions"] = book.describe()

    state_before = protocol_state(protocol)
    roles_before = role_state(gov, role_accounts(gov))
    before = _BeforeExecution(fork, protocol, book)
    with progress.step("governance lifecycle (positions tried just before the execution)"):
        life = run_lifecycle(fork, gov, encoded, proposer, before_execute=before)
    status = ladder(not life.ok, not life.would_pass_today)
    lifecycle = {"status": status, "skipped": False, **life.as_json()}

    on_chain = on_chain_proposal(gov, encoded, life)
    results = [layout_check, _renumber(checks.check_calls(proposal, encoded, protocol, on_chain, fork.chain))]
    if life.execute is None:
        why = f"not run: the proposal did not reach execution ({life.message})"
        results += [_skipped(n, why) for n in range(3, 11)]
    elif not life.ok:
        results.append(_renumber(execution_reverted(life)))
        why = f"not run: the execution reverted ({life.revert_reason})"
        results += [_skipped(n, why) for n in range(4, 11)]
    else:
        with progress.step("checks: state, storage, events, roles"):
            done = execution_checks(fork, gov, proposal, life, implementations, new, state_before, roles_before)
            results += [_renumber(c) for c in done]
        with progress.step("positions, totals and indices across the upgrade"):
            results += _across(fork, protocol, book, before, life.execute.block)
        with progress.step("positions tried after the execution"):
            after = run_trials(fork, protocol, before.plans)
            results.append(check_trials(10, TITLES[10], before.plans, before.outcomes, after))
    with progress.step("direct calls to the new implementations"):
        results.append(check_direct_calls(11, TITLES[11], fork, proposal, implementations))
    if life.execute is None:
        results.append(_skipped(12, f"not run: the proposal did not reach execution ({life.message})"))
    else:
        results.append(_renumber(checks.check_gas(life.execute.gas_used)))
    return RehearsalReport(s.file_info, s.source_info, lifecycle, results)


def _across(fork, protocol, book: Book, before: _BeforeExecution, upgrade: int) -> list[CheckResult]:
    """Checks 7-9 from the views at the touches, E-1, E (the execution's block) and E+1 (mined here, empty)."""
    fork.advance(12)
    around = [("E-1", upgrade - 1), ("E", upgrade), ("E+1", upgrade + 1)]
    touched = sorted({t.block for t in before.touches.values() if t.block is not None})
    readings = {
        block: read_at(fork, protocol, book, block, with_positions=block in (upgrade - 1, upgrade))
        for block in [*touched, *(b for _, b in around)]
    }
    paths = accruals(book, before.touches, readings, around)
    return [
        check_positions(7, TITLES[7], book, readings[upgrade - 1], readings[upgrade], paths),
        check_totals(8, TITLES[8], readings[upgrade - 1], readings[upgrade]),
        check_accrual(9, TITLES[9], paths, before.touches),
    ]
