"""Checks 1-5, 7 and 8 of a simulated proposal (check 6, the user flows, is in flows.py). Each returns a
CheckResult: pass / warn / fail, one line on what was found and one on what to do, and its evidence as rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from eth_utils import to_checksum_address
from web3 import Web3
from web3._utils.events import get_event_data

from governance.proposals.encode import PARAM_KEYS, STATUS_VALUES, Encoded
from governance.proposals.models import (
    LpWindow,
    MarketListing,
    MarketUpdate,
    Proposal,
    ProtocolParams,
    ReferralConfig,
    Upgrade,
)
from governance.simulation.report import CheckResult, skipped
from governance.simulation.state import PARAM_UNITS, LpCalendar, State, Value, diff
from governance.simulation.storage import NamespaceMap, key32
from megatao.clients.markets import KIND_ALPHA, KIND_INDEX, alpha_market_id, index_market_id
from megatao.core.params import MARKET_PATHS, market_file_values
from megatao.core.units import format_duration
from megatao.node.toolchain import abi

BLOCK_GAS_LIMIT = 75_000_000
GAS_FAIL_ABOVE = BLOCK_GAS_LIMIT // 2
GAS_WARN_ABOVE = BLOCK_GAS_LIMIT // 4

#: Namespaces each kind of proposal is meant to write when it executes (checked by tracing each kind on the devnet:
#: a listing writes the registry and seeds the new market's oracle state; an update only the registry; an upgrade
#: the router's module table; an lp-window the LP namespace only (`nextSchedule`, the caps' slot, and `schedule`
#: when a pending schedule's epoch has begun); a referral-config the referral namespace (builder share and tier
#: count, the tiers and their names) and the fee namespace (`tradingReferralShare`, which the referral setters keep
#: equal to the largest tier's share + discount plus the builder share). The protocol-params row is what its setters
#: are documented to write (contracts/README.md).
EXPECTED_NAMESPACES = {
    "market-listing": {"market", "oracle"},
    "market-update": {"market"},
    "upgrade": {"router"},
    "protocol-params": {"fee", "vault"},
    "lp-window": {"lp"},
    "referral-config": {"referral", "fee"},
}


def _s(value) -> str:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_s(v) for v in value) + "]"
    return str(value)


def market_id_of(proposal: Proposal) -> bytes | None:
    if isinstance(proposal, MarketListing):
        m = proposal.market
        return alpha_market_id(m.netuid) if m.netuid is not None else index_market_id(m.ticker)
    return None


# ---------------------------------------------------------------- 1. decoded calls


def check_calls(proposal: Proposal, encoded: Encoded, protocol, on_chain: dict | None, fork_chain) -> CheckResult:
    """Decode each calldata with the protocol's ABI (independently of the encoder) and compare it with the file,
    key by key; also compare the proposal as the Governor recorded it (ProposalCreated) with the encoding."""
    contract = Web3().eth.contract(abi=abi("IMegaTAOProtocol"))
    rows, problems = [], []
    for index, action in enumerate(encoded.actions):
        try:
            function, args = contract.decode_function_input(action.calldata)
        except ValueError:
            problems.append(f"action {index}: calldata does not decode with the protocol's ABI")
            continue
        expected = _expected_call(proposal, index, protocol, fork_chain)
        mismatches = []
        if Web3.to_checksum_address(action.target) != Web3.to_checksum_address(protocol.address):
            mismatches.append(f"target {action.target} is not MegaTAO at {protocol.address}")
        if action.value != 0:
            mismatches.append(f"sends {action.value} wei")
        if expected is None:
            mismatches.append("the file has no action at this position")
        else:
            name, fields = expected
            if function.fn_name != name:
                mismatches.append(f"calls {function.fn_name}, the file means {name}")
            for key, want, got in fields(args):
                status = "ok" if want == got else "MISMATCH"
                rows.append(
                    {
                        "action": str(index),
                        "call": function.fn_name,
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
    if problems:
        return CheckResult(
            1,
            "fail",
            "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else ""),
            "the encoding does not say what the file says: do not submit; report it",
            rows=rows,
        )
    return CheckResult(
        1,
        "pass",
        f"{len(encoded.actions)} action(s), {len(rows)} value(s) decoded from the calldata equal the file's; the "
        "Governor recorded the same calls and id",
        rows=rows,
    )


def _expected_call(proposal: Proposal, index: int, protocol, fork_chain):
    """(function name, fields(args) -> [(key, file value, calldata value)]) of the file's `index`-th action."""
    if isinstance(proposal, MarketListing):
        if index != 0:
            return None
        m, o = proposal.market, proposal.oracle

        def listing(args):
            listing = args["listing"]
            ticker, kind, netuid = listing["ticker"], listing["kind"], listing["netuid"]
            params = list(listing["params"].values())
            file_params = [value or 0 for value in market_file_values(m, o).values()]
            expected_kind = KIND_ALPHA if o.source == "alpha-precompile" else KIND_INDEX
            rows = [
                ("market.ticker", m.ticker, ticker),
                ("oracle.source", expected_kind, kind),
                ("market.netuid", m.netuid or 0, netuid),
            ]
            for key, want, got in zip(PARAM_KEYS, file_params, params, strict=True):
                rows.append((MARKET_PATHS[key], want, got))
            return rows

        return "listMarket", listing
    if isinstance(proposal, MarketUpdate):
        file_values = market_file_values(proposal.market, proposal.oracle)
        changes = {k: v for k, v in file_values.items() if v is not None}
        calls = []
        market_id = protocol.chain.guard(
            lambda: protocol.contract.functions.marketIdByTicker(proposal.market.ticker).call()
        )
        if changes:

            def update(args):
                rows = [("market.ticker", "0x" + market_id.hex(), "0x" + args["marketId"].hex())]
                params = dict(zip(PARAM_KEYS, args["params"].values(), strict=True))
                for key in sorted(changes):
                    rows.append((MARKET_PATHS[key], changes[key], params[key]))
                return rows

            calls.append(("updateMarketParams", update))
        if proposal.market.status is not None:
            calls.append(
                (
                    "setMarketStatus",
                    lambda args: [
                        ("market.ticker", "0x" + market_id.hex(), "0x" + args["marketId"].hex()),
                        ("market.status", STATUS_VALUES[proposal.market.status], args["status"]),
                    ],
                )
            )
        return calls[index] if index < len(calls) else None
    if isinstance(proposal, Upgrade):
        if index >= len(proposal.modules):
            return None
        item = proposal.modules[index]

        def upgrade(args):
            implementation = args["implementation"]
            module = fork_chain.contract(implementation, abi(item.contract)).functions
            exported = sorted("0x" + s.hex() for s in fork_chain.guard(lambda: module.exportedSelectors().call()))
            module_id = fork_chain.guard(lambda: module.moduleId().call())
            return [
                (f"modules[{index}].module", item.module.encode().ljust(32, b"\0"), args["moduleId"]),
                (f"modules[{index}].contract (its moduleId)", item.module.encode().ljust(32, b"\0"), module_id),
                (
                    f"modules[{index}].contract (its selectors)",
                    exported,
                    sorted("0x" + s.hex() for s in args["selectors"]),
                ),
                (f"modules[{index}] initData", b"", args["initData"]),
            ]

        return "setModule", upgrade
    if isinstance(proposal, ProtocolParams):
        calls = _protocol_params_calls(proposal)
        return calls[index] if index < len(calls) else None
    if isinstance(proposal, LpWindow):
        calls = _lp_window_calls(proposal)
        return calls[index] if index < len(calls) else None
    if isinstance(proposal, ReferralConfig):
        calls = _referral_calls(proposal)
        return calls[index] if index < len(calls) else None
    return None


