"""MegaTAO governance: proposal kinds, the governor client, fork simulation and upgrade rehearsal.

It builds on the `megatao` library (node access, protocol clients, devnet); `cli/` is a thin front end over both.
"""
