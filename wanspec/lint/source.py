"""Read payload files into tasks, turning every way a file can be broken into a finding.

A ``.json`` file holds one task or an array of tasks (the Runware wire format); a
``.jsonl`` file holds one task a line and is streamed, so memory stays flat whatever its
size. The stdlib parser does the parsing, with hooks for what it would otherwise accept
silently (duplicate keys, NaN and Infinity); positions come from ``_positions`` and are
computed only for files that have something to report.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ..jsontools import json_type, type_phrase
from ..recordtype import field, recordclass
from . import speedups
from .positions import LISTS_COMPILED, MAX_INT_DIGITS, PositionIndex, Window, scan
from .stack import anywhere, from_the_bottom

if TYPE_CHECKING:
    import mmap

#: A request body larger than this is not a payload anyone sends (a 15 MB inline audio
#: file is about 20 MB of base64); reading it whole would only cost memory.
MAX_JSON_BYTES = 64 * 1024 * 1024
#: Sniffed for NUL bytes to tell binary files from text.
_SNIFF = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MARKED = (_UTF8_BOM, *_UTF16_BOMS)
_TRAILING_COMMA = re.compile(r",\s*\Z")
_NO_PROBLEMS: list[Problem] = []  # a clean line's: read, never changed
_NOTHING_UNREAD: frozenset[str] = frozenset()  # a clean line's: made once, not once a line


@recordclass
class Problem:
    """Something wrong with the file itself, named by rule (codes come from the catalogue)."""

    rule: str
    message: str
    line: int | None = None
    column: int | None = None
    task: int | None = None
    pointer: str = ""


@recordclass(frozen=False)
class Task:
    """One payload and what is needed to locate things inside it."""

    index: int
    value: Any
    positions: PositionIndex  # of the text holding the task: one per file (or JSONL line)
    base: str = ""  # pointer prefix of the task inside that text ("/3" in an array file)
    #: pointers of literals read as null (NaN, 1e400): a source problem already says so
    unread: frozenset[str] = frozenset()

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        if not LISTS_COMPILED:  # the compiled listing beats the text search (positions.search)
            found = self.positions.search(self.base, pointer, self.value, key=key)
            if found is not None:
                return self.positions.line_col(found)
        return self.positions.locate(pointer, key=key, base=self.base)


@recordclass(frozen=False)
class Source:
    """The outcome of reading one file: its tasks and its problems, in order."""

    name: str
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Flags:
    """Collects what the parser's hooks saw, without slowing the clean path much."""

    __slots__ = ("duplicate", "non_finite")

    def __init__(self) -> None:
        self.duplicate = False
        self.non_finite = False  # NaN, Infinity, and literals out of any range (read as null)

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        d = dict(pairs)
        if len(d) != len(pairs):
            self.duplicate = True
        return d

    def constant(self, _literal: str) -> None:
        self.non_finite = True
        return None

    def integer(self, literal: str) -> int | None:
        if len(literal) > MAX_INT_DIGITS:  # int() would raise; the scan tells where
            self.non_finite = True
            return None
        return int(literal)

    def real(self, literal: str) -> float | None:
        value = float(literal)
        if value in (math.inf, -math.inf):
            self.non_finite = True
            return None
        return value

    # the same checks, building nothing: for the pass that only validates an array
    def check_pairs(self, pairs: list[tuple[str, Any]]) -> None:
        if len(pairs) > 1 and len(dict(pairs)) != len(pairs):
            self.duplicate = True

    def check_integer(self, literal: str) -> None:
        self.integer(literal)

    def check_real(self, literal: str) -> None:
        self.real(literal)


