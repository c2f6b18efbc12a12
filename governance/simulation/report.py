"""The simulation's report: one model, written as JSON (versioned schema), Markdown and HTML (jinja2).

Determinism: the report holds only what the inputs and the fork block decide (chain data, the file's name and
hash); no wall-clock time, no port, no path outside the file's name; every list is sorted or in execution order;
JSON keys are sorted."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

SCHEMA_VERSION = 2
Status = Literal["pass", "warn", "fail"]
TEMPLATES = Path(__file__).parent / "templates"

CHECK_TITLES = {
    1: "Decoded calls match the file",
    2: "Semantic diff of protocol state",
    3: "Raw storage diff",
    4: "Events emitted",
    5: "Roles and ownership",
    6: "User flows after execution",
    7: "Execution time and the LP window calendar",
    8: "Execution gas",
}


@dataclass
class CheckResult:
    number: int
    status: Status
    summary: str  # one line: what was found
    action: str = ""  # one line: what to do
    skipped: bool = False
    rows: list[dict] = field(default_factory=list)  # the evidence, one dict per row (strings only)
    notes: list[str] = field(default_factory=list)  # limits of the check
    name: str = ""  # the title, when the report is not a simulation's (CHECK_TITLES)

    @property
    def title(self) -> str:
        return self.name or CHECK_TITLES[self.number]

    def as_json(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "status": self.status,
            "skipped": self.skipped,
            "summary": self.summary,
            "action": self.action,
            "rows": self.rows,
            "notes": self.notes,
        }


def ladder(failed: bool, doubtful: bool) -> Status:
    """The pass / warn / fail ladder every check, lifecycle and report of the simulation and of the upgrade rehearsal
    climbs: fail when something failed, else warn when something is doubtful, else pass."""
    return "fail" if failed else "warn" if doubtful else "pass"


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of `statuses` (pass when there are none)."""
    found = set(statuses)
    return ladder("fail" in found, "warn" in found)


def skipped(number: int, why: str, action: str = "", name: str = "") -> CheckResult:
    """A check that could not run: a warning, never a pass."""
    return CheckResult(number, "warn", f"skipped: {why}", action, skipped=True, name=name)


@dataclass
class Report:
    proposal: dict
    source: dict
    lifecycle: dict
    checks: list[CheckResult]
    #: The JSON's `kind` and the heading's first word; a rehearsal's report (governance/upgrades) sets its own.
    KIND: ClassVar[str] = "megatao-simulation-report"
    HEADING: ClassVar[str] = "Simulation"

    @property
    def result(self) -> Status:
        return worst([*(c.status for c in self.checks), self.lifecycle.get("status", "pass")])

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.checks) for s in ("pass", "warn", "fail")}

    def as_json(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": self.KIND,
            "result": self.result,
            "counts": self.counts,
            "proposal": self.proposal,
            "source": self.source,
            "lifecycle": self.lifecycle,
            "checks": [c.as_json() for c in sorted(self.checks, key=lambda c: c.number)],
        }

    def json_text(self) -> str:
        return json.dumps(self.as_json(), indent=2, sort_keys=True) + "\n"

    def markdown(self) -> str:
        return _render("report.md.j2", self, autoescape=False)

    def html(self) -> str:
        return _render("report.html.j2", self, autoescape=True)

    def write(self, directory: Path) -> dict[str, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        paths = {"json": directory / "report.json", "md": directory / "report.md", "html": directory / "report.html"}
        paths["json"].write_text(self.json_text())
        paths["md"].write_text(self.markdown())
        paths["html"].write_text(self.html())
        return paths


def chain_time(timestamp: int | None) -> str:
    """A chain timestamp as UTC text (chain time, decided by the fork block, never the wall clock)."""
    if not timestamp:
        return "-"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _render(name: str, report: Report, autoescape: bool) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["chain_time"] = chain_time
    env.filters["mega"] = lambda wei: f"{int(wei) / 10**18:,.0f} MEGA"
    env.filters["cell"] = lambda text: str(text).replace("|", "\\|").replace("\n", " ")
    data = report.as_json()
    return env.get_template(name).render(r=data, checks=data["checks"], heading=report.HEADING)


def joined(items: list[str], shown: int) -> str:
    """The first `shown` of `items`, "; "-separated, with " ..." when there are more."""
    return "; ".join(items[:shown]) + (" ..." if len(items) > shown else "")


def graded(
    number: int,
    passed: str,
    *,
    fail: tuple[str, str] | None = None,
    warn: tuple[str, str] | None = None,
    rows: list[dict] | None = None,
    notes: list[str] | None = None,
    name: str = "",
) -> CheckResult:
    """A check's result up the ladder: `fail` (summary, action) when something failed, else `warn` when something is
    doubtful, else a pass that says `passed`."""
    status = ladder(bool(fail), bool(warn))
    summary, action = {"fail": fail, "warn": warn, "pass": (passed, "")}[status]
    return CheckResult(number, status, summary, action, rows=list(rows or []), notes=list(notes or []), name=name)
