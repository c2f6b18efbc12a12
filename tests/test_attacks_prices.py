"""Issue 15's attacks on prices through the CLI on a devnet, as tests/test_attacks.py replays the pool pushes: split
fills, a zero-priced subnet, a deregistered and re-registered subnet, a stale MTSOS EMA with a spike, and the largest
spikes left for an hour (docs/protocol.md sections 3, 3a and 4; tests/contracts/attacks/ has them at the contract
level: SplitFills, BrokenPrices and StaleMtsosEma). tests/test_attacks_lp_rally_guardians.py has the others.

Each attack either ends with the attacker holding less TAO than it started with (read from the chain) or is refused
with the custom error that names the defence. The attacker's trades are always `megatao` commands. One step no
command expresses uses the project's node client, said where it is: the subnet precompile's registration block (the
emulator's setter).

Two tests found a weakness of the earlier MTSOS rule (the held reading weighed alone: a spike read once and left for
an hour moved the EMA 15.9%); the oracle now weighs, of the held reading and its own, the one nearer the EMA, and
those tests pass (see the spike tests below).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from megatao.node.accounts import dev_account
from tests import attack_helpers
from tests.attack_helpers import KEEPER, LP, RAO, Attacks, address, open_args, shown, to_next_epoch
from tests.conftest import assert_one_line_error
from tests.test_attacks import (
    ATTACKER,
    NETUID,
    POOL_MOVER,
    TICKER,
    VICTIM,
    WAD,
    account,
    ok,
    price,
    report,
    tao,
)

pytestmark = pytest.mark.anvil

#: `megatao ARGS` in this process and the devnet's reads (tests/attack_helpers.py's fixtures).
megatao = attack_helpers.megatao
devnet = attack_helpers.devnet


# 1. Split fills.


@pytest.mark.parametrize("split", ["one account", "ten accounts"])
def test_split_fills_pay_at_least_the_impact_of_one_fill(megatao, devnet, split):
    """1,000 TAO of CHUTES longs (500 TAO at 2x) opened in one fill, and from the same state split into ten fills of
    100 TAO, each its own block: the attacker's open and nine `trade increase`, or ten accounts' opens (the impact is
    on the market's skew, whoever holds it). The ten pay at least the one's impact, `(s1² − s0²) / 2D` per fill
    adding up to `s² / 2D`, and get no more size for the same TAO. Issue 15: 100 fills paid 0.39% where one paid
    20%."""
    bound = ("--max-slippage", "2%")  # the last tenth pays 0.63% of its notional as impact
    snapshot = devnet.node.snapshot()
    one = shown(megatao(*open_args(TICKER, "long", "500", "2x", ATTACKER, *bound)))
    devnet.node.revert(snapshot)
    if split == "one account":
        increase = ("trade", "increase", TICKER, "--margin", "50", "--leverage", "2x", *bound, *account(ATTACKER))
        fills = [shown(megatao(*open_args(TICKER, "long", "50", "2x", ATTACKER, *bound)))]
        fills += [shown(megatao(*increase, "--json")) for _ in range(9)]
        size, margin = int(fills[-1]["size"]), int(fills[-1]["margin"])
    else:
        fills = [shown(megatao(*open_args(TICKER, "long", "50", "2x", index, *bound))) for index in range(10)]
        size, margin = sum(int(f["size"]) for f in fills), sum(int(f["margin"]) for f in fills)
    single, paid = int(one["impact"]), sum(int(f["impact"]) for f in fills)
    figures = (
        f"split fills, {split}: one 1,000 TAO fill paid {tao(single)} of impact, ten 100 TAO fills {tao(paid)} "
        f"({paid - single} wei more; first {tao(int(fills[0]['impact']))}, last {tao(int(fills[-1]['impact']))}); "
        f"size {int(one['size']) / WAD:,.6f} against {size / WAD:,.6f}, margin {tao(int(one['margin']))} against "
        f"{tao(margin)}"
    )
    assert single > 0, figures
    assert paid >= single, figures
    assert size <= int(one["size"]) and margin <= int(one["margin"]), figures
    assert int(fills[-1]["impact"]) > int(fills[0]["impact"]), figures
    report(figures)


# 3 and 4. Broken prices: a zero-priced subnet, a subnet registered again under the netuid.


def test_zero_priced_subnet_freezes_nothing_else_and_settles(megatao, devnet):
    """CHUTES's pool is set to no alpha, so its price reads 0 (the emulator answers 0 for an empty alpha reserve).
    The attacker, short 3x, hoped to close at that price (its margin x4); it closes at the last reference instead.
    Nothing else stops: another market opens, an LP claims and another deposits; CHUTES refuses opens, and
    `market settle` before settle-after (1 h) of failure; after it anyone settles, and the positions close at the
    settlement price with no fee. Issue 15: one zero-priced subnet reverted every LP deposit and claim, and that
    market's closes."""
    ok(megatao(*open_args(TICKER, "long", "20", "3x", VICTIM)))
    ok(megatao(*open_args(TICKER, "short", "20", "2x", 5)))
    ok(megatao("lp", "deposit", "1000", *account(LP)))
    ok(megatao("lp", "request-withdrawal", "all", *account(LP)))
    epoch = to_next_epoch(megatao)
    assert epoch["deposit_window"]["open"] and epoch["withdrawal_window"]["open"], epoch
    ok(megatao("market", "poke", TICKER, *account(KEEPER)))
    start = devnet.wealth(ATTACKER)
    ok(megatao(*open_args(TICKER, "short", "20", "3x", ATTACKER)))

    tao_rao, _alpha = devnet.pool(int(NETUID))
    ok(megatao(*devnet.pool_set(int(NETUID), tao_rao, 0)))
    ok(megatao("market", "poke", TICKER, *account(ATTACKER)))  # the failure is recorded: settle-after counts from here
    pools = {pool["ticker"]: pool for pool in shown(megatao("pool", "list", "--json"))["pools"]}
    market = shown(megatao("market", "show", TICKER, "--json"))
    assert pools[TICKER]["price"] == "0" and market["price_broken"], (pools[TICKER], market)
    reference = int(market["reference_price"])
    market_id = "0x" + devnet.market_id_of(TICKER).hex()

    refused = megatao(*open_args(TICKER, "long", "10", "2x", 2))
    assert_one_line_error(refused, f"openPosition would revert: OraclePriceUnavailable({market_id})")
    other = shown(megatao(*open_args("LIUM", "long", "10", "2x", VICTIM)))
    claimed = shown(megatao("lp", "claim", *account(LP), "--json"))
    deposited = shown(megatao("lp", "deposit", "100", *account(KEEPER), "--json"))
    early = megatao("market", "settle", TICKER, *account(ATTACKER))
    assert_one_line_error(early, f"settleMarket would revert: MarketNotSettleable({market_id}, ", ", 3600)")
    closed = shown(megatao("trade", "close", TICKER, *account(ATTACKER), "--json"))
    received = int(closed["received"])

    ok(megatao("devnet", "advance", "1h"))
    ok(megatao("market", "settle", TICKER, *account(5)))  # anyone, once settle-after has passed
    settled = shown(megatao("market", "show", TICKER, "--json"))
    equity = devnet.position_in(VICTIM, TICKER)["equity"]
    paid = shown(megatao("trade", "close", TICKER, *account(VICTIM), "--json"))
    end = devnet.wealth(ATTACKER)
    vault = devnet.vault()
    figures = (
        f"zero-priced CHUTES: reference {price(reference)}; attacker's 60 TAO short closed at "
        f"{price(int(closed['fill_price']))} for {tao(received)} (20 TAO in); LIUM opened at "
        f"{price(int(other['entry_price']))}; LP claimed {tao(claimed['amount'])}, another deposited 100 TAO for "
        f"{int(deposited['shares']) / WAD:.4f} shares; settled at {price(settled['reference_price'])}, the victim's "
        f"close paid {tao(int(paid['received']))} (equity {tao(equity)}, fee {tao(int(paid['fee']))}); attacker "
        f"{tao(start)} -> {tao(end)}"
    )
    assert int(other["size"]) > 0 and claimed["outcome"] == "claimed" and int(claimed["amount"]) > 0, figures
    assert int(deposited["shares"]) > 0, figures
    assert received < 20 * WAD and int(closed["fill_price"]) >= reference, figures
    assert settled["status"] == "settled" and int(settled["reference_price"]) == reference, figures
    assert int(paid["fee"]) == 0 and abs(int(paid["received"]) - equity) <= RAO, figures
    assert end < start, figures
    assert vault["balance"] == vault["owed"], f"vault {vault}"
    report(figures)


def register_again(devnet: Attacks, netuid: int) -> int:
    """Subnet `netuid` deregistered and registered again: its registration block (the subnet precompile's
    `getNetworkRegistrationBlock`) becomes this block. No command sets it, so the node client sends the emulator's
    setter, this one step only."""
    from megatao.clients.pools import SUBNET_PRECOMPILE
    from megatao.node.toolchain import abi

    emulator = devnet.chain.contract(SUBNET_PRECOMPILE, abi("SubnetPrecompileEmulator")).functions
    block = devnet.block_number()
    devnet.chain.transact(emulator.setNetworkRegistrationBlock(netuid, block), dev_account(POOL_MOVER))
    return block


def test_subnet_registered_again_is_broken_and_closes_at_the_reference(megatao, devnet):
    """Subnet 64 is deregistered and registered again, and the new subnet's pool prices its alpha at 0.001 TAO (an
    eightieth of CHUTES's reference). The attacker, short 3x, hoped to close at the new price (nearly four times its
    margin back): the divergence makes the update read the registration block, which changed, so the market is broken
    (`market show`), refuses opens, and both sides close at the last reference."""
    ok(megatao(*open_args(TICKER, "long", "20", "3x", VICTIM)))
    start = devnet.wealth(ATTACKER)
    ok(megatao(*open_args(TICKER, "short", "20", "3x", ATTACKER)))
    ok(megatao("devnet", "advance", "12"))
    block = register_again(devnet, int(NETUID))
    ok(megatao(*devnet.pool_set(int(NETUID), 150_000 * RAO, 150_000_000 * RAO)))  # as deep, at 0.001 TAO
    ok(megatao("market", "poke", TICKER, *account(KEEPER)))
    spot = devnet.alpha.read(int(NETUID)).price
    market = shown(megatao("market", "show", TICKER, "--json"))
    text = ok(megatao("market", "show", TICKER)).stdout
    reference = int(market["reference_price"])
    market_id = "0x" + devnet.market_id_of(TICKER).hex()
    refused = megatao(*open_args(TICKER, "short", "10", "2x", 2))
    assert_one_line_error(refused, f"openPosition would revert: OraclePriceUnavailable({market_id})")
    closed = shown(megatao("trade", "close", TICKER, *account(ATTACKER), "--json"))
    victim = shown(megatao("trade", "close", TICKER, *account(VICTIM), "--json"))
    end = devnet.wealth(ATTACKER)
    figures = (
        f"subnet 64 registered again at block {block}, new pool at {price(spot)}: market broken, reference "
        f"{price(reference)}; attacker's 60 TAO short closed at {price(int(closed['fill_price']))} for "
        f"{tao(int(closed['received']))} (20 TAO in), the victim's long at {price(int(victim['fill_price']))} for "
        f"{tao(int(victim['received']))}; attacker {tao(start)} -> {tao(end)}"
    )
    assert spot * 50 < reference, figures
    assert market["price_broken"] and "failing: no opens, closes at the reference price" in text, text
    assert int(closed["fill_price"]) >= reference and int(closed["received"]) < 20 * WAD, figures
    assert int(victim["fill_price"]) <= reference and int(victim["received"]) > 19 * WAD, figures
    assert end < start, figures
    report(figures)


# 2. A stale MTSOS EMA and a spike of the sum of alpha prices.

INDEX = "MTSOS"
#: CHUTES, LIUM, TARGON and RIDGES three times dearer: the sum of alpha prices +90% (StaleMtsosEma's CHUTES x3
#: doubles its sum).
SPIKE = {64: 3.0, 51: 3.0, 4: 3.0, 62: 3.0}


def set_pools(megatao, devnet: Attacks, reserves: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """`pool set` each pool to its reserves; returns the reserves they had."""
    before = {netuid: devnet.pool(netuid) for netuid in reserves}
    for netuid, (tao_rao, alpha_rao) in reserves.items():
        ok(megatao(*devnet.pool_set(netuid, tao_rao, alpha_rao)))
    return before


def scaled_pools(devnet: Attacks, factors: dict[int, float]) -> dict[int, tuple[int, int]]:
    """The reserves that put each pool's price at `factor` times what it is."""
    scaled = {}
    for netuid, factor in factors.items():
        tao_rao, alpha_rao = devnet.pool(netuid)
        root = Decimal(math.sqrt(factor))
        scaled[netuid] = (int(tao_rao * root), int(alpha_rao / root))
    return scaled


def spiked_update(megatao, devnet: Attacks, reserves: dict[int, tuple[int, int]]) -> tuple[int, dict]:
    """The attacker's spike for one reading: the pools set, `oracle update` (it signs as devnet:0; anyone may
    update), the pools restored. Returns the spiked sum and the update's JSON."""
    restore = set_pools(megatao, devnet, reserves)
    spiked = int(shown(megatao("pool", "list", "--json"))["sum_alpha_price"])
    updated = shown(megatao("oracle", "update", "--json"))
    set_pools(megatao, devnet, restore)
    return spiked, updated


def test_stale_mtsos_spike_moves_the_ema_little_and_liquidates_no_short(megatao, devnet):
    """StaleMtsosEma's attack: a 5x MTSOS short (liquidatable ~9% above its entry) is open; the oracle goes a day
    without an update; the attacker raises the sum of alpha prices 90% for one reading and updates. The update weighs,
    of the reading held since the last update and its own, the one nearer the EMA (the held one), for at most the 1 h
    cap: the EMA does not move. Three days later the pools are long restored: the next update weighs, of the held
    spike and its own reading, the restored one, and the EMA does not move (at most one hour of the spike, 0.59% of its
    distance, had the pools stayed pushed); the liquidation (which refreshes the oracle first) is refused. Issue 15:
    +4.4% after 24 h, +10.6% after 72 h, every 5x short liquidated."""
    ok(megatao(*open_args(INDEX, "short", "20", "5x", VICTIM)))
    start = devnet.wealth(ATTACKER)
    ema = int(shown(megatao("oracle", "show", "--json"))["ema"])
    ok(megatao("devnet", "advance", "1d"))
    spiked, updated = spiked_update(megatao, devnet, scaled_pools(devnet, SPIKE))
    ok(megatao("devnet", "advance", "3d"))
    held = shown(megatao("oracle", "show", "--json"))
    refused = megatao("trade", "liquidate", address(VICTIM), INDEX, *account(ATTACKER))
    after = shown(megatao("oracle", "update", "--json"))
    shorts = shown(megatao("trade", "positions", address(VICTIM), "--json"))
    moved = int(after["ema"]) - ema
    bound = (spiked - ema) * 3600 // (3600 + 604_800) + 1
    end = devnet.wealth(ATTACKER)
    figures = (
        f"stale MTSOS, sum {price(ema)} -> {price(spiked)} for one reading after a day: the update weighed "
        f"{price(int(updated['weighed']))} for {updated['weighed_seconds']} s, EMA {price(ema)} -> "
        f"{price(int(updated['ema']))}; held 3 days more, weighed {after['weighed_seconds']} s: EMA -> "
        f"{price(int(after['ema']))} (+{Decimal(moved) / ema:.3%}, bound {tao(bound)}); the 5x short liquidates at "
        f"{price(int(shorts[0]['liquidation_price']))}, {shorts[0]['liquidation_status']}; attacker {tao(start)} -> "
        f"{tao(end)}"
    )
    assert spiked > ema * 18 // 10, figures
    assert int(updated["ema"]) == ema and int(updated["held_spot"]) == spiked, figures
    assert held["preview"]["weighed_seconds"] == 3600, held
    assert_one_line_error(refused, "liquidate would revert: NotLiquidatable")
    assert after["weighed_seconds"] == 3600 and 0 <= moved <= bound and moved * 100 < ema, figures
    assert shorts[0]["liquidation_status"] == "healthy", figures
    assert end == start, figures
    report(figures)


def test_mtsos_open_is_refused_while_the_oracle_is_older_than_its_max_age(megatao, devnet):
    """The protocol refreshes the MTSOS oracle before every MTSOS trade, so the oracle grows older than its max age
    (15 min) only while the sum of alpha prices cannot be read: every pool priced at zero here. `oracle update` is
    refused, and after 16 minutes so is an MTSOS open (the market is broken); the short opened before closes at the
    EMA."""
    ok(megatao(*open_args(INDEX, "short", "20", "5x", VICTIM)))
    ema = int(shown(megatao("oracle", "show", "--json"))["ema"])
    pools = shown(megatao("pool", "list", "--json"))["pools"]
    set_pools(megatao, devnet, {pool["netuid"]: (int(pool["tao_in_pool_rao"]), 0) for pool in pools})
    assert shown(megatao("pool", "list", "--json"))["sum_alpha_price"] == "0"
    assert_one_line_error(megatao("oracle", "update"), "SumAlphaPriceZero")
    ok(megatao("devnet", "advance", "16m"))
    stale = shown(megatao("oracle", "show", "--json"))
    market = shown(megatao("market", "show", INDEX, "--json"))
    refused = megatao(*open_args(INDEX, "long", "10", "2x", ATTACKER))
    market_id = "0x" + devnet.market_id_of(INDEX).hex()
    assert_one_line_error(refused, f"openPosition would revert: OraclePriceUnavailable({market_id})")
    closed = shown(megatao("trade", "close", INDEX, *account(VICTIM), "--json"))
    figures = (
        f"MTSOS oracle {stale['age']} s old (max age 900 s), sum unreadable: open refused, market broken; the short "
        f"closed at {price(int(closed['fill_price']))} (EMA {price(ema)}) for {tao(int(closed['received']))}"
    )
    assert stale["age"] > 900 and int(stale["ema"]) == ema, figures
    assert market["price_broken"], market
    assert ema <= int(closed["fill_price"]) <= ema * 1002 // 1000, figures
    report(figures)


# The largest spikes, left for an hour without an update or an MTSOS trade. Under the earlier rule (the held reading
# weighed alone) one reading with every pool's price just under 1 TAO (the sum counts prices below 1 TAO: 28-fold)
# moved the EMA 15.9% and liquidated a healthy 5x short, and every pool ten times dearer paid a 5x long 4.4 TAO on 20.
# The pushes are free here (`pool set`); on Bittensor each pool's push costs its swap fees both ways.


def every_pool_at(devnet: Attacks, megatao, factor: float | None) -> dict[int, tuple[int, int]]:
    """Each pool's reserves for a price `factor` times its own, or just under 1 TAO (0.99) when `factor` is None."""
    pools = shown(megatao("pool", "list", "--json"))["pools"]
    if factor is None:
        alpha = {pool["netuid"]: int(pool["alpha_in_pool_rao"]) for pool in pools}
        return {netuid: (rao * 99 // 100, rao) for netuid, rao in alpha.items()}
    return scaled_pools(devnet, {pool["netuid"]: factor for pool in pools})


def test_a_spike_at_its_largest_left_for_an_hour_liquidates_no_5x_short(megatao, devnet):
    """A healthy 5x MTSOS short; the attacker sets every pool just under 1 TAO for one reading and updates, and
    nobody touches the oracle or the market for an hour; then it pokes MTSOS and, a block later, tries to liquidate
    the short. Found by this test under the earlier rule (the held reading weighed alone): the EMA rose 15.9% and the
    short was liquidated. Now the update weighs, of the held spike and its own restored reading, the one nearer the
    EMA: the spike counts for nothing (docs/protocol.md section 4)."""
    ok(megatao(*open_args(INDEX, "short", "20", "5x", VICTIM)))
    start = devnet.wealth(ATTACKER)
    ema = int(shown(megatao("oracle", "show", "--json"))["ema"])
    spiked, _updated = spiked_update(megatao, devnet, every_pool_at(devnet, megatao, None))
    ok(megatao("devnet", "advance", "1h"))
    ok(megatao("market", "poke", INDEX, *account(ATTACKER)))
    ok(megatao("devnet", "advance", "12"))
    after = int(shown(megatao("oracle", "show", "--json"))["ema"])
    short = shown(megatao("trade", "positions", address(VICTIM), "--json"))[0]
    liquidated = megatao("trade", "liquidate", address(VICTIM), INDEX, *account(ATTACKER))
    end = devnet.wealth(ATTACKER)
    figures = (
        f"largest held spike: sum {price(ema)} -> {price(spiked)} for one reading, an hour later the EMA "
        f"{price(ema)} -> {price(after)} (+{Decimal(after - ema) / ema:.2%}); the 5x short (liquidation price "
        f"{price(int(short['liquidation_price']))}) is {short['liquidation_status']}, `trade liquidate` exit "
        f"{liquidated.code}; attacker {tao(start)} -> {tao(end)} ({tao(end - start)})"
    )
    report(figures)
    assert short["liquidation_status"] == "healthy", figures
    assert_one_line_error(liquidated, "liquidate would revert: NotLiquidatable")
    assert end <= start, figures


def test_a_spike_of_ten_times_the_sum_left_for_an_hour_pays_no_mtsos_long(megatao, devnet):
    """The attacker opens a 5x MTSOS long, sets every pool ten times dearer for one reading and updates; nobody
    touches the oracle or the market for an hour; it pokes MTSOS and closes a block later. Under the earlier rule the
    EMA weighed the spike for the 1 h cap and the close paid 24.41 TAO for 20; now the spike, gone by the poke, counts
    for nothing and the attacker ends with less."""
    start = devnet.wealth(ATTACKER)
    opened = shown(megatao(*open_args(INDEX, "long", "20", "5x", ATTACKER)))
    spiked, _updated = spiked_update(megatao, devnet, every_pool_at(devnet, megatao, 10.0))
    ok(megatao("devnet", "advance", "1h"))
    ok(megatao("market", "poke", INDEX, *account(ATTACKER)))
    ok(megatao("devnet", "advance", "12"))
    closed = shown(megatao("trade", "close", INDEX, *account(ATTACKER), "--json"))
    end = devnet.wealth(ATTACKER)
    figures = (
        f"held spike x10: sum -> {price(spiked)} for one reading; the 5x long opened at "
        f"{price(int(opened['entry_price']))} (fee {tao(int(opened['fee']))}, impact {tao(int(opened['impact']))}), "
        f"closed an hour later at {price(int(closed['fill_price']))} for {tao(int(closed['received']))} (20 TAO in); "
        f"attacker {tao(start)} -> {tao(end)} ({tao(end - start)})"
    )
    report(figures)
    assert end < start, figures
