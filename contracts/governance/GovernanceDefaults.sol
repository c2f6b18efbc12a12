// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MegaTAO governance's genesis numbers, with their units.
/// @dev Durations are seconds: the governance clock is the block timestamp (ERC-6372 `mode=timestamp`, see
///      `MegaTAOToken`). Amounts of MEGA are in units of 1e-18. The Governor's settings can change afterwards through
///      governance only; these are the values it starts with.
library GovernanceDefaults {
    /// @dev The voting token's whole supply, minted once at deployment: 100,000,000 MEGA.
    uint256 internal constant TOKEN_SUPPLY = 100_000_000e18;

    /// @dev From a proposal to the start of its vote (the voting-power snapshot), seconds: 1 day.
    uint48 internal constant VOTING_DELAY = 1 days;

    /// @dev Length of a vote, seconds: 5 days.
    uint32 internal constant VOTING_PERIOD = 5 days;

    /// @dev Votes needed to propose: 0.1% of the supply, 100,000 MEGA.
    uint256 internal constant PROPOSAL_THRESHOLD = TOKEN_SUPPLY / 1000;

    /// @dev Quorum, percent of the supply at the proposal's snapshot (For and Abstain count): 4%.
    uint256 internal constant QUORUM_PERCENT = 4;

    /// @dev Time a vote stays open after the vote that reaches quorum, seconds: 1 day.
    uint48 internal constant LATE_QUORUM_EXTENSION = 1 days;

    /// @dev The TimelockController's minimum delay between queueing and executing a proposal, seconds: 2 days.
    uint256 internal constant TIMELOCK_MIN_DELAY = 2 days;

    /// @dev The TimelockController's delay for an operation with an upgrade call (`MegaTAOTimelock`), seconds: 9 days,
    ///      longer than the longest LP exit at genesis (an epoch of 7 days plus a withdrawal window of 48 h, less the
    ///      window's last second: 9 days - 1 s).
    uint256 internal constant UPGRADE_DELAY = 9 days;

    /// @dev Bounds of the upgrade delay (gov), seconds: 1 day..60 days. The longest LP exit the LP module allows is
    ///      30 + 30 days - 1 s (an epoch of 30 days and a window as long), so 60 days covers every schedule; the
    ///      delay must in any case exceed the protocol's longest LP exit of the moment.
    uint256 internal constant MIN_UPGRADE_DELAY = 1 days;
    uint256 internal constant MAX_UPGRADE_DELAY = 60 days;
}
