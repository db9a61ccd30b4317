"""Exactly one JSON object: ``{"diagnostics": [...], "summary": {...}}``, streamed."""

from __future__ import annotations

import json
from typing import TextIO

from .._diagnostics import Diagnostic, LintResult


class JsonReporter:
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.first = True
        out.write('{\n  "diagnostics": [')

    def emit(self, d: Diagnostic) -> None:
        self.out.write(("\n    " if self.first else ",\n    ") + json.dumps(d.as_dict(), ensure_ascii=False))
        self.first = False

    def finish(self, result: LintResult) -> None:
        summary = json.dumps(result.summary())
        self.out.write(("]" if self.first else "\n  ]") + f',\n  "summary": {summary}\n}}\n')
