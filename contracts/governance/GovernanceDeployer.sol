// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IGovernanceErrors} from "../libraries/errors/GovernanceErrors.sol";
import {IMegaTAO} from "../interfaces/IMegaTAO.sol";
import {ILpModule} from "../interfaces/ILpModule.sol";
import {GovernanceDefaults} from "./GovernanceDefaults.sol";
import {MegaTAOTimelock} from "./MegaTAOTimelock.sol";

/// @notice What the handover needs of the Governor: the timelock it executes through, the protocol it knows, its
///         proposal guardian.
interface ITimelockGovernor {
    /// @notice The TimelockController the Governor queues and executes proposals on.
    function timelock() external view returns (address);

    /// @notice The MegaTAO entry contract whose guardian calls the Governor recognises.
    function protocol() external view returns (address);

    /// @notice The account that may cancel proposals that are not guardian-proof.
    function proposalGuardian() external view returns (address);
}

/// @notice What the handover needs of a contract the timelock takes over: two-step ownership (Ownable2Step).
interface IOwnable2Step {
    /// @notice The current owner.
    function owner() external view returns (address);

    /// @notice The account proposed as next owner.
    function pendingOwner() external view returns (address);

    /// @notice Accepts a proposed ownership; pending owner only.
    function acceptOwnership() external;
}

