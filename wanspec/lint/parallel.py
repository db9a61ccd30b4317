"""Lint large inputs on several cores, with output identical to a serial run.

Work is cut into units: a large JSON Lines file into chunks of whole lines, a large array
of tasks into slices of its items, small files into batches. Forked workers lint the
units; the parent takes their results in input order (``imap``), fixes up the line numbers
and task indexes of later chunks, and hands every diagnostic on as soon as its unit is
done, so memory stays flat however many findings there are. Where ``fork`` is not
available (Windows, macOS spawn-only builds), or for standard input, linting stays serial.

An array is one batch (one request), so its slices are not independent: the parent reads
and checks it before the workers start (they inherit its text across ``fork``), each
slice's worker notes what its tasks bring to the batch rules (``batch.Recorder``), and the
parent checks those notes in task order, putting each finding where a serial run would.
"""

from __future__ import annotations

import os
import sys
from bisect import bisect_left
from collections.abc import Mapping
from itertools import pairwise

from .. import inputs as _inputs
from ..catalog.store import rule_codes_by_name
from ..records import Diagnostic, LintResult
from ..recordtype import astuple, fields, fromtuple, recordclass
from . import source
from .batch import Batch, Record, Recorder
from .events import LintEvents
from .positions import PositionIndex, Window
from .run import Collector, LintOptions, lint_one, lint_tasks, problem_diagnostic, with_batch_findings

#: JSON Lines files at least this large are split; smaller files are batched whole.
CHUNK_BYTES = 1 << 20
#: Whole files per unit of work: enough to make a unit's trip to a worker cheap, few
#: enough that the workers finish together (each gets about 8 units).
MIN_BATCH_FILES, MAX_BATCH_FILES = 8, 256
#: Below this much work, starting workers costs more than it saves. Measured on two
#: cores: a 19 MB JSON Lines file lints 1.6x faster on two workers. Whole files pay when
#: linting them serially would take about MIN_PARALLEL_SECONDS, at FILE_SECONDS a file and
#: BYTE_SECONDS a byte (docs/performance.md: 1,000 small files gain 6%, 1,000 messy ones 18%).
MIN_PARALLEL_BYTES = 2 << 20
FILE_SECONDS, BYTE_SECONDS = 40e-6, 20e-9
MIN_PARALLEL_SECONDS = 0.1
#: A ``.json`` file at least this large that is a clean array is cut into slices of items.
MIN_ARRAY_BYTES = MIN_PARALLEL_BYTES
#: At most this much array text is held for the workers at once; later arrays go whole.
MAX_SHARED_BYTES = 256 << 20

# What the parent holds when the workers fork, so that a unit of work names it by index
# or path instead of carrying it: the run's files and the arrays being cut.
_FILES: list[str] = []
_SHARED: dict[str, source.CheckedArray] = {}


@recordclass
class Chunk:
    """Whole lines of a JSON Lines file, ``start`` to ``end`` bytes."""

    path: str
    start: int
    end: int


@recordclass
class Files:
    """The run's files ``first`` to ``stop`` (in ``_FILES``), each linted whole."""

    first: int
    stop: int
    nbytes: int


@recordclass
class ArrayPart:
    """The items ``first`` to ``stop`` of an array in ``_SHARED``."""

    path: str
    first: int
    stop: int
    nbytes: int  # the file's bytes this slice stands for (for progress)
    window: Window  # the text the slice spans, and its first line's number and start


Work = Chunk | Files | ArrayPart


@recordclass(frozen=False)
class UnitResult:
    """What a worker found in a chunk or an array slice."""

    path: str
    start: int
    diagnostics: list[Packed]
    tasks: int
    lines: int  # newlines in the chunk (for the line numbers of the next one)
    task_slots: int  # tasks and broken lines (for the task indexes of the next one)
    seen_line: bool
    nbytes: int = 0  # input bytes the unit covered (for progress)
    records: list[Record] | None = None  # an array slice's notes for the batch rules


@recordclass
class FilesResult:
    """What a worker found in whole files: their diagnostics in order, and how many each had."""

    diagnostics: list[Packed]
    counts: list[int]
    tasks: int


#: A diagnostic on its way back from a worker: its values in field order. Plain values
#: pickle several times faster than records (2.4 -> 0.5 us out, 3.2 -> 0.9 us in).
Packed = tuple[object, ...]
_LINE, _TASK = ([f.name for f in fields(Diagnostic)].index(name) for name in ("line", "task"))


def _packed(diagnostics: list[Diagnostic]) -> list[Packed]:
    return [astuple(d) for d in diagnostics]


def _unpacked(values: list[Packed], lines: int = 0, tasks: int = 0) -> list[Diagnostic]:
    """The diagnostics again, ``lines`` and ``tasks`` later (a chunk's are its own)."""
    if not (lines or tasks):
        return [fromtuple(Diagnostic, v) for v in values]
    out = []
    for v in values:
        shifted = list(v)
        if shifted[_LINE] is not None:
            shifted[_LINE] += lines  # type: ignore[operator]
        if shifted[_TASK] is not None:
            shifted[_TASK] += tasks  # type: ignore[operator]
        out.append(fromtuple(Diagnostic, shifted))
    return out


