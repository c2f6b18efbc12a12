"""The devnet's pool seed file: the launch subnets of docs/protocol.md, listing candidates, and checked input."""

from decimal import Decimal

import pytest

from megatao.clients.pools import load_pool_seeds
from megatao.core.errors import InputError

LAUNCH_MARKETS = {
    "CHUTES": 64,
    "LIUM": 51,
    "RIDGES": 62,
    "TARGON": 4,
    "VANTA": 8,
    "AFFINE": 120,
    "TEMPLAR": 3,
    "SCORE": 44,
    "IOTA": 9,
    "GRADIENTS": 56,
    "HIPPIUS": 75,
    "BITMIND": 34,
}
TYPICAL_LIQUIDITY_THRESHOLD_TAO = Decimal(10_000)


def test_seeds_hold_the_twelve_launch_markets_of_the_protocol():
    seeds = load_pool_seeds()
    launch = {s.ticker: s.netuid for s in seeds if s.role == "launch"}
    assert launch == LAUNCH_MARKETS
    assert all(s.tao >= TYPICAL_LIQUIDITY_THRESHOLD_TAO for s in seeds if s.role == "launch")


def test_seeds_hold_candidates_including_netuid_19_and_a_thin_pool():
    seeds = load_pool_seeds()
    candidates = {s.netuid for s in seeds if s.role == "candidate"}
    assert 19 in candidates
    thin = [s for s in seeds if s.role == "thin"]
    assert thin and all(s.tao < TYPICAL_LIQUIDITY_THRESHOLD_TAO for s in thin)
    assert not candidates & set(LAUNCH_MARKETS.values())


def test_every_seeded_price_is_below_one_tao():
    assert all(s.tao / s.alpha < 1 for s in load_pool_seeds())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "version: 1\npools:\n  - {ticker: AB, netuid: 5, tao: 1, alpha: 1, role: launch, colour: red}\n",
            "pools.0.colour: Extra inputs are not permitted",
        ),
        ("version: 1\npools:\n  - {ticker: ab, netuid: 5, tao: 1, alpha: 1, role: launch}\n", "pools.0.ticker"),
        ("version: 1\npools:\n  - {ticker: AB, netuid: 0, tao: 1, alpha: 1, role: launch}\n", "pools.0.netuid"),
        (
            "version: 1\npools:\n  - {ticker: AB, netuid: 5, tao: 1, alpha: 1, role: launch}\n"
            "  - {ticker: CD, netuid: 5, tao: 1, alpha: 1, role: launch}\n",
            "netuid 5 is seeded twice",
        ),
        ("version: 1\npools: [\n", "not valid YAML"),
    ],
)
def test_a_bad_seed_file_names_the_file_and_the_key(tmp_path, body, message):
    path = tmp_path / "pools.yaml"
    path.write_text(body)
    with pytest.raises(InputError) as raised:
        load_pool_seeds(path)
    assert str(path) in str(raised.value) or "pools.yaml" in str(raised.value)
    assert message in str(raised.value)
