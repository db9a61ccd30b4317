"""Output formats, looked up by name; each writes a LintResult to a given text stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from .._diagnostics import LintResult
from ._json import report_json
from ._text import report_text

Reporter = Callable[[LintResult, TextIO, bool], None]

REPORTERS: dict[str, Reporter] = {
    "text": report_text,
    "json": report_json,
}


def get_reporter(name: str) -> Reporter:
    try:
        return REPORTERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; choose from {', '.join(REPORTERS)}") from None


__all__ = ["REPORTERS", "Reporter", "get_reporter"]
