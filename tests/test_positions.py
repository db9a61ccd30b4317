"""Pointers map back to the line and column of the value (or key) in the file."""

from __future__ import annotations

import pytest

from wanspec.jsontools import pointer_of
from wanspec.lint.positions import scan

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