def _decode(data: bytes | mmap.mmap, first_line: int) -> tuple[str | None, list[Problem]]:
    """``data`` (bytes, or a file's memory map) as text, and the problems of its encoding."""
    if type(data) is bytes and not data.startswith(_MARKED) and data.find(b"\x00", 0, _SNIFF) < 0:
        try:  # a JSON Lines line or a file read whole, unmarked, no NUL: no slice of it copied
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            pass  # read again below, which says where
    problems: list[Problem] = []
    head = data[:_SNIFF]
    skip = 0
    if head.startswith(_UTF8_BOM):
        problems.append(
            Problem(
                "byte-order-mark",
                "the file starts with a UTF-8 byte order mark; JSON senders must not add one "
                "(RFC 8259 section 8.1) and some servers reject it",
                first_line,
                1,
            )
        )
        skip = len(_UTF8_BOM)
    elif head.startswith(_UTF16_BOMS) or b"\x00" in head:
        what = "UTF-16 text" if head.startswith(_UTF16_BOMS) else "binary data (NUL bytes)"
        problems.append(Problem("not-text", f"this is {what}, not a UTF-8 JSON payload", first_line, 1))
        return None, problems
    try:
        if not skip and type(data) is bytes:  # every JSON Lines line: no view needed
            return data.decode("utf-8"), problems
        with memoryview(data)[skip:] as view:  # past a byte order mark, or a map, without a copy
            return str(view, "utf-8"), problems
    except UnicodeDecodeError as exc:
        at = exc.start
    good, byte = data[skip : skip + at].decode("utf-8", "replace"), data[skip + at]
    line = first_line + good.count("\n")
    col = len(good) - (good.rfind("\n") + 1) + 1
    problems.append(
        Problem(
            "invalid-utf8",
            f"invalid UTF-8 at byte {at} (0x{byte:02x}); JSON payloads must be UTF-8",
            line,
            col,
        )
    )
    return None, problems


def _syntax_problem(text: str, exc: json.JSONDecodeError, first_line: int) -> Problem:
    msg = exc.msg
    if msg.startswith("Illegal trailing comma"):
        # Python 3.13 names a trailing comma and points at it; earlier versions point at the
        # bracket after it, which is where this reports it on every version
        exc = json.JSONDecodeError(msg, text, _SPACE.match(text, exc.pos + 1).end())  # type: ignore[union-attr]
        msg = "trailing comma before the closing bracket (JSON allows none)"
    elif exc.msg.startswith(("Expecting property name", "Expecting value")) and (
        _TRAILING_COMMA.search(text[: exc.pos]) and text[exc.pos : exc.pos + 1] in ("}", "]")
    ):
        msg = "trailing comma before the closing bracket (JSON allows none)"
    elif exc.msg == "Extra data":
        msg = "extra data after the JSON value (one task or one array per .json file; use .jsonl for one task a line)"
    return Problem("json-syntax", f"invalid JSON: {msg}", first_line + exc.lineno - 1, exc.colno)


_FLAGS = _Flags()
# One decoder for the whole run (building one per line costs more than parsing the line).
_DECODER = json.JSONDecoder(
    object_pairs_hook=_FLAGS.pairs, parse_constant=_FLAGS.constant, parse_int=_FLAGS.integer, parse_float=_FLAGS.real
)


# The same, with integers converted by the C scanner itself: exact while the interpreter's
# digit limit is the one MAX_INT_DIGITS mirrors, since a longer literal then raises there
# and is read again through the hook, which reports it (a Python call per integer is 3% of
# a clean JSON Lines run).
_NATIVE_INTS = json.JSONDecoder(object_pairs_hook=_FLAGS.pairs, parse_constant=_FLAGS.constant, parse_float=_FLAGS.real)
_NATIVE_SCAN = _NATIVE_INTS.scan_once  # type: ignore[attr-defined]
_SPACE = re.compile(r"[ \t\n\r]*")
# The compiled reader (``_fastjson.c``), when the wheel has it: it builds what the decoders
# above build for any text they read without a flag, and hands every other text back.
_FAST_LOADS, _FALLBACK = speedups.entry("loads")
_FAST_SCAN, _ = speedups.entry("scan")
_FAST_SURVEY, _ = speedups.entry("survey")


def _compiled_first(scan: Any) -> Any:
    """``scan`` (a ``scan_once``) with the compiled reader tried first: it gives the same
    ``(value, end)`` for every value ``scan`` reads without a flag, and hands the others
    back. A validating ``scan`` builds nothing; this one builds the value, which its
    callers drop (the compiled reader builds a task faster than the hooks check one)."""
    fast, fallback = _FAST_SCAN, _FALLBACK
    if fast is None:
        return scan

    def compiled_first(text: str, at: int) -> Any:
        got = fast(text, at)
        return scan(text, at) if got is fallback else got

    return compiled_first