def _lp_window_calls(p: LpWindow) -> list:
    """setEpochSchedule(epoch length, deposit window, withdrawal window), then setDepositCaps(account, global)."""

    def schedule(args):
        return [
            ("epoch_length", p.epoch_length, args["epochLength"]),
            ("deposit_window", p.deposit_window, args["depositWindow"]),
            ("withdraw_window", p.withdraw_window, args["withdrawalWindow"]),
        ]

    def caps(args):
        return [
            ("deposit_cap_per_account", p.deposit_cap_per_account, args["accountCap"]),
            ("deposit_cap_total", p.deposit_cap_total, args["globalCap"]),
        ]

    return [("setEpochSchedule", schedule), ("setDepositCaps", caps)]


def _referral_calls(p: ReferralConfig) -> list:
    """setBuilderFeeShare(0) (cleared while the table changes), setReferralTiers(the file's tiers, in order, names
    as left-aligned ASCII), setBuilderFeeShare(the file's share)."""

    def cleared(args):
        return [("builder_fee_share (cleared while the tiers change)", 0, args["share"])]

    def tiers(args):
        got = list(args["tiers"])
        rows = [("tiers (count)", len(p.tiers), len(got))]
        for i, tier in enumerate(p.tiers):
            name, share, discount, days = _tier_fields(got[i]) if i < len(got) else (None,) * 4
            rows += [
                (f"tiers[{i}].name", tier.name.encode("ascii").ljust(32, b"\0"), name),
                (f"tiers[{i}].referrer_share", tier.referrer_share, share),
                (f"tiers[{i}].referee_discount", tier.referee_discount, discount),
                (f"tiers[{i}].discount_days", tier.discount_days, days),
            ]
        return rows

    def share(args):
        return [("builder_fee_share", p.builder_fee_share, args["share"])]

    return [("setBuilderFeeShare", cleared), ("setReferralTiers", tiers), ("setBuilderFeeShare", share)]


