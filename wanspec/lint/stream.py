"""Lint a stream of records: raw JSON Lines or parsed tasks in, diagnostics out.

This is the entry point for linting past one process: a worker of a distributed engine
(``examples/distributed/``) hands it one partition of a data set and gets back, lazily,
the diagnostics ``wanspec lint`` would print for that partition as a JSON Lines file.
Nothing here holds more than one record and its findings, and the options are plain
picklable values, so they travel to workers as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any, cast

from ..records import Diagnostic, LintResult
from . import run as _run
from . import source as _source

#: Records linted between two hand-overs of diagnostics (bounds what is held at once).
_BATCH = 256
#: What a raw record may be: a line's text or any bytes-like object holding it.
_BYTES = (bytes, bytearray, memoryview)
_RAW = (*_BYTES, str)
_NONE_LEFT = object()  # not None: ``null`` is a record a caller's parser gives


def lint_records(
    records: Iterable[Any], options: _run.LintOptions | None = None, *, file: str = "<records>"
) -> Iterator[Diagnostic]:
    """Lint records one at a time and yield their diagnostics in input order.

    ``records`` is either raw JSON Lines (``str`` or bytes-like: ``bytes``, ``bytearray``,
    ``memoryview``; one task a record, as read from a file opened in binary mode) or
    already-parsed tasks (dicts); the first record decides which. Raw lines give exactly
    what ``wanspec lint FILE.jsonl`` reports for a file holding them (line numbers count
    records from 1, blank ones included); parsed tasks give what ``lint_payload`` reports
    for each task alone, with ``file`` and the task index set and no line or column.
    Either way each record is a request of its own, as a JSON Lines line is (no batch
    rules across records).
    ``options`` apply as in ``lint_paths``, including a project ``Policy`` (its per-file
    choices match ``file``).
    """
    opts = options or _run.LintOptions()
    _run.validate_options(opts)
    stream = iter(records)
    first = next(stream, _NONE_LEFT)
    head: list[Any] = [] if first is _NONE_LEFT else [first]
    if head and not isinstance(first, _RAW):
        if opts.policy is not None:
            opts = opts.policy.options_for(file, opts)
        yield from _run.task_diagnostics(_chain(head, stream), opts, file)
        return
    pending: list[Diagnostic] = []
    out = _run.Collector(LintResult(files=1), pending.append)
    # iter_jsonl reads a stream line by line (readline, capped): give it the records as one
    items = _source.iter_jsonl(file, cast(IO[bytes], _Lines(_as_bytes(_chain(head, stream)))))
    while batch := list(islice(items, _BATCH)):
        _run.lint_tasks(batch, file, opts, out, stream=True)
        yield from pending
        pending.clear()


class _Lines:
    """Records as a byte stream with ``readline``: one record a line (a newline added where
    a record has none), read in pieces when the caller caps the length."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines, self._rest = lines, b""

    def readline(self, size: int = -1) -> bytes:
        if not self._rest:
            line = next(self._lines, None)
            if line is None:
                return b""  # the end of the records
            self._rest = line if line.endswith(b"\n") else line + b"\n"  # a blank record is a blank line
        if size < 0 or size >= len(self._rest):
            out, self._rest = self._rest, b""
        else:
            out, self._rest = self._rest[:size], self._rest[size:]
        return out


def _chain(head: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from head
    yield from rest


def _as_bytes(lines: Iterable[Any]) -> Iterator[bytes]:
    for n, line in enumerate(lines):
        if isinstance(line, str):
            yield line.encode("utf-8", "surrogatepass")
        elif isinstance(line, _BYTES):
            yield bytes(line)
        else:  # a caller's mistake, not a payload's: say which record
            raise TypeError(
                f"lint_records: record {n} is {type(line).__name__}; a stream holds either raw JSON Lines "
                "(str or bytes-like) or parsed tasks, as its first record does"
            )
