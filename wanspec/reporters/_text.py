"""``path:line:col: CODE message``, one line a finding, then a summary (like ruff)."""

from __future__ import annotations

from typing import TextIO

from .._diagnostics import Diagnostic, LintResult, Severity

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _location(d: Diagnostic) -> str:
    where = d.file or "<payload>"
    if d.line is not None:
        where += f":{d.line}:{d.column or 1}"
    return where


def report_text(result: LintResult, out: TextIO, colour: bool = False) -> None:
    for d in result.diagnostics:
        code = d.code if d.severity is not Severity.WARNING else f"{d.code} (warning)"
        loc = _location(d)
        if colour:
            code = f"{_COLOURS[d.severity]}{_BOLD}{code}{_RESET}"
            loc = f"{_BOLD}{loc}{_RESET}"
        task = f" task {d.task}" if d.task and d.pointer else ""
        ptr = f" {d.pointer}" if d.pointer else ""
        context = f"{_DIM}[{task.strip() or 'task'}{ptr}]{_RESET} " if colour and (task or ptr) else ""
        out.write(f"{loc}: {code} {context}{d.message}\n")
    s = result.summary()
    noun = "task" if s["tasks"] == 1 else "tasks"
    files = "file" if s["files"] == 1 else "files"
    if s["errors"] or s["warnings"]:
        line = f"Found {s['errors']} error{'s' * (s['errors'] != 1)} and {s['warnings']} warning{'s' * (s['warnings'] != 1)}"
    else:
        line = "All checks passed"
    out.write(f"{line} in {s['tasks']} {noun} ({s['files']} {files}).\n")
