#!/usr/bin/env bash
# Every test: forge (contracts, fuzz, invariants), ruff, and pytest (which starts real anvil nodes).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

echo "==> forge test"
# The test profile compiles the tests without IR; they deploy the contracts from out/, which setup.sh just built.
FOUNDRY_PROFILE=test node_modules/@foundry-rs/forge-linux-amd64/bin/forge test

echo "==> ruff"
.venv/bin/ruff check megatao governance cli tests bench
.venv/bin/ruff format --check megatao governance cli tests bench

echo "==> pytest"
# pytest exits 5 when it collects no test, which fails this script like any other failure.
.venv/bin/pytest
