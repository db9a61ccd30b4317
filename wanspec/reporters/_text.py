"""``path:line:col: CODE message``, one line a finding, then a summary (like ruff).

Concise by default: the message says what is wrong and what is allowed. ``show_source``
(``--show-source``, ``--output-format full``) adds where the docs say so, with the quote
and the page to follow. ``[*]`` marks what ``--fix`` can repair, as ruff does.
"""

from __future__ import annotations

from typing import TextIO

from ..records import Diagnostic, LintResult, Severity
from ._paths import safe

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


class TextReporter:
    def __init__(self, out: TextIO, colour: bool = False, *, show_source: bool = False) -> None:
        self.out, self.colour, self.show_source = out, colour, show_source

    def emit(self, d: Diagnostic) -> None:
        d = safe(d)  # a newline in a file name must not start a line of its own
        where = d.file or "<payload>"
        if d.line is not None:
            where += f":{d.line}:{d.column or 1}"
        code = d.code if d.severity is Severity.ERROR else f"{d.code} ({d.severity.value})"
        if self.colour:
            code = f"{_COLOURS[d.severity]}{_BOLD}{code}{_RESET}"
            where = f"{_BOLD}{where}{_RESET}"
        fix = "[*] " if d.fixable else ""
        self.out.write(f"{where}: {code} {fix}{d.message}\n")
        if self.show_source and d.doc:
            from ..catalog import store  # only --show-source pays for the source table

            self.out.write(f"  = source: {d.doc}\n")
            if (url := store.source_url(d.doc)) is not None:
                self.out.write(f"  = see: {url}\n")

    def finish(self, result: LintResult) -> None:
        self.out.write(summary_line(result) + "\n")
        if result.fixable:
            self.out.write(f"[*] {result.fixable} fixable with `--fix`.\n")


def summary_line(result: LintResult) -> str:
    """``Found 2 errors and 1 warning in 3 tasks (1 file).`` or ``All checks passed …``."""
    if result.fixed:  # like ruff: "Found 3 errors (2 fixed, 1 remaining)"
        found = _plural(result.errors + result.fixed, "error")
        head = f"Found {found} ({result.fixed} fixed, {result.errors} remaining)"
        head += f" and {_plural(result.warnings, 'warning')}"
    elif result.errors or result.warnings:
        head = f"Found {_plural(result.errors, 'error')} and {_plural(result.warnings, 'warning')}"
    elif result.files == 0:  # nothing was linted, so nothing "passed"
        if not result.skipped:
            return "No files linted."
        return f"No payloads to lint: skipped {_skipped(result.skipped)}."
    else:
        head = "All checks passed"
    files = _plural(result.files, "file")
    where = f"{_plural(result.tasks, result.unit)} ({files})" if result.unit else files
    tail = f"; skipped {_skipped(result.skipped)}" if result.skipped else ""  # never counted as passing
    return f"{head} in {where}{tail}."


def _skipped(n: int) -> str:
    return f"{_plural(n, 'JSON file')} that {'is not a payload' if n == 1 else 'are not payloads'}"
