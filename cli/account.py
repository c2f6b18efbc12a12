"""`megatao account`: keystores shared with `cast wallet`, and the devnet's accounts."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from cli.base import Group, err, example, out, print_json
from cli.options import FILE, json_option, password_file_option, signer_for
from megatao.core.paths import display
from megatao.node.keystores import (
    DEVNET_PREFIX,
    AccountInfo,
    check_new_account_name,
    check_new_password,
    create_account,
    dev_index_of,
    import_account,
    keystore_dir,
    list_accounts,
    parse_private_key,
    read_password_file,
    read_private_key_file,
)


def _new_password(password_file: Path | None) -> str:
    if password_file is not None:
        return check_new_password(read_password_file(password_file))
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _report_created(info: AccountInfo, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(info.to_json())
        return
    out.print(f"{verb} account '{info.name}' with address {info.address} in {display(info.path)}")


@click.group(cls=Group, epilog=example("megatao account new alice", "megatao account list"))
def account() -> None:
    """Signing accounts: encrypted keystores shared with Foundry's `cast wallet`, and the devnet's funded accounts.

    Keystores are the files of ~/.foundry/keystores (override: $MEGATAO_KEYSTORE_DIR), one per account, named after
    it. The devnet's accounts are devnet:0..devnet:9; their keys are public, never use them on a real chain.
    """


@account.command(
    "new",
    epilog=example("megatao account new alice", "megatao account new bob --password-file ~/.secrets/bob-password"),
)
@click.argument("name")
@password_file_option("Read the new password from FILE instead of asking for it twice")
@json_option
def new_account(name: str, password_file: Path | None, as_json: bool) -> None:
    """Create a new random key in an encrypted keystore named NAME (refuses to overwrite an existing one).

    The password is asked for twice, hidden, unless given with --password-file. The key is never printed.
    """
    check_new_account_name(name)
    _report_created(create_account(name, _new_password(password_file)), "created", as_json)


@account.command(
    "import",
    epilog=example(
        "megatao account import alice",
        "megatao account import bob --private-key-file key.txt --password-file bob-password",
    ),
)
@click.argument("name")
@click.option(
    "--private-key-file",
    type=FILE,
    metavar="FILE",
    help="Read the private key (64 hex digits, 0x optional) from FILE instead of asking for it.",
)
@password_file_option("Read the new password from FILE instead of asking for it twice")
@json_option
def import_account_command(name: str, private_key_file: Path | None, password_file: Path | None, as_json: bool) -> None:
    """Encrypt an existing private key into a keystore named NAME (refuses to overwrite an existing one).

    The key is asked for hidden unless given with --private-key-file (never as an argument, which shells record);
    then the password, twice, unless given with --password-file.
    """
    check_new_account_name(name)
    if private_key_file is not None:
        key = read_private_key_file(private_key_file)
    else:
        key = parse_private_key(click.prompt("Private key", hide_input=True))
    info = import_account(name, key, _new_password(password_file))
    index = dev_index_of(info.address)
    if index is not None:
        err.print(
            f"warning: this is the key of {DEVNET_PREFIX}{index}, which everyone knows; never use it on a real chain"
        )
    _report_created(info, "imported", as_json)


@account.command("list", epilog=example("megatao account list", "megatao account list --json"))
@json_option
def list_accounts_command(as_json: bool) -> None:
    """Keystore accounts (name, address, file) and the devnet's accounts (name, address, index); no password needed.

    Keystores made by cast do not store their address: it shows as unknown until decrypted.
    """
    accounts = list_accounts()
    if as_json:
        print_json({"keystore_dir": str(keystore_dir()), "accounts": [info.to_json() for info in accounts]})
        return
    table = Table("name", "address", "index", "note", title="Accounts", caption=f"keystores in {keystore_dir()}")
    for info in accounts:
        if info.source == "devnet":
            note = "devnet (public key, never on a real chain)"
        else:
            note = info.problem or ("" if info.address else "address not stored in the file (cast keystore)")
        table.add_row(info.name, info.address or "?", "-" if info.index is None else str(info.index), note)
    out.print(table)


@account.command(
    "address",
    epilog=example("megatao account address alice", "megatao account address devnet:0"),
)
@click.argument("name")
@password_file_option("Read the keystore password from FILE instead of asking for it")
@json_option
def address_command(name: str, password_file: Path | None, as_json: bool) -> None:
    """Unlock account NAME as a signing command would, and print its address: checks the password, and shows the
    address of keystores that do not store it (cast's). Only the address is printed.
    """
    address = signer_for(name, password_file).address
    print_json({"name": name, "address": address}) if as_json else out.print(address)


if __name__ == "__main__":
    account(prog_name="megatao account")