def _decode_json(text: str) -> Any:
    """``text`` parsed with the hooks' checks (raises as the decoder does)."""
    if _FAST_LOADS is not None:
        value = _FAST_LOADS(text)  # the same value, or FALLBACK where only the hooks can speak
        if value is not _FALLBACK:
            return value
    if sys.get_int_max_str_digits() == MAX_INT_DIGITS:
        # the scanner itself, without decode()'s two Python frames (7% of a line's parse)
        try:
            value, end = _NATIVE_SCAN(text, 0)
        except (StopIteration, ValueError):
            # white space first, a syntax error, an integer past the digit limit: the hooked
            # decode() below reads the text as it always has, and raises or reports the same
            end = -1
        if end == len(text) or (end > 0 and _SPACE.match(text, end).end() == len(text)):  # type: ignore[union-attr]
            return value
        _FLAGS.duplicate = _FLAGS.non_finite = False  # read again from the start
    return _DECODER.decode(text)


# Validates one value at an offset and builds none of it (objects, numbers: None).
_CHECK = json.JSONDecoder(
    object_pairs_hook=_FLAGS.check_pairs,
    parse_constant=_FLAGS.constant,
    parse_int=_FLAGS.check_integer,
    parse_float=_FLAGS.check_real,
).scan_once  # type: ignore[attr-defined]
# The same with integers left to the C scanner, under the default digit limit (a longer
# literal raises, and the array is read whole, which reports it): 10% of the pass.
_CHECK_NATIVE_INTS = json.JSONDecoder(
    object_pairs_hook=_FLAGS.check_pairs, parse_constant=_FLAGS.constant, parse_float=_FLAGS.check_real
).scan_once  # type: ignore[attr-defined]


def _array_items(text: str) -> list[int] | None:
    """Where each item of a top-level array starts, if ``text`` is a clean, non-empty array.

    One pass that validates without building anything: the survey of one slice that is the
    whole array. None for anything else (another value, a syntax error, a duplicate key,
    NaN, a number past any range): the whole-text parse then reports it exactly as it
    always has.
    """
    array = _opened_array(text, [])
    if array is None:
        return None
    end = _compiled_survey(array, 0, len(text))
    if end is None:
        end = SliceEnd()
        for _ in _slice_items(array, 0, len(text), end, _validating_scan()):
            pass
    return end.items if end.clean else None


def _validating_scan() -> Any:
    """The scanner that validates a value (and builds none of it, without the compiled reader)."""
    return _compiled_first(_CHECK_NATIVE_INTS if sys.get_int_max_str_digits() == MAX_INT_DIGITS else _CHECK)


def read_json(name: str, data: bytes) -> tuple[Iterator[Task | Problem], bool]:
    """Read a whole ``.json`` document (one task or an array of tasks).

    Returns the items and whether they come in file order, task by task (a clean array,
    decoded one item at a time: each task can be dropped, and its findings handed on, once
    it is linted, so peak memory is the text and one task, not the text and every task;
    100,000 tasks took about 370 MB whole). Anything else is read whole
    (``read_json_bytes``): problems first, then tasks.
    """
    text, problems = _decode(data, 1)
    array = _checked(text, problems)
    if array is None:
        source = _read_text(Source(name), text, problems)  # the text decoded above, not decoded again
        return iter([*source.problems, *source.tasks]), False
    return array_tasks(array), True


@recordclass
class CheckedArray:
    """A document that is a clean array: its text, where each item starts, and the problems
    of its bytes (a byte order mark, say)."""

    text: str
    items: list[int]
    problems: list[Problem]


def checked_array(data: bytes) -> CheckedArray | None:
    """``data`` decoded and checked as ``read_json`` does, if it is a clean array of items."""
    return _checked(*_decode(data, 1))


def _checked(text: str | None, problems: list[Problem]) -> CheckedArray | None:
    items = None if text is None else _array_items(text)
    return None if text is None or items is None else CheckedArray(text, items, problems)


