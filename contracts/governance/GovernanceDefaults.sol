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
}
