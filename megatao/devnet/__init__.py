"""Deploying the protocol and running the local devnet."""