def _tier_fields(tier) -> tuple:
    """(name, referrerShare, refereeDiscount, discountDays) of a decoded ReferralTier (a dict or a tuple)."""
    if isinstance(tier, dict):
        return tier["name"], tier["referrerShare"], tier["refereeDiscount"], tier["discountDays"]
    return tuple(tier)


def _protocol_params_calls(p: ProtocolParams) -> list:
    """The setter calls a protocol-params file means, in the order the keys are grouped by setter, each comparing
    only the values the file names (a setter taking several keeps the others as they are)."""

    def compare(*pairs: tuple[str, str, int | None]):
        return lambda args: [(key, want, args[arg]) for key, arg, want in pairs if want is not None]

    calls = []
    if p.insurance_fee_share is not None:
        calls.append(("setTradingFeeSplit", compare(("insurance_fee_share", "insuranceShare", p.insurance_fee_share))))
    if p.liquidation_fee is not None:
        calls.append(("setLiquidationFee", compare(("liquidation_fee", "fee", p.liquidation_fee))))
    if p.liquidation_fee_split is not None:
        split = p.liquidation_fee_split
        calls.append(
            (
                "setLiquidationFeeSplit",
                compare(
                    ("liquidation_fee_split.keeper", "keeperShare", split.keeper),
                    ("liquidation_fee_split.insurance_fund", "insuranceShare", split.insurance_fund),
                    ("liquidation_fee_split.vault", "vaultShare", split.vault),
                ),
            )
        )
    if p.max_utilization_for_increase is not None or p.circuit_breaker_utilization is not None:
        calls.append(
            (
                "setUtilizationLimits",
                compare(
                    ("max_utilization_for_increase", "maxUtilizationForIncrease", p.max_utilization_for_increase),
                    ("circuit_breaker_utilization", "circuitBreakerUtilization", p.circuit_breaker_utilization),
                ),
            )
        )
    if p.collateral_cap_per_account is not None or p.collateral_cap_total is not None:
        calls.append(
            (
                "setCollateralCaps",
                compare(
                    ("collateral_cap_per_account", "accountCap", p.collateral_cap_per_account),
                    ("collateral_cap_total", "globalCap", p.collateral_cap_total),
                ),
            )
        )
    return calls


# ---------------------------------------------------------------- 2. semantic diff


@dataclass(frozen=True)
class KeyTarget:
    key: str  # the file's key path
    path: str  # the state path it should set
    value: object  # the value it should have after execution (raw)
    #: A value the keys determine without naming it (the referral share from the tiers and builder share, the tier
    #: count): it must take `value`, but leaving it unchanged is no warning.
    derived: bool = False


def referral_share(p: ReferralConfig) -> int:
    """The trading-fee split's referral share a referral-config leaves: the largest tier's referrer share + referee
    discount, plus the builder share (`ReferralLogic.reservedShare`)."""
    return max(t.referrer_share + t.referee_discount for t in p.tiers) + p.builder_fee_share


