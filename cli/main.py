"""The `megatao` command: a thin front end over the governance library."""

from __future__ import annotations

import click

from cli.account import account
from cli.base import Group, example
from cli.devnet import devnet
from cli.lp import lp
from cli.market import market
from cli.network import network
from cli.oracle import oracle
from cli.pool import pool
from cli.proposal import proposal
from cli.referral import referral
from cli.simulate import simulate
from cli.trade import trade
from cli.upgrade import upgrade
from cli.vote import vote
from megatao import __version__


@click.group(
    cls=Group,
    epilog=example("megatao devnet up", "megatao market list", "megatao devnet advance 2d", "megatao devnet down"),
)
@click.version_option(__version__, prog_name="megatao")
def cli() -> None:
    """MegaTAO: govern the perpetual exchange for Bittensor subnet Alpha tokens.

    Run a local devnet with the protocol deployed; inspect markets, subnet pools and networks.
    """


proposal.add_command(simulate)
for group in (account, devnet, lp, market, network, oracle, pool, proposal, referral, trade, upgrade, vote):
    cli.add_command(group)


def main() -> None:
    cli(prog_name="megatao")
