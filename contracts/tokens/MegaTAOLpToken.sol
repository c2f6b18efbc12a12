// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title MegaTAO LP token: the vault's shares, a plain ERC-20 that only the entry contract mints, burns and escrows.
/// @notice One token per share of the LPs' equity (18 decimals). Holders transfer it freely; shares waiting for
///         withdrawal are held in escrow by the entry contract (its balance is the sum of pending requests), so a
///         locked share cannot move. Nothing else is special: wallets and explorers see a standard ERC-20.
/// @dev The entry contract (`protocol`) is fixed at construction; the LP module calls `mint` on deposit, `lock` on a
///      withdrawal request, `unlock` when a request is void, `burnLocked` on a claim. A module upgrade by governance
///      can therefore move escrowed and minted shares, as it can move the TAO behind them.
contract MegaTAOLpToken is ERC20 {
    /// @notice The MegaTAO entry contract: the only caller of `mint`, `lock`, `unlock` and `burnLocked`.
    address public immutable protocol;

    /// @notice `caller` is not the entry contract.
    error LpTokenUnauthorized(address caller);

    modifier onlyProtocol() {
        if (msg.sender != protocol) revert LpTokenUnauthorized(msg.sender);
        _;
    }

    /// @param protocol_ The MegaTAO entry contract.
    constructor(address protocol_) ERC20("MegaTAO LP", "mtLP") {
        protocol = protocol_;
    }

    /// @notice Mints `amount` shares to `to`.
    function mint(address to, uint256 amount) external onlyProtocol {
        _mint(to, amount);
    }

    /// @notice Moves `amount` of `from`'s shares into the entry contract's escrow (a withdrawal request).
    function lock(address from, uint256 amount) external onlyProtocol {
        _transfer(from, protocol, amount);
    }

    /// @notice Returns `amount` escrowed shares to `to` (a void request).
    function unlock(address to, uint256 amount) external onlyProtocol {
        _transfer(protocol, to, amount);
    }

    /// @notice Burns `amount` escrowed shares (a claimed request).
    function burnLocked(uint256 amount) external onlyProtocol {
        _burn(protocol, amount);
    }
}
