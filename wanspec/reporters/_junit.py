"""JUnit XML: one ``<testcase>`` per linted file, failed when the file has errors.

CI systems (GitLab, Jenkins, Azure Pipelines, the test-report actions) show it as a
test report. A file's findings go into its ``<failure>`` as ``path:line:col: CODE
message`` lines; warnings alone do not fail a case and are listed in ``<system-out>``;
a file that could not be read gets an ``<error>``. The counts must lead the document,
so test cases are written to a spooled temporary file (memory up to 1 MiB, then disk)
and copied out behind the header at the end.
"""

from __future__ import annotations

import re
from typing import IO, TextIO

from .._diagnostics import Diagnostic, LintResult, Severity
from .._events import LintEvents
from ._paths import display_path

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


class JunitReporter(LintEvents):
    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.cases: IO[str] | None = None  # opened with the first case, so a usage error leaves nothing open
        self.current: str | None = None
        self.findings: list[Diagnostic] = []
        self.tests = self.failures = self.errors = 0

    def file(self, name: str) -> None:
        self._close_case()
        self.current = name

    def emit(self, d: Diagnostic) -> None:
        name = d.file or "<payload>"
        if name != self.current:  # no events (a kept result), or a finding reported after its file closed
            self.file(name)
        self.findings.append(d)

    def _close_case(self) -> None:
        if self.current is None:
            return
        from .._lint import ENVIRONMENT_CODES

        name = _attr(display_path(self.current))
        errors = [d for d in self.findings if d.severity is Severity.ERROR]
        broken = [d for d in errors if d.code in ENVIRONMENT_CODES]
        others = [d for d in self.findings if d.severity is not Severity.ERROR]
        body = ""
        if broken:
            self.errors += 1
            body += f'\n      <error message={_attr(broken[0].message)} type="{broken[0].code}"/>'
        elif errors:
            self.failures += 1
            summary = f"{len(errors)} error{'s' * (len(errors) != 1)}"
            lines = "\n".join(_line(d) for d in errors)
            body += f'\n      <failure message="{summary}" type="{errors[0].code}">{_text(lines)}</failure>'
        if others:
            body += f"\n      <system-out>{_text(chr(10).join(_line(d) for d in others))}</system-out>"
        if self.cases is None:
            import tempfile

            # closed in finish(): the file outlives this method by design
            self.cases = tempfile.SpooledTemporaryFile(max_size=1 << 20, mode="w+", encoding="utf-8")  # noqa: SIM115
        end = "\n    </testcase>" if body else "</testcase>"
        self.cases.write(f"    <testcase classname={name} name={name} file={name}>{body}{end}\n")
        self.tests += 1
        self.current, self.findings = None, []

    def finish(self, result: LintResult) -> None:
        self._close_case()
        counts = f'tests="{self.tests}" failures="{self.failures}" errors="{self.errors}"'
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f'<testsuites name="wanspec" {counts}>\n')
        self.out.write(f'  <testsuite name="wanspec lint" {counts} skipped="0">\n')
        if self.cases is not None:
            self.cases.seek(0)
            while chunk := self.cases.read(1 << 16):
                self.out.write(chunk)
            self.cases.close()
        self.out.write("  </testsuite>\n</testsuites>\n")
