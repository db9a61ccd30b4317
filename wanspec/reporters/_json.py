"""Exactly one JSON object: ``{"diagnostics": [...], "summary": {...}}``."""

from __future__ import annotations

import json
from typing import TextIO

from .._diagnostics import LintResult


def report_json(result: LintResult, out: TextIO, colour: bool = False) -> None:
    doc = {"diagnostics": [d.as_dict() for d in result.diagnostics], "summary": result.summary()}
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
