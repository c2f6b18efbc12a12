"""What tests/test_attacks_prices.py and tests/test_attacks_lp_rally_guardians.py share: issue 15's attacks through
the CLI on a devnet (docs/protocol.md sections 3, 3a, 4, 5, 7 and 9), as tests/test_attacks.py replays the pool
pushes. The `megatao` fixture (tests/test_attacks.py's, commands in this process), the `devnet` fixture (node-client
reads for any market and pool, the vault's books, and the one-off writes no command makes), and the trade and
epoch steps both modules take.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pytest

from megatao.node.accounts import dev_account
from tests import test_attacks
from tests.conftest import Run
from tests.test_attacks import Devnet, account, ok

#: `megatao ARGS` in this process (tests/test_attacks.py's fixture).
megatao = test_attacks.megatao
RAO = 10**9


def shown(run: Run) -> dict | list:
    """A command's `--json` output."""
    return json.loads(ok(run).stdout)


def address(index: int) -> str:
    return dev_account(index).address


class Attacks(Devnet):
    """Devnet reads (the node client, never for trades) for any market and pool, the vault's books, and the one-off
    writes no command makes."""

    def pool(self, netuid: int) -> tuple[int, int]:
        reading = self.alpha.read(netuid)
        return reading.tao_in_rao, reading.alpha_in_rao

    @staticmethod
    def pool_set(netuid: int, tao_rao: int, alpha_rao: int) -> tuple[str, ...]:
        """`megatao pool set` args for these reserves (in rao)."""
        return (
            "pool",
            "set",
            str(netuid),
            "--tao",
            str(Decimal(tao_rao) / RAO),
            "--alpha",
            str(Decimal(alpha_rao) / RAO),
        )

    def scaled(self, netuid: int, factor: float, reserves: tuple[int, int] | None = None) -> tuple[str, ...]:
        """`pool set` moving a constant-product pool so its price is `factor` times what it is (or was, at
        `reserves`)."""
        tao_rao, alpha_rao = reserves or self.pool(netuid)
        root = Decimal(math.sqrt(factor))
        return self.pool_set(netuid, int(tao_rao * root), int(alpha_rao / root))

    def market_id_of(self, ticker: str) -> bytes:
        return self.protocol.market_by_ticker(ticker).market_id

    def position_in(self, index: int, ticker: str) -> dict:
        info = self.protocol.contract.functions.position(address(index), self.market_id_of(ticker)).call()
        keys = ("size", "entry", "notional", "margin", "funding", "interest", "mark", "spot", "pnl", "equity")
        return dict(zip(keys, info[3:13], strict=True))

    def vault(self) -> dict:
        """The vault's books (`vaultTotals`) and the TAO the protocol holds."""
        totals = self.protocol.contract.functions.vaultTotals().call()
        keys = ("reserves", "insurance", "margins", "claims", "referral")
        books = dict(zip(keys, totals[:5], strict=True))
        return books | {"owed": sum(books.values()), "balance": self.w3.eth.get_balance(self.protocol.address)}

    def now(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]


@pytest.fixture
def devnet(shared_devnet) -> Attacks:
    return Attacks(shared_devnet.rpc_url)


def open_args(ticker: str, side: str, margin: str, leverage: str, index: int, *options: str) -> tuple[str, ...]:
    return (
        "trade",
        "open",
        ticker,
        side,
        "--margin",
        margin,
        "--leverage",
        leverage,
        *options,
        *account(index),
        "--json",
    )


LP = 6
KEEPER = 3


def to_next_epoch(megatao) -> dict:
    """`devnet advance` into the next epoch's windows (12 s in); returns `lp status` there."""
    status = shown(megatao("lp", "status", "--json"))
    ok(megatao("devnet", "advance", str(status["epoch_end"] - status["now"] + 12)))
    return shown(megatao("lp", "status", "--json"))
