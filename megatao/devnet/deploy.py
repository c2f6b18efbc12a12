"""What `megatao devnet up` deploys on a fresh local chain: the emulator and its pools, then the protocol (the entry
contract, its modules, the genesis markets). The governance issue extends it with the Governor and the handover."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from megatao.clients.markets import Genesis
from megatao.clients.pools import (
    ALPHA_PRECOMPILE,
    EMULATOR_CONTRACT,
    SUBNET_EMULATOR_CONTRACT,
    SUBNET_PRECOMPILE,
    AlphaPrecompile,
    PoolSeed,
)
from megatao.clients.protocol import ENTRY_CONTRACT, PROTOCOL_INTERFACE
from megatao.core.progress import Progress
from megatao.node.accounts import dev_account
from megatao.node.anvil import AnvilRpc
from megatao.node.chain import Chain
from megatao.node.toolchain import abi, artifact, deployed_bytecode

#: Module implementations, registered in this order.
PROTOCOL_MODULES = (
    "MarketModule",
    "OracleModule",
    "PositionModule",
    "PositionBuilderModule",
    "MarginModule",
    "PositionViewModule",
    "LiquidationModule",
    "VaultModule",
    "LpModule",
    "ReferralModule",
)
LP_TOKEN = "MegaTAOLpToken"
#: What the deployer deposits as the vault's first LP on the devnet, so that traders have a counterparty from the
#: first block (epoch 0's deposit window opens at deployment).
DEVNET_VAULT_CAPITAL = 50_000 * 10**18
MTSOS_ORACLE = "MtsosOracle"


def deploy_devnet(chain: Chain, seeds: list[PoolSeed], genesis: Genesis, progress: Progress) -> dict[str, dict]:
    """Everything a devnet runs; returns the contracts for the deployment record."""
    with progress.step(f"placing the Alpha and subnet precompile emulators at {ALPHA_PRECOMPILE}, {SUBNET_PRECOMPILE}"):
        AnvilRpc(chain.url).set_code(ALPHA_PRECOMPILE, deployed_bytecode(EMULATOR_CONTRACT))
        AnvilRpc(chain.url).set_code(SUBNET_PRECOMPILE, deployed_bytecode(SUBNET_EMULATOR_CONTRACT))
    with progress.step(f"seeding {len(seeds)} subnet pools"):
        AlphaPrecompile(chain).seed(seeds, dev_account(0))
    contracts = {
        "AlphaPrecompile": {"address": ALPHA_PRECOMPILE, "contract": EMULATOR_CONTRACT, "emulated": True},
        "SubnetPrecompile": {"address": SUBNET_PRECOMPILE, "contract": SUBNET_EMULATOR_CONTRACT, "emulated": True},
    }
    contracts.update(deploy_protocol(chain, dev_account(0), genesis, progress))
    contracts.update(
        deploy_governance(
            chain, dev_account(0), contracts[ENTRY_CONTRACT]["address"], contracts[MTSOS_ORACLE]["address"], progress
        )
    )
    with progress.step(f"giving {len(VOTERS)} dev accounts {DEV_VOTES // 10**18:,} MEGA each, self-delegated"):
        distribute_votes(chain, dev_account(0), contracts[TOKEN]["address"])
        # Votes count from the second after the delegation (the Governor reads them at clock() - 1): one more
        # second makes the devnet ready for a proposal at once.
        node = AnvilRpc(chain.url)
        node.set_next_block_timestamp(int(node.block()["timestamp"], 16) + 1)
        node.mine(1)
    return contracts


def deploy_contract(chain: Chain, name: str, deployer: LocalAccount, *args) -> str:
    return chain.deploy(abi(name), artifact(name)["bytecode"]["object"], deployer, *args)


def deploy_protocol(chain: Chain, deployer: LocalAccount, genesis: Genesis, progress: Progress) -> dict[str, dict]:
    """The entry contract owned by `deployer`, each module registered with the selectors it exports, the MTSOS
    oracle with its first reading, and the genesis markets listed (the registry checks every criterion on chain)."""
    contracts: dict[str, dict] = {}
    with progress.step("deploying the MegaTAO entry contract"):
        entry = deploy_contract(chain, ENTRY_CONTRACT, deployer, deployer.address)
        contracts[ENTRY_CONTRACT] = {"address": entry, "contract": ENTRY_CONTRACT}
    protocol = chain.contract(entry, abi(PROTOCOL_INTERFACE))
    with progress.step("deploying the LP token"):
        lp_token = deploy_contract(chain, LP_TOKEN, deployer, entry)
        contracts[LP_TOKEN] = {"address": lp_token, "contract": LP_TOKEN}
    # Modules whose `initialize` sets their genesis state once, run by `setModule` as its initData.
    initializers = {"VaultModule": (), "LpModule": (lp_token,)}
    for name in PROTOCOL_MODULES:
        with progress.step(f"deploying {name} and registering its selectors"):
            implementation = deploy_contract(chain, name, deployer)
            module = chain.contract(implementation, abi(name)).functions
            module_id, selectors = module.moduleId().call(), module.exportedSelectors().call()
            init = b""
            if name in initializers:
                init = bytes.fromhex(module.initialize(*initializers[name])._encode_transaction_data()[2:])
            chain.transact(protocol.functions.setModule(module_id, implementation, selectors, init), deployer)
            contracts[name] = {
                "address": implementation,
                "contract": name,
                "moduleId": module_id.rstrip(b"\0").decode(),
                "selectors": ["0x" + s.hex() for s in selectors],
            }
    with progress.step("deploying the MTSOS oracle (its EMA starts at the sum of alpha prices)"):
        oracle = deploy_contract(chain, MTSOS_ORACLE, deployer, deployer.address)
        contracts[MTSOS_ORACLE] = {"address": oracle, "contract": MTSOS_ORACLE}
    with progress.step(f"depositing {DEVNET_VAULT_CAPITAL // 10**18:,} TAO in the vault as its first LP"):
        chain.transact(protocol.functions.deposit(), deployer, value=DEVNET_VAULT_CAPITAL)
    with progress.step(f"listing {len(genesis.alpha) + len(genesis.index)} genesis markets"):
        for market in genesis.alpha:
            chain.transact(protocol.functions.listMarket(market.listing()), deployer)
        for market in genesis.index:
            chain.transact(protocol.functions.listMarket(market.listing(oracle)), deployer)
    return contracts


TOKEN = "MegaTAOToken"
GOVERNOR = "MegaTAOGovernor"
GOVERNANCE_DEPLOYER = "GovernanceDeployer"
TIMELOCK = "MegaTAOTimelock"
#: The devnet's pause guardian (it may pause opens, nothing else) and proposal guardian (it may cancel proposals
#: except those that would remove a guardian): two keys, as the contracts require.
GUARDIAN_INDEX = 9
PROPOSAL_GUARDIAN_INDEX = 8
#: Voters of the devnet: 1.5% of the supply each, so three For votes reach the 4% quorum. Account 0 (the deployer)
#: keeps the rest undelegated, as a treasury would.
VOTERS = tuple(range(1, 10))
DEV_VOTES = 1_500_000 * 10**18


def deploy_governance(
    chain: Chain, deployer: LocalAccount, protocol: str, oracle: str, progress: Progress
) -> dict[str, dict]:
    """The voting token, the Governor and the timelock, and the protocol and the MTSOS oracle handed over to the
    timelock: contracts/governance/README.md's sequence. Afterwards the deployer holds no role and owns nothing."""
    guardian = dev_account(GUARDIAN_INDEX).address
    proposal_guardian = dev_account(PROPOSAL_GUARDIAN_INDEX).address
    with progress.step("deploying the MEGA token, the timelock and the Governor"):
        token = deploy_contract(chain, TOKEN, deployer, deployer.address)
        handover_contract = deploy_contract(chain, GOVERNANCE_DEPLOYER, deployer, protocol)
        deployer_functions = chain.contract(handover_contract, abi(GOVERNANCE_DEPLOYER)).functions
        timelock = chain.guard(lambda: deployer_functions.timelock().call())
        governor = deploy_contract(chain, GOVERNOR, deployer, token, timelock, proposal_guardian, protocol)
    with progress.step("handing the protocol and the MTSOS oracle over to the timelock"):
        entry = chain.contract(protocol, abi(PROTOCOL_INTERFACE)).functions
        chain.transact(entry.setGuardian(guardian), deployer)
        chain.transact(entry.transferOwnership(timelock), deployer)
        chain.transact(chain.contract(oracle, abi(MTSOS_ORACLE)).functions.transferOwnership(timelock), deployer)
        chain.transact(deployer_functions.handover(governor, [protocol, oracle]), deployer)
    return {
        TOKEN: {"address": token, "contract": TOKEN},
        GOVERNOR: {"address": governor, "contract": GOVERNOR},
        TIMELOCK: {"address": timelock, "contract": TIMELOCK},
        GOVERNANCE_DEPLOYER: {"address": handover_contract, "contract": GOVERNANCE_DEPLOYER},
        "Guardian": {"address": guardian, "account": f"devnet:{GUARDIAN_INDEX}"},
        "ProposalGuardian": {"address": proposal_guardian, "account": f"devnet:{PROPOSAL_GUARDIAN_INDEX}"},
    }


def distribute_votes(chain: Chain, holder: LocalAccount, token: str) -> None:
    functions = chain.contract(token, abi(TOKEN)).functions
    for index in VOTERS:
        voter = dev_account(index)
        chain.transact(functions.transfer(voter.address, DEV_VOTES), holder)
        chain.transact(functions.delegate(voter.address), voter)
