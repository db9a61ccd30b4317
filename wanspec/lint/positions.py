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
import math
import re
from array import array
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from types import MappingProxyType
from typing import Any

from ..jsontools import escape_token, parent_pointer, unescape_token
from ..recordtype import recordclass
from . import speedups
from .stack import from_the_bottom

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
#: Python refuses to convert longer integer literals (CVE-2020-10735); no documented
#: field comes near, so longer ones are reported, not converted.
MAX_INT_DIGITS = 4300


def out_of_range(literal: str) -> bool:
    """A JSON number literal no check can use: too many digits, or beyond the float range."""
    if "." in literal or "e" in literal or "E" in literal:
        return math.isinf(float(literal))  # float() has no digit limit
    return len(literal) - literal.startswith("-") > MAX_INT_DIGITS


@recordclass
class Duplicate:
    pointer: str  # the object holding the key twice
    key: str
    offset: int  # of the repeated key


_WS = re.compile(r"[ \t\n\r]*")
_NEWLINE = re.compile("\n")
_NOTHING: Mapping[str, int] = MappingProxyType({})
_BLANK = frozenset(" \t\n\r")


def _zero(_literal: str) -> int:
    return 0


def _nothing(_pairs: object) -> None:
    return None


# The C scanner, used only to step over one value at an offset: numbers are not converted
# (a 5,000-digit integer would raise) and objects are not built.
_SKIP = json.JSONDecoder(  # type: ignore[attr-defined]
    parse_int=_zero, parse_float=_zero, parse_constant=_zero, object_pairs_hook=_nothing
).scan_once
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]

# The compiled reader's listing of a container's children (``_fastjson.c``): what
# ``_listed`` lists, for every container of plain JSON; it declines the others.
_FAST_CHILDREN, _FALLBACK = speedups.entry("children")
#: Whether it runs here: then a finding is located by listing, not by ``search``.
LISTS_COMPILED = _FAST_CHILDREN is not None

_FAST_NEWLINES, _ = speedups.entry("newlines")
# The compiled reader's walk to one place (``_fastjson.c``): what ``offset`` answers from
# the listings, found in one pass along the path that lists nothing. A task's first
# questions are walked; later ones use the listings (a walk reads each container of its
# path to the end, so many questions about one task would read it again and again).
_FAST_WALK, _ = speedups.entry("walk")
#: Questions about one task answered by walking before its containers are listed.
WALKED_QUESTIONS = 8


def newlines(text: str, start: int, stop: int) -> int:
    """``text.count("\\n", start, stop)``, for offsets that are not negative: the compiled
    reader's count where it runs (vector compares: 45 MB in 5 ms instead of 24 ms)."""
    if _FAST_NEWLINES is not None and (count := _FAST_NEWLINES(text, start, stop)) is not _FALLBACK:
        return count  # type: ignore[no-any-return]
    return text.count("\n", start, stop)


#: Questions about lines past the first answered by counting line breaks up to the offset
#: before a text gets a table of them: a bounded number of passes, so still linear.
COUNTED_QUESTIONS = 8

#: A container's children: an object's names → (offset of the key, offset of the value),
#: an array's item offsets.
Children = dict[str, tuple[int, int]] | list[int]


@recordclass
class Window:
    """A range of a text's offsets, with what its line numbers need from before it."""

    start: int
    end: int
    lines_before: int  # newlines before ``start``
    line_start: int  # where the line holding ``start`` begins


