// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ProtocolFixture} from "./ProtocolFixture.t.sol";
import {MegaTAO} from "../../../contracts/protocol/MegaTAO.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IRouterErrors} from "../../../contracts/libraries/errors/RouterErrors.sol";
import {IMarketModule, MarketInfo} from "../../../contracts/interfaces/IMarketModule.sol";
import {IOracleModule} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketModule} from "../../../contracts/protocol/modules/MarketModule.sol";
import {ModuleBase} from "../../../contracts/protocol/modules/ModuleBase.sol";
import {MarketId, MarketStatus} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev A test module with its own namespace: V1 counts by one.
contract CounterV1 is ModuleBase {
    /// @custom:storage-location erc7201:megatao.storage.test.counter
    struct Layout {
        uint256 count;
    }

    error CounterMigrationRefused(uint256 value);

    // keccak256(abi.encode(uint256(keccak256("megatao.storage.test.counter")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant SLOT = 0xbfd6d3fabbe3fcc11dae20b9d1984ddd8950f846e07f28407657b8fb86f48200;

    function _layout() internal pure returns (Layout storage $) {
        assembly ("memory-safe") {
            $.slot := SLOT
        }
    }

    function moduleId() external pure virtual override returns (bytes32) {
        return "counter";
    }

    function exportedSelectors() external pure virtual override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](3);
        selectors[0] = CounterV1.increment.selector;
        selectors[1] = CounterV1.count.selector;
        selectors[2] = CounterV1.legacy.selector;
    }

    function increment() external virtual onlyDelegateCall {
        _layout().count += 1;
    }

    function count() external view onlyDelegateCall returns (uint256) {
        return _layout().count;
    }

    function legacy() external pure returns (uint256) {
        return 1;
    }

    function version() external pure virtual returns (uint256) {
        return 1;
    }
}

/// @dev V2 counts by two, drops `legacy`, adds `version`, and has a one-off migration.
contract CounterV2 is CounterV1 {
    function exportedSelectors() external pure override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](3);
        selectors[0] = CounterV1.increment.selector;
        selectors[1] = CounterV1.count.selector;
        selectors[2] = CounterV1.version.selector;
    }

    function increment() external override onlyDelegateCall {
        _layout().count += 2;
    }

    function version() external pure override returns (uint256) {
        return 2;
    }

    function migrate(uint256 value) external onlyDelegateCall {
        if (value == 0) revert CounterMigrationRefused(value);
        _layout().count = value;
    }
}

/// @dev The market module with one more function, to upgrade to.
contract MarketModuleV2 is MarketModule {
    function exportedSelectors() external pure override returns (bytes4[] memory selectors) {
        selectors = new bytes4[](9);
        selectors[0] = IMarketModule.listMarket.selector;
        selectors[1] = IMarketModule.updateMarketParams.selector;
        selectors[2] = IMarketModule.setMarketStatus.selector;
        selectors[3] = IMarketModule.market.selector;
        selectors[4] = IMarketModule.marketParams.selector;
        selectors[5] = IMarketModule.marketStatus.selector;
        selectors[6] = IMarketModule.marketIds.selector;
        selectors[7] = IMarketModule.marketIdByTicker.selector;
        selectors[8] = MarketModuleV2.marketCount.selector;
    }

    function marketCount() external view onlyDelegateCall returns (uint256) {
        return this.marketIds().length;
    }
}

