"""Check 6's referral-config flows: per tier, a referred trade naming a builder, whose taker fee must split to the
wei as ReferralLogic says (governance/simulation/README.md, "Check 6, referral-config")."""

from __future__ import annotations

from dataclasses import dataclass

from web3.logs import DISCARD

from governance.proposals.models import ReferralConfig
from governance.simulation.flows.market import (
    ANY_BUY_PRICE,
    NO_DEADLINE,
    RAO,
    SMALL_NOTIONAL,
    WAD,
    FlowLog,
    Market,
    active_alpha_tickers,
)
from governance.simulation.fork import Fork, Reverted, sim_address
from megatao.core.units import format_fraction, format_tao

#: The referred trades' leverage: the notional and the fee it gives are not round, so each floor(F x share) drops wei
#: (at a 0.25% taker fee on 10 TAO, F = 24,999,999,999,552,949 wei).
REFERRAL_LEVERAGE = 1_987_654_321_987_654_321


def referral_flows(fork: Fork, protocol, proposal: ReferralConfig, modules) -> FlowLog | str:
    """For each tier: a referrer registers a code (given the tier by the owner), a referee binds to it and opens a
    small long naming a registered builder; the fee must split exactly as ReferralLogic says: of the taker fee F
    (rounded up), the referee's discount floor(F x d), the referrer's floor(F x r), the builder's floor(F x b),
    the insurance fund's floor(F x i), the vault the rest."""
    if "referral" not in modules:
        return "the deployment has no referral module"
    log = FlowLog()
    tickers = active_alpha_tickers(fork, protocol)
    if not tickers:
        log.skip("referred trade", "no active alpha market to trade")
        return log
    market = Market(fork, protocol, tickers[0])
    f = market.f
    guard = fork.chain.guard
    owner = guard(lambda: f.owner().call())
    insurance, _ = guard(lambda: f.tradingFeeSplit().call())
    builder = sim_address("referral.builder")
    try:
        fork.send(builder, f.registerBuilder())
    except Reverted as exc:
        log.fail("referred trade", f"registering the flow's builder reverted: {exc.reason}")
        return log
    leverage = min(REFERRAL_LEVERAGE, market.max_leverage)
    notional = min(SMALL_NOTIONAL, market.max_oi // (4 * len(proposal.tiers)))
    trade = _Trade(market, owner, builder, insurance, leverage, notional * WAD // leverage // RAO * RAO)
    for index, tier in enumerate(proposal.tiers):
        _referred_trade(fork, protocol, proposal, trade, index, tier, log)
    return log


@dataclass
class _Trade:
    """What every tier's referred trade shares: the market, the owner who tiers the codes, the registered builder, the
    insurance fund's share of the fee, the leverage and the margin sent."""

    market: Market
    owner: str
    builder: str
    insurance: int
    leverage: int
    value: int


def _referred_trade(
    fork: Fork, protocol, proposal: ReferralConfig, trade: _Trade, index: int, tier, log: FlowLog
) -> None:
    """Tier `index`: a referrer registers a code (the owner gives it the tier), a referee binds to it and opens a long
    naming the builder; its fee must split as ReferralLogic says, to the wei."""
    f, market, value, leverage = trade.market.f, trade.market, trade.value, trade.leverage
    flow = f"referred trade, tier {index} ({tier.name})"
    referrer, referee = sim_address(f"referral.referrer.{index}"), sim_address(f"referral.referee.{index}")
    code = f"MEGATAO_SIM_{index}".encode().ljust(32, b"\0")
    try:
        fork.send(referrer, f.registerReferralCode(code))
        if index:
            fork.send(trade.owner, f.setReferralCodeTier(code, index))
        fork.send(referee, f.bindReferralCode(code))
    except Reverted as exc:
        log.fail(flow, f"registering, tiering or binding the code reverted: {exc.reason}")
        return
    rewards_before = _rewards(fork, f, referrer)
    try:
        sent = fork.send(
            referee,
            f.openPositionWithBuilder(market.market_id, True, leverage, ANY_BUY_PRICE, NO_DEADLINE, trade.builder),
            value,
        )
    except Reverted as exc:
        log.fail(flow, f"the referee's open reverted: {exc.reason}")
        return
    fee = -(-(value * leverage // WAD) * market.taker // WAD)  # F: the taker fee on the notional, rounded up
    want = _expected_split(fee, tier, proposal.builder_fee_share, trade.insurance)
    events = protocol.contract.events
    booked = _one(events.ReferralFeeBooked().process_receipt(sent.receipt, errors=DISCARD))
    split = _one(events.TradingFeeBooked().process_receipt(sent.receipt, errors=DISCARD))
    opened = _one(events.PositionOpened().process_receipt(sent.receipt, errors=DISCARD))
    if booked is None or split is None or opened is None:
        log.fail(flow, "the open emitted no ReferralFeeBooked, TradingFeeBooked or PositionOpened")
        return
    got = {
        "discount": booked["discount"],
        "referrer": booked["toReferrer"],
        "builder": booked["toBuilder"],
        "insurance": split["toInsurance"],
        "charged": opened["fee"],
        "vault": split["toVault"],
        "referrer rewards accrued": _rewards(fork, f, referrer) - rewards_before,
    }
    wrong = [f"{k} {got[k]} wei, expected {want[k]}" for k in want if got[k] != want[k]]
    if booked["referrer"] != referrer:
        wrong.append(f"paid referrer {booked['referrer']}, not {referrer}")
    if split["toReferral"] != got["referrer"] + got["builder"]:
        wrong.append(f"the referral bucket got {split['toReferral']} wei, not referrer + builder")
    if wrong:
        hint = ""
        if got["discount"] == 0 and want["discount"] and tier.discount_days == 0:
            hint = (
                f" (discount_days is 0: the {format_fraction(tier.referee_discount)} discount ends at the "
                "referee's first trade, so no referee ever gets it)"
            )
        log.fail(flow, f"taker fee {fee} wei: " + "; ".join(wrong) + hint)
        return
    log.ok(
        flow,
        f"taker fee F = {fee} wei on {format_tao(value * leverage // WAD)}: discount {got['discount']} "
        f"(floor F x {format_fraction(tier.referee_discount)}), referrer {got['referrer']} "
        f"(floor F x {format_fraction(tier.referrer_share)}, accrued), builder {got['builder']} "
        f"(floor F x {format_fraction(proposal.builder_fee_share)}), insurance {got['insurance']}, "
        f"vault {got['vault']}; charged {got['charged']}",
    )


def _expected_split(fee: int, tier, builder_fee_share: int, insurance: int) -> dict[str, int]:
    """ReferralLogic's split of the taker fee F: each share floor(F x share), the vault the rest; the trader is charged
    F less the discount, and the referrer's accrued rewards grow by its share."""
    want = {
        "discount": fee * tier.referee_discount // WAD,
        "referrer": fee * tier.referrer_share // WAD,
        "builder": fee * builder_fee_share // WAD,
        "insurance": fee * insurance // WAD,
    }
    want["charged"] = fee - want["discount"]
    want["vault"] = want["charged"] - want["referrer"] - want["builder"] - want["insurance"]
    want["referrer rewards accrued"] = want["referrer"]
    return want


def _rewards(fork: Fork, f, account: str) -> int:
    return fork.chain.guard(lambda: f.referralAccount(account).call())[3]


def _one(logs) -> dict | None:
    return dict(logs[0]["args"]) if len(logs) == 1 else None
