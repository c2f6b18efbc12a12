"""YAML read with the position of every key and value, so that an error can say file:line:column."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from megatao.core.errors import InputError
from megatao.core.paths import display

Path_ = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed YAML document and where each of its nodes starts (1-based line and column)."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display(self.path)

    def position(self, key_path: Path_) -> tuple[int, int]:
        """Where `key_path` is, or else its nearest parent that exists (a missing key points at its mapping)."""
        for end in range(len(key_path), -1, -1):
            if key_path[:end] in self.positions:
                return self.positions[key_path[:end]]
        return (1, 1)

    def renamed(self, old: Path_, new: Path_) -> None:
        """A key renamed after reading (an old key name): positions under `new` are the ones read under `old`."""
        for path, position in list(self.positions.items()):
            if path[: len(old)] == old:
                self.positions.setdefault((*new, *path[len(old) :]), position)


def _walk(node: yaml.Node, path: Path_, positions: dict[Path_, tuple[int, int]]) -> None:
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            # The key's own position is the one people look for ("line 9, where `max_leverage:` is").
            positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            positions[(*path, key, "<value>")] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            _walk(value_node, (*path, key), positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), positions)


class SyntaxProblem(InputError):
    """The file is not valid YAML; `line` and `column` say where."""

    def __init__(self, path: Path, line: int, column: int, problem: str):
        super().__init__(f"{display(path)}:{line}:{column}: not valid YAML: {problem}")
        self.line, self.column, self.problem = line, column, problem


class _NoDuplicateKeysLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (YAML would silently keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice (first on line {first})", key_node.start_mark
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep)


def read_source(path: Path) -> Source:
    """Parse one YAML file; a file that cannot be read or parsed raises InputError with its position."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(f"{display(path)}: no such file") from None
    except OSError as exc:
        raise InputError(f"{display(path)}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{display(path)}: not a text file (expected UTF-8 YAML)") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_NoDuplicateKeysLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise SyntaxProblem(path, line, column, str(exc.problem or exc.context)) from None
    except yaml.YAMLError as exc:
        raise SyntaxProblem(path, 1, 1, str(exc)) from None
    positions: dict[Path_, tuple[int, int]] = {}
    if node is not None:
        _walk(node, (), positions)
    return Source(path, data, positions)