@recordclass(frozen=False)
class PositionIndex:
    """Positions in one JSON text, shared by every task in it and built as findings ask.

    The first question about a container (the top-level array, a task, ``/inputs``) lists
    where each of its children starts, in one pass that steps over the children with the
    C scanner; later questions about the same container are dictionary or list lookups.
    So a file with one finding in each of its 100,000 tasks costs one pass over the array,
    one pass over each task and a lookup per finding: linear in the file and the findings.
    Tables hang off the task being located and are dropped when the next task begins, so
    memory stays a small multiple of the largest task, not of the file.
    """

    text: str
    first_line: int = 1
    # what scan() found; an index the linter makes for every task holds only empty views
    # (one is made per JSON Lines line: it must cost next to nothing until a finding asks)
    values: Mapping[str, int] = _NOTHING  # every value's offset, with scan(keep=True) only
    keys: Mapping[str, int] = _NOTHING
    duplicates: Sequence[Duplicate] = ()
    non_finite: Sequence[tuple[str, int, str]] = ()
    too_large: Sequence[tuple[str, int, str]] = ()
    _newlines: array[int] | None = None
    _first_newline: int | None = None
    _counted: int = 0  # questions answered by counting line breaks (a pass each, to the offset)
    _root: Children | None = None
    _tables: dict[int, Children] | None = None  # made by the first question below the root
    _task: str | None = None
    #: the offsets a slice of an array's items asks about (``Window``): its line table covers
    #: only them, so each process linting a slice of a large array lists only its lines
    window: Window | None = None
    _escapes: tuple[int, bool] | None = None  # (a task's start, whether its text has a \u escape)
    #: every task asked about is JSON that names no member twice (the compiled reader read
    #: it, or a validating pass found the array clean): a walk ends at its match
    unique: bool = False
    _walked: int = 0  # questions about the current task answered by ``_FAST_WALK``
    _window_newlines: array[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a character offset."""
        w = self.window
        if w is not None and self._newlines is None and w.start <= offset < w.end:
            if self._window_newlines is None:
                self._window_newlines = array("q", [m.start() for m in _NEWLINE.finditer(self.text, w.start, w.end)])
            row = bisect.bisect_left(self._window_newlines, offset)
            start = self._window_newlines[row - 1] + 1 if row else w.line_start
            return self.first_line + w.lines_before + row, offset - start + 1
        if self._newlines is None:
            if self._first_newline is None:  # searched once per text, as far as its first line goes
                found = self.text.find("\n")
                self._first_newline = len(self.text) if found < 0 else found
            if offset <= self._first_newline:  # on the first line: every JSON Lines line, a one-line array
                return self.first_line, offset + 1
            if self._counted < COUNTED_QUESTIONS:  # most files are asked once or twice: count, in C
                self._counted += 1
                start = self.text.rfind("\n", 0, offset) + 1
                return self.first_line + newlines(self.text, 0, offset), offset - start + 1
            # asked often: a table, built once per text, 8 bytes a line
            self._newlines = array("q", [m.start() for m in _NEWLINE.finditer(self.text)])
        row = bisect.bisect_left(self._newlines, offset)
        start = self._newlines[row - 1] + 1 if row else 0
        return self.first_line + row, offset - start + 1

    def locate(self, pointer: str, *, key: bool = False, base: str = "") -> tuple[int, int]:
        """Position of the value at ``base + pointer`` (or of its key), else of its nearest
        ancestor. ``base``: where the task is (``""``, or an item of a top-level array, "/3")."""
        if base:
            # a task's own pointers repeat from task to task; its base does not
            if not self.values and base[1:].isascii() and base[1:].isdigit():
                return self.line_col(self.offset(pointer, key=key, item=base[1:]))
            pointer = base + pointer
        if self.values:  # a full scan was kept (small texts in tests and tools)
            if key and pointer in self.keys:
                return self.line_col(self.keys[pointer])
            probe = pointer
            while probe not in self.values and probe:
                probe = parent_pointer(probe)
            return self.line_col(self.values.get(probe, 0))
        return self.line_col(self.offset(pointer, key=key))

    def search(self, base: str, pointer: str, value: Any, *, key: bool = False) -> int | None:
        """Where a member's value (or key) is, found by a text search when that is certain,
        else None (``offset`` scans). ``value`` is the parsed task at ``base`` (the whole text,
        or one item of a top-level array) and ``pointer`` a place inside it.

        Certain means: the member exists in ``value``; its name is written as itself in JSON
        (letters, digits, ``_.@-``); the task's text has no ``\\u`` escape (one could spell
        the name otherwise); and the name, quoted, occurs in the task's text exactly once.
        The member's own key is one occurrence, so it is the only one. A finding's first
        position in a task then costs two searches instead of a pass over the task.
        """
        name = _member_name(pointer, value)
        if name is None:
            return None
        text, start, end = self.text, 0, len(self.text)
        if base:
            if not isinstance(self._root, list) or not base[1:].isdigit():
                return None
            item = int(base[1:])
            if item >= len(self._root):
                return None
            start = self._root[item]
            end = self._root[item + 1] if item + 1 < len(self._root) else end
        escapes = self._escapes
        if escapes is None or escapes[0] != start:  # searched for once per task
            # a backslash first: one character is found with memchr, while CPython searches
            # for two ("\\u") a character at a time (3.7 against 0.14 µs a messy task)
            slash = text.find("\\", start, end)
            escapes = self._escapes = (start, slash >= 0 and text.find("\\u", slash, end) >= 0)
        if escapes[1]:
            return None
        quoted = f'"{name}"'
        at = text.find(quoted, start, end)
        if at < 0 or text.find(quoted, at + len(quoted), end) >= 0:  # one pass over the task: once, or not
            return None
        if key:
            return at
        i = _skip_ws(text, at + len(quoted), end)
        return _skip_ws(text, i + 1, end)  # past the colon

    def offset(self, pointer: str, *, key: bool = False, item: str | None = None) -> int:
        """Offset of the value at ``pointer`` (or of its key), else of its nearest ancestor.
        ``item``: the pointer starts at that item of the top-level array (its index, as a
        token)."""
        text, end = self.text, len(self.text)
        i = _skip_ws(text, 0, end) if text[:1] in _BLANK else 0  # (no call for compact JSON)
        tokens = _TOKENS.get(pointer) or _tokens(pointer)
        if item is None and not pointer:
            return i
        root = self._root
        if root is None:
            if item is None and text[i : i + 1] != "[":  # one task (a JSON Lines line, a file of one)
                found = self._walked_to(i, tokens, key)
                if found is not None:
                    return found
            root = self._root = _children(text, i, end)
        if item is None and type(root) is list and tokens:  # a whole pointer into an array of tasks
            item, tokens = tokens[0], tokens[1:]
        tables = self._tables
        if tables is None:
            tables = self._tables = {}
        if item is not None:
            if item != self._task:  # the tables below the root belong to one task at a time
                tables.clear()
                self._task, self._walked = item, 0
            if type(root) is list and not tables and item.isdigit() and int(item) < len(root):
                found = self._walked_to(root[int(item)], tokens, key)  # from where the item starts
                if found is not None:
                    return found
            tokens = (item, *tokens)
        return follow(i, tokens, 0, key, partial(_listing, text, i, root, tables))

    def _walked_to(self, at: int, tokens: tuple[str, ...], key: bool) -> int | None:
        """``tokens``' place below the container at ``at`` by ``_FAST_WALK``, for a task's
        first ``WALKED_QUESTIONS`` questions; None when it declines, or after those."""
        if _FAST_WALK is None or self._walked >= WALKED_QUESTIONS:
            return None
        self._walked += 1
        found = _FAST_WALK(self.text, at, tokens, 0, key, self.unique)
        return None if found is _FALLBACK else found


def _listing(text: str, top: int, root: Children, tables: dict[int, Children], at: int) -> Children:
    """The children of the container at ``at``: the root's, else listed once into ``tables``."""
    if at == top:
        return root
    table = tables.get(at)
    if table is None:
        table = tables[at] = _children(text, at, len(text))
    return table


