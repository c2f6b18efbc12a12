// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "forge-std/Vm.sol";

/// @title Deploys the contracts the tests exercise from the deployable build (out/, through the IR pipeline).
/// @dev The tests compile without IR (foundry.toml's `test` profile) for speed; deploying from out/ makes them test
///      the bytecode that goes on chain rather than a second compilation of it. `forge build` writes out/.
library Built {
    Vm private constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Deploys contract `name` (declared in `<name>.sol`) with no constructor arguments.
    function deploy(string memory name) internal returns (address payable) {
        return payable(VM.deployCode(artifact(name)));
    }

    /// @dev Deploys contract `name` with ABI-encoded constructor arguments.
    function deploy(string memory name, bytes memory args) internal returns (address payable) {
        return payable(VM.deployCode(artifact(name), args));
    }

    /// @dev The artifact of contract `name` in out/.
    function artifact(string memory name) internal view returns (string memory path) {
        path = string.concat("out/", name, ".sol/", name, ".json");
        require(VM.exists(path), string.concat(path, " is missing: run `forge build` (the default profile) first"));
    }
}
