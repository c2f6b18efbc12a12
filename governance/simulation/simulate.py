"""`megatao proposal simulate`: a proposal run through the real governance lifecycle on a fork of the source
chain, then checked (calls, state, storage, events, roles, user flows, timing, gas) and reported."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError

from governance.governor import Governance
from governance.proposals.calls import CALLABLE
from governance.proposals.encode import encode_proposal
from governance.proposals.kinds import BY_KIND, kind_of
from governance.proposals.models import MarketListing, Proposal, Upgrade
from governance.proposals.validate import validate_file
from governance.simulation import checks
from governance.simulation.flows import check_flows
from governance.simulation.fork import Fork, SimulationError, deploy, forked, sim_address
from governance.simulation.lifecycle import EXECUTOR, run_lifecycle
from governance.simulation.report import CheckResult, Report, ladder, skipped
from governance.simulation.state import ZERO, LpCalendar, protocol_state, read_calendar, role_state
from megatao.clients.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, MECHANISM_DYNAMIC, AlphaPrecompile
from megatao.core.errors import CheckFailed, InputError
from megatao.core.paths import PROJECT_ROOT, state_dir
from megatao.core.progress import SILENT, Progress
from megatao.devnet.deploy import MTSOS_ORACLE
from megatao.node.chain import Chain
from megatao.node.deployments import read_deployment
from megatao.node.networks import Endpoint
from megatao.node.reverts import describe_revert
from megatao.node.toolchain import abi, deployed_bytecode

ABI_SOURCES = (
    *checks.EVENT_SOURCES,
    "MarketModule",
    "OracleModule",
    "PositionModule",
    "LiquidationModule",
    "VaultModule",
)
#: Module ids of the modules other issues add; their flows and the LP calendar check look for them.
LP_MODULE, REFERRAL_MODULE = "lp", "referral"


def default_report_dir(path: Path) -> Path:
    return PROJECT_ROOT / "reports" / path.stem


def all_abis() -> list[dict]:
    return [item for source in ABI_SOURCES for item in abi(source)]


def load(path: Path) -> Proposal:
    loaded = validate_file(path)
    if not loaded.ok:
        first = loaded.findings[0].format(str(path))
        more = f" (and {len(loaded.findings) - 1} more)" if len(loaded.findings) > 1 else ""
        raise CheckFailed(f"{first}{more}; fix the file first (megatao proposal validate {path})")
    return loaded.proposal


@dataclass
class Session:
    """A fork of the source chain at the pinned block, and what the report says about the file and the source."""

    fork: Fork
    source: Chain
    file_info: dict
    source_info: dict


@contextlib.contextmanager
def session(
    path: Path, proposal: Proposal, endpoint: Endpoint, fork_block: int | None, progress: Progress
) -> Iterator[Session]:
    """Fork `endpoint` at `fork_block` (default: its latest block) for the proposal in `path`; the fork is stopped on
    leaving, whatever happens, and its log removed when nothing went wrong."""
    source = Chain(endpoint)
    chain_id = source.chain_id
    record = read_deployment(chain_id)
    latest = source.guard(lambda: source.w3.eth.block_number)
    if fork_block is None:
        fork_block = latest
    elif not 0 <= fork_block <= latest:
        raise InputError(f"--fork-block {fork_block} is not a block of {endpoint.rpc_url} (latest is {latest})")
    block = source.guard(lambda: source.w3.eth.get_block(fork_block))
    file_info = {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "kind": proposal.kind,
        "title": proposal.title,
    }
    source_info = {
        "network": endpoint.network.name,
        "chain_id": chain_id,
        "fork_block": fork_block,
        "fork_block_hash": "0x" + bytes(block["hash"]).hex(),
        "fork_timestamp": block["timestamp"],
        "deployment_block": record.get("block"),
    }
    log_path = state_dir() / "simulations" / f"anvil-{chain_id}-{fork_block}-{path.stem}.log"
    with progress.step(f"forking chain {chain_id} at block {fork_block}"):
        context = forked(endpoint.rpc_url, chain_id, fork_block, log_path, all_abis())
        fork = context.__enter__()
    try:
        yield Session(fork, source, file_info, source_info)
    except BaseException as exc:
        context.__exit__(type(exc), exc, exc.__traceback__)
        raise
    context.__exit__(None, None, None)
    log_path.unlink(missing_ok=True)


def simulate(
    path: Path,
    endpoint: Endpoint,
    fork_block: int | None = None,
    proposer: str | None = None,
    progress: Progress = SILENT,
) -> Report:
    """Simulate the proposal in `path` on a fork of `endpoint` at `fork_block` (default: its latest block)."""
    proposal = load(path)
    check_proposer(proposer)
    with session(path, proposal, endpoint, fork_block, progress) as s:
        return _simulate_on(s.fork, proposal, proposer, s.file_info, s.source_info, s.source, progress)


def check_proposer(proposer: str | None) -> None:
    if proposer is not None and not Web3.is_address(proposer):
        raise InputError(f"--proposer '{proposer}' is not an address")


def module_ids(protocol) -> dict[str, bytes]:
    """The entry contract's registry: module id as text -> as bytes32."""
    found = protocol.chain.guard(lambda: protocol.contract.functions.moduleIds().call())
    return {m.rstrip(b"\0").decode(errors="replace"): m for m in found}


