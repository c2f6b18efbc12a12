"""Market parameters as written (units) and as listed on chain: the genesis file, ids, and `megatao market`."""

from __future__ import annotations

import json

import pytest

from megatao.clients.markets import load_genesis, load_genesis_markets
from megatao.core.errors import InputError
from megatao.core.units import format_fraction, parse_fraction, parse_leverage
from tests.conftest import assert_one_line_error
from tests.test_params import solidity_constants
from tests.test_pools import LAUNCH_MARKETS

WAD = 10**18
#: The contracts' genesis constants (`Constants.GENESIS_*`), which proposals/genesis/markets.yaml must restate.
GENESIS = solidity_constants()


@pytest.mark.parametrize(
    ("text", "wad"), [("10%", WAD // 10), (0.1, WAD // 10), ("0.25%", WAD // 400), ("0%", 0), ("100%", WAD)]
)
def test_parse_fraction(text, wad):
    assert parse_fraction(text) == wad


@pytest.mark.parametrize(("text", "wad"), [("3x", 3 * WAD), (3, 3 * WAD), ("2.5", 5 * WAD // 2), (" 20X", 20 * WAD)])
def test_parse_leverage(text, wad):
    assert parse_leverage(text) == wad


@pytest.mark.parametrize("text", ["ten percent", "-1%", "%", "nan"])
def test_parse_fraction_rejects(text):
    with pytest.raises(InputError, match="fraction|negative"):
        parse_fraction(text, "fraction")


def test_format_fraction_round_trips():
    assert format_fraction(parse_fraction("0.25%")) == "0.25%"


def test_genesis_markets_are_the_twelve_launch_markets_with_genesis_parameters():
    markets = load_genesis_markets()
    assert {m.ticker: m.netuid for m in markets} == LAUNCH_MARKETS
    for m in markets:
        assert m.max_leverage == 3 * WAD
        assert m.maintenance_margin == WAD // 10
        assert m.partial_liquidation_band == WAD // 20
        assert m.taker_fee == WAD // 400
        assert m.maker_fee == 0
        assert m.max_funding_rate_8h == 75 * WAD // 10_000
        assert m.min_pool_tao == 10_000 * WAD
        assert m.max_open_interest > 0
        # The price-integrity parameters take the contracts' genesis values (docs/protocol.md section 2).
        assert m.reference_period == GENESIS["Constants.GENESIS_REFERENCE_PERIOD"] == 600
        assert m.divergence_limit == GENESIS["Constants.GENESIS_DIVERGENCE_LIMIT"] == WAD // 20
        assert m.oi_depth_ratio == GENESIS["Constants.GENESIS_OI_DEPTH_RATIO"] == WAD // 20
        assert m.depth_factor == GENESIS["Constants.GENESIS_DEPTH_FACTOR"] == WAD
    (mtsos,) = load_genesis().index
    assert (mtsos.ticker, mtsos.max_leverage, mtsos.oi_depth_ratio, mtsos.min_pool_tao) == ("MTSOS", 5 * WAD, 0, 0)
    assert mtsos.divergence_limit == WAD // 20 and mtsos.depth_factor == WAD and mtsos.reference_period == 600


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("version: 1\nmarkets:\n  - {ticker: AB, netuid: 5}\n", "markets.0.max_leverage: Field required"),
        ("version: 1\ndefaults: {max_leverage: 3y}\nmarkets:\n  - {ticker: AB, netuid: 5}\n", "leverage '3y'"),
        ("version: 2\nmarkets: []\n", "version: 1"),
        ("version: 1\nmarket: []\n", "unknown key 'market'"),
    ],
)
def test_a_bad_genesis_file_names_the_file_and_the_key(tmp_path, body, message):
    path = tmp_path / "markets.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as raised:
        load_genesis_markets(path)
    assert "markets.yaml" in str(raised.value) and message in str(raised.value)


@pytest.mark.anvil
def test_market_list_and_show_on_the_devnet(cli, shared_devnet):
    listed = json.loads(cli("market", "list", "--json").stdout)
    genesis = {m.ticker: m for m in [*load_genesis().alpha, *load_genesis().index]}
    assert [m["ticker"] for m in listed] == list(genesis)
    for m in listed:
        expected = genesis[m["ticker"]]
        assert m["market_id"] == "0x" + expected.market_id.hex()
        assert m["status"] == "active"
        assert [int(value) for value in m["params"].values()] == list(expected.as_tuple())
    chutes = next(m for m in listed if m["ticker"] == "CHUTES")
    assert chutes["price"] == str(80_000_000_000_000_000)  # 150,000 TAO / 1,875,000 alpha
    assert chutes["pool_tao"] == str(150_000 * WAD)

    table = cli("market", "list")
    assert table.code == 0 and "BITMIND" in table.stdout and "0.080000000" in table.stdout
    show = cli("market", "show", "chutes")
    assert show.code == 0 and "alpha, subnet 64" in show.stdout
    assert_one_line_error(cli("market", "show", "CHUTEZ"), "no market 'CHUTEZ'", "did you mean 'CHUTES'")


@pytest.mark.anvil
def test_mtsos_is_listed_at_genesis_and_shows_spot_ema_gap_and_age(cli, shared_devnet):
    from megatao.clients.oracle import next_ema

    mtsos = json.loads(cli("market", "show", "MTSOS", "--json").stdout)
    assert mtsos["kind"] == "index" and mtsos["status"] == "active"
    assert mtsos["params"]["max_leverage"] == str(5 * WAD) and mtsos["params"]["maintenance_margin"] == str(WAD // 10)
    assert mtsos["params"]["min_pool_tao"] == "0" and mtsos["params"]["reference_period"] == 600
    # The devnet's 15 pools sum to 0.533000008 TAO; the oracle's deployment read it: the EMA and the held reading.
    genesis = 533_000_008 * 10**9
    index = mtsos["index"]
    assert index["spot"] == index["ema"] == index["held_spot"] == mtsos["price"] == str(genesis)
    assert index["gap_percent"] == 0 and index["max_elapsed"] == 3600
    # CHUTES doubles in price: the spot jumps, the EMA waits for an update.
    assert cli("pool", "set", "64", "--tao", "150000", "--alpha", "937500").code == 0
    assert cli("devnet", "advance", "1h").code == 0
    moved = json.loads(cli("market", "show", "MTSOS", "--json").stdout)["index"]
    assert int(moved["spot"]) == 613_000_008 * 10**9 and int(moved["ema"]) == genesis
    assert moved["gap_percent"] > 14 and moved["age"] >= 3600
    # The update weighs the reading held since the deployment (the EMA's own): no move; it holds the new sum.
    assert cli("oracle", "update").code == 0
    held = json.loads(cli("market", "show", "MTSOS", "--json").stdout)["index"]
    assert int(held["ema"]) == genesis and int(held["held_spot"]) == 613_000_008 * 10**9 and held["age"] < 3600
    # The next one, an hour later, weighs that hour of the new sum: the EMA moves a little.
    assert cli("devnet", "advance", "1h").code == 0
    assert cli("oracle", "update").code == 0
    after = json.loads(cli("market", "show", "MTSOS", "--json").stdout)["index"]
    assert genesis < int(after["ema"]) < genesis * 1.001
    assert int(after["ema"]) == next_ema(genesis, 613_000_008 * 10**9, 3600), "at least an hour: the cap, to the wei"
    text = cli("market", "show", "MTSOS").stdout
    assert "price (EMA)" in text and "spot" in text and "gap" in text and "last update" in text
    assert "held reading" in text and "at most 3600 s" in text


@pytest.mark.anvil
def test_reverts_are_reported_with_their_custom_error(shared_devnet):
    from web3.exceptions import ContractCustomError

    from megatao.clients.protocol import Protocol
    from megatao.core.errors import TransactionError
    from megatao.node.accounts import dev_account
    from megatao.node.chain import Chain
    from megatao.node.deployments import read_deployment
    from megatao.node.networks import resolve_endpoint
    from megatao.node.reverts import describe_revert

    protocol = Protocol(Chain(resolve_endpoint("devnet")))
    chutes = load_genesis_markets()[0]
    deployer = dev_account(0)
    # The deployer handed the protocol over to the timelock: it may not list anything any more.
    with pytest.raises(TransactionError, match=f"OwnableUnauthorizedAccount\\({deployer.address}\\)"):
        protocol.chain.transact(protocol.contract.functions.listMarket(chutes.listing()), deployer)
    # The timelock may, but not a market listed already.
    timelock = read_deployment(31337)["contracts"]["MegaTAOTimelock"]["address"]
    with pytest.raises(ContractCustomError) as raised:
        protocol.contract.functions.listMarket(chutes.listing()).call({"from": timelock})
    described = describe_revert(raised.value.data, protocol.contract.abi)
    assert described == f"MarketAlreadyListed(0x{chutes.market_id.hex()})"
