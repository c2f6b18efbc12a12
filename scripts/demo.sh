#!/usr/bin/env bash
# The main job on a local devnet, end to end: install, start the devnet, deploy, show what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
megatao=.venv/bin/megatao

echo "==> megatao devnet up"
"$megatao" devnet up
echo "==> megatao devnet status"
"$megatao" devnet status
echo "==> megatao market list"
"$megatao" market list
echo "==> megatao network check"
"$megatao" network check
echo
echo "The devnet keeps running. Try: source .venv/bin/activate && megatao --help"
echo "Stop it with: .venv/bin/megatao devnet down"
