"""`megatao pool`: subnet pools as the Alpha precompile reports them, and setting them on an emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from rich.table import Table

from cli.base import Group, example, out, print_json
from cli.options import json_option, network_options
from megatao.core.units import WEI_PER_RAO, WEI_PER_TAO, parse_tao
from megatao.node.networks import resolve_endpoint

if TYPE_CHECKING:
    from megatao.clients.pools import AlphaPrecompile, PoolSeed

RAO_PER_UNIT = WEI_PER_TAO // WEI_PER_RAO


@click.group(cls=Group, epilog=example("megatao pool list"))
def pool() -> None:
    """Subnet pools read from the Alpha precompile at 0x...0808 (real or emulated)."""


def pools_table(alpha: AlphaPrecompile, seeds: list[PoolSeed]) -> Table:
    table = Table("ticker", "netuid", "role", "price (TAO)", "TAO in pool", "alpha in pool", title="Subnet pools")
    for row in alpha.pool_rows(seeds):
        table.add_row(
            row.ticker or "-",
            str(row.reading.netuid),
            row.role or "-",
            f"{row.reading.price / 10**18:.9f}",
            f"{row.reading.tao_in_rao / RAO_PER_UNIT:,.0f}",
            f"{row.reading.alpha_in_rao / RAO_PER_UNIT:,.0f}",
        )
    return table


@pool.command("list", epilog=example("megatao pool list", "megatao pool list --network bittensor --json"))
@network_options
@json_option
def list_pools(network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Price and reserves of each subnet pool, and the sum of alpha prices (the MTSOS input)."""
    from megatao.clients.pools import AlphaPrecompile, load_pool_seeds
    from megatao.node.chain import Chain

    alpha = AlphaPrecompile(Chain(resolve_endpoint(network, rpc_url)))
    seeds = load_pool_seeds()
    total = alpha.sum_alpha_price()
    if as_json:
        print_json({"pools": [row.as_json() for row in alpha.pool_rows(seeds)], "sum_alpha_price": str(total)})
        return
    out.print(pools_table(alpha, seeds))
    out.print(f"sum of alpha prices below 1 TAO: {total / 10**18:.9f} TAO")


@pool.command("set", epilog=example("megatao pool set 19 --tao 12000 --alpha 400000"))
@click.argument("netuid", type=click.IntRange(0, 65535))
@click.option("--tao", "tao", required=True, help="TAO reserve, e.g. 12000 or '12000 TAO'.")
@click.option("--alpha", "alpha_amount", required=True, help="Alpha reserve, e.g. 400000.")
@network_options
@json_option
def set_pool(netuid: int, tao: str, alpha_amount: str, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Set a subnet's pool reserves on the emulator (devnet or fork only), as the first dev account."""
    from megatao.clients.pools import AlphaPrecompile
    from megatao.node.accounts import dev_account
    from megatao.node.chain import Chain

    tao_rao = parse_tao(tao, "--tao") // WEI_PER_RAO
    alpha_rao = parse_tao(alpha_amount, "--alpha") // WEI_PER_RAO
    alpha = AlphaPrecompile(Chain(resolve_endpoint(network, rpc_url)))
    receipt = alpha.set_pool(netuid, tao_rao, alpha_rao, dev_account(0))
    reading = alpha.read(netuid)
    if as_json:
        print_json(
            {
                "netuid": netuid,
                "price": str(reading.price),
                "tao_in_pool_rao": str(reading.tao_in_rao),
                "alpha_in_pool_rao": str(reading.alpha_in_rao),
                "block": receipt["blockNumber"],
            }
        )
        return
    out.print(
        f"subnet {netuid}: {reading.tao_in:,} TAO against {alpha_rao / RAO_PER_UNIT:,} alpha, "
        f"price {reading.price_tao} TAO (block {receipt['blockNumber']})"
    )
