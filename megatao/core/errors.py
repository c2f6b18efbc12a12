"""One exception root with a subtree per domain.

Every error the library raises on purpose derives from `MegaTAOError`; the CLI prints its message as one line
and exits with code 2. Messages are built where the error is raised, so they name the file, key, URL or port.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class MegaTAOError(Exception):
    """Root of every expected error: bad input, an unreachable node, a failed step."""

    exit_code = 2


class InputError(MegaTAOError):
    """A value the user typed or wrote in a file is not what was expected."""


class ToolchainError(MegaTAOError):
    """A tool of the project's toolchain (anvil, forge, artifacts) is missing or failed."""


class NetworkError(MegaTAOError):
    """Choosing, reaching or checking a network."""


class UnknownNetworkError(NetworkError):
    def __init__(self, name: str, known: Iterable[str]):
        known = sorted(known)
        super().__init__(f"unknown network '{name}'{did_you_mean(name, known)}; known networks: {', '.join(known)}")


class RpcUnreachableError(NetworkError):
    def __init__(self, url: str, reason: str):
        super().__init__(f"cannot reach RPC URL {url}: {reason}")


class ChainIdMismatchError(NetworkError):
    def __init__(self, url: str, found: int, network: str, expected: int, refusing: str = "send a transaction"):
        super().__init__(
            f"RPC URL {url} serves chain id {found}, but network '{network}' is chain id {expected}; "
            f"refusing to {refusing} (pick the network that matches with --network)"
        )


class TransactionError(NetworkError):
    """A transaction was sent and reverted, or could not be sent."""


class DevnetError(MegaTAOError):
    """Starting, stopping or driving the local devnet."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or '' when none is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class CheckFailed(MegaTAOError):
    """A check the user asked for did not pass (validation, a proposal not ready to queue): exit code 1."""

    exit_code = 1