def array_tasks(array: CheckedArray) -> Iterator[Task | Problem]:
    """The items of a checked array, in file order, after the document's own problems."""
    text, items = array.text, array.items
    yield from array.problems  # a byte order mark, say: before every task
    positions = PositionIndex(text, 1, unique=True)  # the validating pass found no name given twice
    positions._root = items  # the validating pass found the items: no second pass for them
    for i, at in enumerate(items):
        value, _ = _PLAIN_SCAN(text, at)
        if isinstance(value, dict):
            yield Task(i, value, positions, base=f"/{i}")
        else:
            yield not_a_task(i, _json_type(value), *positions.line_col(at))


def not_a_task(index: int, kind: str, line: int, column: int) -> Problem:
    """The problem of an array item that is not an object (``kind``: its JSON type)."""
    return Problem("not-a-task", f"array item {index} is {kind}, not a task object", line, column, task=index)


# -- an array read in slices, on several processes ----------------------------------------
#: The C scanner without hooks: to step over the first item, and to build the items of an
#: array the validating pass found clean (no duplicate key, no NaN or infinity, no integer
#: past the digit limit), where it builds exactly what the hooks would, a third faster
#: (0.40 -> 0.26 s for 100,000 tasks).
_PLAIN_SCAN = _compiled_first(json.JSONDecoder().scan_once)  # type: ignore[attr-defined]


@recordclass
class ArrayText:
    """A document that opens as an array, not yet checked: its text, the problems of its
    bytes (a byte order mark, say) and where its first item starts. Read in slices cut at
    guessed item starts (``item_cuts``, ``slice_tasks``), each of which checks its items
    and says where the item after it starts: the slices are the document read in one pass
    exactly when each ends where the next begins and the last at the closing bracket."""

    text: str
    problems: list[Problem]
    first: int


def array_text(data: bytes | mmap.mmap) -> ArrayText | None:
    """``data`` decoded, if it opens as an array with an item (nothing else is checked)."""
    text, problems = _decode(data, 1)
    return None if text is None else _opened_array(text, problems)


def mapped_array_text(stream: IO[bytes]) -> ArrayText | None:
    """``array_text`` of an open regular file, decoded straight from a memory map: half the
    time of reading the file and decoding the copy (28 against 56 ms for 45 MB). None past
    ``MAX_JSON_BYTES``; raises OSError or ValueError for a file that cannot be mapped (an
    empty one, a pipe), which is then read."""
    import mmap  # only a parallel run over a large array maps a file: kept off the start-up path

    with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        return None if len(mapped) > MAX_JSON_BYTES else array_text(mapped)


def _opened_array(text: str, problems: list[Problem]) -> ArrayText | None:
    i = _SPACE.match(text).end()  # type: ignore[union-attr]
    if not text.startswith("[", i):
        return None
    first = _SPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    if first >= len(text) or text[first] == "]":
        return None
    return ArrayText(text, problems, first)


def item_cuts(array: ArrayText, every: int) -> list[int]:
    """Where items probably start, about ``every`` characters apart: the separator seen
    between the first two items, then the first item's opening up to its first colon,
    found again. A guess, cheap and usually right (arrays of tasks are written by
    programs). In valid JSON the signature cannot begin inside a string (its unescaped
    quote would end the string before the key), so a wrong guess is the start of a value
    nested in an item; either way the surveys (``survey_slice``) find it out."""
    text, first = array.text, array.first
    if text[first] != "{":
        return []
    try:
        _, end = _PLAIN_SCAN(text, first)
    except (StopIteration, ValueError, RecursionError):
        return []
    comma = _SPACE.match(text, end).end()  # type: ignore[union-attr]
    colon = text.find(":", first, end)
    if colon < 0 or not text.startswith(",", comma):
        return []
    second = _SPACE.match(text, comma + 1).end()  # type: ignore[union-attr]
    separator = text[end:second]
    signature = separator + text[first : colon + 1]
    cuts: list[int] = []
    at = first
    while (found := text.find(signature, at + every)) >= 0:
        at = found + len(separator)
        cuts.append(at)
    return cuts


