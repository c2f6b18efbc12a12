"""`megatao referral`: register a referral code, bind to a referrer, show an account or a code, claim rewards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from cli.base import Group, example, out, print_json
from cli.options import account_option, json_option, lookup_account_option, network_options, signer_for
from megatao.core.units import format_fraction, format_tao
from megatao.node.networks import resolve_endpoint


@click.group(
    cls=Group,
    epilog=example("megatao referral register ALICE_2026 --account alice", "megatao referral show ALICE_2026"),
)
def referral() -> None:
    """The referral program: codes, referrers, discounts and rewards (paid in TAO, claimed)."""


def _referral(network: str | None, rpc_url: str | None):
    from megatao.clients.protocol import Protocol
    from megatao.clients.referral import Referral
    from megatao.node.chain import Chain

    return Referral(Protocol(Chain(resolve_endpoint(network, rpc_url))))


def _time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@referral.command("register", epilog=example("megatao referral register ALICE_2026 --account alice"))
@click.argument("code")
@account_option
@network_options
@json_option
def register(
    code: str, account: str, password_file: Path | None, network: str | None, rpc_url: str | None, as_json: bool
) -> None:
    """Register CODE as your referral code (3-32 characters A-Z, 0-9, _; case-insensitive). One code per account;
    traders who bind to it earn you your tier's share of their taker fees."""
    from megatao.clients.referral import code_text, parse_code

    parse_code(code)  # a malformed code fails before any password prompt
    sender = signer_for(account, password_file)
    registered = _referral(network, rpc_url).register(code, sender)
    if as_json:
        print_json({"code": code_text(registered), "owner": sender.address})
        return
    out.print(f"registered {code_text(registered)} for {sender.address}")


@referral.command("bind", epilog=example("megatao referral bind ALICE_2026 --account bob"))
@click.argument("code")
@account_option
@network_options
@json_option
def bind(
    code: str, account: str, password_file: Path | None, network: str | None, rpc_url: str | None, as_json: bool
) -> None:
    """Take the owner of CODE as your referrer: once and for good. Your discount starts at your next trade."""
    from megatao.clients.referral import parse_code

    parse_code(code)
    sender = signer_for(account, password_file)
    referrer = _referral(network, rpc_url).bind(code, sender)
    if as_json:
        print_json({"account": sender.address, "referrer": referrer, "referrer_code": code.upper()})
        return
    out.print(f"{sender.address} is referred by {referrer} ({code.upper()})")


@referral.command(
    "show",
    epilog=example("megatao referral show ALICE_2026", "megatao referral show --account bob --json"),
)
@click.argument("target", required=False, metavar="[ADDRESS|CODE]")
@lookup_account_option("Show this keystore account (instead of ADDRESS|CODE).")
@network_options
@json_option
def show(
    target: str | None,
    account: str | None,
    password_file: Path | None,
    network: str | None,
    rpc_url: str | None,
    as_json: bool,
) -> None:
    """An account's code, tier, referrer, discount and rewards; given a CODE, its owner's."""
    from megatao.core.errors import InputError

    if (target is None) == (account is None):
        raise InputError("name one account: ADDRESS or CODE, or --account NAME")
    program = _referral(network, rpc_url)
    address = program.resolve(target) if target else signer_for(account, password_file).address
    a = program.account(address)
    if as_json:
        print_json(a.as_json())
        return
    rows = [
        ("address", a.address),
        ("code", f"{a.code} (tier {a.tier} {a.tier_name})".rstrip() if a.code else "none"),
        ("builder", "registered" if a.builder else "no"),
        ("rewards", f"{format_tao(a.rewards, 9)} ({format_tao(a.claimable, 9)} claimable)"),
        ("referrer", f"{a.referrer} ({a.referrer_code})" if a.referrer else "none"),
    ]
    if a.referrer:
        if a.first_trade_at:
            ends = _time(a.discount_ends_at)
            rows.append(("discount", f"{format_fraction(a.discount_now)} of the taker fee, until {ends}"))
        else:
            rows.append(("discount", f"{format_fraction(a.discount_now)} of the taker fee, from the first trade"))
    for key, value in rows:
        out.print(f"{key:>10}  {value}")


@referral.command("claim", epilog=example("megatao referral claim --account alice"))
@account_option
@network_options
@json_option
def claim(account: str, password_file: Path | None, network: str | None, rpc_url: str | None, as_json: bool) -> None:
    """Claim your referral and builder rewards: sent to your account in whole rao (the rest stays accrued)."""
    sender = signer_for(account, password_file)
    amount = _referral(network, rpc_url).claim(sender)
    if as_json:
        print_json({"account": sender.address, "amount": str(amount)})
        return
    out.print(f"claimed {format_tao(amount, 9)} to {sender.address}")


if __name__ == "__main__":
    referral(prog_name="megatao referral")