def available_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # no multiprocessing import for this (about 10 ms of start-up, most runs never fork):
    # fork is there on POSIX systems other than macOS, where CPython no longer defaults to it
    return hasattr(os, "fork") and sys.platform != "darwin"


def plan(files: list[str], sizes: Mapping[str, int] | None = None, jobs: int = 2) -> list[Work] | None:
    """Units of work for ``jobs`` workers, or None when parallel linting would not pay.
    ``sizes``: what discovery's stat said of the files (the others are stat'ed here).
    The files, and each large array (read and checked here), are held for the workers
    until ``run`` ends."""
    if _source_stdin(files):
        return None
    _SHARED.clear()
    per_batch = max(MIN_BATCH_FILES, min(MAX_BATCH_FILES, len(files) // (8 * max(jobs, 1))))
    work: list[Work] = []
    first = pending = 0  # the whole files not yet in a unit: files[first:i], pending bytes
    total = held = whole = whole_bytes = 0
    for i, path in enumerate(files):
        if sizes is not None and path in sizes and not path.endswith(".jsonl"):
            size = sizes[path]  # a JSON Lines file is cut by its size: that is stat'ed now
        else:
            try:
                size = os.path.getsize(path)
            except OSError:
                size = 0
        total += size
        if path.endswith(".jsonl") and size > CHUNK_BYTES:
            cut: list[Work] = list(_chunks(path, size))
        elif (
            path.endswith(".json")
            and MIN_ARRAY_BYTES <= size <= source.MAX_JSON_BYTES
            and held + size <= MAX_SHARED_BYTES
            and (parts := _array_parts(path, size))
        ):
            held += size
            cut = list(parts)
        else:
            whole += 1
            whole_bytes += size
            pending += size
            if i + 1 - first >= per_batch:
                work.append(Files(first, i + 1, pending))
                first, pending = i + 1, 0
            continue
        if first < i:
            work.append(Files(first, i, pending))
        work.extend(cut)
        first, pending = i + 1, 0
    if first < len(files):
        work.append(Files(first, len(files), pending))
    split = len(work) > sum(isinstance(w, Files) for w in work)
    serial_seconds = whole * FILE_SECONDS + whole_bytes * BYTE_SECONDS
    pays = total >= MIN_PARALLEL_BYTES if split else serial_seconds >= MIN_PARALLEL_SECONDS
    if len(work) < 2 or not pays:
        _SHARED.clear()
        return None
    _FILES[:] = files
    return work


def _source_stdin(files: list[str]) -> bool:
    return "-" in files


def _chunks(path: str, size: int) -> list[Chunk]:
    """Cut a file into ranges that start and end at line boundaries."""
    units, start = [], 0
    with open(path, "rb") as f:
        while start < size:
            f.seek(min(start + CHUNK_BYTES, size))
            while (block := f.readline(CHUNK_BYTES)) and not block.endswith(b"\n"):
                pass  # finish the line the cut fell into, never holding more than a block of it
            end = min(f.tell(), size)
            units.append(Chunk(path, start, end))
            start = end
    return units


def _array_parts(path: str, size: int) -> list[ArrayPart] | None:
    """Slices of about ``CHUNK_BYTES`` of a clean array (held in ``_SHARED``), or None for
    any other file, which a worker then reads and reports on whole, as a serial run does."""
    try:
        with _inputs.open_input(path) as f:
            head = f.read(4096)
        # a large file that is one task (inline media, say) is not read here as well as in its worker
        if not head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"[") and head.strip():
            return None
        data, over = _inputs.read_input(path, source.MAX_JSON_BYTES)
    except (OSError, MemoryError):
        return None
    array = None if over is not None else source.checked_array(data)
    del data
    if array is None or len(array.items) < 2:
        return None
    items, length = array.items, len(array.text)
    cuts = [0]
    while cuts[-1] < len(items):
        at = cuts[-1]
        cuts.append(bisect_left(items, items[at] + CHUNK_BYTES, at + 1))
    if len(cuts) < 3:
        return None
    _SHARED[path] = array
    text = array.text

    def begins(i: int) -> int:  # where the slice from item i begins (the first has the opening, the last the end)
        return 0 if i == 0 else length if i >= len(items) else items[i]

    parts: list[ArrayPart] = []
    lines = line_start = 0
    for a, b in pairwise(cuts):
        start, end = begins(a), begins(b)
        if a:  # the lines before the slice, counted once for the whole text
            previous = parts[-1].window.start
            lines += text.count("\n", previous, start)
            if (newline := text.rfind("\n", previous, start)) >= 0:
                line_start = newline + 1
        share = size * end // length - size * start // length  # the file's bytes, for progress
        parts.append(ArrayPart(path, a, b, share, Window(start, end, lines, line_start)))
    return parts


def _lint_array_part(part: ArrayPart, options: LintOptions) -> UnitResult:
    result = LintResult()
    out = Collector(result, result.diagnostics.append)
    notes = Recorder()
    tasks = source.array_tasks(_SHARED[part.path], part.first, part.stop, part.window)
    lint_tasks(tasks, part.path, options, out, in_order=True, batch=notes)
    return UnitResult(
        part.path,
        part.first,
        _packed(result.diagnostics),
        result.tasks,
        0,
        0,
        True,
        part.nbytes,
        records=notes.records,
    )


def _lint_files(files: Files, options: LintOptions) -> FilesResult:
    result = LintResult()
    out = Collector(result, result.diagnostics.append)
    counts = []
    for path in _FILES[files.first : files.stop]:
        before = len(result.diagnostics)
        lint_one(path, options, None, out)
        counts.append(len(result.diagnostics) - before)
    return FilesResult(_packed(result.diagnostics), counts, result.tasks)


def _lint_chunk(unit: Chunk, options: LintOptions) -> UnitResult:
    result = LintResult()
    out = Collector(result, result.diagnostics.append)
    counts = [0, 0]
    try:
        with open(unit.path, "rb") as f:
            f.seek(unit.start)
            # streamed like a whole file: a chunk is never held in memory, nor is a long line
            items = source.iter_jsonl(
                unit.path, f, whole_file=unit.start == 0, counts=counts, nbytes=unit.end - unit.start
            )
            lint_tasks(items, unit.path, options, out, stream=True)
    except OSError as exc:
        out.batch.clear()
        problem = source.Problem("unreadable", f"cannot read {unit.path}: {exc.strerror or exc}", None, None)
        lint_tasks([problem], unit.path, options, out)
        return UnitResult(unit.path, unit.start, _packed(result.diagnostics), 0, 0, 0, True)
    return UnitResult(
        unit.path,
        unit.start,
        _packed(result.diagnostics),
        result.tasks,
        counts[1],
        counts[0],
        counts[0] > 0,
        unit.end - unit.start,
    )


def _work(unit: Work, options: LintOptions) -> UnitResult | FilesResult:
    if isinstance(unit, Files):
        return _lint_files(unit, options)
    if isinstance(unit, ArrayPart):
        return _lint_array_part(unit, options)
    return _lint_chunk(unit, options)


def run(
    work: list[Work],
    options: LintOptions,
    jobs: int,
    out: Collector,
    total: LintResult,
    events: LintEvents | None = None,
) -> None:
    """Lint ``work`` on ``jobs`` workers; ``out`` receives diagnostics in input order,
    and ``events`` hears of each file as its first unit is merged."""
    from . import forks  # only a run that forks pays for it

    not_text = rule_codes_by_name()["not-text"]

    line_offset: dict[str, int] = {}
    task_offset: dict[str, int] = {}
    seen_line: dict[str, bool] = {}
    stopped: set[str] = set()
    chunked = {u.path for u in work if isinstance(u, Chunk)}
    arrays: dict[str, tuple[Batch, PositionIndex]] = {}  # per array: its batch so far, its positions
    try:
        for unit, r in zip(work, forks.imap(lambda i: _work(work[i], options), len(work), jobs), strict=True):
            if isinstance(r, FilesResult):
                assert isinstance(unit, Files)
                _merge_files(unit, r, out, total, events)
                continue
            if r.path in stopped:
                continue
            if r.start == 0 or r.path not in line_offset:
                total.files += 1
                if events is not None:
                    events.file(r.path)
                line_offset[r.path], task_offset[r.path], seen_line[r.path] = 0, 0, False
            if r.records is not None:  # an array's slice: lines and tasks are the file's already
                if r.path not in arrays:
                    arrays[r.path] = (Batch(), _SHARED[r.path].positions())
                batch, positions = arrays[r.path]
                diagnostics = with_batch_findings(
                    _unpacked(r.diagnostics), r.records, batch, r.path, options, positions
                )
            else:
                diagnostics = _unpacked(r.diagnostics, line_offset[r.path], task_offset[r.path])
            for d in diagnostics:
                out.pass_on(d)
                if d.code == not_text:  # a binary file: the serial reader stops here too
                    stopped.add(r.path)
            total.tasks += r.tasks
            line_offset[r.path] += r.lines
            task_offset[r.path] += r.task_slots
            seen_line[r.path] = seen_line[r.path] or r.seen_line
            if events is not None:
                events.advanced(r.nbytes)
    finally:
        _SHARED.clear()
        _FILES.clear()
    for path in sorted(chunked - stopped):
        if not seen_line.get(path, True):  # a large file of blank lines
            problem = source.Problem("empty", "the file is empty: no task to lint", 1, 1)
            found = problem_diagnostic(problem, path, options)
            if found is not None:
                out.pass_on(found)


def _merge_files(unit: Files, r: FilesResult, out: Collector, total: LintResult, events: LintEvents | None) -> None:
    at = 0
    diagnostics = _unpacked(r.diagnostics)
    for path, count in zip(_FILES[unit.first : unit.stop], r.counts, strict=True):
        total.files += 1
        if events is not None:
            events.file(path)
        for d in diagnostics[at : at + count]:
            out.pass_on(d)
        at += count
    total.tasks += r.tasks
    if events is not None:
        events.advanced(unit.nbytes)
