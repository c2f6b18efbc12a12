"""Reading a proposal file: YAML, then the model of its kind; every problem becomes a Finding with its position."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from governance.proposals.issues import Finding, key_path
from governance.proposals.models import KINDS, MODELS, Proposal
from megatao.core.errors import did_you_mean
from megatao.core.params import rename_aliases
from megatao.core.source import Source, SyntaxProblem, read_source


@dataclass
class Loaded:
    """A proposal file as read: the proposal when its schema holds, and what was found wrong."""

    path: Path
    proposal: Proposal | None
    findings: list[Finding] = field(default_factory=list)
    source: Source | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


def load_proposal(path: Path) -> Loaded:
    """Reads `path`. A missing or unreadable file raises InputError; anything wrong inside it is a Finding."""
    try:
        source = read_source(path)
    except SyntaxProblem as problem:
        return Loaded(path, None, [Finding("YAML", "", problem.line, problem.column, problem.problem)])
    data = source.data
    if not isinstance(data, dict):
        found = "an empty file" if data is None else f"a {type(data).__name__}"
        return Loaded(path, None, [_finding(source, (), f"found {found}, expected a mapping with version and kind")])
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in MODELS:
        if kind is None:
            message, hint = "missing required key 'kind'", f"one of: {', '.join(KINDS)}"
        else:
            message = f"found {_show(kind)}, expected one of: {', '.join(KINDS)}"
            hint = did_you_mean(str(kind), KINDS).strip(" ()") if did_you_mean(str(kind), KINDS) else ""
        return Loaded(path, None, [_finding(source, ("kind",), message, hint, rule="SCHEMA")], source)
    model = MODELS[kind]
    renamed = []
    for loc, new in rename_aliases(data):
        source.renamed(loc, (*loc[:-1], new))
        hint = f"write {new}; the old key is read until the next release"
        finding = _finding(source, loc, f"'{loc[-1]}' is renamed '{new}'", hint)
        renamed.append(replace(finding, rule="RENAMED", severity="warning"))
    try:
        return Loaded(path, model.model_validate(data), renamed, source)
    except ValidationError as exc:
        findings = renamed + [_from_pydantic(source, model, error) for error in exc.errors()]
        findings.sort(key=lambda f: (f.line, f.column))
        return Loaded(path, None, findings, source)


def _finding(source: Source, loc: tuple, message: str, hint: str = "", rule: str = "SCHEMA") -> Finding:
    line, column = source.position(loc)
    return Finding(rule, key_path(loc), line, column, message, hint)


def _from_pydantic(source: Source, model: type[BaseModel], error: dict) -> Finding:
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith(("function-", "int"))))
    kind = error["type"]
    found = error.get("input")
    if kind == "missing":
        hint = _description(model, loc)
        return _finding(source, loc, f"missing required key '{loc[-1]}'", hint)
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        close = did_you_mean(str(loc[-1]), allowed).strip(" ()")
        hint = close or (f"known keys here: {', '.join(allowed)}" if allowed else "")
        return _finding(source, loc, f"unknown key '{loc[-1]}'", hint)
    description = _description(model, loc)
    if kind == "string_pattern_mismatch" and description:
        message = f"found {_show(found)}, expected {description[0].lower()}{description[1:].rstrip('.')}"
        pattern = error.get("ctx", {}).get("pattern", "")
        upper = str(found).upper()
        hint = f"write it in upper case: '{upper}'" if pattern and re.fullmatch(pattern, upper) else ""
        line, column = source.position((*loc, "<value>"))
        return Finding("SCHEMA", key_path(loc), line, column, message, hint)
    message = error["msg"].removeprefix("Value error, ")
    if kind != "value_error":
        message = f"found {_show(found)}: {message[0].lower()}{message[1:]}"
    line, column = source.position((*loc, "<value>"))
    return Finding("SCHEMA", key_path(loc), line, column, message, _description(model, loc))


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The nested model that holds the keys at `loc` (list indexes skipped)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = _nested_model(current.model_fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _nested_model(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in getattr(candidate, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    holder = _model_at(model, loc)
    return list(holder.model_fields) if holder else []


def _description(model: type[BaseModel], loc: tuple) -> str:
    holder = _model_at(model, loc[:-1])
    if holder is None or not loc or loc[-1] not in holder.model_fields:
        return ""
    # One line: a description written over several lines (an attribute docstring) joins into one.
    return " ".join((holder.model_fields[loc[-1]].description or "").split())
