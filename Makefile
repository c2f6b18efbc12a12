# The two entry points of the README. Both install what they need first (scripts/setup.sh).
.PHONY: demo test setup bench

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

setup:
	./scripts/setup.sh

bench: setup
	.venv/bin/python bench/devnet_up.py
	.venv/bin/python bench/validate_100.py
	.venv/bin/python bench/listing_lifecycle.py