def key_targets(proposal: Proposal, new_implementations: dict[str, str]) -> list[KeyTarget]:
    if isinstance(proposal, MarketListing):
        m, o = proposal.market, proposal.oracle
        prefix = f"markets.{m.ticker}"
        targets = [
            KeyTarget("market.ticker", f"{prefix}.status", "active"),
            KeyTarget("oracle.source", f"{prefix}.kind", "alpha" if o.source == "alpha-precompile" else "index"),
        ]
        if m.netuid is not None:
            targets.append(KeyTarget("market.netuid", f"{prefix}.netuid", m.netuid))
        for key, value in market_file_values(m, o).items():
            targets.append(KeyTarget(MARKET_PATHS[key], f"{prefix}.{key}", value or 0))
        return targets
    if isinstance(proposal, MarketUpdate):
        prefix = f"markets.{proposal.market.ticker}"
        changed = market_file_values(proposal.market, proposal.oracle).items()
        targets = [KeyTarget(MARKET_PATHS[k], f"{prefix}.{k}", v) for k, v in changed if v is not None]
        if proposal.market.status is not None:
            targets.append(KeyTarget("market.status", f"{prefix}.status", proposal.market.status))
        return targets
    if isinstance(proposal, Upgrade):
        return [
            KeyTarget(f"modules[{i}]", f"modules.{m.module}.implementation", new_implementations.get(m.module))
            for i, m in enumerate(proposal.modules)
        ]
    if isinstance(proposal, ProtocolParams):
        given = proposal.model_dump(exclude={"version", "kind", "title", "description"}, exclude_none=True)
        split = given.pop("liquidation_fee_split", {})
        targets = [KeyTarget(key, f"protocol.{key}", value) for key, value in given.items()]
        targets += [
            KeyTarget(f"liquidation_fee_split.{k}", f"protocol.liquidation_fee_split.{k}", v) for k, v in split.items()
        ]
        return targets
    if isinstance(proposal, LpWindow):
        # The schedule takes effect at the next epoch boundary: its keys name the next epoch's schedule (the
        # pending one after the execution); the caps hold at once.
        return [
            KeyTarget("epoch_length", "lp.next_epoch.epoch_length", proposal.epoch_length),
            KeyTarget("deposit_window", "lp.next_epoch.deposit_window", proposal.deposit_window),
            KeyTarget("withdraw_window", "lp.next_epoch.withdrawal_window", proposal.withdraw_window),
            KeyTarget("deposit_cap_per_account", "lp.deposit_cap_per_account", proposal.deposit_cap_per_account),
            KeyTarget("deposit_cap_total", "lp.deposit_cap_total", proposal.deposit_cap_total),
        ]
    if isinstance(proposal, ReferralConfig):
        targets = [KeyTarget("tiers (count)", "referral.tier_count", len(proposal.tiers), derived=True)]
        for i, tier in enumerate(proposal.tiers):
            prefix = f"referral.tiers[{i}]"
            targets += [
                KeyTarget(f"tiers[{i}].name", f"{prefix}.name", tier.name),
                KeyTarget(f"tiers[{i}].referrer_share", f"{prefix}.referrer_share", tier.referrer_share),
                KeyTarget(f"tiers[{i}].referee_discount", f"{prefix}.referee_discount", tier.referee_discount),
                KeyTarget(f"tiers[{i}].discount_days", f"{prefix}.discount_days", tier.discount_days),
            ]
        targets += [
            KeyTarget("builder_fee_share", "referral.builder_fee_share", proposal.builder_fee_share),
            KeyTarget(
                "tiers + builder_fee_share (referral share of the fee split)",
                "protocol.referral_fee_share",
                referral_share(proposal),
                derived=True,
            ),
        ]
        return targets
    return []


