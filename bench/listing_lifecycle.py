"""The whole lifecycle of a listing on a fresh devnet, through the library as the CLI commands call it:
validate against the chain, submit, three EIP-712 ballots signed and relayed, the voting period and the timelock
delay advanced, queue, execute, and a first trade on the new market.

Usage: .venv/bin/python bench/listing_lifecycle.py   (goal: under 20 s; `devnet up` is timed apart)
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MEGATAO_STATE_DIR"] = f"{tmp}/state"
        os.environ["MEGATAO_DEPLOYMENTS_DIR"] = f"{tmp}/deployments"
        from governance.governor import Governance, proposal_from_encoded
        from governance.proposals.onchain import check_on_chain
        from governance.proposals.validate import validate_file
        from megatao.clients.trading import Trading
        from megatao.devnet import devnet
        from megatao.node.accounts import dev_account
        from megatao.node.chain import Chain
        from megatao.node.networks import resolve_endpoint

        up_started = time.perf_counter()
        devnet.up()
        up_seconds = time.perf_counter() - up_started
        try:
            started = time.perf_counter()
            gov = Governance(Chain(resolve_endpoint("devnet")))
            loaded = validate_file(ROOT / "proposals" / "examples" / "list-sn19.yaml")
            assert loaded.ok and not check_on_chain(loaded, gov.protocol).findings
            encoded = gov.encode(loaded.proposal)
            gov.submit(encoded, dev_account(1))
            devnet.advance(86401)
            for voter in (2, 3, 4):
                ballot = gov.sign_ballot(encoded.proposal_id, "for", dev_account(voter))
                problem, _ = gov.preflight(ballot)
                assert problem is None, problem
                gov.relay(ballot, dev_account(0))
            devnet.advance(5 * 86400)
            onchain = proposal_from_encoded(encoded)
            gov.queue(onchain, dev_account(1))
            devnet.advance(2 * 86400)
            gov.execute(onchain, dev_account(1))
            trading = Trading(gov.protocol)
            _, acceptable = trading.bounds("NINETEEN", True, 10**16)
            trading.open("NINETEEN", True, 5 * 10**18, 2 * 10**18, acceptable, trading.deadline(300), dev_account(5))
            elapsed = time.perf_counter() - started
        finally:
            devnet.down()
    print(f"listing lifecycle to a first trade: {elapsed:.2f} s (after devnet up: {up_seconds:.2f} s)")


if __name__ == "__main__":
    main()
