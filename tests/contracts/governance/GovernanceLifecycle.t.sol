// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernanceFixture} from "./GovernanceFixture.t.sol";
import {MockIndexOracle} from "../protocol/ProtocolFixture.t.sol";
import {MarketModule} from "../../../contracts/protocol/modules/MarketModule.sol";
import {IMarketErrors} from "../../../contracts/libraries/errors/MarketErrors.sol";
import {IMegaTAO} from "../../../contracts/interfaces/IMegaTAO.sol";
import {IMarketModule, MarketInfo, MarketListing, MarketParams} from "../../../contracts/interfaces/IMarketModule.sol";
import {IOracleModule, IIndexOracle} from "../../../contracts/interfaces/IOracleModule.sol";
import {MarketId, MarketIdLibrary, MarketKind, MarketStatus} from "../../../contracts/types/MarketId.sol";
import {Built} from "../utils/Built.sol";

/// @dev Proposals through the whole path: propose, vote (directly and by signed ballots), queue, timelock, execute.
contract GovernanceLifecycleTest is GovernanceFixture {
    function test_lifecycle_ListsSN19ThroughTimelock() public {
        MarketListing memory listing = _sn19Listing();
        Proposal memory p = _listingProposal(listing, "# List SN19\nAlpha market of subnet 19 at genesis parameters.");
        Proposal memory other = _listingProposal(_alphaListing("LIUM", LIUM), "# List LIUM\nSubnet 51.");

        // 1. Propose: alice holds 3%, above the 0.1% threshold. The id is computable offline.
        uint256 proposalId = _propose(alice, p);
        uint256 otherId = _propose(alice, other);
        assertEq(proposalId, _idOf(p), "id");
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Pending), "pending");

        // 2. and 3. Sign offline, vote.
        _voteOnListing(proposalId, otherId);

        // 4. Queue once the vote is over: the timelock schedules the call.
        _warpPastDeadline(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Succeeded), "succeeded");
        vm.expectEmit(address(governor));
        emit IGovernor.ProposalQueued(proposalId, block.timestamp + 2 days);
        _queue(p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Queued), "queued");

        // 5. Nothing runs before the timelock delay is over.
        bytes32 operationId = _operationId(p);
        assertTrue(timelock.isOperationPending(operationId), "scheduled");
        vm.warp(governor.proposalEta(proposalId) - 1);
        vm.prank(relayer);
        vm.expectRevert(
            abi.encodeWithSelector(
                TimelockController.TimelockUnexpectedOperationState.selector,
                operationId,
                bytes32(uint256(1) << uint8(TimelockController.OperationState.Ready))
            )
        );
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));

        // 6. Execute (anyone may): the timelock calls listMarket, which checks the criteria now.
        vm.warp(governor.proposalEta(proposalId));
        vm.expectEmit(address(router));
        emit IMarketModule.MarketListed(MarketIdLibrary.alpha(SN19), "SN19", MarketKind.Alpha, SN19, listing.params);
        _execute(p);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Executed), "executed");
        assertTrue(timelock.isOperationDone(operationId), "done");
        _assertSn19Listed(listing.params);

        // 7. The new market trades: a long opened and closed a block later.
        address trader = makeAddr("trader");
        vm.deal(trader, 10e18);
        MarketId sn19 = MarketIdLibrary.alpha(SN19);
        vm.prank(trader);
        protocol.openPosition{value: 5e18}(sn19, true, 2e18, CHUTES_PRICE * 101 / 100, block.timestamp);
        assertGt(protocol.position(trader, sn19).size, 0, "opened on SN19");
        vm.roll(block.number + 1);
        vm.prank(trader);
        protocol.closePosition(sn19, CHUTES_PRICE * 99 / 100, block.timestamp);
        assertEq(protocol.position(trader, sn19).size, 0, "closed");
        assertGt(trader.balance, 9.9e18, "the margin came back, less fees and slippage");
    }

    /// @dev Offline, before the vote opens: bob signs ballots for both proposals with nonces keyed by each proposal;
    ///      carol signs an Against ballot with her sequential nonce. Then alice votes directly; a relayer lands bob's
    ///      ballot on the other proposal first, and his ballot on the listing is still valid after it; then carol's.
    function _voteOnListing(uint256 proposalId, uint256 otherId) internal {
        bytes memory bobBallot = _signKeyedBallot(bobKey, proposalId, FOR);
        bytes memory bobOtherBallot = _signKeyedBallot(bobKey, otherId, FOR);
        bytes memory carolBallot = _signBallot(carolKey, proposalId, AGAINST, governor.nonces(carol));

        _warpToVoteStart(proposalId);
        assertEq(uint8(_state(proposalId)), uint8(IGovernor.ProposalState.Active), "active");
        _vote(alice, proposalId, FOR);
        _relayBallot(otherId, FOR, bob, bobOtherBallot);
        vm.expectEmit(address(governor));
        emit IGovernor.VoteCast(bob, proposalId, FOR, BOB_VOTES, "");
        _relayBallot(proposalId, FOR, bob, bobBallot);
        _relayBallot(proposalId, AGAINST, carol, carolBallot);
        (uint256 against, uint256 forVotes, uint256 abstain) = governor.proposalVotes(proposalId);
        assertEq(forVotes, ALICE_VOTES + BOB_VOTES, "for");
        assertEq(against, CAROL_VOTES, "against");
        assertEq(abstain, 0, "abstain");
        assertTrue(governor.hasVoted(otherId, bob), "bob's other vote");
    }

    function _operationId(Proposal memory p) internal view returns (bytes32) {
        // GovernorTimelockControl's salt: the Governor's address xor the description hash.
        bytes32 salt = bytes20(address(governor)) ^ _descriptionHash(p);
        return timelock.hashOperationBatch(p.targets, p.values, p.calldatas, 0, salt);
    }

    function _assertSn19Listed(MarketParams memory params) internal view {
        MarketId sn19 = MarketIdLibrary.alpha(SN19);
        MarketInfo memory info = protocol.market(sn19);
        assertEq(info.ticker, "SN19", "ticker");
        assertEq(uint8(info.kind), uint8(MarketKind.Alpha), "kind");
        assertEq(uint8(info.status), uint8(MarketStatus.Active), "status");
        assertEq(info.netuid, SN19, "netuid");
        assertEq(info.listedAt, block.timestamp, "listed at");
        assertEq(keccak256(abi.encode(info.params)), keccak256(abi.encode(params)), "params");
        assertEq(MarketId.unwrap(protocol.marketIdByTicker("SN19")), MarketId.unwrap(sn19), "by ticker");
        (uint256 price,) = protocol.referencePrice(sn19);
        assertEq(price, CHUTES_PRICE, "first accepted price");
        assertFalse(protocol.isBelowLiquidityThreshold(sn19), "tradable liquidity");
    }

    function test_lifecycle_ListsIndexMarketThroughTimelock() public {
        Proposal memory p = _listingProposal(_indexListing("MTSOS", address(indexOracle)), "List MTSOS");
        _pass(p);
        MarketId mtsos = MarketIdLibrary.indexFromTicker("MTSOS");
        assertEq(uint8(protocol.marketStatus(mtsos)), uint8(MarketStatus.Active), "listed");
        assertEq(protocol.indexOracle(mtsos), address(indexOracle), "oracle");
    }

    function test_lifecycle_UpdatesMarketParamsAndStatus() public {
        _pass(_listingProposal(_sn19Listing(), "List SN19"));
        MarketId sn19 = MarketIdLibrary.alpha(SN19);

        MarketParams memory params = _alphaParams();
        params.maxLeverage = 5e18;
        params.takerFee = 0.001e18;
        Proposal memory update = _protocolCall(abi.encodeCall(IMarketModule.updateMarketParams, (sn19, params)), "5x");
        _proposeAndQueue(update);
        vm.expectEmit(address(router));
        emit IMarketModule.MarketParamsUpdated(sn19, _alphaParams(), params);
        _execute(update);
        assertEq(keccak256(abi.encode(_params(sn19))), keccak256(abi.encode(params)), "params");

        Proposal memory reduceOnly =
            _protocolCall(abi.encodeCall(IMarketModule.setMarketStatus, (sn19, MarketStatus.ReduceOnly)), "R/O");
        _pass(reduceOnly);
        assertEq(uint8(protocol.marketStatus(sn19)), uint8(MarketStatus.ReduceOnly), "reduce-only");

        Proposal memory delist =
            _protocolCall(abi.encodeCall(IMarketModule.setMarketStatus, (sn19, MarketStatus.Delisted)), "Delist");
        _pass(delist);
        assertEq(uint8(protocol.marketStatus(sn19)), uint8(MarketStatus.Delisted), "delisted");
    }

    function test_RevertWhen_ParamsUpdateBreaksBoundAtExecution() public {
        _pass(_listingProposal(_sn19Listing(), "List SN19"));
        MarketId sn19 = MarketIdLibrary.alpha(SN19);
        MarketParams memory params = _alphaParams();
        params.takerFee = 0.02e18;
        Proposal memory update = _protocolCall(abi.encodeCall(IMarketModule.updateMarketParams, (sn19, params)), "2%");
        _proposeAndQueue(update);
        vm.prank(relayer);
        vm.expectRevert(abi.encodeWithSelector(IMarketErrors.TakerFeeOutOfBounds.selector, 0.02e18, 0, 0.01e18));
        governor.execute(update.targets, update.values, update.calldatas, _descriptionHash(update));
        assertEq(_params(sn19).takerFee, _alphaParams().takerFee, "unchanged");
    }

    function test_lifecycle_SetsIndexOracle() public {
        _pass(_listingProposal(_indexListing("MTSOS", address(indexOracle)), "List MTSOS"));
        MarketId mtsos = MarketIdLibrary.indexFromTicker("MTSOS");
        MockIndexOracle replacement = new MockIndexOracle(MTSOS_PRICE);
        _pass(
            _protocolCall(
                abi.encodeCall(IOracleModule.setIndexOracle, (mtsos, IIndexOracle(address(replacement)))), "Oracle"
            )
        );
        assertEq(protocol.indexOracle(mtsos), address(replacement), "oracle");
    }

    function test_lifecycle_UnpausesOpensAfterGuardianPause() public {
        Proposal memory unpause = _protocolCall(abi.encodeCall(IMegaTAO.unpauseOpens, ()), "Unpause opens");
        _proposeAndQueue(unpause);
        // The guardian pauses just before the execution (a pause of the proposal's start would have lapsed by now).
        vm.prank(guardianAccount);
        router.pauseOpens();
        assertTrue(router.opensPaused(), "paused by the guardian");
        vm.expectEmit(address(router));
        emit IMegaTAO.OpensUnpaused(address(timelock));
        _execute(unpause);
        assertFalse(router.opensPaused(), "unpaused by governance");
    }

    function test_lifecycle_ReplacesGuardians() public {
        address newGuardian = makeAddr("newGuardian");
        address newProposalGuardian = makeAddr("newProposalGuardian");
        Proposal memory p;
        p.targets = new address[](2);
        p.values = new uint256[](2);
        p.calldatas = new bytes[](2);
        p.targets[0] = address(router);
        p.calldatas[0] = abi.encodeCall(IMegaTAO.setGuardian, (newGuardian));
        p.targets[1] = address(governor);
        p.calldatas[1] = abi.encodeWithSignature("setProposalGuardian(address)", newProposalGuardian);
        p.description = "New guardians";
        _pass(p);
        assertEq(router.guardian(), newGuardian, "protocol guardian");
        assertEq(governor.proposalGuardian(), newProposalGuardian, "proposal guardian");
    }

    function test_lifecycle_UpgradesModule() public {
        _pass(_listingProposal(_sn19Listing(), "List SN19"));
        MarketModule upgraded = MarketModule(Built.deploy("MarketModule"));
        bytes32 moduleId = upgraded.MODULE_ID();
        Proposal memory upgrade = _protocolCall(
            abi.encodeCall(IMegaTAO.setModule, (moduleId, address(upgraded), upgraded.exportedSelectors(), bytes(""))),
            "Upgrade the market module"
        );
        _proposeAndQueue(upgrade);
        vm.expectEmit(address(router));
        emit IMegaTAO.ModuleSet(moduleId, address(marketModule), address(upgraded));
        _execute(upgrade);
        assertEq(router.moduleImplementation(moduleId), address(upgraded), "upgraded");
        // The market module's namespace is untouched by the upgrade.
        assertEq(uint8(protocol.marketStatus(MarketIdLibrary.alpha(SN19))), uint8(MarketStatus.Active), "state kept");
    }

    function test_lifecycle_ChangesTimelockDelay() public {
        Proposal memory p =
            _singleCall(address(timelock), abi.encodeCall(TimelockController.updateDelay, (3 days)), "Delay: 3 days");
        _pass(p);
        assertEq(timelock.getMinDelay(), 3 days, "delay");
        // The next proposal waits the new delay after queueing.
        Proposal memory next = _protocolCall(abi.encodeCall(IMegaTAO.setGuardian, (stranger)), "next");
        uint256 nextId = _propose(alice, next);
        _warpToVoteStart(nextId);
        _vote(alice, nextId, FOR);
        _vote(bob, nextId, FOR);
        _warpPastDeadline(nextId);
        _queue(next);
        assertEq(governor.proposalEta(nextId), block.timestamp + 3 days, "eta");
    }
}
