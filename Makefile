# The two entry points of the README. Both install what they need first (scripts/setup.sh).
.PHONY: demo test setup bench forge-test

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh

bench: setup
	.venv/bin/python bench/devnet_up.py
	.venv/bin/python bench/validate_100.py
	.venv/bin/python bench/cli_startup.py
	.venv/bin/python bench/listing_lifecycle.py
	.venv/bin/python bench/trading_gas.py

# The forge tests alone, on a fresh build of the deployable contracts (foundry.toml explains the two profiles).
forge-test:
	node_modules/@foundry-rs/forge-linux-amd64/bin/forge build
	FOUNDRY_PROFILE=test node_modules/@foundry-rs/forge-linux-amd64/bin/forge test $(ARGS)
