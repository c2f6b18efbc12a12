// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {ERC6372Utils} from "@openzeppelin/contracts/utils/ERC6372Utils.sol";
import {GovernanceDefaults} from "./GovernanceDefaults.sol";

/// @title MEGA: the MegaTAO voting token.
/// @notice A fixed supply of 100,000,000 MEGA (18 decimals), all minted once at deployment to `initialHolder`, who
///         distributes it. No owner, no further mint, no burn. Votes are delegated (ERC20Votes: a holder's balance
///         counts only once delegated, to themselves or another account) and permits are signed (ERC-2612).
/// @dev Clock (ERC-6372): timestamps, `clock() == block.timestamp`, `CLOCK_MODE() == "mode=timestamp"`, so every
///      governance duration (voting delay and period, late-quorum extension) is in seconds. Chosen over block
///      numbers because a duration in blocks cannot be exercised on a local chain: anvil's cost per mined block grows
///      with the chain's length (4,000 blocks take about 14 s here, a 5-day period at 12 s blocks is 36,000), while a
///      timestamp moves with one `evm_increaseTime`. Bittensor mines a block every 12 s, so seconds are as precise as
///      blocks there. The Governor reads its clock from this token (`GovernorVotes`), so both agree by construction.
contract MegaTAOToken is ERC20, ERC20Permit, ERC20Votes {
    /// @notice The whole supply, minted at deployment: 100,000,000 MEGA in units of 1e-18.
    uint256 public constant TOTAL_SUPPLY = GovernanceDefaults.TOKEN_SUPPLY;

    /// @notice `initialHolder` is the zero address, which would burn the whole supply.
    error InvalidInitialHolder(address initialHolder);

    /// @param initialHolder Receives the whole supply: the deployer on a devnet (which hands it to the default
    ///        accounts, each then delegating to itself), the distribution multisig on a live network. The tokens
    ///        carry no votes until their holder delegates.
    constructor(address initialHolder) ERC20("MegaTAO", "MEGA") ERC20Permit("MegaTAO") {
        if (initialHolder == address(0)) revert InvalidInitialHolder(initialHolder);
        _mint(initialHolder, TOTAL_SUPPLY);
    }

    /// @notice The token's clock (ERC-6372): the current block's timestamp, in seconds.
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice The clock's description (ERC-6372): `mode=timestamp`.
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public view override returns (string memory) {
        return ERC6372Utils.timestampClockMode(clock);
    }

    /// @inheritdoc ERC20Permit
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @dev Moves balances (ERC20) and the delegates' voting checkpoints (ERC20Votes) together.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }
}
