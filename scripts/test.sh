#!/usr/bin/env bash
# Every test: forge (contracts, fuzz, invariants), ruff, and pytest (which starts real anvil nodes).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

echo "==> forge test"
node_modules/@foundry-rs/forge-linux-amd64/bin/forge test

echo "==> ruff"
.venv/bin/ruff check governance cli tests bench
.venv/bin/ruff format --check governance cli tests bench

echo "==> pytest"
# pytest exits 5 when it collects no test, which fails this script like any other failure.
.venv/bin/pytest
