"""One self-contained HTML page: the findings of lint, verify, drift or coverage, to read in a browser.

The page carries exactly what ``--format json`` carries: each table row holds its
diagnostic's JSON in ``data-diagnostic`` and the summary sits in a JSON script block, so a
tool can read the page back. Nothing is fetched: styles and the small filter script are
inline and a Content-Security-Policy forbids any other source. Rows are written as the
diagnostics arrive (memory stays flat); the summary, written last, is shown first by CSS.
Narrow columns wrap, so the page fits a laptop screen without scrolling sideways.
"""

from __future__ import annotations

import json
from html import escape
from typing import TextIO

from ..records import Diagnostic, LintResult
from ._text import _plural

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa}
main{display:flex;flex-direction:column;max-width:1280px;margin:0 auto;padding:0 16px 24px}
header{background:#1f2933;color:#fff;padding:14px 20px}
header h1{margin:0;font-size:20px;font-weight:600}
#summary{order:-1;display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.badge{padding:6px 12px;border-radius:4px;background:#e4e7eb;font-weight:600}
.badge.error{background:#c62828;color:#fff}.badge.warning{background:#f9a825}.badge.info{background:#1565c0;color:#fff}
.badge.ok{background:#2e7d32;color:#fff}
#filters{display:flex;gap:12px;margin:0 0 8px}
table{width:100%;border-collapse:collapse;table-layout:fixed;background:#fff}
th,td{padding:6px 8px;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#e4e7eb;position:sticky;top:0}
col.sev{width:84px}col.code{width:72px}col.where{width:26%}
tr.error td.sev{color:#c62828;font-weight:600}tr.warning td.sev{color:#a86b00;font-weight:600}
tr.info td.sev{color:#1565c0}
.meta{color:#52606d;font-size:12px;margin-top:2px}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
#wide{display:none;color:#c62828}html[data-overflow="true"] #wide{display:block}
"""
_SCRIPT = """
(function(){
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
  var boxes=[].slice.call(document.querySelectorAll('#filters input'));
  function apply(){
    var shown={};boxes.forEach(function(b){shown[b.value]=b.checked;});
    rows.forEach(function(r){r.hidden=!shown[r.className];});
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  var de=document.documentElement;
  de.dataset.overflow=String(de.scrollWidth>de.clientWidth+1);
  de.dataset.rows=String(rows.length);
})();
"""


def _where(d: Diagnostic) -> str:
    where = d.file or "<payload>"
    if d.line is not None:
        where += f":{d.line}:{d.column or 1}"
    return where


class HtmlReporter:
    """Writes the page: head and table start at the first diagnostic (or at the end)."""

    def __init__(self, out: TextIO, colour: bool = False) -> None:
        self.out = out
        self.started = False  # nothing is written before the first diagnostic or the summary

    def _start(self) -> None:
        if self.started:
            return
        self.started = True
        self.out.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>wanspec report</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            "<header><h1>wanspec report</h1></header>\n<main>\n"
            '<p id="wide">The table is wider than the window: scroll sideways.</p>\n'
            '<div id="filters">'
            + "".join(
                f'<label><input type="checkbox" value="{s}" checked> {s}</label>' for s in ("error", "warning", "info")
            )
            + "</div>\n"
            '<table id="findings">\n<colgroup><col class="sev"><col class="code"><col class="where"><col></colgroup>\n'
            "<thead><tr><th>severity</th><th>code</th><th>where</th><th>message</th></tr></thead>\n<tbody>\n"
        )

    def emit(self, d: Diagnostic) -> None:
        self._start()
        data = escape(json.dumps(d.as_dict(), ensure_ascii=False), quote=True)
        extra = [
            f"{label} {escape(str(value))}"
            for label, value in (("task", d.task), ("pointer", d.pointer), ("schema", d.schema))
            if value not in (None, "")
        ]
        details = [f'<div class="meta"><code>{" · ".join(extra)}</code></div>'] if extra else []
        details += [f'<div class="meta">{escape(label)}: {escape(text)}</div>' for label, text in _notes(d)]
        severity = d.severity.value
        self.out.write(
            f'<tr class="{severity}" data-diagnostic="{data}"><td class="sev">{severity}</td>'
            f"<td><code>{escape(d.code)}</code></td><td><code>{escape(_where(d))}</code></td>"
            f"<td>{escape(d.message)}{''.join(details)}</td></tr>\n"
        )

    def finish(self, result: LintResult) -> None:
        self._start()
        summary = result.summary()
        badges = [f'<span class="badge error">{_plural(result.errors, "error")}</span>'] if result.errors else []
        if result.warnings:
            badges.append(f'<span class="badge warning">{_plural(result.warnings, "warning")}</span>')
        if not (result.errors or result.warnings):
            badges.append('<span class="badge ok">all checks passed</span>')
        units = {"files": "file", "tasks": result.unit or "task"}
        badges += [
            f'<span class="badge">{escape(_plural(v, units[k]) if k in units else f"{v} {k}")}</span>'
            for k, v in summary.items()
            if k not in ("errors", "warnings")  # shown above, coloured
        ]
        block = json.dumps(summary).replace("<", "\\u003c")
        self.out.write(
            "</tbody>\n</table>\n"
            f'<section id="summary">{"".join(badges)}</section>\n'
            f'<script type="application/json" id="wanspec-summary">{block}</script>\n'
            f"<script>{_SCRIPT}</script>\n</main>\n</body>\n</html>\n"
        )


def _notes(d: Diagnostic) -> list[tuple[str, str]]:
    return [(label, text) for label, text in (("hint", d.hint), ("source", d.doc)) if text]
