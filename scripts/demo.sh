#!/usr/bin/env bash
# The main job on a local devnet, end to end: a community member lists SN19 through governance.
# Install, start the devnet (protocol, 13 genesis markets, governance), then: validate the listing proposal,
# submit it, vote with signed ballots that another account relays, wait out the vote and the timelock, execute,
# and open a first position on the new market.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
megatao=.venv/bin/megatao
proposal=proposals/examples/list-sn19.yaml
ballots=$(mktemp -d)
step() { printf '\n==> %s\n' "$*"; }

step "megatao devnet up"
"$megatao" devnet down >/dev/null
"$megatao" devnet up
step "megatao market list"
"$megatao" market list
step "megatao proposal validate $proposal --network devnet"
"$megatao" proposal validate "$proposal" --network devnet
step "megatao proposal submit (devnet:1 holds 1.5% of the votes, above the 0.1% threshold)"
"$megatao" proposal submit "$proposal" --account devnet:1
step "megatao devnet advance 1d1s (the voting delay)"
"$megatao" devnet advance 1d1s
step "three voters sign ballots offline; devnet:0 relays them"
for voter in 2 3 4; do
  "$megatao" vote sign "$proposal" for --account "devnet:$voter" -o "$ballots/voter$voter.json"
done
"$megatao" vote relay "$ballots"/voter*.json --account devnet:0
"$megatao" proposal status "$proposal"
step "megatao devnet advance 5d (the voting period), then queue"
"$megatao" devnet advance 5d
"$megatao" proposal queue "$proposal" --account devnet:1
step "megatao devnet advance 2d (the timelock delay), then execute"
"$megatao" devnet advance 2d
"$megatao" proposal execute "$proposal" --account devnet:1
step "the new market, and a first trade on it"
"$megatao" market show NINETEEN
"$megatao" trade open NINETEEN long --margin 5 --leverage 2x --account devnet:5
rm -rf "$ballots"
echo
echo "The devnet keeps running. Try: source .venv/bin/activate && megatao --help"
echo "Stop it with: .venv/bin/megatao devnet down"
