"""The one record every check produces, and the aggregate a lint run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters: only errors fail a lint run."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about one place in one payload.

    ``pointer`` is an RFC 6901 JSON Pointer into the task (``""`` is the task itself);
    ``task`` is the 0-based index of the task in its file; ``line`` and ``column`` are
    1-based and locate the offending value (or key) in the file when it is known.
    """

    code: str
    severity: Severity
    message: str
    file: str | None = None
    task: int | None = None
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    schema: str | None = None
    hint: str | None = None
    doc: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON form used by ``--format json`` (field order is part of the format)."""
        return {
            "file": self.file,
            "task": self.task,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "schema": self.schema,
        }


@dataclass(slots=True)
class LintResult:
    """What one lint run found, in input order, with its counts.

    When a run streams its diagnostics to a sink (the CLI does, so memory stays flat on
    huge JSONL files), ``diagnostics`` stays empty and only the counts are kept.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    tasks: int = 0
    errors: int = 0
    warnings: int = 0
    environment_errors: int = 0
    unit: str = "task"  # what ``tasks`` counts, for summaries: "interaction" for cassettes, "" for none
    fixed: int = 0  # findings repaired by `wanspec lint --fix` before the run

    def count(self, d: Diagnostic) -> None:
        if d.severity is Severity.ERROR:
            self.errors += 1
        elif d.severity is Severity.WARNING:
            self.warnings += 1

    @property
    def ok(self) -> bool:
        """True when nothing of error severity was found (warnings are allowed)."""
        return self.errors == 0

    def summary(self) -> dict[str, int]:
        counts = {
            "files": self.files,
            "tasks": self.tasks,
            "errors": self.errors,
            "warnings": self.warnings,
        }
        if self.fixed:
            counts["fixed"] = self.fixed
        return counts