def deploy_upgrade(fork: Fork, proposal: Upgrade) -> dict[str, tuple[str, list[bytes]]]:
    """Deploy each replacement module from this checkout's build on the fork: module id -> (address, selectors).
    Each must serve the module it replaces (as `megatao proposal submit` requires)."""
    implementations = {}
    for item in proposal.modules:
        address = deploy(fork, sim_address("deployer"), item.contract)
        module = fork.chain.contract(address, abi(item.contract)).functions
        served = fork.chain.guard(lambda m=module: m.moduleId().call()).rstrip(b"\0").decode(errors="replace")
        if served != item.module:
            raise InputError(f"{item.contract} serves module '{served}', not '{item.module}'")
        selectors = fork.chain.guard(lambda m=module: m.exportedSelectors().call())
        implementations[item.module] = (address, selectors)
    return implementations


def encoded_info(encoded, new_implementations: dict[str, str]) -> dict:
    """What the report's `proposal` says about the encoding: ids, hashes, the actions and new implementations."""
    return {
        "proposal_id": str(encoded.proposal_id),
        "description_hash": "0x" + encoded.description_hash.hex(),
        "timelock_operation_id": "0x" + encoded.timelock_operation_id.hex() if encoded.timelock_operation_id else None,
        "actions": [
            {
                "target": a.target,
                "value": str(a.value),
                "signature": a.signature,
                "call": a.readable,
                "calldata": "0x" + a.calldata.hex(),
            }
            for a in encoded.actions
        ],
        "new_implementations": [
            {"module": module, "implementation": address} for module, address in sorted(new_implementations.items())
        ],
    }


def role_accounts(gov: Governance, proposal: Proposal | None = None) -> list[str]:
    """The accounts whose timelock roles check 5 reads: governance's own, the pause guardian now, and the accounts
    the file names (a guardian it appoints); read once before the vote and kept for the read after the execution."""
    guardian = gov.chain.guard(lambda: gov.protocol.contract.functions.guardian().call())
    module = kind_of(proposal) if proposal is not None and proposal.kind in BY_KIND else None
    named = module.accounts(proposal) if module is not None and hasattr(module, "accounts") else []
    return [gov.address, gov.timelock_address, ZERO, guardian, gov.protocol.address, EXECUTOR, *named]


def callable_addresses(ctx) -> dict[str, str]:
    """Interface -> address of each contract a proposal may call that the deployment has (calls.CALLABLE)."""
    found = {}
    for interface in CALLABLE:
        try:
            found[interface] = ctx.address_of(interface)
        except InputError:
            continue
    return found


def on_chain_proposal(gov: Governance, encoded, life) -> dict | None:
    """The proposal as the Governor recorded it (for check 1), once it was proposed."""
    if not (life.steps and life.steps[0].step == "propose"):
        return None
    found = gov.find(encoded.proposal_id)
    return {
        "proposalId": found.proposal_id,
        "targets": found.targets,
        "values": found.values,
        "calldatas": found.calldatas,
    }


