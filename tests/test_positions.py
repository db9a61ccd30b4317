"""Pointers map back to the line and column of the value (or key) in the file."""

from __future__ import annotations

import json
from typing import SupportsIndex

import pytest

from wanspec.jsontools import pointer_of
from wanspec.lint.positions import PositionIndex, scan

TEXT = '{\n  "a": [1, {"b/c": 2, "t~": true}],\n  "é": "x",\n  "a": null\n}'


@pytest.mark.parametrize(
    ("pointer", "key", "expected"),
    [
        ("", False, (1, 1)),
        ("/a/0", False, (2, 9)),
        ("/a/1/b~1c", False, (2, 20)),
        ("/a/1/t~0", True, (2, 23)),
        ("/é", False, (3, 8)),
        ("/a", False, (4, 8)),  # the duplicate wins, as in the parser
        ("/a/1/missing/deeper", False, (2, 12)),  # falls back to the nearest ancestor
    ],
)
def test_locate(pointer, key, expected):
    assert scan(TEXT).locate(pointer, key=key) == expected


def test_duplicates_and_non_finite_literals():
    index = scan('{"x": 1, "x": NaN, "y": [Infinity, -Infinity]}')
    assert [(d.pointer, d.key) for d in index.duplicates] == [("", "x")]
    assert [p for p, _, _ in index.non_finite] == ["/x", "/y/0", "/y/1"]


def test_deep_nesting_is_iterative():
    depth = 20000
    index = scan("[" * depth + "]" * depth)
    assert len(index.values) == depth


def test_garbage_stops_the_scan_without_error():
    index = scan('{"a": 1, @@@ "b": 2}')
    assert "/a" in index.values and "/b" not in index.values


def test_first_line_offset_for_jsonl():
    assert scan('{"a": 5}', first_line=40).locate("/a") == (40, 7)


def test_pointer_escaping():
    assert pointer_of(["a/b", "m~n", 3]) == "/a~1b/m~0n/3"


@pytest.mark.parametrize(
    "text",
    [
        '[{"a": 1}, 2, {"b": [1, {"c": 3}]}, "x", null, []]',
        '\n[\n  {"a": 1},\n\n  7\n]\n',
        "[1]",
    ],
)
def test_a_clean_array_read_item_by_item_is_what_the_whole_read_gives(text):
    from wanspec.lint.source import read_json, read_json_bytes

    items, in_order = read_json("a.json", text.encode())
    assert in_order
    streamed = [(type(x).__name__, getattr(x, "index", None), getattr(x, "value", None), vars_of(x)) for x in items]
    whole = read_json_bytes("a.json", text.encode())
    expected = [
        (type(x).__name__, getattr(x, "index", None), getattr(x, "value", None), vars_of(x))
        for x in sorted([*whole.problems, *whole.tasks], key=lambda x: getattr(x, "index", getattr(x, "task", 0)))
    ]
    assert streamed == expected


def vars_of(item):  # a problem's text and place; a task's position of its first key
    if hasattr(item, "rule"):
        return (item.rule, item.message, item.line, item.column, item.task)
    return item.locate("")


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 1, "a": 2}]', "[NaN]", "[1,]", "[]", '{"a": 1}', "[1] 2"])
def test_anything_but_a_clean_array_is_read_whole(text):
    from wanspec.lint.source import read_json

    _, in_order = read_json("a.json", text.encode())
    assert not in_order


def test_a_one_line_text_is_searched_for_line_breaks_once_not_per_finding():
    """Every position in a one-line array (what ``json.dumps(tasks)`` writes) is on line 1,
    as in every JSON Lines line. Finding that out may search the text once; searching it
    again for each finding would make a one-line array of n tasks cost n² characters."""

    class Watched(str):
        scanned = 0

        def find(self, sub: str, start: SupportsIndex | None = 0, end: SupportsIndex | None = None) -> int:
            stop = len(self) if end is None else int(end)
            Watched.scanned += stop - int(start or 0)
            return str.find(self, sub, start, stop)

    text = Watched(json.dumps([{"duration": 40, "n": i} for i in range(2000)]))
    index = PositionIndex(text)
    offsets = range(0, len(text), 7)
    assert all(index.line_col(o) == (1, o + 1) for o in offsets)
    assert Watched.scanned <= len(text)