@recordclass(frozen=False)
class SliceEnd:
    """How reading a slice ended (``slice_tasks`` fills it in)."""

    #: where each item of the slice starts; then where the next slice's first item starts
    #: (not after the last slice)
    items: list[int] = field(default_factory=list)
    count: int = 0  # the slice's items
    stop: int = -1  # where the item after the slice starts; the text's end after the last
    clean: bool = False  # every item well formed (no duplicate key, NaN...), separators too
    others: list[tuple[int, str, int]] = field(default_factory=list)  # items not objects: (item, type, offset)


def slice_tasks(array: ArrayText, window: Window, bound: int, end: SliceEnd) -> Iterator[Task | Problem]:
    """The tasks of an array's items from ``window.start`` (the first item's start for the
    first slice) to the first item that starts at or past ``bound`` (the closing bracket
    for the last slice, whose ``bound`` is the text's length). Items count from the
    slice's first; ``end`` says where reading stopped and whether every item was clean,
    as ``checked_array`` would find. An item that is not an object is noted in ``end``
    (its message names its index in the whole array).

    The items are built without the hooks' checks: the slice's survey makes them, and a
    slice whose survey fails is not used. Here ``end.clean`` says the items parsed."""
    if window.start == 0:
        yield from array.problems  # a byte order mark, say: before every task
    # unique: a slice's findings are used only when every slice's survey found it clean
    positions = PositionIndex(array.text, 1, window=window, unique=True)
    positions._root = end.items  # each item's end is the next one's start
    for index, value, at in _surveyed_items(array, window.start, bound, end):
        if isinstance(value, dict):
            yield Task(index, value, positions, base=f"/{index}")
        else:
            end.others.append((index, _json_type(value), at))


#: Frames of recursion the survey leaves unused: an item nested so deep that reading it
#: comes within this much of Python's recursion limit fails the survey, so the linting
#: read (a few frames deeper on the stack) never fails where the survey passed.
SURVEY_HEADROOM = 50


def survey_slice(array: ArrayText, start: int, bound: int) -> SliceEnd:
    """Where the slice ``slice_tasks`` would read stops, and whether its items are clean,
    found by the validating pass. It builds nothing, but calls the duplicate-key hook on
    every object: 0.40 s for 100,000 tasks against 0.46 s to read them (the C scanner
    alone, which would miss duplicate keys, takes 0.26 s)."""
    compiled = _compiled_survey(array, start, bound)
    if compiled is not None:
        compiled.items.clear()
        return compiled
    end = SliceEnd()
    scan = _validating_scan()
    limit = sys.getrecursionlimit()
    try:
        sys.setrecursionlimit(limit - SURVEY_HEADROOM)
    except RecursionError:  # already deeper than that: no read can be vouched for
        return end
    try:
        for _ in _slice_items(array, start, bound, end, scan):
            pass
    finally:
        sys.setrecursionlimit(limit)
    end.items.clear()  # not needed: the slice's reading lists them
    return end


def _compiled_survey(array: ArrayText, start: int, bound: int) -> SliceEnd | None:
    """The survey of a slice by the compiled reader, which builds nothing (a fifth of the
    time of building and dropping each item), or None where it declines: then
    ``_slice_items`` reads the slice, and says what is wrong if anything is."""
    if _FAST_SURVEY is None:
        return None
    got = _FAST_SURVEY(array.text, array.first if start == 0 else start, bound)
    if got is _FALLBACK:
        return None
    items, count, stop = got
    return SliceEnd(items=items, count=count, stop=stop, clean=True)


def _surveyed_items(array: ArrayText, start: int, bound: int, end: SliceEnd) -> Iterator[tuple[int, Any, int]]:
    """``_slice_items`` with ``_PLAIN_SCAN``, the items found by the compiled survey first
    (where it reads the slice), so only the items are read in Python, not the commas and
    white space between them: 1.5 µs an item less."""
    compiled = _compiled_survey(array, start, bound)
    if compiled is None:
        yield from _slice_items(array, start, bound, end, _PLAIN_SCAN)
        return
    end.items.extend(compiled.items)
    end.count, end.stop, end.clean = compiled.count, compiled.stop, True
    text, items, scan = array.text, end.items, _PLAIN_SCAN
    for index in range(compiled.count):
        at = items[index]
        try:  # the compiled reader builds what its survey passed; should it not, as _slice_items
            value = scan(text, at)[0]
        except (ValueError, StopIteration, RecursionError):
            end.clean = False
            return
        yield index, value, at


