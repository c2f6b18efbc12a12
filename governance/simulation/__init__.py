"""Fork simulation of proposals: the real governance lifecycle on a fork, eight checks and a report (issue 9).

Entry point: `governance.simulation.simulate.simulate(path, endpoint, fork_block, proposer, progress) -> Report`.
"""
