"""Errors, units, paths, progress, the YAML source reader and the typed fields: no chain, no web3."""
