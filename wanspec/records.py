"""The records every layer shares: Severity, the one Diagnostic, a run's result, and its exit status."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from .recordtype import KW_ONLY, field, recordclass

__all__ = ["Diagnostic", "ExitStatus", "LintResult", "Severity", "exit_status"]


class Severity(StrEnum):
    """How much a finding matters: only errors fail a run (unless ``fail_on`` says warnings do)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ExitStatus(IntEnum):
    """What every command exits with."""

    OK = 0  # nothing at or above the failing severity
    FINDINGS = 1  # findings at or above it
    USAGE = 2  # a usage or environment error: the run could not be done as asked


@recordclass
class Diagnostic:
    """One finding about one place in one payload (or cassette, or spec).

    ``pointer`` is an RFC 6901 JSON Pointer into the task (``""`` is the task itself);
    ``task`` is the 0-based index of the task in its file; ``line`` and ``column`` are
    1-based and locate the offending value (or key) in the file when it is known.
    Everything after ``message`` is keyword-only.
    """

    code: str
    severity: Severity
    message: str
    _: KW_ONLY
    file: str | None = None
    task: int | None = None
    pointer: str = ""
    line: int | None = None
    column: int | None = None
    schema: str | None = None
    hint: str | None = None
    doc: str | None = None
    environment: bool = field(default=False, compare=False)  # the input could not be read: exit 2
    fixable: bool = field(default=False, compare=False)  # `wanspec lint --fix` has an edit for it

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
            "hint": self.hint,
            "doc": self.doc,  # where the rule comes from: a document, a section and a quote
            "fixable": self.fixable,
        }


@recordclass(frozen=False)
class LintResult:
    """What one run found, in input order, with its counts.

    When a run streams its diagnostics to a sink (the CLI does, so memory stays flat on
    huge JSONL files), ``diagnostics`` stays empty and only the counts are kept. The
    finding counts change in one place, ``count``: a run counts exactly what it hands on.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0
    tasks: int = 0
    errors: int = 0
    warnings: int = 0
    environment_errors: int = 0
    unit: str = "task"  # what ``tasks`` counts, for summaries: "interaction" for cassettes, "" for none
    fixed: int = 0  # findings repaired by `wanspec lint --fix` before the run
    skipped: int = 0  # JSON files found by walking that are not payloads (not linted, not passing)
    fixable: int = 0  # findings reported that `wanspec lint --fix` can repair

    def count(self, d: Diagnostic) -> None:
        if d.severity is Severity.ERROR:
            self.errors += 1
        elif d.severity is Severity.WARNING:
            self.warnings += 1
        if d.environment:
            self.environment_errors += 1

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
        if self.skipped:
            counts["skipped"] = self.skipped
        if self.fixable:
            counts["fixable"] = self.fixable
        return counts


def exit_status(result: LintResult, *, fail_on: Severity | str = Severity.ERROR, exit_zero: bool = False) -> ExitStatus:
    """The exit status of every command: 2 for environment errors (always, even with
    ``exit_zero``); else 0 with ``exit_zero``; else 1 if anything at or above ``fail_on``
    was found."""
    if result.environment_errors:
        return ExitStatus.USAGE
    if exit_zero:
        return ExitStatus.OK
    failed = result.errors or (Severity(fail_on) is Severity.WARNING and result.warnings)
    return ExitStatus.FINDINGS if failed else ExitStatus.OK