def _slice_items(array: ArrayText, start: int, bound: int, end: SliceEnd, scan: Any) -> Iterator[tuple[int, Any, int]]:
    """(index in the slice, value, offset) of each item of a slice, read with ``scan``
    under the hooks' checks; ``end`` is filled in as ``slice_tasks`` says."""
    text, size = array.text, len(array.text)
    items = end.items
    items.append(array.first if start == 0 else start)
    ws, flags = _SPACE.match, _FLAGS
    index = 0
    try:
        while True:
            at = items[index]
            flags.duplicate = flags.non_finite = False
            value, i = scan(text, at)
            if flags.duplicate or flags.non_finite:
                return
            i = ws(text, i).end()  # type: ignore[union-attr]
            last = False
            if text.startswith(",", i):
                i = ws(text, i + 1).end()  # type: ignore[union-attr]
                items.append(i)
                last = bound < size and i >= bound  # the last slice reads to the bracket
            elif text.startswith("]", i) and ws(text, i + 1).end() == size and bound >= size:  # type: ignore[union-attr]
                i, last = size, True
            else:
                return
            end.count = index + 1
            if last:
                end.stop, end.clean = i, True
            yield index, value, at
            if last:
                return
            index += 1
    except (ValueError, StopIteration, RecursionError):
        end.clean = False


def _at_line_end(text: str, error: json.JSONDecodeError) -> tuple[str, json.JSONDecodeError]:
    """Report an error at the end of a JSON Lines line on that line, not the next."""
    stripped = text.rstrip("\r\n")
    if stripped == text:
        return text, error
    try:
        _DECODER.decode(stripped)  # a RecursionError goes to parse_text, which reads again on a fresh stack
    except json.JSONDecodeError as again:
        return stripped, again
    return text, error


def parse_text(text: str, first_line: int = 1) -> tuple[Any, list[Problem], PositionIndex | None]:
    """Parse one JSON text; returns (value, problems, positions), positions None when the
    text could not be parsed. Not thread-safe (shared flags).

    A text nested too deep for the stack left is read again on a fresh stack
    (``stack.from_the_bottom``): whether it reads is the text's own property, the same in
    a worker, a serial run, the language server and a test."""
    if not text or text.isspace():
        return None, [Problem("empty", "the file is empty: no task to lint", first_line, 1)], None
    try:
        return _parse(text, first_line)
    except RecursionError:
        pass
    try:
        return from_the_bottom(_parse, text, first_line)
    except RecursionError:
        message = "the value nests too deep to read (a thousand levels or more); no payload nests past a few dozen"
        return None, [Problem("too-deep", message, first_line, 1)], None


def _parse(text: str, first_line: int) -> tuple[Any, list[Problem], PositionIndex | None]:
    flags = _FLAGS
    flags.duplicate = flags.non_finite = False
    try:
        value = _decode_json(text)
    except json.JSONDecodeError as first_error:
        return None, [_syntax_problem(*_at_line_end(text, first_error), first_line)], None
    problems: list[Problem] = []
    if not (flags.duplicate or flags.non_finite):
        return value, problems, PositionIndex(text, first_line)
    index = scan(text, first_line, keep=False)
    for dup in index.duplicates:
        line, col = index.line_col(dup.offset)
        where = dup.pointer or "the top-level object"
        problems.append(
            Problem(
                "duplicate-key",
                f"key {dup.key!r} appears more than once in {where}; the API would "
                "silently keep only one of them (the last, with most parsers)",
                line,
                col,
                pointer=f"{dup.pointer}/{dup.key}",
            )
        )
    for ptr, offset, literal in index.non_finite:
        line, col = index.line_col(offset)
        problems.append(
            Problem(
                "non-finite-number",
                f"{literal} is not valid JSON (RFC 8259 allows only finite numbers); it was read as null",
                line,
                col,
                pointer=ptr,
            )
        )
    for ptr, offset, literal in index.too_large:
        line, col = index.line_col(offset)
        shown = literal if len(literal) <= 24 else f"{literal[:12]}…({len(literal)} characters)"
        problems.append(
            Problem(
                "number-out-of-range",
                f"the number {shown} is beyond any documented range (more than {MAX_INT_DIGITS:,} digits "
                "or past the 64-bit float range); it was read as null",
                line,
                col,
                pointer=ptr,
            )
        )
    return value, problems, index