def execution_checks(
    fork: Fork,
    gov: Governance,
    proposal: Proposal,
    life,
    implementations: dict[str, tuple[str, list[bytes]]],
    new_implementations: dict[str, str],
    state_before: dict,
    roles_before: dict,
    accounts: list[str] | None = None,
) -> list[CheckResult]:
    """Checks 2-5 of an executed proposal: the semantic state diff (protocol and roles), the raw storage diff of the
    execution, its events, and roles and ownership. `accounts`: those whose roles `roles_before` read (by default
    `role_accounts(gov)` now)."""
    protocol = gov.protocol
    results = []
    state_after = protocol_state(protocol)
    roles_after = role_state(gov, accounts if accounts is not None else role_accounts(gov))
    everything_before, everything_after = state_before | roles_before, state_after | roles_after
    results.append(checks.check_state(proposal, everything_before, everything_after, new_implementations))
    trace = fork.trace(life.execute.tx_hash, "prestateTracer", {"diffMode": True})
    coinbase = fork.chain.guard(lambda: fork.w3.eth.get_block(life.execute.block)["miner"])
    market_ids = {p.split(".")[1]: None for p in state_after if p.startswith("markets.")}
    f = protocol.contract.functions
    ids = {t: fork.chain.guard(lambda t=t: f.marketIdByTicker(t).call()) for t in sorted(market_ids)}
    registry = module_ids(protocol)
    extra = [*registry.values()]
    for module_id in registry.values():
        extra += fork.chain.guard(lambda m=module_id: f.moduleSelectors(m).call())
    for _, selectors in implementations.values():
        extra += selectors
    keys = checks.storage_keys(proposal, ids, extra)
    # The contracts whose storage is named (the protocol's by its namespaces, the MTSOS oracle's by its own layout)
    # and judged against what the kind may write.
    targets = {Web3.to_checksum_address(protocol.address): "MegaTAO"}
    if gov.index_oracle:
        targets[Web3.to_checksum_address(gov.index_oracle)] = MTSOS_ORACLE
    results.append(
        checks.check_storage(
            proposal.kind,
            trace,
            targets,
            {
                Web3.to_checksum_address(gov.address): "MegaTAOGovernor",
                Web3.to_checksum_address(gov.timelock_address): "MegaTAOTimelock",
            },
            {EXECUTOR: "executor (transaction sender)", Web3.to_checksum_address(coinbase): "block coinbase"},
            keys,
            checks.expected_namespaces(proposal) if proposal.kind in BY_KIND else None,
        )
    )
    names = {
        Web3.to_checksum_address(c["address"]): name
        for name, c in read_deployment(fork.chain.chain_id)["contracts"].items()
        if "address" in c
    }
    results.append(checks.check_events(proposal, life.execute.receipt, names))
    results.append(checks.check_roles(roles_before, roles_after, kind_of(proposal).key_targets(proposal, {})))
    return results


def _simulate_on(
    fork: Fork,
    proposal: Proposal,
    proposer: str | None,
    file_info: dict,
    source_info: dict,
    source: Chain,
    progress: Progress,
) -> Report:
    gov = Governance(fork.chain)
    protocol = gov.protocol
    modules = module_ids(protocol)
    with progress.step("Alpha precompile emulator on the fork"):
        source_info["emulator"] = place_emulator(fork, proposal, protocol, source)

    if proposal.kind not in BY_KIND:
        why = _unsupported(proposal.kind, set(modules))
        lifecycle = {"status": "warn", "skipped": True, "message": f"skipped: {why}"}
        results = [skipped(n, why) for n in range(1, 9)]
        return Report(file_info, source_info, lifecycle, results)

    new_implementations: dict[str, str] = {}
    ctx = gov.context()
    if isinstance(proposal, Upgrade):
        with progress.step("deploying the new implementations on the fork"):
            implementations = deploy_upgrade(fork, proposal)
            new_implementations = {module: address for module, (address, _) in implementations.items()}
            ctx = replace(ctx, implementations=implementations)
    encoded = encode_proposal(proposal, ctx)
    file_info.update(encoded_info(encoded, new_implementations))

    state_before = protocol_state(protocol)
    accounts = role_accounts(gov, proposal)
    roles_before = role_state(gov, accounts)
    calendar = _calendar(protocol) if LP_MODULE in modules else None

    with progress.step("governance lifecycle: propose, vote, queue, execute"):
        life = run_lifecycle(fork, gov, encoded, proposer)
    status = ladder(not life.ok, not life.would_pass_today)
    lifecycle = {"status": status, "skipped": False, **life.as_json()}

    on_chain = on_chain_proposal(gov, encoded, life)
    addresses = callable_addresses(ctx)
    results: list[CheckResult] = [checks.check_calls(proposal, encoded, protocol, on_chain, fork.chain, addresses)]

    if life.execute is None:
        why = f"not run: the proposal did not reach execution ({life.message})"
        results += [skipped(n, why) for n in range(2, 9)]
        return Report(file_info, source_info, lifecycle, results)
    if not life.ok:
        results.append(execution_reverted(life))
        results += [skipped(n, f"not run: the execution reverted ({life.revert_reason})") for n in (3, 4, 5, 6)]
    else:
        with progress.step("checks: state, storage, events, roles"):
            results += execution_checks(
                fork,
                gov,
                proposal,
                life,
                ctx.implementations or {},
                new_implementations,
                state_before,
                roles_before,
                accounts,
            )
    after = _calendar(protocol) if proposal.kind == "lp-window" and isinstance(calendar, LpCalendar) else None
    after = after if isinstance(after, LpCalendar) else None
    results.append(checks.check_timing(life.queued_at, life.eta, calendar, after))
    results.append(checks.check_gas(life.execute.gas_used))
    if life.ok:
        with progress.step("user flows after execution"):
            results.append(check_flows(fork, protocol, proposal, set(modules)))
    return Report(file_info, source_info, lifecycle, results)


