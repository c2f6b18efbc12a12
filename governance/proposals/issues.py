"""What validation finds: one `Finding` per problem, with the rule that found it and where it is in the file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    rule: str  # "SCHEMA", "YAML" or a semantic rule id such as "MM-BELOW-INVERSE-LEVERAGE"
    path: str  # the key path, "market.maintenance_margin"; "" for the whole file
    line: int
    column: int
    message: str  # what was found and what was expected
    hint: str = ""
    severity: Severity = "error"

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}: {self.severity} [{self.rule}]{key} {self.message}{hint}"

    def as_json(self) -> dict:
        return asdict(self)


def key_path(loc: tuple) -> str:
    """`('tiers', 0, 'name')` -> `tiers[0].name`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
