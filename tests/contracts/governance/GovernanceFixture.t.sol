// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IGovernor} from "@openzeppelin/contracts/governance/IGovernor.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ProtocolFixture} from "../protocol/ProtocolFixture.t.sol";
import {Bittensor} from "../../../contracts/libraries/Bittensor.sol";
import {MegaTAOToken} from "../../../contracts/governance/MegaTAOToken.sol";
import {MegaTAOGovernor} from "../../../contracts/governance/MegaTAOGovernor.sol";
import {GovernanceDeployer} from "../../../contracts/governance/GovernanceDeployer.sol";
import {MegaTAOTimelock} from "../../../contracts/governance/MegaTAOTimelock.sol";
import {GovernanceDefaults} from "../../../contracts/governance/GovernanceDefaults.sol";
import {IMarketModule, MarketListing, MarketParams} from "../../../contracts/interfaces/IMarketModule.sol";
import {MarketId, MarketStatus} from "../../../contracts/types/MarketId.sol";
import {ModuleBase} from "../../../contracts/protocol/modules/ModuleBase.sol";
import {PositionModule} from "../../../contracts/protocol/modules/PositionModule.sol";
import {PositionViewModule} from "../../../contracts/protocol/modules/PositionViewModule.sol";
import {LiquidationModule} from "../../../contracts/protocol/modules/LiquidationModule.sol";
import {VaultModule} from "../../../contracts/protocol/modules/VaultModule.sol";
import {LpModule} from "../../../contracts/protocol/modules/LpModule.sol";
import {MegaTAOLpToken} from "../../../contracts/tokens/MegaTAOLpToken.sol";
import {Built} from "../utils/Built.sol";

