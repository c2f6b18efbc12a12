// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AlphaPrecompileEmulator} from "../../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {Bittensor} from "../../../../contracts/libraries/Bittensor.sol";
import {IMegaTAOProtocol} from "../../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {PositionInfo} from "../../../../contracts/interfaces/IPositionViewModule.sol";
import {MarketParams} from "../../../../contracts/interfaces/IMarketModule.sol";
import {MarketTradingState} from "../../../../contracts/interfaces/IVaultModule.sol";
import {MarketId} from "../../../../contracts/types/MarketId.sol";

/// @dev Drives trades, liquidations, auto-deleveraging, time and, above all, pool moves: lasting ones (the market
///      moves) and blocks full of pushes and pokes by an attacker. Keepers poke every block and auto-deleverage when a
///      market's profit is over its cap, as they do on chain. Ghosts record what the invariants check.
contract PriceIntegrityHandler is Test {
    IMegaTAOProtocol internal immutable protocol;
    AlphaPrecompileEmulator internal immutable alpha;
    uint16[] internal netuids;
    MarketId[] internal markets;
    address[] public actors;

    /// @dev Set when a margin ratio as the protocol measures it (at the reference) or a reference price changed
    ///      within a block through pool moves and pokes only.
    bool public ghostMovedWithinABlock;
    /// @dev Set when a liquidation in a block of pushes took a position healthy at the reference when the block began.
    ///      (A position under water at the reference and held up by the spot alone is not protected from a push: the
    ///      spot is what one transaction sets, docs/protocol.md section 3.)
    bool public ghostPushLiquidated;

    uint256 public trades;
    uint256 public pushBlocks;
    uint256 public adls;

    constructor(IMegaTAOProtocol protocol_, uint16[] memory netuids_, MarketId[] memory markets_) {
        protocol = protocol_;
        alpha = AlphaPrecompileEmulator(Bittensor.ALPHA_PRECOMPILE);
        netuids = netuids_;
        markets = markets_;
        for (uint256 i; i < 4; ++i) {
            // Test values, far below the type limits.
            // forge-lint: disable-next-line(unsafe-typecast)
            address actor = address(uint160(0xB0B0 + i));
            actors.push(actor);
            vm.deal(actor, 1_000_000e18);
        }
    }

    // ---------------------------------------------------------------- traders

    function open(uint256 actorSeed, uint256 marketSeed, bool isLong, uint256 margin, uint256 leverage) external {
        (address actor, MarketId id) = _pick(actorSeed, marketSeed);
        margin = bound(margin, 0.2e18, 500e18) / 1e9 * 1e9;
        leverage = bound(leverage, 1e18, 3e18);
        vm.prank(actor);
        try protocol.openPosition{value: margin}(id, isLong, leverage, isLong ? type(uint256).max : 0, block.timestamp) {
            ++trades;
        } catch {}
    }

    function close(uint256 actorSeed, uint256 marketSeed) external {
        (address actor, MarketId id) = _pick(actorSeed, marketSeed);
        bool isLong = protocol.position(actor, id).size > 0;
        vm.prank(actor);
        try protocol.closePosition(id, isLong ? 0 : type(uint256).max, block.timestamp) {
            ++trades;
        } catch {}
    }

    function reduce(uint256 actorSeed, uint256 marketSeed, uint256 fraction) external {
        (address actor, MarketId id) = _pick(actorSeed, marketSeed);
        PositionInfo memory p = protocol.position(actor, id);
        if (p.size == 0) return;
        uint256 sizeAbs = p.size > 0 ? uint256(p.size) : uint256(-p.size);
        vm.prank(actor);
        try protocol.reducePosition(
            id, sizeAbs * bound(fraction, 1, 99) / 100, p.size > 0 ? 0 : type(uint256).max, block.timestamp
        ) {
            ++trades;
        } catch {}
    }

    function liquidate(uint256 actorSeed, uint256 marketSeed) external {
        (address actor, MarketId id) = _pick(actorSeed, marketSeed);
        try protocol.liquidate(actor, id) {} catch {}
    }

    // ---------------------------------------------------------------- the market and the attacker

    /// @dev A lasting move of one pool (x0.7..x1.4), then `blocks` keeper blocks (1..60) for the reference to follow.
    function movePool(uint256 marketSeed, uint256 factorSeed, uint256 blocks) external {
        uint256 i = marketSeed % netuids.length;
        _push(netuids[i], bound(factorSeed, 0.7e18, 1.4e18));
        blocks = bound(blocks, 1, 60);
        for (uint256 b; b < blocks; ++b) {
            _keeperBlock();
        }
    }

    /// @dev A new block in which, after the keepers' first touch, an attacker pushes the pools (x0.2..x5) any number
    ///      of times, poking after each push and trying to liquidate everyone, then restores them. Margin ratios and
    ///      references measured after the block's first touch must not move; nobody healthy at the reference then is
    ///      liquidated.
    function blockOfPushes(uint256[6] memory factorSeeds) external {
        _keeperBlock();
        uint256 n = actors.length * markets.length;
        int256[] memory ratios = new int256[](n);
        uint256[] memory sizes = new uint256[](n);
        bool[] memory healthy = new bool[](n);
        uint256[] memory refs = new uint256[](markets.length);
        for (uint256 m; m < markets.length; ++m) {
            (refs[m],) = protocol.referencePrice(markets[m]);
            MarketParams memory params = protocol.marketParams(markets[m]);
            int256 healthyRatio = int256(uint256(params.maintenanceMargin + params.partialLiquidationBand));
            for (uint256 a; a < actors.length; ++a) {
                PositionInfo memory p = protocol.position(actors[a], markets[m]);
                uint256 k = m * actors.length + a;
                (ratios[k], sizes[k]) = (p.marginRatio, p.size > 0 ? uint256(p.size) : uint256(-p.size));
                healthy[k] = p.size != 0 && p.marginRatio >= healthyRatio;
            }
        }
        uint64[] memory taos = new uint64[](netuids.length);
        uint64[] memory alphas = new uint64[](netuids.length);
        for (uint256 i; i < netuids.length; ++i) {
            (taos[i], alphas[i]) = (alpha.getTaoInPool(netuids[i]), alpha.getAlphaInPool(netuids[i]));
        }
        for (uint256 s; s < factorSeeds.length; ++s) {
            uint256 i = s % netuids.length;
            _push(netuids[i], bound(factorSeeds[s], 0.2e18, 5e18));
            protocol.poke(markets[i]);
            for (uint256 a; a < actors.length; ++a) {
                try protocol.liquidate(actors[a], markets[i]) {} catch {}
            }
        }
        for (uint256 i; i < netuids.length; ++i) {
            alpha.setPool(netuids[i], taos[i], alphas[i], Bittensor.MECHANISM_DYNAMIC);
        }
        for (uint256 m; m < markets.length; ++m) {
            (uint256 ref,) = protocol.referencePrice(markets[m]);
            if (ref != refs[m]) ghostMovedWithinABlock = true;
            for (uint256 a; a < actors.length; ++a) {
                PositionInfo memory p = protocol.position(actors[a], markets[m]);
                uint256 k = m * actors.length + a;
                uint256 size = p.size > 0 ? uint256(p.size) : uint256(-p.size);
                if (healthy[k] && size < sizes[k]) ghostPushLiquidated = true;
                if (size == sizes[k] && p.marginRatio != ratios[k]) ghostMovedWithinABlock = true;
            }
        }
        ++pushBlocks;
    }

    function passTime(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 1, 1 days));
        _keeperBlock();
    }

    // ---------------------------------------------------------------- internals

    /// @dev A new block: keepers poke every market, and auto-deleverage the most profitable position of a market
    ///      while its profit is over its cap.
    function _keeperBlock() internal {
        vm.roll(block.number + 1);
        vm.warp(block.timestamp + 12);
        for (uint256 m; m < markets.length; ++m) {
            protocol.poke(markets[m]);
            for (uint256 guard; guard < 20; ++guard) {
                MarketTradingState memory s = protocol.marketTradingState(markets[m]);
                if (s.traderProfit <= s.traderProfitCap) break;
                address best = _mostProfitable(markets[m]);
                if (best == address(0)) break;
                try protocol.autoDeleverage(best, markets[m]) {
                    ++adls;
                } catch {
                    break;
                }
            }
        }
    }

    function _mostProfitable(MarketId id) internal view returns (address best) {
        int256 bestRatio = type(int256).min;
        for (uint256 a; a < actors.length; ++a) {
            PositionInfo memory p = protocol.position(actors[a], id);
            if (p.size == 0 || p.unrealizedPnl <= 0) continue;
            int256 ratio = p.unrealizedPnl * 1e18 / int256(p.entryNotional);
            if (ratio > bestRatio) (bestRatio, best) = (ratio, actors[a]);
        }
    }

    /// @dev Moves a constant-product pool's price by `factor` (WAD), within the emulator's ranges.
    function _push(uint16 netuid, uint256 factor) internal {
        uint256 root = Math.sqrt(factor * 1e18);
        uint256 tao = uint256(alpha.getTaoInPool(netuid)) * root / 1e18;
        uint256 alphaIn = uint256(alpha.getAlphaInPool(netuid)) * 1e18 / root;
        // Keep the pools between 1,000 and 10,000,000 TAO and prices between 0.001 and 10 TAO.
        if (tao < 1_000e9 || tao > 10_000_000e9 || alphaIn < tao / 10 || alphaIn > tao * 1000) return;
        // Bounded above.
        // forge-lint: disable-next-line(unsafe-typecast)
        alpha.setPool(netuid, uint64(tao), uint64(alphaIn), Bittensor.MECHANISM_DYNAMIC);
    }

    function _pick(uint256 actorSeed, uint256 marketSeed) internal view returns (address, MarketId) {
        return (actors[actorSeed % actors.length], markets[marketSeed % markets.length]);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function marketCount() external view returns (uint256) {
        return markets.length;
    }
}
