// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {AlphaPrecompileEmulator} from "../../../contracts/emulators/AlphaPrecompileEmulator.sol";
import {SubnetPrecompileEmulator} from "../../../contracts/emulators/SubnetPrecompileEmulator.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {MarketModule} from "../../../contracts/protocol/modules/MarketModule.sol";
import {OracleModule} from "../../../contracts/protocol/modules/OracleModule.sol";
import {IMegaTAOProtocol} from "../../../contracts/interfaces/IMegaTAOProtocol.sol";
import {MarketParams, MarketListing} from "../../../contracts/interfaces/IMarketModule.sol";
import {IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketId, MarketKind} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev An index oracle whose price, input reading and update time the test sets; it can also be made to revert.
///      Until `setUpdatedAt`, every refresh counts as a successful update now.
contract MockIndexOracle is IIndexOracle {
    uint256 internal _price;
    uint256 internal _input;
    uint256 internal _updatedAt;
    bool internal _broken;

    constructor(uint256 price_) {
        _price = price_;
        _input = price_;
    }

    function setPrice(uint256 price_) external {
        _price = price_;
        _input = price_;
    }

    /// @dev The input reading (what the divergence limit compares with the price).
    function setInput(uint256 input_) external {
        _input = input_;
    }

    /// @dev Freezes the time of the last successful update (0: now, always).
    function setUpdatedAt(uint256 updatedAt_) external {
        _updatedAt = updatedAt_;
    }

    function setBroken(bool broken_) external {
        _broken = broken_;
    }

    function price() external view returns (uint256) {
        require(!_broken, "broken");
        return _price;
    }

    function refresh() external view returns (uint256, uint256, uint256) {
        return _answer();
    }

    function previewRefresh() external view returns (uint256, uint256, uint256) {
        return _answer();
    }

    function _answer() internal view returns (uint256, uint256, uint256) {
        require(!_broken, "broken");
        return (_price, _input, _updatedAt == 0 ? block.timestamp : _updatedAt);
    }
}

/// @dev The entry contract with the market and oracle modules, the Alpha precompile emulator at 0x0808, two subnets.
abstract contract ProtocolFixture is Test {
    address internal owner = makeAddr("owner");
    address internal stranger = makeAddr("stranger");
    address internal guardianAccount = makeAddr("guardian");

    AlphaPrecompileEmulator internal alpha;
    SubnetPrecompileEmulator internal subnets;
    MegaTAO internal router;
    IMegaTAOProtocol internal protocol;
    MarketModule internal marketModule;
    OracleModule internal oracleModule;
    MockIndexOracle internal indexOracle;

    uint16 internal constant CHUTES = 64;
    uint16 internal constant LIUM = 51;
    /// @dev 10,000 TAO against 250,000 alpha: 0.04 TAO per alpha.
    uint64 internal constant POOL_TAO_RAO = 10_000e9;
    uint64 internal constant POOL_ALPHA = 250_000e9;
    uint256 internal constant CHUTES_PRICE = 0.04e18;
    /// @dev 1,000 TAO, in wei.
    uint128 internal constant THRESHOLD = 1_000e18;
    uint256 internal constant MTSOS_PRICE = 1.2993e18;

    function setUp() public virtual {
        vm.etch(Bittensor.ALPHA_PRECOMPILE, address(new AlphaPrecompileEmulator()).code);
        alpha = AlphaPrecompileEmulator(Bittensor.ALPHA_PRECOMPILE);
        vm.etch(Bittensor.SUBNET_PRECOMPILE, address(new SubnetPrecompileEmulator()).code);
        subnets = SubnetPrecompileEmulator(Bittensor.SUBNET_PRECOMPILE);
        alpha.setPool(CHUTES, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        alpha.setPool(LIUM, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);

        router = MegaTAO(Built.deploy("MegaTAO", abi.encode(owner)));
        protocol = IMegaTAOProtocol(address(router));
        marketModule = MarketModule(Built.deploy("MarketModule"));
        oracleModule = OracleModule(Built.deploy("OracleModule"));
        indexOracle = new MockIndexOracle(MTSOS_PRICE);

        vm.startPrank(owner);
        router.setModule(marketModule.MODULE_ID(), address(marketModule), marketModule.exportedSelectors(), "");
        router.setModule(oracleModule.MODULE_ID(), address(oracleModule), oracleModule.exportedSelectors(), "");
        vm.stopPrank();
    }

    /// @dev docs/protocol.md section 2 genesis values for an alpha market.
    function _alphaParams() internal pure returns (MarketParams memory) {
        return MarketParams({
            maxLeverage: 3e18,
            maintenanceMargin: 0.1e18,
            partialLiquidationBand: 0.05e18,
            takerFee: 0.0025e18,
            makerFee: 0,
            maxFundingRate8h: 0.0075e18,
            maxOpenInterestPerSide: 100_000e18,
            liquidityThreshold: THRESHOLD,
            referencePeriod: 600,
            divergenceLimit: 0.05e18,
            oiDepthRatio: 0.05e18,
            depthFactor: 1e18
        });
    }

    /// @dev docs/protocol.md section 2 genesis values for MTSOS.
    function _indexParams() internal pure returns (MarketParams memory p) {
        p = _alphaParams();
        p.maxLeverage = 5e18;
        p.liquidityThreshold = 0;
        p.oiDepthRatio = 0;
    }

    function _alphaListing(string memory ticker, uint16 netuid) internal pure returns (MarketListing memory) {
        return MarketListing({
            ticker: ticker, kind: MarketKind.Alpha, netuid: netuid, indexOracle: address(0), params: _alphaParams()
        });
    }

    function _indexListing(string memory ticker, address oracle) internal pure returns (MarketListing memory) {
        return
            MarketListing({
                ticker: ticker, kind: MarketKind.Index, netuid: 0, indexOracle: oracle, params: _indexParams()
            });
    }

    function _list(MarketListing memory listing) internal returns (MarketId marketId) {
        vm.prank(owner);
        marketId = protocol.listMarket(listing);
    }

    /// @dev 10,000 TAO in the pool and `raoTao / POOL_ALPHA` as price.
    function _setChutesTao(uint64 taoRao) internal {
        alpha.setPool(CHUTES, taoRao, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
    }
}
