"""Lint large inputs on several cores, with output identical to a serial run.

Work is cut into units: a large JSON Lines file into chunks of whole lines, a large array
of tasks into slices of its items, small files into batches. Forked workers lint the
units; the parent takes their results in input order (``imap``), fixes up the line numbers
and task indexes of later chunks, and hands every diagnostic on as soon as its unit is
done, so memory stays flat however many findings there are. Where ``fork`` is not
available (Windows, macOS spawn-only builds), or for standard input, linting stays serial.

An array is one batch (one request), so its slices are not independent, and whether it is
clean decides how a serial run reads it. The parent reads its text (the workers inherit it
across ``fork``) and guesses where items start about every ``CHUNK_BYTES``
(``source.item_cuts``) without parsing it: a serial pass over a 45 MB array was 0.39 s
before any worker could start. Each slice is then handed out twice. First the workers
survey every slice with the validating pass (``source.survey_slice``: where the item after
the slice starts, and whether its items are clean); when each slice ended where the next
began, the last at the closing bracket, and every item was clean, the guesses were item
starts and the array is clean. Then they lint each slice, noting what its tasks bring to
the batch rules (``batch.Recorder``), and the parent numbers the tasks, merges the notes
share by share and hands each finding on where a serial run would, as the slices come in.
Otherwise (a wrong guess, a duplicate key, a syntax error) the parent lints the file
itself once the slices are done, serially, as a run without workers does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from itertools import pairwise

from .. import inputs as _inputs
from ..catalog.store import rule_codes_by_name
from ..errors import WorkerError
from ..records import Diagnostic, LintResult
from ..recordtype import astuple, field, fields, maker, recordclass, replace
from . import source
from .batch import Batch, Notes, Recorder
from .events import LintEvents
from .positions import PositionIndex, Window, newlines
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
#: A ``.json`` file at least this large that opens as an array is cut into slices of items.
MIN_ARRAY_BYTES = MIN_PARALLEL_BYTES
#: At most this much array text is held for the workers at once; later arrays go whole.
MAX_SHARED_BYTES = 256 << 20

# What the parent holds when the workers fork, so that a unit of work names it by index
# or path instead of carrying it: the run's files and the arrays being cut.
_FILES: list[str] = []
_SHARED: dict[str, source.ArrayText] = {}


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
    """The items of an array in ``_SHARED`` from ``window.start`` up to the first that starts
    at or past ``window.end`` (to the closing bracket for the last slice)."""

    path: str
    nbytes: int  # the file's bytes this slice stands for (for progress)
    window: Window  # the text the slice spans, and its first line's number and start
    last: bool
    survey: bool  # only check where it stops and that it is clean (``source.survey_slice``)


Work = Chunk | Files | ArrayPart


@recordclass(frozen=False)
class UnitResult:
    """What a worker found in a chunk of a JSON Lines file."""

    path: str
    start: int
    diagnostics: list[Packed]
    tasks: int
    lines: int  # newlines in the chunk (for the line numbers of the next one)
    task_slots: int  # tasks and broken lines (for the task indexes of the next one)
    seen_line: bool
    nbytes: int = 0  # input bytes the unit covered (for progress)


@recordclass
class SliceResult:
    """What a worker found in a slice of an array (or its survey): where its items started
    and stopped, whether they were clean, and the findings of a linted, clean slice."""

    path: str
    start: int  # where its first item starts
    stop: int  # where the item after it starts (the text's end after the last)
    clean: bool
    count: int  # items
    tasks: int = 0
    nbytes: int = 0
    diagnostics: list[Packed] = field(default_factory=list)  # task indexes count from the slice's first
    notes: Notes = field(default_factory=lambda: ({}, [], []))  # for the batch rules, numbered the same way
    items: list[int] = field(default_factory=list)  # each item's start, then the next slice's
    others: list[tuple[int, str, int]] = field(default_factory=list)  # items not objects: (item, type, offset)


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
    make = maker(Diagnostic)  # fromtuple without its two calls a diagnostic
    if not (lines or tasks):
        return [make(*v) for v in values]
    out = []
    for v in values:
        shifted = list(v)
        if shifted[_LINE] is not None:
            shifted[_LINE] += lines  # type: ignore[operator]
        if shifted[_TASK] is not None:
            shifted[_TASK] += tasks  # type: ignore[operator]
        out.append(make(*shifted))
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
    The files, and each large array's text (read here, not checked), are held for the workers
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
    with _inputs.open_input(path) as f:  # a path the run saw as regular: never a blocking open
        while start < size:
            f.seek(min(start + CHUNK_BYTES, size))
            while (block := f.readline(CHUNK_BYTES)) and not block.endswith(b"\n"):
                pass  # finish the line the cut fell into, never holding more than a block of it
            end = min(f.tell(), size)
            units.append(Chunk(path, start, end))
            start = end
    return units


def _array_parts(path: str, size: int) -> list[ArrayPart] | None:
    """Slices of about ``CHUNK_BYTES`` of a file that opens as an array (its text held in
    ``_SHARED``), or None for any other file, which a worker then reads and reports on
    whole, as a serial run does."""
    try:
        with _inputs.open_input(path) as f:
            head = f.read(4096)
            # a large file that is one task (inline media, say) is not read here as well as in its worker
            if not head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"[") and head.strip():
                return None
            try:
                array = source.mapped_array_text(f)
            except (OSError, ValueError):  # not mappable (a pipe named on the command line): read it
                data, over = _inputs.read_input(path, source.MAX_JSON_BYTES)
                array = None if over is not None else source.array_text(data)
                del data
    except (OSError, MemoryError):
        return None
    if array is None:
        return None
    cuts = source.item_cuts(array, CHUNK_BYTES)
    if not cuts:
        return None
    _SHARED[path] = array
    text, length = array.text, len(array.text)
    bounds = [0, *cuts, length]
    parts: list[ArrayPart] = []
    lines = line_start = 0
    for start, end in pairwise(bounds):
        if start:  # the lines before the slice, counted once for the whole text
            previous = parts[-1].window.start
            lines += newlines(text, previous, start)
            if (newline := text.rfind("\n", previous, start)) >= 0:
                line_start = newline + 1
        share = size * end // length - size * start // length  # the file's bytes, for progress
        parts.append(ArrayPart(path, share, Window(start, end, lines, line_start), end == length, False))
    return [*(replace(p, nbytes=0, survey=True) for p in parts), *parts]


def _lint_array_part(part: ArrayPart, options: LintOptions) -> SliceResult:
    if part.survey:
        end = source.survey_slice(_SHARED[part.path], part.window.start, part.window.end)
        start = part.window.start or _SHARED[part.path].first
        return SliceResult(part.path, start, end.stop, end.clean, end.count)
    result = LintResult()
    out = Collector(result, result.diagnostics.append)
    notes = Recorder()
    array = _SHARED[part.path]
    end = source.SliceEnd()
    tasks = source.slice_tasks(array, part.window, part.window.end, end)
    lint_tasks(tasks, part.path, options, out, in_order=True, batch=notes)
    start = end.items[0] if end.items else -1
    if not end.clean:  # the survey said so too: the parent reads the file serially
        return SliceResult(part.path, start, end.stop, False, end.count, nbytes=part.nbytes)
    return SliceResult(
        part.path,
        start,
        end.stop,
        True,
        end.count,
        result.tasks,
        part.nbytes,
        _packed(result.diagnostics),
        notes.notes(),
        end.items,
        end.others,
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
        with _inputs.open_input(unit.path) as f:  # refuses a pipe put in the file's place
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


def _work(unit: Work, options: LintOptions) -> UnitResult | SliceResult | FilesResult:
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
    array: _ArrayMerge | None = None  # the array whose slices are coming in (one after another)
    try:
        for unit, r in zip(work, forks.imap(lambda i: _work(work[i], options), len(work), jobs), strict=True):
            if isinstance(r, FilesResult):
                assert isinstance(unit, Files)
                _merge_files(unit, r, out, total, events)
                continue
            if isinstance(r, SliceResult):
                assert isinstance(unit, ArrayPart)
                if unit.survey and unit.window.start == 0:  # an array's first unit (a file may be named twice)
                    array = _ArrayMerge(r.path, options, out, total)
                    if events is not None:
                        events.file(r.path)
                assert array is not None
                if unit.survey:
                    array.surveyed(r, unit.last)
                else:
                    array.merge(r, unit.last)
                    if events is not None:
                        events.advanced(r.nbytes)
                continue
            if r.path in stopped:
                continue
            if r.start == 0 or r.path not in line_offset:
                total.files += 1
                if events is not None:
                    events.file(r.path)
                line_offset[r.path], task_offset[r.path], seen_line[r.path] = 0, 0, False
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


class _ArrayMerge:
    """The parent's side of one array cut into slices: the surveys say whether the slices
    are the array read in one pass (each began where the one before stopped, the first at
    the first item, the last at the closing bracket, all clean); then each linted slice's
    findings are numbered, joined by the batch rules' and handed on as it comes in. Any
    other survey sends the file to a serial read once its slices are done."""

    def __init__(self, path: str, options: LintOptions, out: Collector, total: LintResult) -> None:
        self.path, self.options, self.out, self.total = path, options, out, total
        self.array = _SHARED[path]
        self.surveys: list[SliceResult] = []
        self.sound: bool | None = None  # known once the last survey is in
        self.batch = Batch()
        self.items: list[int] = []  # every item's start, as far as the slices merged so far
        self.positions = PositionIndex(self.array.text, 1)
        self.positions._root = self.items
        self.shift = 0  # the items before the next slice
        self.merged = 0  # slices merged
        total.files += 1

    def surveyed(self, r: SliceResult, last: bool) -> None:
        self.surveys.append(r)
        if last:
            starts = [self.array.first, *(s.stop for s in self.surveys[:-1])]
            self.sound = (
                r.stop == len(self.array.text)
                and all(s.clean for s in self.surveys)
                and [s.start for s in self.surveys] == starts
            )

    def merge(self, r: SliceResult, last: bool) -> None:
        if not self.sound:
            if last:
                self._serially()
            return
        survey = self.surveys[self.merged]
        if (r.start, r.stop, r.clean, r.count) != (survey.start, survey.stop, survey.clean, survey.count):
            # the same text, read twice by the same rules: no input reaches this
            raise WorkerError(f"a slice of {self.path} at offset {r.start} read differently when surveyed")
        self.merged += 1
        if self.items:
            self.items.pop()  # the previous slice's last entry is this slice's first item
        self.items.extend(r.items)
        shift, positions = self.shift, self.positions
        problems = [source.not_a_task(i + shift, kind, *positions.line_col(at)) for i, kind, at in r.others]
        diagnostics = with_batch_findings(
            _unpacked(r.diagnostics, 0, shift),
            self.batch.merge(r.notes, shift),
            self.path,
            self.options,
            positions,
            problems,
        )
        for d in diagnostics:
            self.out.pass_on(d)
        self.shift += r.count
        self.total.tasks += r.tasks

    def _serially(self) -> None:
        """Lint the file here as a serial run does (it counts its tasks itself; an item
        nested near the recursion limit reads as it does there: ``stack``)."""
        lint_one(self.path, self.options, None, self.out)


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
