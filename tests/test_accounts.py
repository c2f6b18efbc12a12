"""Accounts: keystores shared with Foundry's `cast wallet` (both ways), the devnet's accounts, and secrets kept out of
every output. Keystores go to the test's own folder through $MEGATAO_KEYSTORE_DIR; HOME points there too, so neither
this CLI nor cast touches the real ~/.foundry."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from eth_account import Account
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.account import account
from cli.base import Group
from cli.options import account_option, signer_for
from megatao.node.accounts import dev_account
from megatao.node.keystores import (
    SCRYPT_N,
    AccountError,
    AccountExistsError,
    KeystoreFileError,
    UnknownAccountError,
    WrongPasswordError,
    create_account,
    import_account,
    list_accounts,
    load_signer,
    parse_private_key,
    read_password_file,
)
from tests.conftest import ROOT, Run, assert_one_line_error

CAST = ROOT / "node_modules/@foundry-rs/cast-linux-amd64/bin/cast"
needs_cast = pytest.mark.skipif(not CAST.exists(), reason="cast is not installed (npm ci)")

#: A key that is no devnet key, and its address.
KEY = "0x" + "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
ADDRESS = Account.from_key(KEY).address
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def keystores(tmp_path, monkeypatch) -> Path:
    directory = tmp_path / "keystores"
    monkeypatch.setenv("MEGATAO_KEYSTORE_DIR", str(directory))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MEGATAO_ACCOUNT", raising=False)
    monkeypatch.delenv("MEGATAO_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("ETH_PASSWORD", raising=False)
    monkeypatch.delenv("ETH_KEYSTORE", raising=False)
    return directory


@pytest.fixture
def password_file(tmp_path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n")
    return path


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(account, list(args), input=input, prog_name="megatao account")


def run_account(*args: str) -> Run:
    """`megatao account ARGS` in a new process (the group is run directly until cli/main.py registers it)."""
    result = subprocess.run(
        [sys.executable, "-m", "cli.account", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    return Run(result.returncode, result.stdout, result.stderr)


def cast(*args: str) -> str:
    result = subprocess.run([str(CAST), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def assert_no_secret(output: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in output
        assert secret.removeprefix("0x") not in output


# --- the devnet's accounts ------------------------------------------------------------------------------------------


def test_devnet_accounts_need_no_password_and_are_anvils_keys():
    def no_prompt(text):
        raise AssertionError("asked for a password")

    for index in (0, 9):
        assert load_signer(f"devnet:{index}", prompt=no_prompt).address == dev_account(index).address


def test_devnet_index_out_of_range_is_an_unknown_account():
    with pytest.raises(UnknownAccountError, match=r"unknown account 'devnet:10' \(did you mean 'devnet:1"):
        load_signer("devnet:10")


# --- creating, importing, unlocking ---------------------------------------------------------------------------------


def test_new_account_is_a_v3_scrypt_keystore_readable_by_its_owner_only(keystores, password_file):
    info = create_account("alice", PASSWORD)
    assert info.path == keystores / "alice"
    data = json.loads(info.path.read_text())
    assert data["version"] == 3 and data["crypto"]["kdf"] == "scrypt" and data["crypto"]["kdfparams"]["n"] == SCRYPT_N
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    signer = load_signer("alice", password_file)
    assert signer.address == info.address
    assert signer.key.hex() not in info.path.read_text()


def test_imported_key_unlocks_by_prompt_which_names_the_account():
    assert import_account("bob", KEY, PASSWORD).address == ADDRESS
    asked = []
    signer = load_signer("bob", prompt=lambda text: asked.append(text) or PASSWORD)
    assert signer.address == ADDRESS and signer.key.hex() == KEY.removeprefix("0x")
    assert asked == ["Password for account 'bob'"]


def test_wrong_password_is_named_for_the_account():
    import_account("alice", KEY, PASSWORD)
    with pytest.raises(WrongPasswordError) as raised:
        load_signer("alice", prompt=lambda _: "not it")
    assert str(raised.value) == "wrong password for account 'alice'"


def test_unknown_account_suggests_and_lists_the_known_ones(keystores):
    import_account("alice", KEY, PASSWORD)
    with pytest.raises(UnknownAccountError) as raised:
        load_signer("alcie", prompt=lambda _: PASSWORD)
    message = str(raised.value)
    assert "unknown account 'alcie' (did you mean 'alice'?)" in message
    assert "known accounts: alice, devnet:0..devnet:9" in message and str(keystores) in message


def test_without_password_file_or_prompt_the_error_says_how_to_give_one():
    import_account("alice", KEY, PASSWORD)
    with pytest.raises(AccountError, match="--password-file"):
        load_signer("alice")


def test_an_existing_name_is_refused_and_the_file_kept(keystores):
    create_account("alice", PASSWORD)
    before = (keystores / "alice").read_bytes()
    for attempt in (lambda: create_account("alice", "other"), lambda: import_account("alice", KEY, "other")):
        with pytest.raises(AccountExistsError, match="account 'alice' already exists"):
            attempt()
    assert (keystores / "alice").read_bytes() == before


@pytest.mark.parametrize("name", ["", "../evil", "a/b", ".hidden", "-x", "with space", "devnet:1", "devnet", "x" * 65])
def test_names_that_are_no_plain_file_name_or_are_the_devnets_are_refused(name, keystores):
    with pytest.raises(AccountError):
        create_account(name, PASSWORD)
    assert not keystores.exists() or not any(keystores.iterdir())


def test_empty_password_is_refused():
    with pytest.raises(AccountError, match="password is empty"):
        create_account("alice", "")


def test_password_file_loses_trailing_whitespace_only_as_with_cast(tmp_path):
    path = tmp_path / "pw"
    path.write_text("  secret \r\n")
    assert read_password_file(path) == "  secret"


@pytest.mark.parametrize(
    "text",
    [
        "0x1234",
        KEY + "00",
        KEY.replace("4c", "zz"),
        "0x" + "00" * 32,
        "0x" + "ff" * 32,
        "word " * 12,
    ],
)
def test_a_malformed_private_key_is_refused_without_being_echoed(text):
    with pytest.raises(AccountError) as raised:
        parse_private_key(text)
    assert_no_secret(str(raised.value), text.strip())


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=6))
def test_no_private_key_text_is_ever_echoed(text):
    """The message does not depend on the text at all: one of two fixed sentences."""
    try:
        parse_private_key(text)
    except AccountError as exc:
        assert str(exc) in {
            "the text entered is not a private key: expected 64 hex digits (0x optional)",
            "the text entered is not a valid secp256k1 private key (zero or not below the curve order)",
        }


def test_private_key_with_or_without_0x_and_whitespace():
    assert parse_private_key(f"  {KEY}\n") == parse_private_key(KEY.removeprefix("0x")) == bytes.fromhex(KEY[2:])


# --- unusable keystore files ----------------------------------------------------------------------------------------


def tampered_address(keystores: Path) -> None:
    import_account("alice", KEY, PASSWORD)
    data = json.loads((keystores / "alice").read_text())
    data["address"] = dev_account(0).address[2:]
    (keystores / "alice").write_text(json.dumps(data))


def missing_ciphertext(keystores: Path) -> None:
    import_account("alice", KEY, PASSWORD)
    data = json.loads((keystores / "alice").read_text())
    del data["crypto"]["ciphertext"]
    (keystores / "alice").write_text(json.dumps(data))


CORRUPTIONS = {
    "not JSON": (lambda d: (d / "alice").write_text("{not json"), "invalid JSON at line 1 column 2"),
    "binary": (lambda d: (d / "alice").write_bytes(b"\xff\xfe\x00"), "not UTF-8"),
    "no crypto": (lambda d: (d / "alice").write_text('{"version": 3}'), "no 'crypto' section"),
    "version 1": (lambda d: (d / "alice").write_text('{"version": 1, "crypto": {}}'), "only version 3"),
    "a directory": (lambda d: (d / "alice").mkdir(), "it is a directory"),
    "missing ciphertext": (missing_ciphertext, "incomplete or malformed"),
    "tampered address": (tampered_address, "holds the key of"),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_a_corrupt_keystore_is_one_error_naming_the_file(corruption, keystores, password_file):
    keystores.mkdir(parents=True, exist_ok=True)
    corrupt, expected = CORRUPTIONS[corruption]
    corrupt(keystores)
    with pytest.raises(KeystoreFileError) as raised:
        load_signer("alice", password_file)
    assert f"keystore file {keystores / 'alice'} of account 'alice' " in str(raised.value)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_keystore_is_one_error(keystores, password_file):
    import_account("alice", KEY, PASSWORD)
    (keystores / "alice").chmod(0)
    with pytest.raises(KeystoreFileError, match="cannot be read"):
        load_signer("alice", password_file)


def test_list_shows_keystores_with_their_problems_then_the_devnet(keystores):
    import_account("bob", KEY, PASSWORD)
    (keystores / "broken").write_text("nope")
    (keystores / ".hidden").write_text("{}")
    accounts = list_accounts()
    assert [a.name for a in accounts] == ["bob", "broken", *(f"devnet:{i}" for i in range(10))]
    bob, broken, devnet0 = accounts[:3]
    assert bob.address == ADDRESS and bob.problem is None and bob.index is None
    assert broken.address is None and "not an encrypted JSON keystore" in broken.problem
    assert (devnet0.index, devnet0.address, devnet0.source) == (0, dev_account(0).address, "devnet")


# --- the commands, with CliRunner ------------------------------------------------------------------------------------


def test_new_asks_a_hidden_confirmed_password_and_prints_only_the_address(keystores):
    result = invoke("new", "alice", input=f"{PASSWORD}\ntypo\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    signer = load_signer("alice", prompt=lambda _: PASSWORD)
    assert f"created account 'alice' with address {signer.address}" in result.output
    assert_no_secret(result.output, PASSWORD, signer.key.hex())


def test_new_with_password_file_and_json(password_file, keystores):
    result = invoke("new", "alice", "--password-file", str(password_file), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["name"] == "alice" and data["path"] == str(keystores / "alice")
    assert load_signer("alice", password_file).address == data["address"]


def test_import_asks_the_key_hidden_and_never_prints_it():
    result = invoke("import", "bob", input=f"{KEY}\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert f"imported account 'bob' with address {ADDRESS}" in result.output
    assert_no_secret(result.output, KEY, PASSWORD)
    assert load_signer("bob", prompt=lambda _: PASSWORD).address == ADDRESS


def test_import_from_files_and_a_devnet_key_is_warned_about(tmp_path, password_file):
    key_file = tmp_path / "key.txt"
    key_file.write_text(dev_account(1).key.hex() + "\n")
    result = invoke("import", "carol", "--private-key-file", str(key_file), "--password-file", str(password_file))
    assert result.exit_code == 0, result.output
    assert "warning: this is the key of devnet:1" in result.stderr
    assert_no_secret(result.output, dev_account(1).key.hex(), PASSWORD)


def test_import_refuses_a_taken_name_before_asking_for_the_key(keystores):
    import_account("bob", KEY, PASSWORD)
    result = invoke("import", "bob", input="")
    assert result.exit_code == 2
    assert "Private key" not in result.output and "account 'bob' already exists" in result.stderr


def test_list_text_and_json():
    import_account("bob", KEY, PASSWORD)
    text = invoke("list")
    assert text.exit_code == 0, text.output
    assert "bob" in text.stdout and ADDRESS in text.stdout and dev_account(9).address in text.stdout
    data = json.loads(invoke("list", "--json").stdout)
    assert [a["name"] for a in data["accounts"]][:2] == ["bob", "devnet:0"]
    assert data["accounts"][1]["index"] == 0


def test_account_option_prompts_for_the_password_when_there_is_no_file():
    @click.command()
    @account_option
    def sign(account: str, password_file: Path | None) -> None:
        click.echo(signer_for(account, password_file).address)

    group = Group(commands={"sign": sign})
    import_account("bob", KEY, PASSWORD)
    result = CliRunner().invoke(group, ["sign", "--account", "bob"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert ADDRESS in result.stdout and "Password for account 'bob'" in result.output
    assert_no_secret(result.output, PASSWORD)
    result = CliRunner().invoke(group, ["sign"], env={"MEGATAO_ACCOUNT": "devnet:2"})
    assert result.stdout.strip() == dev_account(2).address
    result = CliRunner().invoke(group, ["sign", "--account", "bob"], input="wrong\n")
    assert result.exit_code == 2 and "error: wrong password for account 'bob'" in result.stderr


@pytest.mark.parametrize("command", ["new", "import", "list", "address"])
def test_help_ends_with_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    assert lines[-3] == "Example:" and lines[-1].startswith("megatao account ")


# --- one-line errors through a real process -------------------------------------------------------------------------


def test_cli_wrong_password(password_file):
    import_account("alice", KEY, "something else")
    run = run_account("address", "alice", "--password-file", str(password_file))
    assert_one_line_error(run, "wrong password for account 'alice'")
    assert_no_secret(run.output, PASSWORD, KEY)


def test_cli_unknown_account_suggests(password_file):
    import_account("alice", KEY, PASSWORD)
    run = run_account("address", "alise", "--password-file", str(password_file))
    assert_one_line_error(run, "unknown account 'alise' (did you mean 'alice'?)", "known accounts: alice, devnet:0")


@pytest.mark.parametrize("command", ["new", "import"])
def test_cli_refuses_an_existing_name(command, keystores, password_file):
    import_account("alice", KEY, PASSWORD)
    before = (keystores / "alice").read_bytes()
    run = run_account(command, "alice", "--password-file", str(password_file))
    assert_one_line_error(run, "account 'alice' already exists")
    assert (keystores / "alice").read_bytes() == before


def test_cli_corrupt_and_unreadable_keystores(keystores, password_file):
    keystores.mkdir(parents=True)
    (keystores / "broken").write_text("{")
    (keystores / "folder").mkdir()
    assert_one_line_error(
        run_account("address", "broken", "--password-file", str(password_file)),
        "keystore file",
        "of account 'broken' is not an encrypted JSON keystore",
    )
    assert_one_line_error(
        run_account("address", "folder", "--password-file", str(password_file)), "cannot be read: it is a directory"
    )


def test_cli_malformed_private_key_file_is_not_echoed(tmp_path, password_file):
    key_file = tmp_path / "key.txt"
    key_file.write_text(KEY[:-2] + "\n")
    run = run_account("import", "bob", "--private-key-file", str(key_file), "--password-file", str(password_file))
    assert_one_line_error(run, "is not a private key")
    assert_no_secret(run.output, KEY[:-2])


def test_cli_missing_password_file():
    run = run_account("new", "alice", "--password-file", "/nonexistent/pw")
    assert_one_line_error(run, "cannot read password file /nonexistent/pw (No such file or directory)")


# --- interoperability with cast 1.7.1 --------------------------------------------------------------------------------


@needs_cast
def test_cast_decrypts_a_keystore_made_by_megatao_new(keystores, password_file):
    run = run_account("new", "alice", "--password-file", str(password_file), "--json")
    assert run.code == 0, run.output
    address = json.loads(run.stdout)["address"]
    assert cast("wallet", "address", "--keystore", str(keystores / "alice"), "--password", PASSWORD) == address
    assert cast("wallet", "address", "--keystore", str(keystores / "alice"), "--password-file", str(password_file)) == (
        address
    )


@needs_cast
def test_cast_recovers_the_key_imported_by_megatao(keystores, password_file):
    assert invoke("import", "bob", "--password-file", str(password_file), input=f"{KEY}\n").exit_code == 0
    output = cast("wallet", "decrypt-keystore", "bob", "--keystore-dir", str(keystores), "--unsafe-password", PASSWORD)
    assert output.endswith(KEY)


@needs_cast
def test_megatao_unlocks_a_keystore_made_by_cast_wallet_import(keystores, password_file):
    cast("wallet", "import", "carol", "--private-key", KEY, "--unsafe-password", PASSWORD, "-k", str(keystores))
    assert load_signer("carol", password_file).address == ADDRESS
    carol = next(a for a in list_accounts() if a.name == "carol")
    assert carol.address is None and carol.problem is None  # cast does not store the address
    run = run_account("address", "carol", "--password-file", str(password_file))
    assert run.code == 0 and run.stdout.strip() == ADDRESS
    with pytest.raises(WrongPasswordError):
        load_signer("carol", prompt=lambda _: "wrong")


@needs_cast
def test_cast_default_directory_is_home_foundry_keystores(tmp_path, monkeypatch, password_file):
    """Without $MEGATAO_KEYSTORE_DIR both tools use ~/.foundry/keystores (cast 1.7.1 has no variable for it)."""
    monkeypatch.delenv("MEGATAO_KEYSTORE_DIR")
    cast("wallet", "import", "dave", "--private-key", KEY, "--unsafe-password", PASSWORD)
    assert (tmp_path / "home" / ".foundry" / "keystores" / "dave").is_file()
    assert load_signer("dave", password_file).address == ADDRESS
