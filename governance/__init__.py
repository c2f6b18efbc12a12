"""MegaTAO governance library: chain access, devnet, artifacts, and (in later issues) proposals and simulation.

The CLI in `cli/` is a thin front end over this package.
"""

__version__ = "0.1.0"
