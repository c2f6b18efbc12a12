// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RouterStorage} from "../storage/RouterStorage.sol";
import {VaultStorage} from "../storage/VaultStorage.sol";

/// @title The pause of opens: a flag in the vault's hot slot, and the time it lapses in the router's namespace.
/// @notice Opens are paused while `VaultStorage.opensPaused` is set and `block.timestamp < RouterStorage.pausedUntil`.
///         A pause lapses by itself at `pausedUntil` (set to `now + maxPause` by each pause or renewal); the flag stays
///         set until the owner unpauses or a new pause starts, so a lapsed pause costs an increase one cold read.
/// @dev The entry contract writes both fields (`pauseOpens`, `unpauseOpens`); every increase reads the flag with the
///      circuit breaker, in the slot it reads anyway, and the router's slot only when the flag is set.
library PauseLogic {
    /// @notice Whether opens are paused now.
    function opensPaused() internal view returns (bool) {
        // Pauses are measured in chain time by design; a validator moves them by seconds.
        // forge-lint: disable-next-line(block-timestamp)
        return VaultStorage.load().opensPaused && block.timestamp < RouterStorage.load().pausedUntil;
    }
}