contract MegaTAOTest is ProtocolFixture {
    bytes32 internal constant MARKET = "market";
    bytes32 internal constant ORACLE = "oracle";
    bytes32 internal constant COUNTER = "counter";

    CounterV1 internal counterV1;
    CounterV2 internal counterV2;

    function setUp() public override {
        super.setUp();
        counterV1 = new CounterV1();
        counterV2 = new CounterV2();
    }

    function _setCounter(address implementation, bytes4[] memory selectors, bytes memory initData) internal {
        vm.prank(owner);
        router.setModule(COUNTER, implementation, selectors, initData);
    }

    // ---------------------------------------------------------------- construction and ownership

    function test_constructor_setsOwnerAndEmits() public {
        vm.expectEmit(true, true, true, true);
        emit IMegaTAO.OwnershipTransferred(address(0), stranger);
        MegaTAO fresh = MegaTAO(Built.deploy("MegaTAO", abi.encode(stranger)));
        assertEq(fresh.owner(), stranger);
        assertEq(fresh.pendingOwner(), address(0));
        assertEq(fresh.guardian(), address(0));
        assertFalse(fresh.opensPaused());
        assertEq(fresh.pausedUntil(), 0);
        assertEq(fresh.maxPause(), 7 days);
    }

    function test_constructor_emitsGenesisMaxPause() public {
        vm.expectEmit(true, true, true, true);
        emit IMegaTAO.MaxPauseSet(0, 7 days);
        Built.deploy("MegaTAO", abi.encode(stranger));
    }

    function test_RevertWhen_constructorOwnerIsZero() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableInvalidOwner.selector, address(0)));
        new MegaTAO(address(0));
    }

    function test_transferOwnership_isTwoStep() public {
        vm.expectEmit(address(router));
        emit IMegaTAO.OwnershipTransferStarted(owner, stranger);
        vm.prank(owner);
        router.transferOwnership(stranger);
        assertEq(router.owner(), owner);
        assertEq(router.pendingOwner(), stranger);

        vm.expectEmit(address(router));
        emit IMegaTAO.OwnershipTransferred(owner, stranger);
        vm.prank(stranger);
        router.acceptOwnership();
        assertEq(router.owner(), stranger);
        assertEq(router.pendingOwner(), address(0));

        // The new owner holds every privilege, the old one none.
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, owner));
        router.setGuardian(owner);
        vm.prank(stranger);
        router.setGuardian(guardianAccount);
        assertEq(router.guardian(), guardianAccount);
    }

    function test_transferOwnership_toZeroCancels() public {
        vm.startPrank(owner);
        router.transferOwnership(stranger);
        router.transferOwnership(address(0));
        vm.stopPrank();
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        router.acceptOwnership();
    }

    function test_RevertWhen_acceptOwnershipByOtherThanPending() public {
        vm.prank(owner);
        router.transferOwnership(guardianAccount);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger));
        router.acceptOwnership();
    }

    // ---------------------------------------------------------------- guardian

    function test_setGuardian_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IMegaTAO.GuardianSet(address(0), guardianAccount);
        vm.prank(owner);
        router.setGuardian(guardianAccount);
        assertEq(router.guardian(), guardianAccount);
    }

    function test_pauseOpens_byGuardianThenUnpauseByOwner() public {
        vm.prank(owner);
        router.setGuardian(guardianAccount);

        vm.expectEmit(address(router));
        emit IMegaTAO.OpensPaused(guardianAccount, block.timestamp + 7 days);
        vm.prank(guardianAccount);
        router.pauseOpens();
        assertTrue(router.opensPaused());
        assertEq(router.pausedUntil(), block.timestamp + 7 days);

        vm.expectEmit(address(router));
        emit IMegaTAO.OpensUnpaused(owner);
        vm.prank(owner);
        router.unpauseOpens();
        assertFalse(router.opensPaused());
        assertEq(router.pausedUntil(), 0);
    }

    function test_pauseOpens_byOwner() public {
        vm.prank(owner);
        router.pauseOpens();
        assertTrue(router.opensPaused());
    }

    function test_pauseOpens_lapsesAfterMaxPause() public {
        vm.prank(owner);
        router.setGuardian(guardianAccount);
        vm.prank(guardianAccount);
        router.pauseOpens();
        uint256 until = block.timestamp + 7 days;
        vm.warp(until - 1);
        assertTrue(router.opensPaused(), "paused until the last second");
        vm.warp(until);
        assertFalse(router.opensPaused(), "lapsed");
        assertEq(router.pausedUntil(), until, "the lapsed pause's end stays readable");
    }

    function test_pauseOpens_ownerRenews() public {
        vm.startPrank(owner);
        router.pauseOpens();
        vm.warp(block.timestamp + 3 days);
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensPaused(owner, block.timestamp + 7 days);
        router.pauseOpens();
        vm.stopPrank();
        assertEq(router.pausedUntil(), block.timestamp + 7 days);
    }

    function test_RevertWhen_pauseOpensByStranger() public {
        vm.prank(owner);
        router.setGuardian(guardianAccount);
        vm.prank(stranger);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.GuardianUnauthorizedAccount.selector, stranger));
        router.pauseOpens();
    }

    function test_RevertWhen_pauseOpensAlreadyPausedByGuardian() public {
        vm.prank(owner);
        router.setGuardian(guardianAccount);
        vm.startPrank(guardianAccount);
        router.pauseOpens();
        uint256 until = block.timestamp + 7 days;
        vm.warp(until - 1);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.OpensAlreadyPaused.selector, until));
        router.pauseOpens();
        vm.stopPrank();
    }

    function test_unpauseOpens_whenNotPausedDoesNothing() public {
        // Idempotent: a queued unpause executes whatever happened to the pause meanwhile.
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensUnpaused(owner);
        vm.prank(owner);
        router.unpauseOpens();
        assertFalse(router.opensPaused());
        assertEq(router.pausedUntil(), 0);
    }

    function test_setMaxPause_setsAndEmits() public {
        vm.expectEmit(address(router));
        emit IMegaTAO.MaxPauseSet(7 days, 1 hours);
        vm.prank(owner);
        router.setMaxPause(1 hours);
        assertEq(router.maxPause(), 1 hours);
        vm.prank(owner);
        router.setMaxPause(30 days);
        assertEq(router.maxPause(), 30 days);
    }

    function test_RevertWhen_setMaxPauseOutOfBounds() public {
        vm.startPrank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IRouterErrors.MaxPauseOutOfBounds.selector, 1 hours - 1, 1 hours, 30 days)
        );
        router.setMaxPause(1 hours - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IRouterErrors.MaxPauseOutOfBounds.selector, 30 days + 1, 1 hours, 30 days)
        );
        router.setMaxPause(30 days + 1);
        vm.stopPrank();
    }

    /// The guardian can stop, never restart, and holds no other privilege.
    function test_RevertWhen_guardianCallsOwnerFunctions() public {
        vm.startPrank(owner);
        router.setGuardian(guardianAccount);
        router.pauseOpens();
        vm.stopPrank();
        bytes memory unauthorized =
            abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, guardianAccount);
        bytes4[] memory counterSelectors = counterV1.exportedSelectors();

        vm.startPrank(guardianAccount);
        vm.expectRevert(unauthorized);
        router.unpauseOpens();
        vm.expectRevert(unauthorized);
        router.setGuardian(stranger);
        vm.expectRevert(unauthorized);
        router.setMaxPause(30 days);
        vm.expectRevert(unauthorized);
        router.transferOwnership(guardianAccount);
        vm.expectRevert(unauthorized);
        router.setModule(COUNTER, address(counterV1), counterSelectors, "");
        vm.expectRevert(unauthorized);
        protocol.listMarket(_alphaListing("CHUTES", CHUTES));
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- access control: every privileged function

    function test_RevertWhen_strangerCallsAnyPrivilegedFunction() public {
        MarketId chutes = _list(_alphaListing("CHUTES", CHUTES));
        MarketId mtsos = _list(_indexListing("MTSOS", address(indexOracle)));
        bytes memory unauthorized = abi.encodeWithSelector(IRouterErrors.OwnableUnauthorizedAccount.selector, stranger);
        bytes4[] memory counterSelectors = counterV1.exportedSelectors();

        vm.startPrank(stranger);
        vm.expectRevert(unauthorized);
        router.transferOwnership(stranger);
        vm.expectRevert(unauthorized);
        router.setGuardian(stranger);
        vm.expectRevert(unauthorized);
        router.unpauseOpens();
        vm.expectRevert(unauthorized);
        router.setMaxPause(1 days);
        vm.expectRevert(unauthorized);
        router.setModule(COUNTER, address(counterV1), counterSelectors, "");
        vm.expectRevert(unauthorized);
        protocol.listMarket(_alphaListing("LIUM", LIUM));
        vm.expectRevert(unauthorized);
        protocol.updateMarketParams(chutes, _alphaParams());
        vm.expectRevert(unauthorized);
        protocol.setMarketStatus(chutes, MarketStatus.ReduceOnly);
        vm.expectRevert(unauthorized);
        protocol.setIndexOracle(mtsos, indexOracle);
        vm.expectRevert(unauthorized);
        router.acceptOwnership();
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.GuardianUnauthorizedAccount.selector, stranger));
        router.pauseOpens();
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- module registry

    function test_setModule_registersSelectorsAndEmits() public {
        bytes4[] memory selectors = counterV1.exportedSelectors();
        for (uint256 i; i < selectors.length; ++i) {
            vm.expectEmit(address(router));
            emit IMegaTAO.SelectorSet(selectors[i], COUNTER, address(counterV1));
        }
        vm.expectEmit(address(router));
        emit IMegaTAO.ModuleSet(COUNTER, address(0), address(counterV1));
        _setCounter(address(counterV1), selectors, "");

        (bytes32 moduleId, address implementation) = router.moduleOf(CounterV1.increment.selector);
        assertEq(moduleId, COUNTER);
        assertEq(implementation, address(counterV1));
        assertEq(router.moduleImplementation(COUNTER), address(counterV1));
        assertEq(router.moduleSelectors(COUNTER).length, 3);
        bytes32[] memory ids = router.moduleIds();
        assertEq(ids.length, 3);
        assertEq(ids[0], MARKET);
        assertEq(ids[1], ORACLE);
        assertEq(ids[2], COUNTER);

        CounterV1(address(router)).increment();
        assertEq(CounterV1(address(router)).count(), 1);
    }

    function test_setModule_fixtureRegistersMarketAndOracle() public view {
        assertEq(router.moduleImplementation(MARKET), address(marketModule));
        assertEq(router.moduleImplementation(ORACLE), address(oracleModule));
        (bytes32 moduleId, address implementation) = router.moduleOf(IMarketModule.listMarket.selector);
        assertEq(moduleId, MARKET);
        assertEq(implementation, address(marketModule));
        (moduleId, implementation) = router.moduleOf(IOracleModule.poke.selector);
        assertEq(moduleId, ORACLE);
        assertEq(implementation, address(oracleModule));
        assertEq(marketModule.moduleId(), MARKET);
        assertEq(oracleModule.moduleId(), ORACLE);
    }

    function test_setModule_upgradeSwapsBehaviourAndKeepsState() public {
        _setCounter(address(counterV1), counterV1.exportedSelectors(), "");
        CounterV1 counter = CounterV1(address(router));
        counter.increment();
        counter.increment();
        assertEq(counter.count(), 2);
        assertEq(counter.legacy(), 1);

        // `legacy` is dropped, `version` added; the kept selectors move to V2.
        vm.expectEmit(address(router));
        emit IMegaTAO.SelectorSet(CounterV1.increment.selector, COUNTER, address(counterV2));
        vm.expectEmit(address(router));
        emit IMegaTAO.SelectorSet(CounterV1.count.selector, COUNTER, address(counterV2));
        vm.expectEmit(address(router));
        emit IMegaTAO.SelectorSet(CounterV1.version.selector, COUNTER, address(counterV2));
        vm.expectEmit(address(router));
        emit IMegaTAO.SelectorRemoved(CounterV1.legacy.selector, COUNTER);
        vm.expectEmit(address(router));
        emit IMegaTAO.ModuleSet(COUNTER, address(counterV1), address(counterV2));
        _setCounter(address(counterV2), counterV2.exportedSelectors(), "");

        assertEq(counter.count(), 2, "state kept");
        counter.increment();
        assertEq(counter.count(), 4, "behaviour swapped");
        assertEq(counter.version(), 2);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, CounterV1.legacy.selector));
        counter.legacy();
        assertEq(router.moduleIds().length, 3, "an upgrade registers no new id");
    }

    function test_setModule_runsInitDataOnce() public {
        _setCounter(address(counterV2), counterV2.exportedSelectors(), abi.encodeCall(CounterV2.migrate, (100)));
        assertEq(CounterV1(address(router)).count(), 100);
        // `migrate` is not a served selector: it ran once, through the upgrade only.
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, CounterV2.migrate.selector));
        CounterV2(address(router)).migrate(1);
    }

    function test_RevertWhen_initDataReverts() public {
        bytes4[] memory selectors = counterV2.exportedSelectors();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(CounterV1.CounterMigrationRefused.selector, 0));
        router.setModule(COUNTER, address(counterV2), selectors, abi.encodeCall(CounterV2.migrate, (0)));
        assertEq(router.moduleImplementation(COUNTER), address(0), "whole upgrade reverted");
    }

    function test_setModule_marketUpgradeKeepsNamespacedState() public {
        MarketId chutes = _list(_alphaListing("CHUTES", CHUTES));
        MarketModuleV2 v2 = new MarketModuleV2();
        bytes4[] memory selectors = v2.exportedSelectors();
        vm.prank(owner);
        router.setModule(MARKET, address(v2), selectors, "");

        assertEq(router.moduleImplementation(MARKET), address(v2));
        assertEq(MarketModuleV2(address(router)).marketCount(), 1);
        MarketInfo memory info = protocol.market(chutes);
        assertEq(info.ticker, "CHUTES");
        assertEq(info.netuid, CHUTES);
        assertEq(uint8(protocol.marketStatus(chutes)), uint8(MarketStatus.Active));
        (uint256 price,) = protocol.referencePrice(chutes);
        assertEq(price, CHUTES_PRICE, "the oracle namespace is untouched");

        _list(_alphaListing("LIUM", LIUM));
        assertEq(MarketModuleV2(address(router)).marketCount(), 2);
    }

    function test_setModule_removesModule() public {
        _setCounter(address(counterV1), counterV1.exportedSelectors(), "");
        bytes4[] memory selectors = counterV1.exportedSelectors();
        for (uint256 i; i < selectors.length; ++i) {
            vm.expectEmit(address(router));
            emit IMegaTAO.SelectorRemoved(selectors[i], COUNTER);
        }
        vm.expectEmit(address(router));
        emit IMegaTAO.ModuleSet(COUNTER, address(counterV1), address(0));
        _setCounter(address(0), new bytes4[](0), "");

        assertEq(router.moduleImplementation(COUNTER), address(0));
        assertEq(router.moduleSelectors(COUNTER).length, 0);
        (bytes32 moduleId, address implementation) = router.moduleOf(CounterV1.increment.selector);
        assertEq(moduleId, bytes32(0));
        assertEq(implementation, address(0));
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, CounterV1.increment.selector));
        CounterV1(address(router)).increment();
    }

    function test_RevertWhen_selectorServedByAnotherModule() public {
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = CounterV1.increment.selector;
        selectors[1] = IMarketModule.listMarket.selector;
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IRouterErrors.SelectorClash.selector, IMarketModule.listMarket.selector, MARKET)
        );
        router.setModule(COUNTER, address(counterV1), selectors, "");
    }

    /// Every function of the entry contract, read from its compiled ABI, is reserved.
    function test_RevertWhen_selectorIsTheEntryContractsOwn() public {
        string memory artifact = vm.readFile("out/MegaTAO.sol/MegaTAO.json");
        string[] memory signatures = vm.parseJsonKeys(artifact, ".methodIdentifiers");
        assertEq(signatures.length, 17);
        for (uint256 i; i < signatures.length; ++i) {
            bytes4[] memory selectors = new bytes4[](1);
            selectors[0] = bytes4(keccak256(bytes(signatures[i])));
            vm.prank(owner);
            vm.expectRevert(abi.encodeWithSelector(IRouterErrors.SelectorReserved.selector, selectors[0]));
            router.setModule(COUNTER, address(counterV1), selectors, "");
        }
    }

    function test_RevertWhen_selectorListedTwice() public {
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = CounterV1.increment.selector;
        selectors[1] = CounterV1.increment.selector;
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.DuplicateSelector.selector, CounterV1.increment.selector));
        router.setModule(COUNTER, address(counterV1), selectors, "");
    }

    function test_RevertWhen_implementationHasNoCode() public {
        bytes4[] memory selectors = counterV1.exportedSelectors();
        vm.startPrank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.ModuleHasNoCode.selector, stranger));
        router.setModule(COUNTER, stranger, selectors, "");
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.ModuleHasNoCode.selector, address(0)));
        router.setModule(COUNTER, address(0), selectors, "");
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.ModuleHasNoCode.selector, address(0)));
        router.setModule(COUNTER, address(0), new bytes4[](0), hex"01");
        vm.stopPrank();
    }

    function test_RevertWhen_moduleIdIsZero() public {
        bytes4[] memory selectors = counterV1.exportedSelectors();
        vm.prank(owner);
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.InvalidModuleId.selector, bytes32(0)));
        router.setModule(bytes32(0), address(counterV1), selectors, "");
    }

    function test_RevertWhen_selectorUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, bytes4(0xdeadbeef)));
        (bool success,) = address(router).call(abi.encodeWithSelector(bytes4(0xdeadbeef), uint256(1)));
        success;
        // A call with no data dispatches on selector zero, which nothing serves.
        vm.expectRevert(abi.encodeWithSelector(IRouterErrors.UnknownSelector.selector, bytes4(0)));
        (success,) = address(router).call{value: 0}("");
    }

    /// The fallback is payable so that payable module functions can take TAO; a nonpayable one still rejects it,
    /// because delegatecall keeps msg.value.
    function test_fallback_nonpayableModuleFunctionRejectsValue() public {
        vm.deal(stranger, 1 ether);
        vm.prank(stranger);
        (bool success,) = address(router).call{value: 1e9}(abi.encodeCall(IMarketModule.marketIds, ()));
        assertFalse(success);
        assertEq(address(router).balance, 0);
    }

    // ---------------------------------------------------------------- implementations called directly

    function test_RevertWhen_moduleImplementationCalledDirectly() public {
        MarketId id = MarketId.wrap(bytes32(uint256(1)));
        bytes memory market = abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(marketModule));
        bytes memory oracle = abi.encodeWithSelector(IRouterErrors.NotDelegateCall.selector, address(oracleModule));

        vm.startPrank(owner);
        vm.expectRevert(market);
        marketModule.listMarket(_alphaListing("CHUTES", CHUTES));
        vm.expectRevert(market);
        marketModule.updateMarketParams(id, _alphaParams());
        vm.expectRevert(market);
        marketModule.setMarketStatus(id, MarketStatus.Delisted);
        vm.expectRevert(market);
        marketModule.market(id);
        vm.expectRevert(market);
        marketModule.marketParams(id);
        vm.expectRevert(market);
        marketModule.marketStatus(id);
        vm.expectRevert(market);
        marketModule.marketIds();
        vm.expectRevert(market);
        marketModule.marketIdByTicker("CHUTES");

        vm.expectRevert(oracle);
        oracleModule.spotPrice(id);
        vm.expectRevert(oracle);
        oracleModule.oraclePrices(id);
        vm.expectRevert(oracle);
        oracleModule.poke(id);
        vm.expectRevert(oracle);
        oracleModule.accrue(id);
        vm.expectRevert(oracle);
        oracleModule.referencePrice(id);
        vm.expectRevert(oracle);
        oracleModule.oracleParams();
        vm.expectRevert(oracle);
        oracleModule.setOracleParams(1 hours, 15 minutes);
        vm.expectRevert(oracle);
        oracleModule.poolTaoReserve(id);
        vm.expectRevert(oracle);
        oracleModule.isBelowLiquidityThreshold(id);
        vm.expectRevert(oracle);
        oracleModule.indexOracle(id);
        vm.expectRevert(oracle);
        oracleModule.setIndexOracle(id, indexOracle);
        vm.stopPrank();
    }

    /// The selector lists the modules export are exactly their interfaces' functions.
    function test_exportedSelectors_coverTheInterfaces() public view {
        _assertSelectorsMatch(marketModule.exportedSelectors(), "out/IMarketModule.sol/IMarketModule.json");
        _assertSelectorsMatch(oracleModule.exportedSelectors(), "out/IOracleModule.sol/IOracleModule.json");
    }

    function _assertSelectorsMatch(bytes4[] memory exported, string memory path) internal view {
        string[] memory signatures = vm.parseJsonKeys(vm.readFile(path), ".methodIdentifiers");
        assertEq(exported.length, signatures.length, path);
        for (uint256 i; i < signatures.length; ++i) {
            bytes4 selector = bytes4(keccak256(bytes(signatures[i])));
            bool found;
            for (uint256 j; j < exported.length; ++j) {
                if (exported[j] == selector) found = true;
            }
            assertTrue(found, signatures[i]);
        }
    }
}
