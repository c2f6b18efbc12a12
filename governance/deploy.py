"""What `megatao devnet up` deploys on a fresh local chain. Later issues add the protocol and governance here."""

from __future__ import annotations

from governance.accounts import dev_account
from governance.anvil import AnvilRpc
from governance.chain import Chain
from governance.pools import ALPHA_PRECOMPILE, EMULATOR_CONTRACT, AlphaPrecompile, PoolSeed
from governance.progress import Progress
from governance.toolchain import deployed_bytecode


def deploy_devnet(chain: Chain, seeds: list[PoolSeed], progress: Progress) -> dict[str, dict]:
    """Place the Alpha precompile emulator, seed its pools; returns the contracts for the deployment record."""
    with progress.step(f"placing the Alpha precompile emulator at {ALPHA_PRECOMPILE}"):
        AnvilRpc(chain.url).set_code(ALPHA_PRECOMPILE, deployed_bytecode(EMULATOR_CONTRACT))
    with progress.step(f"seeding {len(seeds)} subnet pools"):
        AlphaPrecompile(chain).seed(seeds, dev_account(0))
    return {"AlphaPrecompile": {"address": ALPHA_PRECOMPILE, "contract": EMULATOR_CONTRACT, "emulated": True}}