def check_state(proposal: Proposal, before: State, after: State, new_implementations: dict[str, str]) -> CheckResult:
    changes = diff(before, after)
    changed_paths = {path for path, _, _ in changes}
    targets = key_targets(proposal, new_implementations)
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
    if fails:
        return CheckResult(
            2,
            "fail",
            "; ".join(fails[:2]) + (" ..." if len(fails) > 2 else ""),
            "the execution does not do what the file says: fix the file or report the encoder",
            rows=rows,
        )
    if warns:
        return CheckResult(
            2,
            "warn",
            "; ".join(warns[:3]) + (" ..." if len(warns) > 3 else ""),
            "drop the keys that change nothing, or check that the file says what you meant",
            rows=rows,
        )
    return CheckResult(
        2,
        "pass",
        f"{len(targets)} key(s) of the file each changed the state they name; "
        f"{n_changed} value(s) changed in all, none without a key",
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


def check_storage(
    kind: str,
    trace: dict,
    contracts: dict[str, str],
    bookkeeping: dict[str, str],
    gas_accounts: dict[str, str],
    keys: dict[bytes, str],
) -> CheckResult:
    """`contracts`: the proposal's target contracts by address; `bookkeeping`: the Governor and timelock;
    `gas_accounts`: the sender and the block's coinbase (balance and nonce only)."""
    pre, post = trace.get("pre", {}), trace.get("post", {})
    names = NamespaceMap()
    expected = EXPECTED_NAMESPACES.get(kind, set())
    rows, fails, warns, touched = [], [], [], set()
    for raw_address in sorted(set(pre) | set(post), key=str.lower):
        address = to_checksum_address(raw_address)
        before, after = pre.get(raw_address, {}), post.get(raw_address, {})
        slots = sorted(set(before.get("storage", {})) | set(after.get("storage", {})))
        other = sorted(k for k in ("balance", "nonce", "code") if k in after and after.get(k) != before.get(k))
        if address in gas_accounts:
            if slots or "code" in other:
                fails.append(f"{gas_accounts[address]} {address} changed storage or code")
            rows.append(
                {
                    "contract": gas_accounts[address],
                    "address": address,
                    "slot": "-",
                    "attribution": "gas: " + ", ".join(other),
                    "verdict": "ok",
                }
            )
            continue
        if address in bookkeeping:
            rows.append(
                {
                    "contract": bookkeeping[address],
                    "address": address,
                    "slot": f"{len(slots)} slot(s)",
                    "attribution": "governance bookkeeping (proposal and operation state)",
                    "verdict": "ok",
                }
            )
            if other:
                fails.append(f"{bookkeeping[address]} changed its {', '.join(other)}")
            continue
        if address not in contracts:
            what = ", ".join(other + ["storage"] * bool(slots))
            fails.append(f"{address} (not a contract the proposal targets) changed {what}")
            rows.append(
                {
                    "contract": "unexpected",
                    "address": address,
                    "slot": f"{len(slots)} slot(s)",
                    "attribution": ", ".join(other),
                    "verdict": "FAIL",
                }
            )
            continue
        if other:
            fails.append(f"{contracts[address]} changed its {', '.join(other)}")
        for slot in slots:
            attribution = names.attribute(int(slot, 16), keys)
            if attribution.namespace is None:
                verdict = "WARN"
                warns.append(f"slot {slot} of {contracts[address]} is unattributed")
            elif attribution.namespace in expected:
                verdict = "ok"
            else:
                verdict = "FAIL"
                fails.append(f"namespace {names.ids[attribution.namespace]} changed; a {kind} should not write it")
            touched.add(attribution.namespace)
            ns = names.ids.get(attribution.namespace, "-")
            rows.append(
                {
                    "contract": contracts[address],
                    "address": address,
                    "slot": slot,
                    "attribution": f"{ns}: {attribution.label}",
                    "verdict": verdict,
                }
            )
    notes = [
        "Slots are attributed by recomputing candidates (namespace fields, mapping entries for the keys the proposal "
        "uses, dynamic-array elements); a slot no candidate explains is reported unattributed, as a warning.",
        f"Namespaces a {kind} is expected to write: {', '.join(sorted(expected)) or 'none'}.",
        "Governor and timelock slots are accepted as bookkeeping without naming each one.",
    ]
    namespaces = ", ".join(sorted(names.ids[n] for n in touched if n)) or "none"
    if fails:
        return CheckResult(
            3,
            "fail",
            "; ".join(sorted(set(fails))[:2]),
            "something outside the proposal's scope changed: find out why before voting",
            rows=rows,
            notes=notes,
        )
    if warns:
        return CheckResult(
            3,
            "warn",
            f"{len(warns)} changed slot(s) could not be attributed; namespaces written: {namespaces}",
            "read the unattributed slots in the report",
            rows=rows,
            notes=notes,
        )
    return CheckResult(
        3, "pass", f"only the expected contracts changed; namespaces written: {namespaces}", rows=rows, notes=notes
    )


def storage_keys(proposal: Proposal, market_ids: dict[str, bytes], extra: list[bytes]) -> dict[bytes, str]:
    """The mapping keys an execution may use, with readable names: every market's id (by ticker) and ticker,
    the proposal's own market, module ids and selectors (`extra`)."""
    keys: dict[bytes, str] = {}
    for ticker, market_id in market_ids.items():
        keys[key32(market_id)] = ticker
        keys[key32(ticker.encode())] = f'"{ticker}"'
    own = market_id_of(proposal)
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
    "TimelockController",
    "MegaTAOToken",
    "MtsosOracle",
    "AlphaPrecompileEmulator",
)
EXPECTED_EVENTS = {
    "market-listing": ["MarketListed"],
    "market-update": [],  # MarketParamsUpdated and/or MarketStatusSet, by the file's keys
    "upgrade": ["ModuleSet"],
    "lp-window": ["EpochScheduleSet", "DepositCapsSet"],
    "referral-config": ["BuilderFeeShareSet", "ReferralTierSet"],
}


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
    expected = list(EXPECTED_EVENTS.get(proposal.kind, []))
    if isinstance(proposal, MarketUpdate):
        changes = proposal.market.model_dump(exclude={"ticker", "status"}, exclude_none=True)
        if changes or proposal.oracle is not None:
            expected.append("MarketParamsUpdated")
        if proposal.market.status is not None:
            expected.append("MarketStatusSet")
    expected += ["CallExecuted", "ProposalExecuted"]
    missing = [e for e in expected if e not in events]
    unknown = [e for e in events if e.startswith("unknown") or e.endswith("(does not decode)")]
    if missing:
        return CheckResult(
            4,
            "fail",
            f"expected event(s) missing: {', '.join(missing)}",
            "the execution did not do what the file asks: read the events below",
            rows=rows,
        )
    if unknown:
        return CheckResult(
            4,
            "warn",
            f"{len(unknown)} event(s) no ABI of the deployment decodes",
            "find out which contract emits them",
            rows=rows,
        )
    return CheckResult(4, "pass", f"{len(rows)} event(s), all decoded; " + ", ".join(sorted(set(events))), rows=rows)


