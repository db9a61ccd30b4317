"""JSON Lines: one diagnostic object a line (``Diagnostic.as_dict()``), nothing else.

No summary line, so every line has the same shape and ``jq -c``, ``grep`` or a log
shipper can consume the stream as it comes; the exit status carries the verdict.
"""

from __future__ import annotations

from typing import TextIO

from ..records import Diagnostic, LintResult
from ._paths import diagnostic_json


class JsonLinesReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out

    def emit(self, d: Diagnostic) -> None:
        self.out.write(diagnostic_json(d) + "\n")

    def finish(self, result: LintResult) -> None:
        self.out.flush()
