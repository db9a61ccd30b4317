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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from ..jsontools import json_type, type_phrase
from .positions import PositionIndex, scan

#: A request body larger than this is not a payload anyone sends (a 15 MB inline audio
#: file is about 20 MB of base64); reading it whole would only cost memory.
MAX_JSON_BYTES = 64 * 1024 * 1024
#: Sniffed for NUL bytes to tell binary files from text.
_SNIFF = 8192
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TRAILING_COMMA = re.compile(r",\s*\Z")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the file itself, named by rule (codes come from the catalogue)."""

    rule: str
    message: str
    line: int | None = None
    column: int | None = None
    task: int | None = None
    pointer: str = ""


@dataclass(slots=True)
class Task:
    """One payload and what is needed to locate things inside it."""

    index: int
    value: Any
    text: str  # the JSON text holding the task (whole file, or one JSONL line)
    first_line: int  # line of ``text``'s first character in the file
    base: str = ""  # pointer prefix of the task inside ``text`` ("/3" in an array file)
    _positions: PositionIndex | None = None

    def locate(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        if self._positions is None:
            self._positions = PositionIndex(self.text, self.first_line)  # scanned lazily
        return self._positions.locate(self.base + pointer, key=key)


@dataclass(slots=True)
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
        self.non_finite = False

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        d = dict(pairs)
        if len(d) != len(pairs):
            self.duplicate = True
        return d

    def constant(self, _literal: str) -> None:
        self.non_finite = True
        return None


def _decode(data: bytes, first_line: int) -> tuple[str | None, list[Problem]]:
    problems: list[Problem] = []
    if data.startswith(_UTF8_BOM):
        problems.append(
            Problem(
                "byte-order-mark",
                "the file starts with a UTF-8 byte order mark; JSON senders must not add one "
                "(RFC 8259 section 8.1) and some servers reject it",
                first_line,
                1,
            )
        )
        data = data[len(_UTF8_BOM) :]
    elif data.startswith(_UTF16_BOMS) or b"\x00" in (data if len(data) <= _SNIFF else data[:_SNIFF]):
        what = "UTF-16 text" if data.startswith(_UTF16_BOMS) else "binary data (NUL bytes)"
        problems.append(Problem("not-text", f"this is {what}, not a UTF-8 JSON payload", first_line, 1))
        return None, problems
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", "replace")
        line = first_line + good.count("\n")
        col = len(good) - (good.rfind("\n") + 1) + 1
        problems.append(
            Problem(
                "invalid-utf8",
                f"invalid UTF-8 at byte {exc.start} (0x{data[exc.start]:02x}); JSON payloads must be UTF-8",
                line,
                col,
            )
        )
        return None, problems


def _syntax_problem(text: str, exc: json.JSONDecodeError, first_line: int) -> Problem:
    msg = exc.msg
    before = text[: exc.pos]
    if exc.msg.startswith(("Expecting property name", "Expecting value")) and (
        _TRAILING_COMMA.search(before) and text[exc.pos : exc.pos + 1] in ("}", "]")
    ):
        msg = "trailing comma before the closing bracket (JSON allows none)"
    elif exc.msg == "Extra data":
        msg = "extra data after the JSON value (one task or one array per .json file; use .jsonl for one task a line)"
    return Problem("json-syntax", f"invalid JSON: {msg}", first_line + exc.lineno - 1, exc.colno)


_FLAGS = _Flags()
# One decoder for the whole run (building one per line costs more than parsing the line).
_DECODER = json.JSONDecoder(object_pairs_hook=_FLAGS.pairs, parse_constant=_FLAGS.constant)


def _at_line_end(text: str, error: json.JSONDecodeError) -> tuple[str, json.JSONDecodeError]:
    """Report an error at the end of a JSON Lines line on that line, not the next."""
    stripped = text.rstrip("\r\n")
    if stripped == text:
        return text, error
    try:
        _DECODER.decode(stripped)
    except json.JSONDecodeError as again:
        return stripped, again
    except RecursionError:
        pass
    return text, error


def parse_text(text: str, first_line: int = 1) -> tuple[Any, list[Problem], bool]:
    """Parse one JSON text; returns (value, problems, ok). Not thread-safe (shared flags)."""
    if not text or text.isspace():
        return None, [Problem("empty", "the file is empty: no task to lint", first_line, 1)], False
    flags = _FLAGS
    flags.duplicate = flags.non_finite = False
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as first_error:
        return None, [_syntax_problem(*_at_line_end(text, first_error), first_line)], False
    except RecursionError:
        return (
            None,
            [Problem("too-deep", "nesting is too deep to be a payload (thousands of levels)", first_line, 1)],
            False,
        )
    problems: list[Problem] = []
    if flags.duplicate or flags.non_finite:
        index = scan(text, first_line)
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
    return value, problems, True


def _tasks_of(value: Any, text: str, first_line: int, start: int, problems: list[Problem]) -> list[Task]:
    if isinstance(value, dict):
        return [Task(start, value, text, first_line)]
    if isinstance(value, list):
        tasks = []
        shared = PositionIndex(text, first_line)  # one index per file, not one per task (quadratic)
        if not value:
            problems.append(Problem("not-a-task", "an empty array: no task to lint", first_line, 1))
        for i, item in enumerate(value):
            task = Task(start + i, item, text, first_line, base=f"/{i}", _positions=shared)
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
    source = Source(name)
    text, problems = _decode(data, 1)
    source.problems.extend(problems)
    if text is None:
        return source
    value, problems, ok = parse_text(text)
    source.problems.extend(_in_task(p, value) for p in problems)
    if ok:
        source.tasks.extend(_tasks_of(value, text, 1, 0, source.problems))
    return source


def _in_task(problem: Problem, value: Any) -> Problem:
    """Re-home a problem found by pointer into the task that holds it."""
    if not problem.pointer and problem.rule not in ("duplicate-key", "non-finite-number"):
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


def iter_jsonl(
    name: str, stream: IO[bytes], *, whole_file: bool = True, counts: list[int] | None = None
) -> Iterator[Task | Problem]:
    """Stream a ``.jsonl`` file: one task a line; blank lines are skipped.

    With ``whole_file=False`` the stream is a later chunk of a file: line numbers and task
    indexes are relative to it, and only the caller can tell whether the file was empty
    (``counts[0]`` counts the non-blank lines, each of which takes a task index).
    """
    index = 0
    seen_any = False
    for lineno, raw in enumerate(stream, start=1):
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
        text, problems = _decode(raw, lineno)
        yield from problems
        if text is None:
            if problems and problems[-1].rule == "not-text":
                return  # a binary file: one finding, not one per "line"
            index += 1
            continue
        value, problems, ok = parse_text(text, lineno)  # the line end is JSON white space
        for p in problems:
            yield Problem(p.rule, p.message, p.line, p.column, task=index, pointer=p.pointer)
        if ok:
            if isinstance(value, dict):
                yield Task(index, value, text, lineno)
            else:
                yield Problem(
                    "not-a-task",
                    f"line {lineno} holds {_json_type(value)}; each JSON Lines line must be one task object",
                    lineno,
                    1,
                    task=index,
                )
        index += 1
    if not seen_any and whole_file:
        yield Problem("empty", "the file is empty: no task to lint", 1, 1)


def looks_like_jsonl(data: bytes) -> bool:
    """For stdin: several top-level values on separate lines means JSON Lines."""
    text = data.decode("utf-8", "replace").strip()
    if "\n" not in text:
        return False
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.msg == "Extra data"
    except RecursionError:
        return False
    return False
