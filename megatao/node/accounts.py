"""Development accounts: the keys anvil derives from its well-known test mnemonic (never use them on a real chain)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eth_account.signers.local import LocalAccount

DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_ACCOUNT_COUNT = 10


@cache
def dev_account(index: int = 0) -> LocalAccount:
    """The `index`-th default account of anvil, with its private key."""
    from eth_account import Account  # imported here: eth_account takes most of a second to load

    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def dev_accounts() -> list[LocalAccount]:
    return [dev_account(i) for i in range(DEV_ACCOUNT_COUNT)]