/// @dev The protocol of `ProtocolFixture`, with the trading modules, 10,000 TAO of vault capital and the LP module
///      (epoch 0 starting at `GENESIS_TIME`, the capital the owner's shares), handed to governance exactly as a
///      deployment does it (see contracts/governance/README.md): `owner` is the deploying account, `guardianAccount`
///      the protocol's pause guardian, `proposalGuardianAccount` the Governor's (cancels proposals): different keys.
///      Voters hold and self-delegate MEGA: alice 3%, bob 2%, carol 1% (together 6% against a 4% quorum), dave 0.05%
///      (under the 0.1% proposal threshold). Subnet 19 has a dynamic pool like CHUTES's.
abstract contract GovernanceFixture is ProtocolFixture {
    uint16 internal constant SN19 = 19;

    uint256 internal constant ALICE_VOTES = 3_000_000e18;
    uint256 internal constant BOB_VOTES = 2_000_000e18;
    uint256 internal constant CAROL_VOTES = 1_000_000e18;
    uint256 internal constant DAVE_VOTES = 50_000e18;
    uint256 internal constant VAULT_CAPITAL = 10_000e18;

    uint8 internal constant AGAINST = 0;
    uint8 internal constant FOR = 1;
    uint8 internal constant ABSTAIN = 2;

    /// @dev A start time like a live chain's (forge starts at 1, which leaves no past for the vote snapshots).
    uint256 internal constant GENESIS_TIME = 1_750_000_000;

    bytes32 internal constant EIP712_DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant BALLOT_TYPEHASH =
        keccak256("Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)");

    MegaTAOToken internal token;
    MegaTAOTimelock internal timelock;
    MegaTAOLpToken internal lpToken;
    MegaTAOGovernor internal governor;
    GovernanceDeployer internal governanceDeployer;

    address internal alice;
    uint256 internal aliceKey;
    address internal bob;
    uint256 internal bobKey;
    address internal carol;
    uint256 internal carolKey;
    address internal dave;
    address internal relayer = makeAddr("relayer");
    address internal proposalGuardianAccount = makeAddr("proposalGuardian");

    /// @dev A proposal's calls, and the description that completes its id.
    struct Proposal {
        address[] targets;
        uint256[] values;
        bytes[] calldatas;
        string description;
    }

    function setUp() public virtual override {
        vm.warp(GENESIS_TIME);
        super.setUp();
        alpha.setPool(SN19, POOL_TAO_RAO, POOL_ALPHA, Bittensor.MECHANISM_DYNAMIC);
        (alice, aliceKey) = makeAddrAndKey("alice");
        (bob, bobKey) = makeAddrAndKey("bob");
        (carol, carolKey) = makeAddrAndKey("carol");
        dave = makeAddr("dave");

        // The trading modules and the vault's capital, registered by the deploying account before the handover.
        vm.startPrank(owner);
        _register(Built.deploy("PositionModule"), "");
        _register(Built.deploy("PositionViewModule"), "");
        _register(Built.deploy("LiquidationModule"), "");
        _register(Built.deploy("VaultModule"), abi.encodeCall(VaultModule.initialize, ()));
        vm.deal(owner, VAULT_CAPITAL);
        protocol.fundVault{value: VAULT_CAPITAL}();
        lpToken = MegaTAOLpToken(Built.deploy("MegaTAOLpToken", abi.encode(address(router))));
        _register(Built.deploy("LpModule"), abi.encodeCall(LpModule.initialize, (address(lpToken))));

        // The deployment sequence of contracts/governance/README.md, all from the deploying account.
        token = MegaTAOToken(Built.deploy("MegaTAOToken", abi.encode(owner)));
        governanceDeployer = GovernanceDeployer(Built.deploy("GovernanceDeployer", abi.encode(address(router))));
        timelock = governanceDeployer.timelock();
        governor = MegaTAOGovernor(
            Built.deploy("MegaTAOGovernor", abi.encode(token, timelock, proposalGuardianAccount, address(router)))
        );
        router.setGuardian(guardianAccount);
        router.transferOwnership(address(timelock));
        address[] memory owned = new address[](1);
        owned[0] = address(router);
        governanceDeployer.handover(address(governor), owned);

        // Distribution (the devnet hands tokens to its default accounts); each voter then delegates to itself.
        assertTrue(token.transfer(alice, ALICE_VOTES), "transfer");
        assertTrue(token.transfer(bob, BOB_VOTES), "transfer");
        assertTrue(token.transfer(carol, CAROL_VOTES), "transfer");
        assertTrue(token.transfer(dave, DAVE_VOTES), "transfer");
        vm.stopPrank();
        _selfDelegate(alice);
        _selfDelegate(bob);
        _selfDelegate(carol);
        _selfDelegate(dave);
        // Voting power counts from the next second on (a proposal reads it at `clock() - 1`).
        vm.warp(block.timestamp + 1);
    }

    function _register(address module, bytes memory initData) internal {
        ModuleBase m = ModuleBase(module);
        router.setModule(m.moduleId(), module, m.exportedSelectors(), initData);
    }

    function _selfDelegate(address account) internal {
        vm.prank(account);
        token.delegate(account);
    }

    // ---------------------------------------------------------------- proposals

    /// @dev A proposal of a single call on the protocol, as the timelock will make it.
    function _protocolCall(bytes memory data, string memory description) internal view returns (Proposal memory p) {
        return _singleCall(address(router), data, description);
    }

    function _singleCall(address target, bytes memory data, string memory description)
        internal
        pure
        returns (Proposal memory p)
    {
        p.targets = new address[](1);
        p.targets[0] = target;
        p.values = new uint256[](1);
        p.calldatas = new bytes[](1);
        p.calldatas[0] = data;
        p.description = description;
    }

    /// @dev A proposal listing `listing` on the protocol.
    function _listingProposal(MarketListing memory listing, string memory description)
        internal
        view
        returns (Proposal memory)
    {
        return _protocolCall(abi.encodeCall(IMarketModule.listMarket, (listing)), description);
    }

    /// @dev SN19 at the genesis parameters of an alpha market.
    function _sn19Listing() internal pure returns (MarketListing memory) {
        return _alphaListing("SN19", SN19);
    }

    function _descriptionHash(Proposal memory p) internal pure returns (bytes32) {
        return keccak256(bytes(p.description));
    }

    function _idOf(Proposal memory p) internal view returns (uint256) {
        return governor.hashProposal(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    function _propose(address proposer, Proposal memory p) internal returns (uint256 proposalId) {
        vm.prank(proposer);
        proposalId = governor.propose(p.targets, p.values, p.calldatas, p.description);
    }

    function _vote(address voter, uint256 proposalId, uint8 support) internal {
        vm.prank(voter);
        governor.castVote(proposalId, support);
    }

    /// @dev Moves the clock to the first second of the proposal's vote.
    function _warpToVoteStart(uint256 proposalId) internal {
        vm.warp(governor.proposalSnapshot(proposalId) + 1);
    }

    /// @dev Moves the clock past the proposal's (possibly extended) deadline.
    function _warpPastDeadline(uint256 proposalId) internal {
        vm.warp(governor.proposalDeadline(proposalId) + 1);
    }

    function _queue(Proposal memory p) internal {
        governor.queue(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    function _execute(Proposal memory p) internal {
        vm.prank(relayer);
        governor.execute(p.targets, p.values, p.calldatas, _descriptionHash(p));
    }

    /// @dev Proposes (alice), votes it through (alice and bob, 5% for), queues, and waits out the timelock delay.
    function _proposeAndQueue(Proposal memory p) internal returns (uint256 proposalId) {
        proposalId = _propose(alice, p);
        _warpToVoteStart(proposalId);
        _vote(alice, proposalId, FOR);
        _vote(bob, proposalId, FOR);
        _warpPastDeadline(proposalId);
        _queue(p);
        vm.warp(governor.proposalEta(proposalId));
    }

    /// @dev The whole path of a proposal through governance, executed.
    function _pass(Proposal memory p) internal returns (uint256 proposalId) {
        proposalId = _proposeAndQueue(p);
        _execute(p);
    }

    // ---------------------------------------------------------------- ballots

    function _domainSeparator() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                EIP712_DOMAIN_TYPEHASH,
                keccak256(bytes(governor.name())),
                keccak256(bytes(governor.version())),
                block.chainid,
                address(governor)
            )
        );
    }

    /// @dev The EIP-712 digest of a ballot, computed here as an offline signer computes it.
    function _ballotDigest(uint256 proposalId, uint8 support, address voter, uint256 nonce)
        internal
        view
        returns (bytes32)
    {
        bytes32 structHash = keccak256(abi.encode(BALLOT_TYPEHASH, proposalId, support, voter, nonce));
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash));
    }

    function _signBallot(uint256 key, uint256 proposalId, uint8 support, uint256 nonce)
        internal
        view
        returns (bytes memory)
    {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _ballotDigest(proposalId, support, vm.addr(key), nonce));
        return abi.encodePacked(r, s, v);
    }

    /// @dev A ballot for `proposalId` with the voter's nonce keyed by that proposal (`GovernorNoncesKeyed`).
    function _signKeyedBallot(uint256 key, uint256 proposalId, uint8 support) internal view returns (bytes memory) {
        // The key is the low 192 bits of the proposal id, by GovernorNoncesKeyed's definition.
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 nonce = governor.nonces(vm.addr(key), uint192(proposalId));
        return _signBallot(key, proposalId, support, nonce);
    }

    function _relayBallot(uint256 proposalId, uint8 support, address voter, bytes memory signature) internal {
        vm.prank(relayer);
        governor.castVoteBySig(proposalId, support, voter, signature);
    }

    // ---------------------------------------------------------------- checks

    function _assertNotListed(MarketId marketId) internal view {
        assertEq(uint8(protocol.marketStatus(marketId)), uint8(MarketStatus.None), "market listed");
    }

    function _assertNoTimelockRoleOn(TimelockController lock, address account) internal view {
        assertFalse(lock.hasRole(lock.DEFAULT_ADMIN_ROLE(), account), "admin");
        assertFalse(lock.hasRole(lock.PROPOSER_ROLE(), account), "proposer");
        assertFalse(lock.hasRole(lock.EXECUTOR_ROLE(), account), "executor");
        assertFalse(lock.hasRole(lock.CANCELLER_ROLE(), account), "canceller");
    }

    function _params(MarketId marketId) internal view returns (MarketParams memory) {
        return protocol.marketParams(marketId);
    }

    function _state(uint256 proposalId) internal view returns (IGovernor.ProposalState) {
        return governor.state(proposalId);
    }
}
