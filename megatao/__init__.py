"""MegaTAO's Python library, in layers; a module imports only from its own layer or the ones below it.

- `megatao.core`: errors, units, paths, progress, the YAML source reader and the typed fields (no chain, no web3).
- `megatao.node`: a node and what talks to one: networks, chain access, anvil, accounts and keystores, the
  compiled artifacts and the toolchain, deployment records, revert decoding.
- `megatao.clients`: the protocol's contracts as Python clients: protocol, markets, pools, trading, LP,
  referral, the MTSOS oracle.
- `megatao.devnet`: deploying the protocol and running the local devnet.

`governance/` (proposals, the governor client, simulation, upgrades) and `cli/` sit above it;
tests/test_layers.py holds the order.
"""

__version__ = "0.1.0"
