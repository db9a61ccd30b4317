"""Reading a ``--format html`` page back: the diagnostics and summary it carries, and what it links to."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


class ReportReader(HTMLParser):
    """Collects each row's ``data-diagnostic``, the summary block, every element with a URL
    attribute, and the tags and script blocks seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.diagnostics: list[dict[str, Any]] = []
        self.summary: dict[str, Any] | None = None
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.csp: str | None = None
        self._in_summary = False
        self._summary_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        a = dict(attrs)
        if "data-diagnostic" in a:
            self.diagnostics.append(json.loads(a["data-diagnostic"] or ""))
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            if name in a:
                self.urls.append((tag, name, a[name] or ""))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")
        self._in_summary = tag == "script" and a.get("id") == "wanspec-summary"

    def handle_data(self, data: str) -> None:
        if self._in_summary:
            self._summary_text += data

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary and tag == "script":
            self.summary = json.loads(self._summary_text)
            self._in_summary = False


def read_report(text: str) -> ReportReader:
    reader = ReportReader()
    reader.feed(text)
    reader.close()
    return reader


def as_json(text: str) -> dict[str, Any]:
    """The page as the ``--format json`` object it must equal."""
    reader = read_report(text)
    return {"diagnostics": reader.diagnostics, "summary": reader.summary}