def follow(at: int, tokens: tuple[str, ...], first: int, key: bool, listing: Callable[[int], Children]) -> int:
    """Where ``tokens[first:]`` lead from the container at ``at``, a step at a time through
    ``listing`` (the children of the container at an offset): the value's offset (its
    key's, with ``key``), else the nearest ancestor's. ``_FAST_WALK`` answers the same."""
    i = at
    for n in range(first, len(tokens)):
        token = tokens[n]
        table = listing(i)
        if isinstance(table, dict):
            found = table.get(token)
            if found is None:
                return i
            if key and n == len(tokens) - 1:
                return found[0]
            i = found[1]
        else:
            if not token.isdigit() or int(token) >= len(table):
                return i
            i = table[int(token)]
    return i


_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.@-]+")


def _member_name(pointer: str, value: Any) -> str | None:
    """The name of the object member ``pointer`` leads to in ``value``, if it exists and
    is plainly written; None for anything else (an array item, a missing member)."""
    if not pointer:
        return None
    node, name = value, None
    for token in pointer.split("/")[1:]:
        if isinstance(node, dict):
            name = unescape_token(token) if "~" in token else token
            if name not in node:
                return None
            node = node[name]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            name, node = None, node[int(token)]
        else:
            return None
    return name if name is not None and _PLAIN_NAME.fullmatch(name) else None


#: Each pointer's tokens, unescaped: a batch's findings repeat a few dozen pointers.
_TOKENS: dict[str, tuple[str, ...]] = {}
_KEEP_TOKENS = 4096  # a bound, not a policy


def _tokens(pointer: str) -> tuple[str, ...]:
    found = _TOKENS.get(pointer)
    if found is None:
        if len(_TOKENS) >= _KEEP_TOKENS:
            _TOKENS.clear()
        found = _TOKENS[pointer] = tuple(unescape_token(t) for t in pointer.split("/")[1:])
    return found


