"""Exactly one JSON object: ``{"diagnostics": [...], "summary": {...}}``, streamed."""

from __future__ import annotations

import json
from typing import TextIO

from ..records import Diagnostic, LintResult
from ._paths import diagnostic_json


class JsonReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.first = True  # nothing is written before the first diagnostic or the summary

    def emit(self, d: Diagnostic) -> None:
        head = '{\n  "diagnostics": [\n    ' if self.first else ",\n    "
        self.out.write(head + diagnostic_json(d))
        self.first = False

    def finish(self, result: LintResult) -> None:
        summary = json.dumps(result.summary())
        head = '{\n  "diagnostics": []' if self.first else "\n  ]"
        self.out.write(head + f',\n  "summary": {summary}\n}}\n')
