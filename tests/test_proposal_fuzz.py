"""Hypothesis: random and mutated proposal documents always give findings with a key path, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.proposals.validate import validate_file
from tests.test_proposals import EXAMPLES

SCRATCH = Path(tempfile.mkdtemp(prefix="megatao-fuzz-"))
BASES = [yaml.safe_load(p.read_text()) for p in EXAMPLES]

scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=True) | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def check(document_text: str) -> None:
    path = SCRATCH / "p.yaml"
    path.write_text(document_text)
    loaded = validate_file(path)
    for finding in loaded.findings:
        assert finding.rule and finding.line >= 1 and finding.column >= 1
        assert finding.message
    if loaded.proposal is None:
        assert loaded.findings, "a document that did not load must say why"


def paths_of(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_of(value, (*prefix, index))


def mutate(document: dict, path: tuple, action: str, value) -> dict:
    copy = yaml.safe_load(yaml.safe_dump(document))
    if not path:
        return copy
    parent = copy
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "delete":
        del parent[last]
    elif action == "replace":
        parent[last] = value
    elif action == "add" and isinstance(parent, dict):
        parent[f"{last}_extra"] = value
    return copy


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(values)
def test_random_documents(document):
    check(yaml.safe_dump(document))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(BASES), st.data(), st.sampled_from(["delete", "replace", "add"]), values)
def test_mutated_examples(base, data, action, value):
    path = data.draw(st.sampled_from(list(paths_of(base))))
    check(yaml.safe_dump(mutate(base, path, action, value)))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    check(text)