# ---------------------------------------------------------------- 5. roles


def check_roles(before: State, after: State) -> CheckResult:
    changes = diff(before, after)
    rows = [{"role": path, "before": old.shown(), "after": new.shown()} for path, old, new in changes]
    if changes:
        return CheckResult(
            5,
            "fail",
            f"{len(changes)} role or ownership change(s): "
            + "; ".join(f"{p} {o.shown()} -> {n.shown()}" for p, o, n in changes[:2]),
            "no proposal kind of this version changes roles: treat it as an attack until explained",
            rows=rows,
        )
    return CheckResult(
        5,
        "pass",
        f"no change to ownership, guardians, timelock roles and delay, or Governor "
        f"settings ({len(before)} values read before and after)",
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
    if open_windows:
        latest = max(e.deposit_closes if "deposit" in w else e.withdrawal_closes for w in open_windows)
        return CheckResult(
            7,
            "warn",
            f"the execution at {eta} lands inside epoch {e.epoch}'s open " + " and ".join(open_windows),
            f"LPs act in that window under terms that change mid-window: if it matters, propose so that the "
            f"execution lands at or after {latest} (and before {following.start})",
            rows=rows,
            notes=notes,
        )
    return CheckResult(
        7,
        "pass",
        f"the execution at {eta} lands outside the LP windows: epoch {e.epoch}'s deposit window closed at "
        f"{e.deposit_closes}, its withdrawal window at {e.withdrawal_closes}; the next open at {following.start}",
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
    if gas_used > GAS_FAIL_ABOVE:
        return CheckResult(8, "fail", line + " (above half)", "split the proposal into smaller ones")
    if gas_used > GAS_WARN_ABOVE:
        return CheckResult(8, "warn", line + " (above a quarter)", "consider splitting the proposal")
    return CheckResult(8, "pass", line)
