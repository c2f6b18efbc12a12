// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AlphaPrecompileEmulator} from "../../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {Bittensor} from "../../../../contracts/libraries/Bittensor.sol";
import {IMegaTAOProtocol} from "../../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {RequestStatus} from "../../../../contracts/interfaces/ILpModule.sol";
import {MegaTAOLpToken} from "../../../../contracts/tokens/MegaTAOLpToken.sol";
import {MarketId} from "../../../../contracts/types/MarketId.sol";

/// @dev Drives the LP side (deposits, requests, claims, releases, share transfers, schedule changes, time, and an
///      attacker who moves the spot within a block and claims), alongside the trading handler, and keeps the ghosts.
contract LpHandler is Test {
    IMegaTAOProtocol internal protocol;
    AlphaPrecompileEmulator internal alpha;
    MegaTAOLpToken internal token;
    address internal owner;
    uint16 internal netuid;
    MarketId internal market;

    address[] public lps;

    /// @dev Set when an action that is not PnL, a fee, a deposit or a withdrawal moved a share value, or when a
    ///      deposit or a claim lowered one.
    bool public ghostShareValueMovedWithoutCause;
    /// @dev Set when a spot moved within a block raised the withdrawal value, or a claim after it paid above the
    ///      value at the block's start.
    bool public ghostRaisedAndRedeemedInOneBlock;
    /// @dev Set when an account redeemed in the block of its own deposit.
    bool public ghostRedeemedInDepositBlock;
    mapping(address => uint256) public lastDepositBlock;

    uint256 public deposits;
    uint256 public requests;
    uint256 public claims;

    constructor(
        IMegaTAOProtocol protocol_,
        AlphaPrecompileEmulator alpha_,
        address owner_,
        uint16 netuid_,
        MarketId market_
    ) {
        protocol = protocol_;
        alpha = alpha_;
        token = MegaTAOLpToken(protocol_.lpToken());
        owner = owner_;
        netuid = netuid_;
        market = market_;
        for (uint256 i; i < 3; ++i) {
            // Test values, bounded far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            address lp = address(uint160(0x1900 + i));
            lps.push(lp);
            vm.deal(lp, 1_000_000e18);
        }
    }

    function lpCount() external view returns (uint256) {
        return lps.length;
    }

    function _values() internal view returns (uint256 d, uint256 w) {
        return protocol.shareValue();
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 lpSeed, uint256 amount) external {
        address lp = lps[lpSeed % lps.length];
        amount = bound(amount, 1e9, 5_000e18);
        amount -= amount % 1e9;
        (uint256 d0, uint256 w0) = _values();
        vm.prank(lp);
        try protocol.deposit{value: amount}() {
            deposits++;
            lastDepositBlock[lp] = block.number;
            (uint256 d1, uint256 w1) = _values();
            if (d1 < d0 || w1 < w0) ghostShareValueMovedWithoutCause = true;
        } catch {}
    }

    function request(uint256 lpSeed, uint256 fraction) external {
        address lp = lps[lpSeed % lps.length];
        uint256 shares = token.balanceOf(lp) * bound(fraction, 1, 100) / 100;
        if (shares == 0) return;
        (uint256 d0, uint256 w0) = _values();
        vm.prank(lp);
        try protocol.requestWithdrawal(shares) {
            requests++;
            _checkUnchanged(d0, w0);
        } catch {}
    }

    function claim(uint256 lpSeed) external {
        address lp = lps[lpSeed % lps.length];
        (uint256 d0, uint256 w0) = _values();
        (,, RequestStatus status) = protocol.withdrawalRequest(lp);
        vm.prank(lp);
        try protocol.claimWithdrawal() returns (uint256 amount) {
            if (status == RequestStatus.Void) {
                _checkUnchanged(d0, w0);
                return;
            }
            claims++;
            if (lastDepositBlock[lp] == block.number) ghostRedeemedInDepositBlock = true;
            (uint256 d1, uint256 w1) = _values();
            if (d1 < d0 || w1 < w0) ghostShareValueMovedWithoutCause = true;
            amount;
        } catch {}
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 fraction) external {
        address from = lps[fromSeed % lps.length];
        address to = lps[toSeed % lps.length];
        uint256 amount = token.balanceOf(from) * bound(fraction, 0, 100) / 100;
        (uint256 d0, uint256 w0) = _values();
        vm.prank(from);
        assertTrue(token.transfer(to, amount));
        _checkUnchanged(d0, w0);
    }

    function setSchedule(uint256 lengthSeed, uint256 windowSeed) external {
        uint256 length = bound(lengthSeed, 1 days, 30 days);
        uint256 window = bound(windowSeed, 1 hours, length);
        (uint256 d0, uint256 w0) = _values();
        vm.prank(owner);
        protocol.setEpochSchedule(length, window, window);
        _checkUnchanged(d0, w0);
    }

    function passTime(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, 4 days));
        vm.roll(block.number + 1);
    }

    /// In a new block, after the block's first touch (a `poke`: the reference moves once, from readings stored before
    /// the block), an attacker moves the spot to any price, pokes again, then an LP claims. Share values are measured
    /// at the stored reference prices, which nothing in the block moves any more: the withdrawal value stays exactly
    /// what it was after the first touch, and the claim pays no more than it.
    function manipulateAndClaim(uint256 lpSeed, uint256 priceSeed) external {
        address lp = lps[lpSeed % lps.length];
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        protocol.poke(market);
        (, uint256 bound0) = _values();
        (, int256 equity0, uint256 supply0) = protocol.lpEquity();
        _setSpot(bound(priceSeed, 0.004e18, 0.4e18));
        protocol.poke(market);
        (, uint256 w1) = _values();
        if (w1 != bound0) ghostRaisedAndRedeemedInOneBlock = true;
        (uint256 shares,, RequestStatus status) = protocol.withdrawalRequest(lp);
        if (status != RequestStatus.Claimable) return;
        vm.prank(lp);
        try protocol.claimWithdrawal() returns (uint256 amount) {
            claims++;
            // Positive when a claim pays anything.
            // forge-lint: disable-next-line(unsafe-typecast)
            if (equity0 <= 0 || amount > shares * uint256(equity0) / supply0) ghostRaisedAndRedeemedInOneBlock = true;
        } catch {}
    }

    function _setSpot(uint256 price) internal {
        // Test values, bounded far below the type limits.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint64 poolAlpha = uint64(uint256(10_000e9) * 1e18 / price);
        alpha.setPool(netuid, 10_000e9, poolAlpha, Bittensor.MECHANISM_DYNAMIC);
    }

    function _checkUnchanged(uint256 d0, uint256 w0) internal {
        (uint256 d1, uint256 w1) = _values();
        if (d1 != d0 || w1 != w0) ghostShareValueMovedWithoutCause = true;
    }
}
