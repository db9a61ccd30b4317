"""Output formats, looked up by name; each streams diagnostics to a given text stream.

A reporter is created with the stream, receives each diagnostic as soon as it is final
(``emit``), then the run's counts (``finish``); nothing is held back, so memory stays
flat however many findings a run has. Reporters that need to hear of every file (JUnit)
also subclass ``LintEvents``.
"""

from __future__ import annotations

import importlib
from typing import Protocol, TextIO, cast

from ..errors import UnknownNameError
from ..records import Diagnostic, LintResult


class Reporter(Protocol):
    def emit(self, diagnostic: Diagnostic) -> None: ...
    def finish(self, result: LintResult) -> None: ...


class ReporterFactory(Protocol):
    def __call__(self, out: TextIO, colour: bool = False) -> Reporter: ...


#: The registry: format name → ``module:class`` in this package. A format's module is
#: imported only when it is chosen, so start-up pays for one reporter, not six.
REPORTERS: dict[str, str] = {
    "text": "_text:TextReporter",
    "json": "_json:JsonReporter",
    "json-lines": "_jsonlines:JsonLinesReporter",
    "sarif": "_sarif:SarifReporter",
    "github": "_github:GithubReporter",
    "junit": "_junit:JunitReporter",
    "html": "_html:HtmlReporter",
}

#: The ``--format`` names, in the order ``--help`` lists them.
FORMATS = tuple(REPORTERS)


def get_reporter(name: str) -> ReporterFactory:
    """The reporter class for a format name; ``UnknownNameError`` (a ``KeyError``) if none."""
    if name not in REPORTERS:
        raise UnknownNameError("format", name, REPORTERS)
    module, attr = REPORTERS[name].split(":")
    return cast(ReporterFactory, getattr(importlib.import_module(f".{module}", __name__), attr))


def render(result: LintResult, name: str, out: TextIO, colour: bool = False) -> None:
    """Write a finished result (whose diagnostics were kept) in one go."""
    reporter = get_reporter(name)(out, colour)
    for d in result.diagnostics:
        reporter.emit(d)
    reporter.finish(result)


__all__ = ["FORMATS", "REPORTERS", "Reporter", "ReporterFactory", "get_reporter", "render"]
