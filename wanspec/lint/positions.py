"""Map RFC 6901 pointers back to line and column in the source text.

Validators report *where in the data* a problem is; people need *where in the file*.
This module scans JSON text once (iteratively: no recursion, so deep nesting is safe)
and records the offset of every value and every object key. The stdlib parser does the
real parsing; this scanner only runs for files that have findings, and it also reports
what the parser forgives silently: duplicate keys and the NaN/Infinity literals.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

from ..jsontools import escape_token, parent_pointer, unescape_token

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<str>"[^"\\]*(?:\\.[^"\\]*)*")
  | (?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<lit>true|false|null|NaN|-?Infinity)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE,
)

NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


@dataclass(frozen=True, slots=True)
class Duplicate:
    pointer: str  # the object holding the key twice
    key: str
    offset: int  # of the repeated key


_WS = re.compile(r"[ \t\n\r]*")
_SKIP = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner: one value at an offset
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def walk(text: str, pointer: str, *, key: bool = False, start: int = 0) -> int | None:
    """Offset of the value at ``pointer`` (or of its key) by walking only that path.

    Sibling values are skipped with the C decoder, so finding one position costs a few
    microseconds however large the task is. Returns None when the path is not there
    (the caller falls back to the full scan and to the nearest ancestor). ``start`` is
    where the value the pointer starts from begins (default: the text's top value).
    """
    end = len(text)

    def skip(i: int) -> int:  # white space is rare in machine-written JSON: test before matching
        if i < end and text[i] in " \t\r\n":
            m = _WS.match(text, i)
            return m.end() if m else i
        return i

    i = skip(start)
    if not pointer:
        return i
    tokens = [unescape_token(t) for t in pointer.split("/")[1:]]
    for n, token in enumerate(tokens):
        last = n == len(tokens) - 1
        if i >= end:
            return None
        if text[i] == "{":
            i = skip(i + 1)
            found: tuple[int, int] | None = None
            while i < end and text[i] != "}":
                key_at = i
                name, i = _scanstring(text, i + 1)
                i = skip(skip(i) + 1)  # the colon
                if name == token:
                    found = (key_at, i)  # keep going: the parser keeps the last duplicate
                _, i = _SKIP(text, i)
                i = skip(i)
                if i < end and text[i] == ",":
                    i = skip(i + 1)
            if found is None:
                return None
            if last and key:
                return found[0]
            i = found[1]
        elif text[i] == "[":
            if not token.isdigit():
                return None
            want, index = int(token), 0
            i = skip(i + 1)
            while i < end and text[i] != "]" and index < want:
                _, i = _SKIP(text, i)
                i = skip(i)
                if i < end and text[i] == ",":
                    i = skip(i + 1)
                index += 1
            if index != want or i >= end or text[i] == "]":
                return None
        else:
            return None
    return i


#: Each walk skips the siblings before its path, so many findings in one large object
#: would cost findings × size; after this many walks the text is scanned once and every
#: later lookup is a dictionary hit. (In an array file each walk starts at its task.)
_WALKS_BEFORE_SCAN = 32


@dataclass(slots=True)
class PositionIndex:
    """Offsets of values and keys in one JSON text, by pointer."""

    text: str
    first_line: int = 1
    values: dict[str, int] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    duplicates: list[Duplicate] = field(default_factory=list)
    non_finite: list[tuple[str, int, str]] = field(default_factory=list)
    _newlines: list[int] | None = None
    _scanned: bool = False
    _walks: int = 0
    _items: list[int] | None = None  # offsets of the top-level array's items, found once

    def _fill(self, base: str = "") -> None:
        if not self._scanned:
            self._scanned = True
            _scan_into(self, base)

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a character offset."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        row = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[row - 1] + 1 if row else 0
        return self.first_line + row, offset - start + 1

    def _walk(self, pointer: str, key: bool) -> int | None:
        """Walk to ``pointer``; in an array, from the start of its item (found once for all)."""
        if pointer.startswith("/"):
            items = self._item_offsets()
            if items is not None:
                head, slash, rest = pointer[1:].partition("/")
                if not head.isdigit() or int(head) >= len(items):
                    return None
                return walk(self.text, slash + rest, key=key, start=items[int(head)])
        if self._walks >= _WALKS_BEFORE_SCAN:
            return None
        self._walks += 1
        return walk(self.text, pointer, key=key)

    def _item_offsets(self) -> list[int] | None:
        """Offsets of the items of the top-level array (None when the text is not an array)."""
        if self._items is None:
            text, end = self.text, len(self.text)
            i = _WS.match(text).end()  # type: ignore[union-attr]  # matches the empty string at worst
            if not text.startswith("[", i):
                return None
            items: list[int] = []
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            try:
                while i < end and text[i] != "]":
                    items.append(i)
                    _, i = _SKIP(text, i)
                    i = _WS.match(text, i).end()  # type: ignore[union-attr]
                    if text.startswith(",", i):
                        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            except (ValueError, RecursionError, StopIteration):
                pass  # broken after the last item found: later pointers fall back to the scan
            self._items = items
        return self._items

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at ``pointer`` (or of its key), else of its nearest ancestor."""
        if not self.values:
            try:
                offset = self._walk(pointer, key)
            except (ValueError, RecursionError, IndexError, StopIteration):
                offset = None
            if offset is not None:
                return self.line_col(offset)
            self._fill()
        if key and pointer in self.keys:
            return self.line_col(self.keys[pointer])
        probe = pointer
        while probe not in self.values and probe:
            probe = parent_pointer(probe)
        return self.line_col(self.values.get(probe, 0))


def scan(text: str, first_line: int = 1, *, base: str = "") -> PositionIndex:
    """Index every value and key of ``text``; tolerant of garbage (stops at the first)."""
    index = PositionIndex(text, first_line)
    index._fill(base)
    return index


def _scan_into(index: PositionIndex, base: str) -> None:
    text = index.text
    values, keys = index.values, index.keys
    # Each frame: [is_object, pointer, next array index, pending key, seen keys]
    stack: list[list[object]] = []
    expect_key = False
    pos, end = 0, len(text)
    match = _TOKEN.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            break
        kind = m.lastgroup
        tok_start, pos = m.start(), m.end()
        if kind == "ws":
            continue
        token = m.group()
        if kind == "punct" and token not in "{[":
            if token in "}]":
                if stack:
                    stack.pop()
                expect_key = False
            elif token == ",":
                expect_key = bool(stack) and bool(stack[-1][0])
            # ':' needs nothing: the key is pending on the frame
            continue
        if stack and stack[-1][0] and expect_key:
            frame = stack[-1]
            try:
                name = (json.loads(token) if "\\" in token else token[1:-1]) if kind == "str" else token
            except ValueError:
                name = token[1:-1]
            frame[3] = name
            ptr = f"{frame[1]}/{escape_token(name)}"
            seen = frame[4]
            assert isinstance(seen, set)
            if name in seen:
                index.duplicates.append(Duplicate(str(frame[1]), str(name), tok_start))
            seen.add(name)
            keys[ptr] = tok_start
            expect_key = False
            continue
        # a value: where does it live?
        if not stack:
            ptr = base
        else:
            frame = stack[-1]
            if frame[0]:
                ptr = f"{frame[1]}/{escape_token(str(frame[3]))}"
            else:
                i = frame[2]
                assert isinstance(i, int)
                ptr = f"{frame[1]}/{i}"
                frame[2] = i + 1
        values[ptr] = tok_start
        if kind == "lit" and token in NON_FINITE:
            index.non_finite.append((ptr, tok_start, token))
        if token == "{":
            stack.append([True, ptr, 0, None, set()])
            expect_key = True
        elif token == "[":
            stack.append([False, ptr, 0, None, None])
            expect_key = False
