// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMegaTAO} from "./IMegaTAO.sol";
import {IMarketModule} from "./IMarketModule.sol";
import {IOracleModule} from "./IOracleModule.sol";
import {IPositionModule} from "./IPositionModule.sol";
import {IMarginModule} from "./IMarginModule.sol";
import {IPositionViewModule} from "./IPositionViewModule.sol";
import {ILiquidationModule} from "./ILiquidationModule.sol";
import {IVaultModule} from "./IVaultModule.sol";
import {ILpModule} from "./ILpModule.sol";
import {IReferralModule} from "./IReferralModule.sol";
import {IPositionBuilderModule} from "./IPositionBuilderModule.sol";

/// @title Everything the MegaTAO entry contract answers: its own functions and those of its modules.
/// @notice Cast the entry contract's address to this interface to call any protocol function; its ABI carries every
///         event and error the protocol emits or reverts with.
interface IMegaTAOProtocol is
    IMegaTAO,
    IMarketModule,
    IOracleModule,
    IPositionModule,
    IMarginModule,
    IPositionViewModule,
    ILiquidationModule,
    IVaultModule,
    ILpModule,
    IReferralModule,
    IPositionBuilderModule
{}