def _skip_ws(text: str, i: int, end: int) -> int:
    # white space is rare in machine-written JSON: test before matching
    if i < end and text[i] in " \t\r\n":
        m = _WS.match(text, i)
        return m.end() if m else i
    return i


def _children(text: str, at: int, end: int) -> Children:
    """Where each child of the container at ``at`` starts (empty for a scalar or garbage).

    A child nested too deep for the stack left ends the listing there; it is then made
    again on a fresh stack (``stack``), so that how far it gets, and every
    position after that child, do not depend on how deep the caller is."""
    if _FAST_CHILDREN is not None and end == len(text):
        listed = _FAST_CHILDREN(text, at)
        if listed is not _FALLBACK:
            return listed  # type: ignore[no-any-return]
    children, cut = _listed(text, at, end)
    if cut:
        children = from_the_bottom(_listed, text, at, end)[0]
    return children


def _listed(text: str, at: int, end: int) -> tuple[Children, bool]:
    """The children, and whether the listing stopped at a child too deep for the stack."""
    if at >= end or text[at] not in "{[":
        return [], False
    obj = text[at] == "{"
    names: dict[str, tuple[int, int]] = {}
    items: list[int] = []
    close = "}" if obj else "]"
    # inlined: this loop is the whole cost of locating in a large array. White space is
    # tested for before it is matched: compact JSON (JSON Lines) has none.
    ws = _WS.match
    i = at + 1
    if i < end and text[i] in _BLANK:
        i = ws(text, i).end()  # type: ignore[union-attr]  # [ \t\n\r]* always matches
    try:
        while i < end and text[i] != close:
            if obj:
                key_at = i
                name, i = _scanstring(text, i + 1)
                if text[i] != ":":
                    i = ws(text, i).end()  # type: ignore[union-attr]
                i += 1  # past the colon
                if text[i] in _BLANK:
                    i = ws(text, i).end()  # type: ignore[union-attr]
                names[name] = (key_at, i)  # a later duplicate wins, as in the parser
            else:
                items.append(i)
            _, i = _SKIP(text, i)
            if i < end and text[i] in _BLANK:
                i = ws(text, i).end()  # type: ignore[union-attr]
            if i < end and text[i] == ",":
                i += 1
                if i < end and text[i] in _BLANK:
                    i = ws(text, i).end()  # type: ignore[union-attr]
    except RecursionError:
        return names if obj else items, True
    except (ValueError, IndexError, StopIteration):
        pass  # not valid JSON past here: what was listed stays usable
    return names if obj else items, False


def walk(text: str, pointer: str, *, key: bool = False, start: int = 0) -> int | None:
    """Offset of the value at ``pointer`` (or of its key) by walking only that path.

    Sibling values are skipped with the C decoder, so finding one position costs a few
    microseconds however large the task is. Returns None when the path is not there
    (the language server uses it on text being edited). ``start`` is
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


def scan(text: str, first_line: int = 1, *, base: str = "", keep: bool = True) -> PositionIndex:
    """Find duplicate keys and out-of-range literals in ``text``; tolerant of garbage (stops
    at the first). With ``keep``, also index every value and key (memory grows with the
    number of values: the linter passes ``keep=False`` and locates through the tables)."""
    values: dict[str, int] = {}
    keys: dict[str, int] = {}
    duplicates: list[Duplicate] = []
    non_finite: list[tuple[str, int, str]] = []
    too_large: list[tuple[str, int, str]] = []
    _scan_into(text, base, keep, values, keys, duplicates, non_finite, too_large)
    kept_values, kept_keys = (values, keys) if keep else (_NOTHING, _NOTHING)
    return PositionIndex(text, first_line, kept_values, kept_keys, duplicates, non_finite, too_large)


def _scan_into(
    text: str,
    base: str,
    keep: bool,
    values: dict[str, int],
    keys: dict[str, int],
    duplicates: list[Duplicate],
    non_finite: list[tuple[str, int, str]],
    too_large: list[tuple[str, int, str]],
) -> None:
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
                duplicates.append(Duplicate(str(frame[1]), str(name), tok_start))
            seen.add(name)
            if keep:
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
        if keep:
            values[ptr] = tok_start
        if kind == "lit" and token in NON_FINITE:
            non_finite.append((ptr, tok_start, token))
        elif kind == "num" and out_of_range(token):
            too_large.append((ptr, tok_start, token))
        if token == "{":
            stack.append([True, ptr, 0, None, set()])
            expect_key = True
        elif token == "[":
            stack.append([False, ptr, 0, None, None])
            expect_key = False
