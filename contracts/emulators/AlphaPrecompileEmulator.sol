// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAlpha} from "../interfaces/IAlpha.sol";
import {Bittensor} from "../libraries/Bittensor.sol";

/// @title Emulator of the Bittensor Alpha precompile, for local chains and forks.
/// @notice The real precompile is native code that no local chain has. This contract answers its selectors with its
///         units and is placed at 0x...0808 with `anvil_setCode` or `vm.etch`. Its pools are set through the
///         setters below, which are open to anyone: it is a test double and never runs where the real one does.
/// @dev Pools follow the chain's constant-product pool: price = taoIn / alphaIn, and a swap pays the pool fee
///      (`feeRate / 65535` of the input, the swap pallet's default being 33) before the x*y=k curve.
///      A netuid that was never set behaves as the chain answers for one: stable mechanism, price 1.0, no reserves.
contract AlphaPrecompileEmulator is IAlpha {
    struct Pool {
        uint64 taoIn; // rao
        uint64 alphaIn; // 9 decimals
        uint16 mechanism; // Bittensor.MECHANISM_*
        uint16 feeRate; // of FEE_DENOMINATOR
        bool added; // listed in `netuids()`, so counted by `getSumAlphaPrice`
        bool off; // a copy of `disabled` in the slot a call reads anyway (see `whenEnabled`)
        uint256 movingPrice; // x 1e18, as returned
    }

    /// @dev One pool to seed: reserves in 9 decimals, mechanism 0 (stable) or 1 (dynamic).
    struct PoolSeed {
        uint16 netuid;
        uint64 taoIn;
        uint64 alphaIn;
        uint16 mechanism;
    }

    /// @notice The swap pallet's default fee rate, as a fraction of `FEE_DENOMINATOR` (~0.05%).
    uint16 public constant DEFAULT_FEE_RATE = 33;
    uint16 public constant FEE_DENOMINATOR = type(uint16).max;

    /// @dev Prices keep 9 significant decimals: the chain computes rao per alpha, then scales to 18 decimals.
    uint256 private constant PRICE_TRUNCATION = 1e9;

    mapping(uint16 netuid => Pool) private _pools;
    uint16[] private _netuids;
    bool public disabled;

    error PrecompileDisabled();
    error UnknownMechanism(uint16 mechanism);
    error FeeRateTooHigh(uint16 feeRate);
    error SeedLengthMismatch();

    event PoolSet(uint16 indexed netuid, uint64 taoIn, uint64 alphaIn, uint16 mechanism);
    event MovingAlphaPriceSet(uint16 indexed netuid, uint256 price);
    event FeeRateSet(uint16 indexed netuid, uint16 feeRate);
    event DisabledSet(bool disabled);

    /// @dev Reverts while switched off. A pool's calls read the copy of the switch in the pool's own slot, which
    ///      they read anyway, so that the emulator does not charge a storage read the native precompile does not
    ///      have; a netuid never set reads the switch itself.
    modifier whenEnabled(uint16 netuid) {
        Pool storage pool = _pools[netuid];
        if (pool.added ? pool.off : disabled) revert PrecompileDisabled();
        _;
    }

    // ---------------------------------------------------------------- precompile interface

    /// @inheritdoc IAlpha
    function getAlphaPrice(uint16 netuid) external view whenEnabled(netuid) returns (uint256) {
        return _truncate(_exactPrice(netuid));
    }

    /// @inheritdoc IAlpha
    function getMovingAlphaPrice(uint16 netuid) external view whenEnabled(netuid) returns (uint256) {
        if (_isFixedAtOne(netuid)) return Bittensor.PRICE_SCALE;
        return _pools[netuid].movingPrice;
    }

    /// @inheritdoc IAlpha
    function getTaoInPool(uint16 netuid) external view whenEnabled(netuid) returns (uint64) {
        return _pools[netuid].taoIn;
    }

    /// @inheritdoc IAlpha
    function getAlphaInPool(uint16 netuid) external view whenEnabled(netuid) returns (uint64) {
        return _pools[netuid].alphaIn;
    }

    /// @inheritdoc IAlpha
    function getSumAlphaPrice() external view returns (uint256 sum) {
        if (disabled) revert PrecompileDisabled();
        uint256 count = _netuids.length;
        for (uint256 i; i < count; ++i) {
            uint16 netuid = _netuids[i];
            if (netuid == Bittensor.ROOT_NETUID) continue;
            uint256 price = _exactPrice(netuid);
            if (price < Bittensor.PRICE_SCALE) sum += price;
        }
        return _truncate(sum);
    }

    /// @inheritdoc IAlpha
    function simSwapTaoForAlpha(uint16 netuid, uint64 tao) external view whenEnabled(netuid) returns (uint256) {
        Pool storage pool = _pools[netuid];
        if (_isFixedAtOne(netuid)) return tao;
        return _constantProductOut(tao, pool.taoIn, pool.alphaIn, pool.feeRate);
    }

    /// @inheritdoc IAlpha
    function simSwapAlphaForTao(uint16 netuid, uint64 alpha) external view whenEnabled(netuid) returns (uint256) {
        Pool storage pool = _pools[netuid];
        if (_isFixedAtOne(netuid)) return alpha;
        return _constantProductOut(alpha, pool.alphaIn, pool.taoIn, pool.feeRate);
    }

    /// @inheritdoc IAlpha
    function getSubnetMechanism(uint16 netuid) external view whenEnabled(netuid) returns (uint16) {
        return _pools[netuid].mechanism;
    }

    // ---------------------------------------------------------------- emulator setters and views

    /// @notice Sets a pool's reserves and mechanism; its moving price follows to the new spot and its fee rate
    ///         is the pallet's default unless set since.
    function setPool(uint16 netuid, uint64 taoIn, uint64 alphaIn, uint16 mechanism) public {
        if (mechanism > Bittensor.MECHANISM_DYNAMIC) revert UnknownMechanism(mechanism);
        Pool storage pool = _pools[netuid];
        if (!pool.added) {
            pool.added = true;
            pool.off = disabled;
            pool.feeRate = DEFAULT_FEE_RATE;
            _netuids.push(netuid);
        }
        pool.taoIn = taoIn;
        pool.alphaIn = alphaIn;
        pool.mechanism = mechanism;
        pool.movingPrice = _truncate(_exactPrice(netuid));
        emit PoolSet(netuid, taoIn, alphaIn, mechanism);
    }

    /// @notice Seeds many pools in one transaction.
    function setPools(PoolSeed[] calldata seeds) external {
        for (uint256 i; i < seeds.length; ++i) {
            setPool(seeds[i].netuid, seeds[i].taoIn, seeds[i].alphaIn, seeds[i].mechanism);
        }
    }

    /// @notice Overrides the chain's moving price of a subnet (x 1e18).
    function setMovingAlphaPrice(uint16 netuid, uint256 price) external {
        _pools[netuid].movingPrice = price;
        emit MovingAlphaPriceSet(netuid, price);
    }

    /// @notice Overrides a pool's swap fee rate, as a fraction of 65535.
    function setFeeRate(uint16 netuid, uint16 feeRate) external {
        if (feeRate == FEE_DENOMINATOR) revert FeeRateTooHigh(feeRate);
        _pools[netuid].feeRate = feeRate;
        emit FeeRateSet(netuid, feeRate);
    }

    /// @notice Switches the precompile off (every call reverts) or back on, as the chain's administrators can.
    function setDisabled(bool disabled_) external {
        disabled = disabled_;
        uint256 count = _netuids.length;
        for (uint256 i; i < count; ++i) {
            _pools[_netuids[i]].off = disabled_;
        }
        emit DisabledSet(disabled_);
    }

    /// @notice The subnets set so far, in the order they were first set.
    function netuids() external view returns (uint16[] memory) {
        return _netuids;
    }

    /// @notice A pool's stored fee rate (of 65535).
    function feeRateOf(uint16 netuid) external view returns (uint16) {
        return _pools[netuid].feeRate;
    }

    // ---------------------------------------------------------------- internals

    function _isFixedAtOne(uint16 netuid) private view returns (bool) {
        return netuid == Bittensor.ROOT_NETUID || _pools[netuid].mechanism == Bittensor.MECHANISM_STABLE;
    }

    /// @dev TAO per alpha x 1e18 before truncation to 9 decimals.
    function _exactPrice(uint16 netuid) private view returns (uint256) {
        if (_isFixedAtOne(netuid)) return Bittensor.PRICE_SCALE;
        Pool storage pool = _pools[netuid];
        if (pool.alphaIn == 0) return 0;
        return uint256(pool.taoIn) * Bittensor.PRICE_SCALE / pool.alphaIn;
    }

    function _truncate(uint256 price) private pure returns (uint256) {
        return price - (price % PRICE_TRUNCATION);
    }

    /// @dev x*y=k output for `amountIn` after the pool fee.
    function _constantProductOut(uint64 amountIn, uint64 reserveIn, uint64 reserveOut, uint16 feeRate)
        private
        pure
        returns (uint256)
    {
        uint256 fee = uint256(amountIn) * feeRate / FEE_DENOMINATOR;
        uint256 netIn = amountIn - fee;
        if (netIn == 0) return 0;
        return uint256(reserveOut) * netIn / (uint256(reserveIn) + netIn);
    }
}