/// @title One-shot deployer of the timelock, and the handover of the protocol to governance.
/// @notice Deploys `MegaTAOTimelock` (OpenZeppelin's TimelockController with a 9-day delay for upgrades) for the
///         protocol given, with this contract as its only (temporary) proposer, executor and admin and a minimum
///         delay of 0. `handover`, called once by this contract's own deployer, checks that the Governor executes
///         through this timelock and knows this protocol, that the protocol's pause guardian and the Governor's
///         proposal guardian are different keys, and that the upgrade delay is longer than the protocol's longest LP
///         exit; then:
///         1. schedules and at once executes, as one timelock batch, `acceptOwnership()` on every contract whose
///            ownership was offered to the timelock (the MegaTAO entry contract, which must be one of them), then
///            `updateDelay(2 days)` on the timelock itself (a call only the timelock can make);
///         2. grants the Governor the proposer and canceller roles, and everyone (address(0)) the executor role;
///         3. renounces every role this contract held.
///         The timelock then answers only to the Governor, after a 2-day delay (9 days for an upgrade), and neither
///         this contract nor the account that deployed it holds any role or ownership. The deploying account itself
///         never holds a timelock role: this contract holds them from its construction and gives them up inside the
///         handover transaction.
/// @dev The timelock's constructor fixes its initial roles, so no other proposer, executor or admin can exist: after
///      the handover the role holders are exactly the Governor (proposer, canceller), address(0) (executor) and the
///      timelock itself (its own admin, as OpenZeppelin sets it). Between deployment and handover the timelock has a
///      0 delay (9 days for upgrade calls, which the handover does not make), but its only proposer is this
///      contract, which does nothing but the handover, for its deployer only.
contract GovernanceDeployer is IGovernanceErrors {
    /// @notice The account that deployed this contract, the only one that may call `handover`.
    address public immutable deployer;

    /// @notice The MegaTAO entry contract the timelock takes over.
    address public immutable protocol;

    /// @notice The timelock this contract deployed.
    MegaTAOTimelock public immutable timelock;

    /// @notice Whether `handover` has run.
    bool public handedOver;

    /// @notice The timelock was deployed, with this contract as temporary proposer, executor and admin.
    event TimelockDeployed(address indexed timelock, address indexed deployer);

    /// @notice The timelock took over `ownedContracts`, set its delay to `minDelay` (an upgrade's is `upgradeDelay`)
    ///         and now answers to `governor`.
    event HandedOver(
        address indexed governor,
        address indexed timelock,
        address[] ownedContracts,
        uint256 minDelay,
        uint256 upgradeDelay
    );

    /// @notice `caller` is not this contract's deployer.
    error UnauthorizedHandover(address caller);

    /// @notice `handover` has run already.
    error AlreadyHandedOver();

    /// @notice The Governor executes through `governorTimelock`, not through this contract's timelock.
    error GovernorTimelockMismatch(address governor, address governorTimelock);

    /// @notice No contract to take over was given.
    error NothingToHandOver();

    /// @notice `owned` has not offered its ownership to the timelock (its pending owner is `pendingOwner`).
    error OwnershipNotOffered(address owned, address pendingOwner);

    /// @notice After the handover, `owned` is owned by `owner` instead of the timelock.
    error OwnershipNotTaken(address owned, address owner);

    /// @notice The Governor recognises the guardian calls of `governorProtocol`, not of this contract's protocol.
    error GovernorProtocolMismatch(address governor, address governorProtocol);

    /// @notice The protocol is not among the contracts handed over.
    error ProtocolNotHandedOver(address protocol);

    /// @param protocol_ The MegaTAO entry contract, with its LP module registered (the upgrade delay is checked
    ///        against its longest LP exit at the handover).
    constructor(address protocol_) {
        deployer = msg.sender;
        protocol = protocol_;
        address[] memory self = new address[](1);
        self[0] = address(this);
        MegaTAOTimelock deployed =
            new MegaTAOTimelock(0, GovernanceDefaults.UPGRADE_DELAY, protocol_, self, self, address(this));
        timelock = deployed;
        emit TimelockDeployed(address(deployed), msg.sender);
    }

    /// @notice Hands the protocol to governance, once, from this contract's deployer. Each of `ownedContracts` must
    ///         have been offered to the timelock first (`transferOwnership(timelock)` by its owner).
    /// @param governor The Governor, deployed with this contract's `timelock` and `protocol`.
    /// @param ownedContracts The two-step-owned contracts the timelock accepts: the MegaTAO entry contract, and any
    ///        other.
    function handover(address governor, address[] calldata ownedContracts) external {
        if (msg.sender != deployer) revert UnauthorizedHandover(msg.sender);
        if (handedOver) revert AlreadyHandedOver();
        MegaTAOTimelock lock = timelock;
        uint256 count = ownedContracts.length;
        if (count == 0) revert NothingToHandOver();
        uint256 upgradeDelay = _checkGovernance(governor, ownedContracts);
        handedOver = true;

        // 1. One batch, executed as soon as scheduled (the delay is still 0): accept each ownership, then set the
        //    final delay, which only the timelock itself may do.
        address[] memory targets = new address[](count + 1);
        uint256[] memory values = new uint256[](count + 1);
        bytes[] memory payloads = new bytes[](count + 1);
        for (uint256 i; i < count; ++i) {
            address owned = ownedContracts[i];
            address pending = IOwnable2Step(owned).pendingOwner();
            if (pending != address(lock)) revert OwnershipNotOffered(owned, pending);
            targets[i] = owned;
            payloads[i] = abi.encodeCall(IOwnable2Step.acceptOwnership, ());
        }
        targets[count] = address(lock);
        payloads[count] = abi.encodeCall(TimelockController.updateDelay, (GovernanceDefaults.TIMELOCK_MIN_DELAY));
        lock.scheduleBatch(targets, values, payloads, bytes32(0), bytes32(0), 0);
        lock.executeBatch(targets, values, payloads, bytes32(0), bytes32(0));
        for (uint256 i; i < count; ++i) {
            address owner = IOwnable2Step(ownedContracts[i]).owner();
            if (owner != address(lock)) revert OwnershipNotTaken(ownedContracts[i], owner);
        }

        // 2. The Governor proposes and cancels; anyone executes what is ready.
        lock.grantRole(lock.PROPOSER_ROLE(), governor);
        lock.grantRole(lock.CANCELLER_ROLE(), governor);
        lock.grantRole(lock.EXECUTOR_ROLE(), address(0));

        // 3. This contract keeps nothing.
        lock.renounceRole(lock.PROPOSER_ROLE(), address(this));
        lock.renounceRole(lock.CANCELLER_ROLE(), address(this));
        lock.renounceRole(lock.EXECUTOR_ROLE(), address(this));
        lock.renounceRole(lock.DEFAULT_ADMIN_ROLE(), address(this));

        emit HandedOver(governor, address(lock), ownedContracts, GovernanceDefaults.TIMELOCK_MIN_DELAY, upgradeDelay);
    }

    /// @dev The handover's checks of what governance will be: the Governor executes through this timelock and knows
    ///      this protocol, which is handed over; the guardians are different keys; the upgrade delay is longer than
    ///      the protocol's longest LP exit. Returns the upgrade delay.
    function _checkGovernance(address governor, address[] calldata ownedContracts)
        private
        view
        returns (uint256 upgradeDelay)
    {
        address governorTimelock = ITimelockGovernor(governor).timelock();
        if (governorTimelock != address(timelock)) revert GovernorTimelockMismatch(governor, governorTimelock);
        address governorProtocol = ITimelockGovernor(governor).protocol();
        if (governorProtocol != protocol) revert GovernorProtocolMismatch(governor, governorProtocol);
        bool protocolListed;
        for (uint256 i; i < ownedContracts.length; ++i) {
            if (ownedContracts[i] == protocol) protocolListed = true;
        }
        if (!protocolListed) revert ProtocolNotHandedOver(protocol);
        // Different keys: the proposal guardian can never cancel the proposal that replaces the pause guardian.
        address proposalGuardian = ITimelockGovernor(governor).proposalGuardian();
        if (proposalGuardian != address(0) && proposalGuardian == IMegaTAO(protocol).guardian()) {
            revert GuardiansNotDistinct(proposalGuardian);
        }
        // LPs can leave before an upgrade takes effect, from the first day of governance.
        upgradeDelay = timelock.upgradeDelay();
        uint256 longestLpExit = ILpModule(protocol).longestLpExit();
        if (upgradeDelay <= longestLpExit) revert UpgradeDelayNotLongerThanLpExit(upgradeDelay, longestLpExit);
    }
}
