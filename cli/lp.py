"""`megatao lp`: the vault's LPs: status, deposit, withdrawal requests and claims."""

from __future__ import annotations

from pathlib import Path

import click

from cli.base import Group, example, out, print_json
from cli.options import account_option, json_option, lookup_account_option, network_options, signer_for
from megatao.core.units import format_tao, parse_tao
from megatao.node.networks import resolve_endpoint


@click.group(
    cls=Group, epilog=example("megatao lp status --address 0xf39F...2266", "megatao lp deposit 100 --account devnet:1")
)
def lp() -> None:
    """The vault's LPs: deposit TAO for LP shares in the deposit window, request a withdrawal in the withdrawal
    window, claim it in the next epoch's withdrawal window."""


def _lp(network: str | None, rpc_url: str | None):
    from megatao.clients.lp import Lp
    from megatao.node.chain import Chain

    return Lp(Chain(resolve_endpoint(network, rpc_url)))


@lp.command(
    "status",
    epilog=example(
        "megatao lp status --account devnet:1",
        "megatao lp status --address 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 --json",
    ),
)
@click.option("--address", metavar="ADDRESS", help="The LP whose shares and request to show (no signing needed).")
@lookup_account_option("Or a keystore account / devnet:N, for its address.")
@network_options
@json_option
def status(
    address: str | None,
    account: str | None,
    password_file: Path | None,
    network: str | None,
    rpc_url: str | None,
    as_json: bool,
) -> None:
    """The epoch, which window is open and when the next opens, the share values, utilization, the deposit caps,
    and an account's LP shares and withdrawal request."""
    from megatao.clients.lp import format_cap, format_shares, utilization_text

    if address is None and account is not None:
        address = signer_for(account, password_file).address
    s = _lp(network, rpc_url).status(address or "0x0000000000000000000000000000000000000000")
    if as_json:
        print_json(s.to_json())
        return
    rows = [
        ("epoch", f"{s.epoch} (from {s.epoch_start} to {s.epoch_end})"),
        ("deposit window", s.window_line("deposit")),
        ("withdrawal window", s.window_line("withdrawal")),
        ("share value", f"deposit {format_tao(s.deposit_share_value, 9)}, withdrawal "
         f"{format_tao(s.withdrawal_share_value, 9)} per share"),
        ("LP equity", f"{format_tao(max(s.withdrawal_equity, 0))} at the withdrawal value; "
         f"{format_shares(s.total_shares)} shares"),
        ("reserves", format_tao(s.reserves)),
        ("utilization", utilization_text(s)),
        ("deposit caps", f"per account {format_cap(s.account_deposit_cap)}, global {format_cap(s.global_deposit_cap)}"),
    ]  # fmt: skip
    if address is not None:
        rows += [
            ("account", address),
            ("shares", f"{format_shares(s.shares)} (worth {format_tao(s.shares_value)} at the withdrawal value)"),
            ("request", s.request_line()),
        ]
    for key, text in rows:
        out.print(f"{key:>18}  {text}")


@lp.command(
    "deposit",
    epilog=example("megatao lp deposit 100 --account devnet:1", "megatao lp deposit '2.5 TAO' --account alice --json"),
)
@click.argument("amount")
@account_option
@network_options
@json_option
def deposit(amount: str, account: str, password_file, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Deposit AMOUNT TAO into the vault for LP shares at the deposit value (in the deposit window only)."""
    from megatao.clients.lp import format_shares

    wei = parse_tao(amount)
    result = _lp(network, rpc_url).deposit(signer_for(account, password_file), wei)
    if as_json:
        print_json({"transaction": result.tx_hash, "amount": str(result.amount), "shares": str(result.shares)})
        return
    out.print(f"deposited {format_tao(result.amount)} for {format_shares(result.shares)} shares ({result.tx_hash})")


@lp.command(
    "request-withdrawal",
    epilog=example(
        "megatao lp request-withdrawal 50 --account devnet:1", "megatao lp request-withdrawal all --account alice"
    ),
)
@click.argument("shares")
@account_option
@network_options
@json_option
def request_withdrawal(
    shares: str, account: str, password_file, network: str | None, rpc_url: str | None, as_json: bool
) -> None:
    """Request the withdrawal of SHARES LP shares (a number, or 'all'), in the withdrawal window: the shares go into
    escrow and are claimable in the next epoch's withdrawal window (missed, the request is void)."""
    from megatao.clients.lp import format_shares

    result = _lp(network, rpc_url).request_withdrawal(signer_for(account, password_file), shares)
    if as_json:
        print_json({"transaction": result.tx_hash, "shares": str(result.shares)})
        return
    out.print(
        f"requested {format_shares(result.shares)} shares; claim them in the next epoch's withdrawal window with "
        f"`megatao lp claim` ({result.tx_hash})"
    )


@lp.command("claim", epilog=example("megatao lp claim --account devnet:1", "megatao lp claim --account alice --json"))
@account_option
@network_options
@json_option
def claim(account: str, password_file, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Claim the account's withdrawal request at the withdrawal value now (or take back the shares of a void one).
    When paying it would raise utilization above the limit, the claim waits: retry while the window is open."""
    from megatao.clients.lp import format_shares

    result, outcome = _lp(network, rpc_url).claim(signer_for(account, password_file))
    if as_json:
        print_json(
            {
                "transaction": result.tx_hash,
                "outcome": outcome,
                "amount": str(result.amount),
                "shares": str(result.shares),
            }
        )
        return
    if outcome == "released":
        out.print(f"the request was void: {format_shares(result.shares)} shares returned ({result.tx_hash})")
    else:
        out.print(f"claimed {format_tao(result.amount)} for {format_shares(result.shares)} shares ({result.tx_hash})")
