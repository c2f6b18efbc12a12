"""A proposal as the Governor takes it: targets, values, calldatas and description, with its ids computed offline
exactly as OpenZeppelin's Governor (`hashProposal`) and TimelockController (`hashOperationBatch`) do."""

from __future__ import annotations

from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak, to_checksum_address

from governance.proposals.calls import Action, protocol_call
from governance.proposals.encode_referral import referral_actions
from governance.proposals.models import (
    ListedMarket,
    LpWindow,
    MarketListing,
    MarketUpdate,
    Proposal,
    ProtocolParams,
    ReferralConfig,
    Upgrade,
)
from megatao.clients.markets import KIND_ALPHA, KIND_INDEX, PARAM_KEYS, ZERO_ADDRESS
from megatao.core.errors import InputError
from megatao.core.params import market_file_values
from megatao.core.units import format_duration, format_fraction, format_tao

STATUS_VALUES = {"active": 1, "reduce-only": 2, "delisted": 3}


@dataclass(frozen=True)
class Encoded:
    actions: list[Action]
    description: str
    description_hash: bytes
    proposal_id: int
    timelock_operation_id: bytes | None

    @property
    def targets(self) -> list[str]:
        return [a.target for a in self.actions]

    @property
    def values(self) -> list[int]:
        return [a.value for a in self.actions]

    @property
    def calldatas(self) -> list[bytes]:
        return [a.calldata for a in self.actions]

    def as_json(self) -> dict:
        return {
            "proposalId": str(self.proposal_id),
            "proposalIdHex": hex(self.proposal_id),
            "descriptionHash": "0x" + self.description_hash.hex(),
            "timelockOperationId": "0x" + self.timelock_operation_id.hex() if self.timelock_operation_id else None,
            "description": self.description,
            "actions": [
                {"target": a.target, "value": str(a.value), "calldata": "0x" + a.calldata.hex(),
                 "signature": a.signature, "call": a.readable}
                for a in self.actions
            ],
        }  # fmt: skip


def proposal_description(proposal: Proposal) -> str:
    """The text the Governor stores: the title as a Markdown heading, then the description."""
    return f"# {proposal.title}\n\n{proposal.description.strip()}\n"


def hash_proposal(targets: list[str], values: list[int], calldatas: list[bytes], description_hash: bytes) -> int:
    """`Governor.hashProposal`: uint256(keccak256(abi.encode(targets, values, calldatas, descriptionHash)))."""
    encoded = encode(["address[]", "uint256[]", "bytes[]", "bytes32"], [targets, values, calldatas, description_hash])
    return int.from_bytes(keccak(encoded), "big")


def timelock_operation_id(
    targets: list[str], values: list[int], calldatas: list[bytes], description_hash: bytes, governor: str
) -> bytes:
    """`TimelockController.hashOperationBatch` with GovernorTimelockControl's salt, bytes20(governor) ^ descHash."""
    salt = bytes(a ^ b for a, b in zip(bytes.fromhex(governor[2:]).ljust(32, b"\0"), description_hash, strict=True))
    encoded = encode(
        ["address[]", "uint256[]", "bytes[]", "bytes32", "bytes32"], [targets, values, calldatas, bytes(32), salt]
    )
    return keccak(encoded)


@dataclass(frozen=True)
class Context:
    """What encoding needs from the deployment: the entry contract, the governor, and for updates the market's
    current parameters (`current_params[ticker]` -> tuple in PARAM_KEYS order) and its id."""

    protocol: str
    governor: str | None = None
    index_oracle: str | None = None
    current_params: dict[str, tuple[int, ...]] | None = None
    market_ids: dict[str, bytes] | None = None
    implementations: dict[str, tuple[str, list[bytes]]] | None = None  # module id -> (address, selectors)
    #: The protocol's current parameters, by the protocol-params keys (for setters that take several at once).
    protocol_params: dict[str, int] | None = None


def _params_tuple(market: ListedMarket, oracle: object | None) -> tuple[int, ...]:
    """The `MarketParams` struct from a listing's blocks; an index market's oracle block adds nothing."""
    return tuple(value or 0 for value in market_file_values(market, oracle).values())


def _listing_actions(p: MarketListing, ctx: Context) -> list[Action]:
    m = p.market
    if p.oracle.source == "alpha-precompile":
        listing = (m.ticker, KIND_ALPHA, m.netuid, ZERO_ADDRESS, _params_tuple(m, p.oracle))
        where = f"alpha, netuid {m.netuid}"
    else:
        if not ctx.index_oracle:
            raise InputError("an mtsos-ema listing needs the MTSOS oracle's address, and the deployment has none")
        listing = (m.ticker, KIND_INDEX, 0, to_checksum_address(ctx.index_oracle), _params_tuple(m, None))
        where = f"index, oracle {ctx.index_oracle}"
    return [protocol_call(ctx.protocol, "listMarket", [listing], f"listMarket({m.ticker}, {where})")]


