"""A node and what talks to one: networks, chain access, anvil, accounts, keystores, artifacts, deployments, reverts."""
