"""Upgrade tooling: the release's storage-layout and selector reference, and the checks an upgrade must pass."""