def _update_actions(p: MarketUpdate, ctx: Context) -> list[Action]:
    ticker = p.market.ticker
    if not ctx.current_params or ticker not in ctx.current_params or not ctx.market_ids:
        raise InputError(f"market '{ticker}' is not listed on this deployment")
    market_id = ctx.market_ids[ticker]
    changes = {k: v for k, v in market_file_values(p.market, p.oracle).items() if v is not None}
    actions = []
    if changes:
        params = dict(zip(PARAM_KEYS, ctx.current_params[ticker], strict=True)) | changes
        readable = f"updateMarketParams({ticker}: {', '.join(sorted(changes))})"
        actions.append(protocol_call(ctx.protocol, "updateMarketParams", [market_id, tuple(params.values())], readable))
    if p.market.status is not None:
        status = STATUS_VALUES[p.market.status]
        actions.append(
            protocol_call(
                ctx.protocol, "setMarketStatus", [market_id, status], f"setMarketStatus({ticker}, {p.market.status})"
            )
        )
    return actions


def _upgrade_actions(p: Upgrade, ctx: Context) -> list[Action]:
    actions = []
    for item in p.modules:
        if not ctx.implementations or item.module not in ctx.implementations:
            raise InputError(f"no deployed implementation of {item.contract} for module '{item.module}'")
        address, selectors = ctx.implementations[item.module]
        module_id = item.module.encode().ljust(32, b"\0")
        readable = f"setModule({item.module} -> {item.contract} at {address}, {len(selectors)} selectors)"
        actions.append(protocol_call(ctx.protocol, "setModule", [module_id, address, selectors, b""], readable))
    return actions


def _protocol_params_actions(p: ProtocolParams, ctx: Context) -> list[Action]:
    """One setter call per group of keys; a setter taking several values keeps the current ones not named."""
    current = ctx.protocol_params or {}

    def value(key: str) -> int:
        given = getattr(p, key)
        if given is not None:
            return given
        if key not in current:
            raise InputError(f"the deployment does not report its current {key}")
        return current[key]

    actions = []
    if p.insurance_fee_share is not None:
        share = format_fraction(p.insurance_fee_share)
        actions.append(
            protocol_call(ctx.protocol, "setTradingFeeSplit", [p.insurance_fee_share], f"setTradingFeeSplit({share})")
        )
    if p.liquidation_fee is not None:
        fee = format_fraction(p.liquidation_fee)
        actions.append(
            protocol_call(ctx.protocol, "setLiquidationFee", [p.liquidation_fee], f"setLiquidationFee({fee})")
        )
    if p.liquidation_fee_split is not None:
        split = p.liquidation_fee_split
        shares = [split.keeper, split.insurance_fund, split.vault]
        readable = "setLiquidationFeeSplit(" + ", ".join(format_fraction(x) for x in shares) + ")"
        actions.append(protocol_call(ctx.protocol, "setLiquidationFeeSplit", shares, readable))
    if p.max_utilization_for_increase is not None or p.circuit_breaker_utilization is not None:
        limits = [value("max_utilization_for_increase"), value("circuit_breaker_utilization")]
        readable = "setUtilizationLimits(" + ", ".join(format_fraction(x) for x in limits) + ")"
        actions.append(protocol_call(ctx.protocol, "setUtilizationLimits", limits, readable))
    if p.collateral_cap_per_account is not None or p.collateral_cap_total is not None:
        caps = [value("collateral_cap_per_account"), value("collateral_cap_total")]
        readable = "setCollateralCaps(" + ", ".join(format_tao(x, 0) for x in caps) + ")"
        actions.append(protocol_call(ctx.protocol, "setCollateralCaps", caps, readable))
    return actions


def _lp_window_actions(p: LpWindow, ctx: Context) -> list[Action]:
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


def _referral_actions(p: ReferralConfig, ctx: Context) -> list[Action]:
    return referral_actions(p, ctx.protocol)


ENCODERS = {
    "market-listing": _listing_actions,
    "lp-window": _lp_window_actions,
    "referral-config": _referral_actions,
    "market-update": _update_actions,
    "upgrade": _upgrade_actions,
    "protocol-params": _protocol_params_actions,
}


def encode_proposal(proposal: Proposal, ctx: Context) -> Encoded:
    encoder = ENCODERS.get(proposal.kind)
    if encoder is None:
        raise InputError(f"proposals of kind '{proposal.kind}' cannot be encoded by this deployment yet")
    actions = encoder(proposal, ctx)
    description = proposal_description(proposal)
    description_hash = keccak(text=description)
    targets, values, calldatas = [a.target for a in actions], [a.value for a in actions], [a.calldata for a in actions]
    proposal_id = hash_proposal(targets, values, calldatas, description_hash)
    operation = (
        timelock_operation_id(targets, values, calldatas, description_hash, ctx.governor) if ctx.governor else None
    )
    return Encoded(actions, description, description_hash, proposal_id, operation)
