"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=WS500::message``.

Each finding becomes an annotation on the pull request's diff; the summary line is
ordinary log output. Escaping follows the Actions toolkit (``issueCommand``): data
escapes ``%``, ``\\r`` and ``\\n``; property values also ``:`` and ``,``.
"""

from __future__ import annotations

from typing import TextIO

from ..records import Diagnostic, LintResult, Severity
from ._paths import display_path, safe
from ._text import summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out

    def emit(self, d: Diagnostic) -> None:
        d = safe(d)
        props = []
        # standard input has no file to annotate: the annotation goes on the workflow run
        if d.file is not None and d.file != "<stdin>":
            props.append(f"file={escape_property(display_path(d.file))}")
            if d.line is not None:
                props += [f"line={d.line}", f"col={d.column or 1}"]
        props.append(f"title={escape_property(d.code)}")
        self.out.write(f"::{COMMANDS[d.severity]} {','.join(props)}::{escape_data(d.message)}\n")

    def finish(self, result: LintResult) -> None:
        self.out.write(summary_line(result) + "\n")
