"""Output formats, looked up by name; each streams diagnostics to a given text stream.

A reporter is created with the stream, receives each diagnostic as soon as it is final
(``emit``), then the run's counts (``finish``); nothing is held back, so memory stays
flat however many findings a run has.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from .._diagnostics import Diagnostic, LintResult
from ._github import GithubReporter
from ._json import JsonReporter
from ._jsonlines import JsonLinesReporter
from ._junit import JunitReporter
from ._sarif import SarifReporter
from ._text import TextReporter


class Reporter(Protocol):
    def emit(self, diagnostic: Diagnostic) -> None: ...
    def finish(self, result: LintResult) -> None: ...


class ReporterFactory(Protocol):
    def __call__(self, out: TextIO, colour: bool = False) -> Reporter: ...


REPORTERS: dict[str, ReporterFactory] = {
    "text": TextReporter,
    "json": JsonReporter,
    "json-lines": JsonLinesReporter,
    "sarif": SarifReporter,
    "github": GithubReporter,
    "junit": JunitReporter,
}

#: The ``--format`` names, in the order ``--help`` lists them.
FORMATS = tuple(REPORTERS)


def get_reporter(name: str) -> ReporterFactory:
    try:
        return REPORTERS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; choose from {', '.join(REPORTERS)}") from None


def render(result: LintResult, name: str, out: TextIO, colour: bool = False) -> None:
    """Write a finished result (whose diagnostics were kept) in one go."""
    reporter = get_reporter(name)(out, colour)
    for d in result.diagnostics:
        reporter.emit(d)
    reporter.finish(result)


__all__ = ["FORMATS", "REPORTERS", "Reporter", "ReporterFactory", "get_reporter", "render"]