def _unread(problems: list[Problem]) -> list[str]:
    """Pointers of the literals these problems say were read as null."""
    return [p.pointer for p in problems if p.rule in ("non-finite-number", "number-out-of-range")]


def _tasks_of(
    value: Any, positions: PositionIndex, start: int, problems: list[Problem], unread: list[str]
) -> list[Task]:
    first_line = positions.first_line
    if isinstance(value, dict):
        return [Task(start, value, positions, unread=frozenset(unread))]
    if isinstance(value, list):
        by_item: dict[str, set[str]] = {}
        for ptr in unread:
            head, _, rest = ptr.lstrip("/").partition("/")
            by_item.setdefault(head, set()).add("/" + rest if rest else "")
        tasks = []
        if not value:
            problems.append(Problem("not-a-task", "an empty array: no task to lint", first_line, 1))
        for i, item in enumerate(value):
            task = Task(start + i, item, positions, base=f"/{i}", unread=frozenset(by_item.get(str(i), ())))
            if isinstance(item, dict):
                tasks.append(task)
            else:
                line, col = task.locate("")
                problems.append(
                    Problem(
                        "not-a-task",
                        f"array item {i} is {_json_type(item)}, not a task object",
                        line,
                        col,
                        task=start + i,
                    )
                )
        return tasks
    problems.append(
        Problem(
            "not-a-task",
            f"the top-level value is {_json_type(value)}; expected a task object or an array of tasks",
            first_line,
            1,
        )
    )
    return []