def execution_reverted(life) -> CheckResult:
    """Check 2 when the execution reverted: nothing the file asks for took effect."""
    return CheckResult(
        2,
        "fail",
        f"the execution reverted ({life.revert_reason}): no key of the file took effect",
        "find out what changed since validation (pool depth, listed markets) before the vote ends",
    )


def _calendar(protocol) -> LpCalendar | str:
    """The LP calendar now, or why it cannot be read (an LP module that reverts its views)."""
    try:
        return read_calendar(protocol)
    except (ContractCustomError, ContractLogicError) as exc:
        data = exc.data if isinstance(getattr(exc, "data", None), str | bytes) else None
        return f"the LP module's calendar views revert ({describe_revert(data, all_abis()) if data else exc})"


def _unsupported(kind: str, modules: set[str]) -> str:
    needs = {"lp-window": (LP_MODULE, "LP"), "referral-config": (REFERRAL_MODULE, "referral")}
    if kind in needs and needs[kind][0] not in modules:
        return f"the deployment has no {needs[kind][1]} module, so a {kind} proposal has nothing to call"
    return f"proposals of kind '{kind}' cannot be encoded by this version yet (no encoder in proposals/encode.py)"


def _involved_netuids(proposal: Proposal, protocol) -> list[int]:
    f = protocol.contract.functions
    netuids = set()
    for market_id in protocol.chain.guard(lambda: f.marketIds().call()):
        _, kind, _, netuid, *_ = protocol.chain.guard(lambda i=market_id: f.market(i).call())
        if kind == 0:
            netuids.add(netuid)
    if isinstance(proposal, MarketListing) and proposal.market.netuid is not None:
        netuids.add(proposal.market.netuid)
    return sorted(netuids)


def place_emulator(fork: Fork, proposal: Proposal, protocol, source: Chain) -> dict:
    """Keep the source's emulator, or place the emulator and seed it with the source's own answers at the fork
    block for every subnet involved (the proposal's and every listed alpha market's)."""
    on_fork = AlphaPrecompile(fork.chain)
    netuids = _involved_netuids(proposal, protocol)
    if on_fork.is_emulator():
        return {
            "mode": "kept",
            "detail": "the source chain runs the Alpha precompile emulator; the fork keeps it",
            "netuids": netuids,
        }
    real = AlphaPrecompile(source)
    rows, seeds = [], []
    for netuid in netuids:
        fns = real.contract.functions

        def at_block(call, n=netuid):
            return source.guard(lambda: call(n).call(block_identifier=fork.fork_block))

        try:
            tao, alpha, mechanism = (
                at_block(fns.getTaoInPool),
                at_block(fns.getAlphaInPool),
                at_block(fns.getSubnetMechanism),
            )
            price = at_block(fns.getAlphaPrice)
        except Exception as exc:  # the source's precompile refused: say which subnet
            raise SimulationError(
                f"the source chain's Alpha precompile did not answer for subnet {netuid}: {exc}"
            ) from None
        seeds.append((netuid, tao, alpha, mechanism or MECHANISM_DYNAMIC))
        rows.append(
            {
                "netuid": netuid,
                "tao_in_pool_rao": str(tao),
                "alpha_in_pool_rao": str(alpha),
                "mechanism": mechanism,
                "source_price": str(price),
            }
        )
    fork.node.set_code(ALPHA_PRECOMPILE, deployed_bytecode(EMULATOR_CONTRACT))
    if seeds:
        fork.send(sim_address("seeder"), on_fork.contract.functions.setPools(seeds))
    return {
        "mode": "placed",
        "detail": "the emulator's code was placed at 0x...0808 and seeded from the source "
        "chain's answers at the fork block (prices follow from the reserves)",
        "netuids": netuids,
        "pools": rows,
    }
