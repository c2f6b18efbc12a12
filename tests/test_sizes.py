"""The Python sources' sizes: no file over MAX_FILE_LINES lines, no function over MAX_FUNCTION_LINES (issue 16).

Read with `ast` from the source, so every function counts, methods and nested functions too. A function's length runs
from its `def` line to its last line (decorators not counted); a file's is its number of lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("megatao", "governance", "cli", "tests", "bench")
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80


def sources() -> dict[str, str]:
    """Every .py file of FOLDERS, by its path from the project root."""
    return {
        str(path.relative_to(ROOT)): path.read_text()
        for folder in FOLDERS
        for path in sorted((ROOT / folder).rglob("*.py"))
    }


def oversized(name: str, source: str) -> list[str]:
    """What in `source` (the text of file `name`) is over the limits: the file, then each function, as
    `file:line name: N lines (limit L)`."""
    found = []
    lines = len(source.splitlines())
    if lines > MAX_FILE_LINES:
        found.append(f"{name}:1 (the file): {lines} lines (limit {MAX_FILE_LINES})")
    functions = [n for n in ast.walk(ast.parse(source, name)) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in sorted(functions, key=lambda n: n.lineno):
        length = node.end_lineno - node.lineno + 1
        if length > MAX_FUNCTION_LINES:
            found.append(f"{name}:{node.lineno} {node.name}: {length} lines (limit {MAX_FUNCTION_LINES})")
    return found


def test_no_file_or_function_is_over_its_limit():
    found = [line for name, source in sources().items() for line in oversized(name, source)]
    assert found == [], "\n".join(found)


def test_the_check_sees_a_long_file_and_a_long_function():
    def function(name: str, body_lines: int, indent: str = "") -> str:
        return f"{indent}def {name}():\n" + f"{indent}    x = 1\n" * (body_lines - 1)

    at_the_limits = function("fits", MAX_FUNCTION_LINES) + "\n" * (MAX_FILE_LINES - MAX_FUNCTION_LINES)
    assert len(at_the_limits.splitlines()) == MAX_FILE_LINES
    assert oversized("fits.py", at_the_limits) == []

    grown = function("grown", MAX_FUNCTION_LINES + 1)
    nested = "class Holder:\n" + function("method", MAX_FUNCTION_LINES + 2, indent="    ")
    source = grown + nested + "\n" * (MAX_FILE_LINES + 1 - len((grown + nested).splitlines()))
    assert len(source.splitlines()) == MAX_FILE_LINES + 1
    assert oversized("big.py", source) == [
        f"big.py:1 (the file): {MAX_FILE_LINES + 1} lines (limit {MAX_FILE_LINES})",
        f"big.py:1 grown: {MAX_FUNCTION_LINES + 1} lines (limit {MAX_FUNCTION_LINES})",
        f"big.py:{MAX_FUNCTION_LINES + 3} method: {MAX_FUNCTION_LINES + 2} lines (limit {MAX_FUNCTION_LINES})",
    ]
