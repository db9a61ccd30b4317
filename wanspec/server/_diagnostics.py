"""The linter's diagnostics as LSP diagnostics: same code, severity and message, as ranges.

A finding's line and column (from the linter's one position index) locate the start of
the offending value or key; the range covers that whole value (a string with its quotes,
a number, a literal) or the key. A finding about an object covers its opening bracket
only, so a task-level rule does not underline a whole file, except a finding of the
width×height-pair keyword, which covers the members that rule names (``x-pairs``
``fields``): the width and height the user has to change.
"""

from __future__ import annotations

import json
from typing import Any

from lsprotocol import types

from ..catalog import store as _catalog
from ..jsontools import pointer_of
from ..lint.positions import walk
from ..records import Diagnostic, Severity
from . import _schema_view
from ._text import LineIndex, is_key, skip_ws, token_end, value_end

SOURCE = "wanspec"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def span(d: Diagnostic, index: LineIndex, tasks: Any) -> tuple[int, int]:
    """The character range a diagnostic covers in ``index.text``."""
    text = index.text
    if d.line is None:
        return 0, 0
    start = index.offset_of(d.line, d.column)
    if start >= len(text):
        return start, start
    if text[start] in "{[":
        members = _pair_members(d, text, tasks, start)
        return members or (start, start + 1)
    if text[start] == '"' and is_key(text, start):
        end = value_end(text, start)
        return start, end if end is not None else token_end(text, start)
    end = value_end(text, start)
    return start, end if end is not None else token_end(text, start)


def _pair_members(d: Diagnostic, text: str, tasks: Any, start: int) -> tuple[int, int] | None:
    """From the first to the last member an x-pairs finding is about, in text order."""
    if d.code != _schema_view.pairs_code() or d.schema is None or d.task is None:
        return None
    task = _task(tasks, d.task)
    if task is None:
        return None
    fields = _schema_view.pair_fields(d.schema, task, d.pointer)
    if not fields:
        return None
    ends: list[tuple[int, int]] = []
    for name in fields:
        pointer = pointer_of([name])
        try:  # walk inside the object only: cost by its size, not the file's
            key = walk(text, pointer, key=True, start=start)
        except (ValueError, RecursionError, IndexError, StopIteration):
            return None
        after_key = value_end(text, key) if key is not None else None
        if key is None or after_key is None:
            continue
        value = skip_ws(text, skip_ws(text, after_key) + 1)  # past the colon
        end = value_end(text, value)
        ends.append((key, end if end is not None else value))
    if not ends:
        return None
    return min(s for s, _ in ends), max(e for _, e in ends)


def _task(tasks: Any, index: int) -> Any:
    if isinstance(tasks, list):
        return tasks[index] if 0 <= index < len(tasks) else None
    return tasks if index == 0 else None


def parse(text: str) -> Any:
    """The document's value, or None when it is not one JSON value (JSONL, or mid-edit)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def to_lsp(
    diagnostics: list[Diagnostic], index: LineIndex, tasks: Any, spans: list[tuple[int, int]] | None = None
) -> list[types.Diagnostic]:
    """LSP diagnostics (``spans``: the ranges already computed for these diagnostics, if any)."""
    out = []
    for i, d in enumerate(diagnostics):
        start, end = spans[i] if spans is not None else span(d, index, tasks)
        urls = _catalog.source_urls(d.doc) if d.doc else []
        out.append(
            types.Diagnostic(
                range=index.range(start, end),
                message=d.message,
                severity=_SEVERITY.get(d.severity, types.DiagnosticSeverity.Error),
                code=d.code,
                code_description=types.CodeDescription(href=urls[0][1]) if urls else None,
                source=SOURCE,
                data={"pointer": d.pointer, "task": d.task, "schema": d.schema},
            )
        )
    return out


def problem(message: str) -> types.Diagnostic:
    """A diagnostic at the top of the file saying why it was not linted (never a silent pass)."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 1)),
        message=f"not linted: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
    )