def _json_type(value: Any) -> str:
    """``a number``, ``an array``, ``null``, ``NaN``: the kind of a value, for a message."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return type_phrase(json_type(value, integers=False))


def read_json_bytes(name: str, data: bytes) -> Source:
    """Read a whole ``.json`` document (one task or an array of tasks)."""
    text, problems = _decode(data, 1)
    return _read_text(Source(name), text, problems)


def _read_text(source: Source, text: str | None, problems: list[Problem]) -> Source:
    """``source`` with the tasks and problems of one decoded document (``text`` None: it did not decode)."""
    source.problems.extend(problems)
    if text is None:
        return source
    value, problems, positions = parse_text(text)
    source.problems.extend(_in_task(p, value) for p in problems)
    if positions is not None:
        source.tasks.extend(_tasks_of(value, positions, 0, source.problems, _unread(problems)))
    return source


def _in_task(problem: Problem, value: Any) -> Problem:
    """Re-home a problem found by pointer into the task that holds it."""
    if not problem.pointer and problem.rule not in ("duplicate-key", "non-finite-number", "number-out-of-range"):
        return problem
    task, pointer = 0, problem.pointer
    if isinstance(value, list):
        head, _, rest = pointer.lstrip("/").partition("/")
        if not head.isdigit():
            return problem
        task, pointer = int(head), ("/" + rest if rest else "")
    elif not isinstance(value, dict):
        return problem
    return Problem(problem.rule, problem.message, problem.line, problem.column, task, pointer)


def _lines(stream: IO[bytes], nbytes: int | None, counts: list[int] | None) -> Iterator[tuple[bytes, bool]]:
    """Lines of ``stream`` (at most ``nbytes`` bytes of it), each with whether it was cut:
    a line longer than MAX_JSON_BYTES is not kept in memory, only skipped to its end."""
    left = -1 if nbytes is None else nbytes
    while left:
        raw = stream.readline(MAX_JSON_BYTES + 1 if left < 0 else min(MAX_JSON_BYTES + 1, left))
        if not raw:
            return
        left -= len(raw) if left > 0 else 0
        cut = len(raw) > MAX_JSON_BYTES and not raw.endswith(b"\n")
        while cut and left:  # drop the rest of the line, a block at a time
            more = stream.readline(1 << 20 if left < 0 else min(1 << 20, left))
            if not more:
                break
            left -= len(more) if left > 0 else 0
            if more.endswith(b"\n"):
                break
        if counts is not None and (raw.endswith(b"\n") or cut):
            counts[1] += 1
        yield raw, cut


def iter_jsonl(
    name: str,
    stream: IO[bytes],
    *,
    whole_file: bool = True,
    counts: list[int] | None = None,
    nbytes: int | None = None,
) -> Iterator[Task | Problem]:
    """Stream a ``.jsonl`` file: one task a line; blank lines are skipped.

    With ``whole_file=False`` the stream is a later chunk of a file (``nbytes`` long):
    line numbers and task indexes are relative to it, and only the caller can tell whether
    the file was empty (``counts[0]`` counts the non-blank lines, each of which takes a
    task index; ``counts[1]`` the lines).
    """
    index = 0
    seen_any = False
    for lineno, (raw, cut) in enumerate(_lines(stream, nbytes, counts), start=1):
        if lineno == 1 and whole_file and raw.startswith(_UTF8_BOM):
            yield Problem(
                "byte-order-mark",
                "the file starts with a UTF-8 byte order mark; JSON Lines must not have one",
                1,
                1,
            )
            raw = raw[len(_UTF8_BOM) :]
        if raw.isspace() or not raw:
            continue
        seen_any = True
        if counts is not None:
            counts[0] += 1
        if cut:
            yield Problem(
                "file-too-large",
                f"this line is over {MAX_JSON_BYTES // 1048576} MiB; no payload is that large, so it is not read",
                lineno,
                1,
                task=index,
            )
            index += 1
            continue
        text, problems = _decode(raw, lineno)
        yield from problems
        if text is None:
            if problems and problems[-1].rule == "not-text":
                return  # a binary file: one finding, not one per "line"
            index += 1
            continue
        # the line end is JSON white space; a line the compiled reader reads is what
        # parse_text makes of it (no problem, an index of the line), without its layers
        value = _FALLBACK if _FAST_LOADS is None else _FAST_LOADS(text)
        positions: PositionIndex | None
        if value is not _FALLBACK:
            problems, positions = _NO_PROBLEMS, PositionIndex(text, lineno, unique=True)
        else:
            value, problems, positions = parse_text(text, lineno)
        for p in problems:
            yield Problem(p.rule, p.message, p.line, p.column, task=index, pointer=p.pointer)
        if positions is not None:
            if isinstance(value, dict):
                unread = frozenset(_unread(problems)) if problems else _NOTHING_UNREAD
                yield Task(index, value, positions, unread=unread)
            else:
                # no line number in the message: a chunk linted on another core knows only
                # its own, and the output must not depend on -j (the position says it)
                yield Problem(
                    "not-a-task",
                    f"this line holds {_json_type(value)}; each JSON Lines line must be one task object",
                    lineno,
                    1,
                    task=index,
                )
        index += 1
    if not seen_any and whole_file:
        yield Problem("empty", "the file is empty: no task to lint", 1, 1)


def looks_like_jsonl(data: bytes) -> bool:
    """For stdin: several top-level values on separate lines means JSON Lines (a first
    value too deep for the stack left is read again on a fresh stack, as ``parse_text``
    reads it)."""
    text = data.decode("utf-8", "replace").strip()
    if "\n" not in text:
        return False
    try:
        return anywhere(_several_values, text)
    except RecursionError:
        return False


def _several_values(text: str) -> bool:
    try:
        _SNIFFER.decode(text)
    except json.JSONDecodeError as exc:
        return exc.msg == "Extra data"
    return False


# numbers are not converted: a 5,000-digit integer must not stop the sniffing
_SNIFFER = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str)
