"""JUnit XML: one ``<testcase>`` per linted file, failed when the file has errors.

CI systems (GitLab, Jenkins, Azure Pipelines, the test-report actions) show it as a
test report. A file's findings go into its ``<failure>`` as ``path:line:col: CODE
message`` lines; warnings alone do not fail a case and are listed in ``<system-out>``;
a file that could not be read gets an ``<error>``. The counts must lead the document,
so test cases, and each file's findings until its case is written, go to spooled
temporary files (memory up to 1 MiB, then disk) and are copied out behind the header
at the end: memory stays flat however many findings there are.
"""

from __future__ import annotations

import re
from typing import IO, TextIO

from ..lint.events import LintEvents
from ..records import Diagnostic, LintResult, Severity
from ._paths import display_path

#: Text a spool keeps in memory before it moves to a temporary file.
SPOOL_BYTES = 1 << 20

# characters XML 1.0 cannot carry at all (a binary payload's message may quote them)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(s: str) -> str:
    # xml.sax.saxutils would do, but it imports urllib.request (about 40 ms of start-up)
    return _NOT_XML.sub("\ufffd", s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    return '"' + _text(s).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;") + '"'


def _line(d: Diagnostic) -> str:
    where = display_path(d.file) if d.file else "<payload>"
    if d.line is not None:
        where += f":{d.line}:{d.column or 1}"
    return f"{where}: {d.code} {d.message}"


class _Spool:
    """Text kept in memory up to 1 MiB, then in a temporary file: a huge JSON Lines file
    with a finding on every line still takes flat memory."""

    def __init__(self) -> None:
        self.file: IO[str] | None = None

    def write(self, text: str) -> None:
        if self.file is None:
            import tempfile

            # closed in copy_to(): the file outlives this method by design
            self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8")  # noqa: SIM115
        self.file.write(text)

    def copy_to(self, out: TextIO | _Spool) -> None:
        """Write everything to ``out`` and forget it."""
        if self.file is None:
            return
        self.file.seek(0)
        while chunk := self.file.read(1 << 16):
            out.write(chunk)
        self.discard()

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class JunitReporter(LintEvents):
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.cases = _Spool()  # finished test cases; the counts must be written before them
        self.current: str | None = None
        self.failed = _Spool()  # the current file's errors
        self.other = _Spool()  # the current file's warnings and notes
        self.error_count = 0
        self.first_error: Diagnostic | None = None
        self.broken: Diagnostic | None = None  # the file could not be read
        self.tests = self.failures = self.errors = 0

    def file(self, name: str) -> None:
        self._close_case()
        self.current = name

    def emit(self, d: Diagnostic) -> None:

        name = d.file or "<payload>"
        if name != self.current:  # no events (a kept result), or a finding reported after its file closed
            self.file(name)
        if d.severity is not Severity.ERROR:
            self.other.write(_text(_line(d)) + "\n")
            return
        if d.environment and self.broken is None:
            self.broken = d
        self.first_error = self.first_error or d
        self.error_count += 1
        self.failed.write(_text(_line(d)) + "\n")

    def _close_case(self) -> None:
        if self.current is None:
            return
        name = _attr(display_path(self.current))
        has_body = self.first_error is not None or self.other.file is not None
        self.cases.write(f"    <testcase classname={name} name={name} file={name}>")
        if self.broken is not None:
            self.errors += 1
            self.cases.write(f'\n      <error message={_attr(self.broken.message)} type="{self.broken.code}"/>')
            self.failed.discard()
        elif self.first_error is not None:
            self.failures += 1
            summary = f"{self.error_count} error{'s' * (self.error_count != 1)}"
            self.cases.write(f'\n      <failure message="{summary}" type="{self.first_error.code}">')
            self.failed.copy_to(self.cases)
            self.cases.write("</failure>")
        if self.other.file is not None:
            self.cases.write("\n      <system-out>")
            self.other.copy_to(self.cases)
            self.cases.write("</system-out>")
        self.cases.write("\n    </testcase>\n" if has_body else "</testcase>\n")
        self.tests += 1
        self.current, self.first_error, self.broken, self.error_count = None, None, None, 0

    def finish(self, result: LintResult) -> None:
        self._close_case()
        counts = f'tests="{self.tests}" failures="{self.failures}" errors="{self.errors}"'
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f'<testsuites name="wanspec" {counts}>\n')
        self.out.write(f'  <testsuite name="wanspec lint" {counts} skipped="0">\n')
        self.cases.copy_to(self.out)
        self.out.write("  </testsuite>\n</testsuites>\n")
