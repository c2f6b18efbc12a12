"""Signing accounts: encrypted keystores shared with Foundry's `cast wallet`, and the devnet's funded accounts.

A keystore account is one encrypted JSON v3 file in the keystore directory, named after the account, exactly as
`cast wallet new DIR NAME` and `cast wallet import NAME` write them: each tool decrypts the other's files. The
directory is `~/.foundry/keystores` (cast 1.7.1 reads no environment variable for it; `$MEGATAO_KEYSTORE_DIR`
overrides it for this project only, which the tests use). The devnet's accounts are named `devnet:0`..`devnet:9`;
their keys are public, derived from anvil's test mnemonic.

Secrets stay out of every message, return value that is printed, and log: no error names a private key or a
password, not even a malformed one.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from megatao.core.errors import InputError, MegaTAOError, did_you_mean
from megatao.core.paths import display
from megatao.node.accounts import DEV_ACCOUNT_COUNT, dev_account

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

KEYSTORE_DIR_ENV = "MEGATAO_KEYSTORE_DIR"
DEVNET_PREFIX = "devnet:"
#: scrypt cost of new keystores: the same as `cast wallet new`/`import` (Foundry 1.7.1), so both tools open them
#: equally fast. r=8, p=1, dklen=32 are eth-account's and cast's defaults.
SCRYPT_N = 8192
#: Names this CLI gives new accounts: a file name on every platform, without spaces or a leading dot or dash.
ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

#: How a password is asked for when no password file is given: called with the prompt text, returns the password.
Prompt = Callable[[str], str]


class AccountError(MegaTAOError):
    """Naming, creating, reading or unlocking a signing account."""


class UnknownAccountError(AccountError):
    def __init__(self, name: str, known: list[str], directory: Path):
        keystores = [n for n in known if not n.startswith(DEVNET_PREFIX)]
        listed = ", ".join([*keystores, f"{DEVNET_PREFIX}0..{DEVNET_PREFIX}{DEV_ACCOUNT_COUNT - 1}"])
        super().__init__(
            f"unknown account '{name}'{did_you_mean(name, known)}; known accounts: {listed} "
            f"(keystores in {display(directory)})"
        )


class AccountExistsError(AccountError):
    def __init__(self, name: str, path: Path):
        super().__init__(
            f"account '{name}' already exists ({display(path)}); choose another name (nothing was written)"
        )


class WrongPasswordError(AccountError):
    def __init__(self, name: str):
        super().__init__(f"wrong password for account '{name}'")


class KeystoreFileError(AccountError):
    """A keystore file that cannot be read, or is not an encrypted JSON v3 keystore."""

    def __init__(self, path: Path, name: str, reason: str):
        #: What is wrong, without the file's name: "is not an encrypted JSON keystore (...)".
        self.reason = reason
        super().__init__(f"keystore file {display(path)} of account '{name}' {reason}")


@dataclass(frozen=True)
class AccountInfo:
    """What is known about an account without its password."""

    name: str
    #: Checksummed; None when the keystore file does not store it (cast's files do not) or cannot be read.
    address: str | None
    source: Literal["keystore", "devnet"]
    #: The devnet account's index (devnet:N), None for keystores.
    index: int | None = None
    #: The keystore file, None for devnet accounts.
    path: Path | None = None
    #: Why the keystore file cannot be used, None when it looks like a keystore.
    problem: str | None = None

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "address": self.address,
            "source": self.source,
            "index": self.index,
            "path": str(self.path) if self.path else None,
            "problem": self.problem,
        }


def keystore_dir() -> Path:
    """Where keystores live: `$MEGATAO_KEYSTORE_DIR`, else Foundry's `~/.foundry/keystores`."""
    configured = os.environ.get(KEYSTORE_DIR_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".foundry" / "keystores"


def dev_account_name(index: int) -> str:
    return f"{DEVNET_PREFIX}{index}"


def dev_account_names() -> list[str]:
    return [dev_account_name(i) for i in range(DEV_ACCOUNT_COUNT)]


def dev_index(name: str) -> int | None:
    """N for `devnet:N` with N in range; None for any other name."""
    if name in dev_account_names():
        return int(name.removeprefix(DEVNET_PREFIX))
    return None


def dev_index_of(address: str) -> int | None:
    """The index of the devnet account with this address (its key is public), or None."""
    for index in range(DEV_ACCOUNT_COUNT):
        if dev_account(index).address.lower() == address.lower():
            return index
    return None


# --- listing ---------------------------------------------------------------------------------------------------


def _keystore_paths(directory: Path) -> list[Path]:
    """Every entry of the keystore directory except hidden ones, as `cast wallet list` shows them."""
    try:
        return sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise AccountError(f"keystore directory {display(directory)} is not a directory") from None
    except OSError as exc:
        raise AccountError(f"cannot read keystore directory {display(directory)} ({exc.strerror})") from None


def _read_keystore(path: Path, name: str) -> dict:
    """The parsed keystore file of account `name`, checked to be an encrypted JSON v3 keystore."""
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise KeystoreFileError(path, name, "cannot be read: it is a directory") from None
    except UnicodeDecodeError:
        raise KeystoreFileError(path, name, "is not an encrypted JSON keystore (not UTF-8 text)") from None
    except OSError as exc:
        raise KeystoreFileError(path, name, f"cannot be read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KeystoreFileError(
            path, name, f"is not an encrypted JSON keystore (invalid JSON at line {exc.lineno} column {exc.colno})"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("crypto", data.get("Crypto")), dict):
        raise KeystoreFileError(path, name, "is not an encrypted JSON keystore (no 'crypto' section)")
    if data.get("version") != 3:
        raise KeystoreFileError(path, name, f"is keystore version {data.get('version')!r}; only version 3 is supported")
    return data


def _stored_address(data: dict) -> str | None:
    from eth_utils import is_hex_address, to_checksum_address

    address = data.get("address")
    if isinstance(address, str):
        address = address if address.startswith("0x") else f"0x{address}"
        if is_hex_address(address):
            return to_checksum_address(address)
    return None


def _keystore_info(path: Path) -> AccountInfo:
    try:
        address = _stored_address(_read_keystore(path, path.name))
    except KeystoreFileError as exc:
        return AccountInfo(path.name, None, "keystore", path=path, problem=exc.reason)
    return AccountInfo(path.name, address, "keystore", path=path)


def address_of(name: str, what: str = "the account") -> str:
    """An address given as such, or the address of a keystore account or devnet:N whose address is known without
    its password (a keystore made by cast does not store it); `what` names `name` in the error."""
    from web3 import Web3

    if Web3.is_address(name):
        return Web3.to_checksum_address(name)
    for info in list_accounts():
        if info.name == name and info.address:
            return info.address
    raise InputError(f"{what} '{name}' is neither an address nor an account with a known address")


def list_accounts(include_devnet: bool = True) -> list[AccountInfo]:
    """The keystore accounts (sorted by name; unusable files included, with their problem), then the devnet's."""
    accounts = [_keystore_info(path) for path in _keystore_paths(keystore_dir())]
    if include_devnet:
        accounts += [
            AccountInfo(dev_account_name(i), dev_account(i).address, "devnet", index=i)
            for i in range(DEV_ACCOUNT_COUNT)
        ]
    return accounts


def account_names() -> list[str]:
    """Every name `load_signer` accepts."""
    return [path.name for path in _keystore_paths(keystore_dir())] + dev_account_names()


# --- creating ----------------------------------------------------------------------------------------------------


def check_new_account_name(name: str) -> Path:
    """The keystore file a new account `name` would get; raises if the name is not allowed or already taken.

    Commands call it before asking for any secret, and the write itself refuses to overwrite (a race is safe)."""
    if name.startswith(DEVNET_PREFIX) or name == "devnet":
        raise AccountError(f"account names starting with '{DEVNET_PREFIX}' are the devnet's; choose another name")
    if not ACCOUNT_NAME.fullmatch(name):
        raise AccountError(
            f"account name '{name}' is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    path = keystore_dir() / name
    if path.exists() or path.is_symlink():
        raise AccountExistsError(name, path)
    return path


def check_new_password(password: str) -> str:
    if not password:
        raise AccountError("the password is empty; a keystore needs a password")
    return password


def parse_private_key(text: str, source: str = "the text entered") -> bytes:
    """32 bytes from 64 hex digits (0x optional, surrounding whitespace ignored). The message never shows the text."""
    digits = text.strip().removeprefix("0x").removeprefix("0X")
    if len(digits) != 64 or not all(c in "0123456789abcdefABCDEF" for c in digits):
        raise AccountError(f"{source} is not a private key: expected 64 hex digits (0x optional)")
    key = bytes.fromhex(digits)
    if not 0 < int.from_bytes(key, "big") < SECP256K1_ORDER:
        raise AccountError(f"{source} is not a valid secp256k1 private key (zero or not below the curve order)")
    return key


def _read_secret_file(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise AccountError(f"cannot read {what} {display(path)}: it is a directory") from None
    except UnicodeDecodeError:
        raise AccountError(f"{what} {display(path)} is not UTF-8 text") from None
    except OSError as exc:
        raise AccountError(f"cannot read {what} {display(path)} ({exc.strerror})") from None


def read_password_file(path: Path | str) -> str:
    """The password in a file, without trailing whitespace (as cast's `--password-file` reads it)."""
    return _read_secret_file(Path(path), "password file").rstrip()


def read_private_key_file(path: Path | str) -> bytes:
    path = Path(path)
    return parse_private_key(_read_secret_file(path, "private key file"), f"the content of {display(path)}")


def _write_keystore(name: str, key: bytes, password: str) -> AccountInfo:
    from eth_account import Account
    from eth_utils import to_checksum_address

    path = check_new_account_name(name)
    check_new_password(password)
    keystore = Account.encrypt(key, password, kdf="scrypt", iterations=SCRYPT_N)
    address = to_checksum_address(Account.from_key(key).address)
    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        # O_EXCL: never overwrite, even if the file appeared since the check; 0600: readable by its owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AccountExistsError(name, path) from None
    except OSError as exc:
        raise AccountError(f"cannot write keystore file {display(path)} ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(keystore, file)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise AccountError(f"cannot write keystore file {display(path)} ({exc.strerror})") from None
    return AccountInfo(name, address, "keystore", path=path)


def create_account(name: str, password: str) -> AccountInfo:
    """A new random key, encrypted with `password` into the keystore file `name`."""
    return _write_keystore(name, secrets.token_bytes(32), password)


def import_account(name: str, private_key: bytes | str, password: str) -> AccountInfo:
    """An existing key (bytes, or hex text), encrypted with `password` into the keystore file `name`."""
    key = parse_private_key(private_key) if isinstance(private_key, str) else private_key
    if len(key) != 32:
        raise AccountError("the private key is not 32 bytes")
    return _write_keystore(name, key, password)


# --- unlocking ---------------------------------------------------------------------------------------------------


def load_signer(name: str, password_file: Path | str | None = None, prompt: Prompt | None = None) -> LocalAccount:
    """The account `name`, able to sign: `devnet:N` gives anvil's dev key N (no password); any other name is the
    keystore file of that name, decrypted with the password in `password_file`, else the one `prompt` returns.

    Raises UnknownAccountError (with the known names and a did-you-mean), WrongPasswordError, KeystoreFileError
    (unreadable or not a keystore), or AccountError when a password is needed and neither source is given."""
    from eth_account import Account

    index = dev_index(name)
    if index is not None:
        return dev_account(index)
    directory = keystore_dir()
    path = directory / name
    if "/" in name or os.sep in name or name in ("", ".", "..") or name not in account_names():
        raise UnknownAccountError(name, account_names(), directory)
    data = _read_keystore(path, name)
    if password_file is not None:
        password = read_password_file(password_file)
    elif prompt is not None:
        password = prompt(f"Password for account '{name}'")
    else:
        raise AccountError(f"account '{name}' is encrypted: give its password with --password-file FILE")
    try:
        key = Account.decrypt(data, password)
    except ValueError as exc:
        if "mac mismatch" in str(exc).lower():
            raise WrongPasswordError(name) from None
        raise KeystoreFileError(path, name, f"cannot be decrypted ({exc})") from None
    except (KeyError, TypeError) as exc:
        raise KeystoreFileError(path, name, f"is incomplete or malformed ({type(exc).__name__}: {exc})") from None
    signer = Account.from_key(key)
    stored = _stored_address(data)
    if stored is not None and stored != signer.address:
        raise KeystoreFileError(
            path, name, f"says address {stored} but holds the key of {signer.address}; refusing to use it"
        )
    return signer
