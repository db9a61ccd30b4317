"""``path:line:col: CODE message``, one line a finding, then a summary (like ruff)."""

from __future__ import annotations

from typing import TextIO

from ..records import Diagnostic, LintResult, Severity

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class TextReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out, self.colour = out, colour

    def emit(self, d: Diagnostic) -> None:
        where = d.file or "<payload>"
        if d.line is not None:
            where += f":{d.line}:{d.column or 1}"
        code = d.code if d.severity is Severity.ERROR else f"{d.code} ({d.severity.value})"
        if self.colour:
            code = f"{_COLOURS[d.severity]}{_BOLD}{code}{_RESET}"
            where = f"{_BOLD}{where}{_RESET}"
        self.out.write(f"{where}: {code} {d.message}\n")

    def finish(self, result: LintResult) -> None:
        self.out.write(summary_line(result) + "\n")


def summary_line(result: LintResult) -> str:
    """``Found 2 errors and 1 warning in 3 tasks (1 file).`` or ``All checks passed …``."""
    if result.fixed:  # like ruff: "Found 3 errors (2 fixed, 1 remaining)"
        found = _plural(result.errors + result.fixed, "error")
        head = f"Found {found} ({result.fixed} fixed, {result.errors} remaining)"
        head += f" and {_plural(result.warnings, 'warning')}"
    elif result.errors or result.warnings:
        head = f"Found {_plural(result.errors, 'error')} and {_plural(result.warnings, 'warning')}"
    else:
        head = "All checks passed"
    files = _plural(result.files, "file")
    where = f"{_plural(result.tasks, result.unit)} ({files})" if result.unit else files
    return f"{head} in {where}."
