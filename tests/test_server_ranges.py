"""Positions and ranges the server relies on, without a client: large array files, spans, contexts.

The server underlines what the linter located; a file of many tasks with many findings
must be located exactly and in linear work (an editor re-lints it on every pause), so the
work is counted (walk steps), never timed.
"""

from __future__ import annotations

import json
import uuid

import pytest

from wanspec.lint import positions as _positions
from wanspec.lint.run import lint_bytes
from wanspec.server._context import context_at
from wanspec.server._text import LineIndex

TASK = {
    "taskType": "videoInference",
    "taskUUID": "9b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "A fox",
    "width": "1920",
    "height": 1920,
    "durtion": 5,
    "inputs": {"frameImages": ["https://example.com/fox.jpg"]},
}


def _array(n: int) -> str:
    # each task its own taskUUID: a batch that repeats one is a finding of its own (WS205)
    tasks = [dict(TASK, seed=i, taskUUID=str(uuid.UUID(int=i, version=4))) for i in range(n)]
    return json.dumps(tasks, indent=2)


def _where(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize("n", [1, 40, 200])
def test_every_finding_in_a_large_array_is_where_its_pointer_is(n):
    text = _array(n)
    result = lint_bytes("many.json", text.encode())
    assert len(result.diagnostics) == 3 * n
    for d in result.diagnostics:
        pointer = f"/{d.task}{d.pointer}"
        expected = _positions.walk(text, pointer, key=d.code == "WS100")
        assert expected is not None
        assert (d.line, d.column) == _where(text, expected), (d.code, pointer)


def test_locating_findings_in_an_array_is_linear_work(monkeypatch):
    """Work (values skipped, characters scanned for tokens or line breaks) grows with the file
    and the findings, not their product: 8x the tasks (and findings) is about 8x the work."""
    work = {"n": 0}
    real_skip, real_scan, real_line_col = _positions._SKIP, _positions._scan_into, _positions.PositionIndex.line_col

    def skip(text, i):
        work["n"] += 1
        return real_skip(text, i)

    def scan_into(index, base):
        work["n"] += len(index.text) // 20  # about a token every 20 characters
        return real_scan(index, base)

    def line_col(self, offset):
        if self._newlines is None:
            work["n"] += len(self.text) // 20
        return real_line_col(self, offset)

    monkeypatch.setattr(_positions, "_SKIP", skip)
    monkeypatch.setattr(_positions, "_scan_into", scan_into)
    monkeypatch.setattr(_positions.PositionIndex, "line_col", line_col)
    totals = []
    for n in (50, 400):
        work["n"] = 0
        assert len(lint_bytes("many.json", _array(n).encode()).diagnostics) == 3 * n
        totals.append(work["n"])
    assert totals[1] <= totals[0] * 8 * 1.5, totals  # quadratic would be 64x


def test_line_index_counts_utf16_units_like_an_editor():
    text = '{"positivePrompt": "🦊 fox", "width": "1920"}'
    index = LineIndex(text)
    at = text.index('"1920"')
    pos = index.position(at)
    assert (pos.line, pos.character) == (0, at + 1)  # the fox is two UTF-16 units
    assert index.offset(pos) == at
    utf32 = LineIndex(text, "utf-32")
    assert utf32.position(at).character == at and utf32.offset(utf32.position(at)) == at


@pytest.mark.parametrize(
    ("text", "kind", "path", "key"),
    [
        ('{"wid', "key", (), None),
        ('{"width": 1280, "', "key", (), None),
        ('{"width": ', "value", (), "width"),
        ('{"width": 19', "value", (), "width"),
        ('[{"a": 1}, {"inputs": {"frameImages": [', "value", ("1", "inputs", "frameImages"), "0"),
        ('[{"a": 1}, {"inputs": {"frameImages": ["x", ', "value", ("1", "inputs", "frameImages"), "1"),
        ('{"providerSettings": {"alibaba": {"', "key", ("providerSettings", "alibaba"), None),
        ('{"a": "x\\"y", "b', "key", (), None),
        ("", "none", (), None),
        ('{"a": 1}', "none", (), None),
    ],
)
def test_context_of_half_typed_text(text, kind, path, key):
    ctx = context_at(text, len(text))
    assert (ctx.kind, ctx.path, ctx.key) == (kind, path, key)


def test_an_editor_s_debounce_is_taken_only_as_a_finite_number_of_milliseconds():
    """``debounceMs`` from the client's initializationOptions: JSON as Python reads it
    may hold 1e400 (infinity: the re-lint would never come) or a boolean."""
    pytest.importorskip("pygls")
    from wanspec.server._server import create

    server = create()
    before = server.debounce
    for odd in (float("nan"), float("inf"), 1e400, -1, True, "50", None):
        server.configure({"debounceMs": odd})
        assert server.debounce == before, odd
    server.configure({"debounceMs": 50})
    assert server.debounce == 0.05
