"""Linting on several processes gives exactly the serial output."""

from __future__ import annotations

import itertools
import json
import os
import random

import pytest
from conftest import FLASH_TASK, nesting_depths_near_the_limit

from wanspec.lint import parallel as _parallel
from wanspec.lint import paths as _paths

pytestmark = pytest.mark.skipif(not _parallel.can_fork(), reason="needs the fork start method")

VALID = FLASH_TASK


def _lines(n: int, seed: int) -> str:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        roll = rnd.random()
        if roll < 0.1:
            out.append(json.dumps({**VALID, "duration": rnd.choice([1, 16, "7"])}))
        elif roll < 0.13:
            out.append('{"broken": ')
        elif roll < 0.15:
            out.append("")
        elif roll < 0.17:
            out.append(json.dumps({**VALID, "width": 1280}))
        elif roll < 0.18:  # every kind of line a source problem can be about
            out.append(rnd.choice(["42", "[1, 2]", "null", '"task"', "{}", '{"a": 1,}']))
        elif roll < 0.19:
            out.append(json.dumps({**VALID, "duration": 5}).replace('"duration": 5', '"duration": 1e400'))
        elif roll < 0.2:
            out.append(json.dumps({**VALID, "seed": 1}).replace('"seed": 1', f'"seed": 1{"0" * 4400}'))
        elif roll < 0.21:
            out.append(json.dumps(VALID)[:-1] + ', "duration": NaN, "duration": 7}')
        else:
            out.append(json.dumps({**VALID, "positivePrompt": f"shot {i}"}))
    return "\n".join(out) + "\n"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(_parallel, "MIN_BATCH_FILES", 3)
    monkeypatch.setattr(_parallel, "MAX_BATCH_FILES", 3)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_SECONDS", 0)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(_parallel, "MIN_ARRAY_BYTES", 0)
    monkeypatch.setattr(_paths, "ONE_FILE_POOL_BYTES", 0)


@pytest.fixture
def fallbacks(monkeypatch) -> list[str]:
    """The arrays the parent lints itself because their slices did not read as one pass."""
    whole: list[str] = []
    lint_one = _parallel.lint_one
    monkeypatch.setattr(_parallel, "lint_one", lambda path, *a, **k: (whole.append(path), lint_one(path, *a, **k))[1])
    return whole


@pytest.mark.parametrize("fmt", ["json", "text", "json-lines", "sarif", "github", "junit"])
def test_chunked_jsonl_matches_serial(run_cli, write, small_chunks, fmt):
    # every field and message the same for any -j (a message once said the chunk's line number)
    path = str(write("batch.jsonl", _lines(600, seed=7)))
    serial = run_cli("lint", "--format", fmt, "--jobs", "1", path)
    parallel = run_cli("lint", "--format", fmt, "--jobs", "2", path)
    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.stdout == serial.stdout
    if fmt == "json":
        doc = serial.json()
        assert doc["summary"]["tasks"] > 500 and doc["summary"]["errors"] > 50


def test_lines_over_the_cap_and_broken_bytes_match_serial(run_cli, write, small_chunks, monkeypatch):
    import wanspec.lint.source as source

    monkeypatch.setattr(source, "MAX_JSON_BYTES", 3000)  # a line over it is skipped, not held
    lines = _lines(400, seed=11).encode().splitlines(keepends=True)
    lines[50] = b'{"positivePrompt": "' + b"x" * 9000 + b'"}\n'  # over the cap, across a chunk cut
    lines[120] = b'{"a": "\xff\xfe"}\n'  # not UTF-8
    path = str(write("bytes.jsonl", b"".join(lines)))
    serial = run_cli("lint", "--format", "json", "-j", "1", path)
    parallel = run_cli("lint", "--format", "json", "-j", "2", path)
    assert parallel.stdout == serial.stdout
    found = {(d["code"], d["line"]) for d in serial.json()["diagnostics"]}
    assert ("WS007", 51) in found and ("WS005", 121) in found


def test_lines_around_the_read_buffer_read_the_same_every_way(run_cli, write, small_chunks, monkeypatch):
    # JSON Lines are read through a larger buffer than Python's default: a line of exactly
    # the buffer's size, one byte either side, several buffers long, or over the cap, must
    # read the same from the file, in chunks cut anywhere, and from standard input
    import wanspec.lint.source as source
    from wanspec.inputs import LINE_BUFFER

    frame = json.dumps({**VALID, "positivePrompt": "", "duration": 40}) + "\n"
    lines = []
    for size in (LINE_BUFFER - 1, LINE_BUFFER, LINE_BUFFER + 1, 2 * LINE_BUFFER + 7, 3 * LINE_BUFFER + 2, 40):
        pad = max(size - len(frame), 0)
        lines.append(frame.replace('"positivePrompt": ""', f'"positivePrompt": "{"p" * pad}"'))
    data = "".join(lines).encode()
    assert [len(line) for line in data.splitlines(keepends=True)][:3] == [LINE_BUFFER - 1, LINE_BUFFER, LINE_BUFFER + 1]
    path = str(write("long.jsonl", data))

    serial = run_cli("lint", "--format", "json", "-j", "1", path)
    piped = run_cli("lint", "--format", "json", "-", input=data)  # read whole, not a line at a time
    assert serial.exit_code == piped.exit_code == 1
    assert piped.stdout.replace('"<stdin>"', json.dumps(path)) == serial.stdout
    assert {d["line"] for d in serial.json()["diagnostics"]} == {1, 2, 3, 4, 5, 6}

    # the fifth line over the cap (a cap applies to standard input as a whole, so not there)
    monkeypatch.setattr(source, "MAX_JSON_BYTES", 3 * LINE_BUFFER)
    serial = run_cli("lint", "--format", "json", "-j", "1", path)
    parallel = run_cli("lint", "--format", "json", "-j", "2", path)
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    found = [(d["line"], d["code"]) for d in serial.json()["diagnostics"]]
    assert [line for line, code in found if code == "WS007"] == [5]  # only that line is skipped
    assert {line for line, _ in found} == {1, 2, 3, 4, 5, 6}  # every other line checked, numbered right


def test_many_files_match_serial(run_cli, tmp_path, small_chunks):
    for i in range(20):
        payload = {**VALID, "duration": 40} if i % 3 == 0 else VALID
        (tmp_path / f"p{i:02}.json").write_text(json.dumps(payload, indent=2))
    (tmp_path / "z.jsonl").write_text(_lines(200, seed=3))
    (tmp_path / "bad.json").write_text('{"taskType": "videoInference",')  # broken, but a payload
    serial = run_cli("lint", "--format", "json", "-j", "1", str(tmp_path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", str(tmp_path))
    assert parallel.stdout == serial.stdout
    assert parallel.json()["summary"]["files"] == 22


def _mixed_tree(root) -> list[str]:
    """Whole files of every kind, with a JSON Lines file and an array cut between them."""
    names = []
    for i in range(30):
        name = root / f"a{i:02}.json"
        kind = i % 6
        if kind == 0:
            name.write_text(json.dumps({**VALID, "duration": 40}, indent=2))
        elif kind == 1:
            name.write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode())  # a byte order mark
        elif kind == 2:
            name.write_text('{"taskType": "videoInference",')  # broken
        elif kind == 3:
            name.write_bytes(b'{"a": "\x00\x01"}')  # binary
        elif kind == 4:
            name.write_text("")
        else:
            name.write_text(json.dumps([VALID, {**VALID, "width": 1280}]))
        names.append(str(name))
        if i == 10:
            (root / "b.jsonl").write_text(_lines(300, seed=3))
            names.append(str(root / "b.jsonl"))
        if i == 20:
            (root / "c.json").write_text(_array(200, seed=8, indent=2))
            names.append(str(root / "c.json"))
    return names


@pytest.mark.parametrize("fmt", ["json", "text", "junit", "github"])
def test_whole_files_chunks_and_slices_in_one_run_match_serial(run_cli, tmp_path, small_chunks, fmt):
    names = _mixed_tree(tmp_path)
    work = _parallel.plan(names)
    assert work is not None
    kinds = {type(u).__name__ for u in work}
    assert kinds == {"Files", "Chunk", "ArrayPart"}
    _parallel._SHARED.clear()
    for args in (names, [str(tmp_path)]):  # named, and found by the walk
        serial = run_cli("lint", "--format", fmt, "-j", "1", *args)
        parallel = run_cli("lint", "--format", fmt, "-j", "2", *args)
        assert parallel.exit_code == serial.exit_code
        assert parallel.stdout == serial.stdout
    assert not _parallel._FILES and not _parallel._SHARED


def test_whole_files_are_planned_once_each_in_order(tmp_path, small_chunks):
    names = _mixed_tree(tmp_path)
    work = _parallel.plan(names)
    assert work is not None
    order: list[str] = []
    for unit in work:
        if isinstance(unit, _parallel.Files):
            assert 0 < unit.stop - unit.first <= 3
            order.extend(_parallel._FILES[unit.first : unit.stop])
        elif not order or order[-1] != unit.path:
            order.append(unit.path)
    assert order == names
    _parallel._FILES.clear()
    _parallel._SHARED.clear()


def test_a_few_small_files_stay_serial(tmp_path, monkeypatch):
    names = []
    for i in range(40):
        (tmp_path / f"p{i}.json").write_text(json.dumps(VALID))
        names.append(str(tmp_path / f"p{i}.json"))
    size = sum(os.path.getsize(n) for n in names)
    serial_seconds = 40 * _parallel.FILE_SECONDS + size * _parallel.BYTE_SECONDS
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_SECONDS", serial_seconds * 1.01)
    assert _parallel.plan(names) is None
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_SECONDS", serial_seconds * 0.99)
    work = _parallel.plan(names, jobs=2)
    assert work is not None and [(u.first, u.stop) for u in work] == [(i, i + 8) for i in range(0, 40, 8)]
    _parallel._FILES.clear()


def test_chunks_end_on_line_boundaries(tmp_path, small_chunks):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(300, seed=1))
    units = _parallel._chunks(str(path), path.stat().st_size)
    data = path.read_bytes()
    assert units[0].start == 0 and units[-1].end == len(data)
    for a, b in itertools.pairwise(units):
        assert a.end == b.start and data[a.end - 1 : a.end] == b"\n"


def test_small_inputs_stay_serial(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(_lines(10, seed=1))
    assert _parallel.plan([str(path)]) is None


# -- an array of tasks is one batch, cut into slices of items ------------------------------
def _array(n: int, seed: int, *, indent: int | None) -> str:
    """Tasks with findings, items that are not tasks, non-ASCII prompts, and taskUUIDs that
    repeat far apart (the batch rule must see across every cut)."""
    rnd = random.Random(seed)
    items: list[object] = []
    for i in range(n):
        roll = rnd.random()
        task = {**VALID, "taskUUID": f"00000000-0000-4000-8000-{i:012d}", "positivePrompt": f"shot {i} ✓ 雨"}
        if roll < 0.1:
            task["duration"] = rnd.choice([1, 16, "7"])
        elif roll < 0.13:
            task["width"] = 1280
        elif roll < 0.15 and i:  # (the first item shows how the others are written: a task)
            items.append(rnd.choice([42, None, "task", [1, 2]]))
            continue
        if i % 37 == 5:  # the same UUID as a task in another slice (and sometimes a third)
            task["taskUUID"] = f"00000000-0000-4000-8000-{i % 74:012d}"
        items.append(task)
    return json.dumps(items, indent=indent, ensure_ascii=False)


@pytest.mark.parametrize("indent", [None, 2], ids=["one-line", "indented"])
@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_an_array_cut_into_slices_matches_serial(run_cli, write, small_chunks, fallbacks, fmt, indent):
    text = _array(400, seed=5, indent=indent)
    path = str(write("batch.json", "\ufeff" + text))  # a byte order mark: a problem before every task
    parts = _parallel.plan([path])
    assert parts is not None and len(parts) > 5 and all(isinstance(u, _parallel.ArrayPart) for u in parts)
    _parallel._SHARED.clear()
    serial = run_cli("lint", "--format", fmt, "--jobs", "1", path)
    parallel = run_cli("lint", "--format", fmt, "--jobs", "2", path)
    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert fallbacks == []  # the slices were merged, not linted again whole
    assert not _parallel._SHARED  # the parent lets go of the text when the run ends
    if fmt == "json":
        found = serial.json()["diagnostics"]
        repeats = [d for d in found if "already used by task" in d["message"]]
        assert len(repeats) >= 8 and len({d["task"] // 40 for d in repeats}) >= 4  # across many slices
        assert any("not a task object" in d["message"] for d in found)


@pytest.mark.parametrize("indent", [None, 2, 0], ids=["one-line", "indented", "one-item-a-line"])
def test_array_slices_cover_every_item_byte_and_line(tmp_path, small_chunks, indent):
    from wanspec.lint import source
    from wanspec.lint.positions import PositionIndex
    from wanspec.lint.run import LintOptions

    path = tmp_path / "batch.json"
    path.write_text(_array(300, seed=2, indent=indent), encoding="utf-8")
    size = path.stat().st_size
    work = _parallel.plan([str(path)])
    assert work is not None
    array = _parallel._SHARED[str(path)]
    items = source.checked_array(path.read_bytes()).items  # what one serial pass finds
    # each slice is surveyed first, then linted
    surveys, parts = work[: len(work) // 2], work[len(work) // 2 :]
    assert all(u.survey for u in surveys) and not any(u.survey for u in parts)
    assert [u.window for u in surveys] == [u.window for u in parts]
    assert parts[0].window.start == 0 and parts[-1].window.end == len(array.text)
    assert all(a.window.end == b.window.start for a, b in itertools.pairwise(parts))
    assert [p.last for p in parts] == [False] * (len(parts) - 1) + [True]
    assert set(p.window.start for p in parts[1:]) <= set(items)  # every guess an item start here
    assert sum(p.nbytes for p in parts) == size  # progress reaches the file's size, not its characters
    # each slice reads on to where the next begins, and all of them read every item once
    results = [_parallel._work(part, LintOptions()) for part in parts]
    assert all(r.clean for r in results)
    assert [r.start for r in results] == [items[0], *(r.stop for r in results[:-1])]
    assert results[-1].stop == len(array.text) and sum(r.count for r in results) == len(items)
    # and the survey, which builds nothing, finds the same
    found = [_parallel._work(u, LintOptions()) for u in surveys]
    assert [(r.start, r.stop, r.clean, r.count) for r in found] == [
        (r.start, r.stop, r.clean, r.count) for r in results
    ]
    # a slice's own line table gives every offset it spans the whole text's line and column
    whole = PositionIndex(array.text, 1)
    for part in parts:
        sliced = PositionIndex(array.text, 1, window=part.window)
        offsets = range(part.window.start, part.window.end, 7)
        assert [sliced.line_col(o) for o in offsets] == [whole.line_col(o) for o in offsets]
        assert sliced._newlines is None  # it never listed the lines of the whole text
    _parallel._SHARED.clear()


def test_selected_and_baselined_batch_findings_match_serial(run_cli, tmp_path, small_chunks):
    path = tmp_path / "batch.json"
    path.write_text(_array(300, seed=9, indent=2))
    code = next(
        d["code"]
        for d in run_cli("lint", "--format", "json", str(path)).json()["diagnostics"]
        if "already used by task" in d["message"]
    )
    for args in (["--ignore", code], ["--select", code]):
        serial = run_cli("lint", "--format", "json", "-j", "1", *args, str(path))
        parallel = run_cli("lint", "--format", "json", "-j", "2", *args, str(path))
        assert parallel.stdout == serial.stdout
    baseline = tmp_path / "baseline.json"
    assert run_cli("lint", "-j", "1", "--baseline", str(baseline), "--write-baseline", str(path)).exit_code == 0
    (tmp_path / "batch.json").write_text(_array(300, seed=10, indent=2))  # new findings, some old ones
    serial = run_cli("lint", "--format", "json", "-j", "1", "--baseline", str(baseline), str(path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", "--baseline", str(baseline), str(path))
    assert parallel.stdout == serial.stdout


def _late(text: str, old: str, new: str) -> str:
    """``text`` with the last ``old`` replaced by ``new`` (a slice far from the first)."""
    at = text.rindex(old)
    return text[:at] + new + text[at + len(old) :]


@pytest.mark.parametrize("limit", [0, 4300, 10_000])
def test_a_huge_integer_late_in_an_array_whatever_the_digit_limit(run_cli, tmp_path, small_chunks, monkeypatch, limit):
    """Slices are surveyed with the scanner a serial read would use under the interpreter's
    digit limit: a 5,000-digit integer is found, and reported, whatever the limit."""
    import sys

    monkeypatch.setattr(sys, "get_int_max_str_digits", lambda: limit)
    path = tmp_path / "batch.json"
    path.write_text(_late(_array(200, seed=4, indent=None), '"duration": 5', '"duration": ' + "9" * 5000))
    serial = run_cli("lint", "--format", "json", "-j", "1", str(path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", str(path))
    assert parallel.stdout == serial.stdout and serial.exit_code == 1
    from wanspec.catalog.store import rule_codes_by_name

    out_of_range = rule_codes_by_name()["number-out-of-range"]
    assert [d["pointer"] for d in serial.json()["diagnostics"] if d["code"] == out_of_range] == ["/duration"]


@pytest.mark.parametrize(
    "broken",
    [
        lambda t: t.replace('"resolution"', '"duration": 5, "duration"', 1),  # a duplicate key: parsed whole
        lambda t: t[:-1] + ", ]",  # a trailing comma
        lambda t: t + " []",  # two documents
        lambda t: t[:-1] + ", ",  # cut short after a comma
        lambda t: t[: len(t) // 2],  # cut short in an item
        lambda t: _late(t, '"duration": 5', '"duration": 5, "duration": 6'),  # in the last slices
        lambda t: _late(t, '"duration": 5', '"duration": NaN'),
        lambda t: _late(t, '"duration": 5', '"duration": 1e400'),
        lambda t: _late(t, '"duration": 5', '"duration": ' + "9" * 5000),  # past the digit limit
        # too deep to read on any interpreter (3.13 reads 9,998 levels)
        lambda t: _late(t, '"duration": 5', '"duration": ' + "[" * 200_000 + "]" * 200_000),
    ],
    ids=[
        "duplicate-key",
        "trailing-comma",
        "extra-data",
        "cut-after-comma",
        "cut-in-an-item",
        "late-duplicate-key",
        "late-nan",
        "late-infinity",
        "late-huge-integer",
        "late-deep-nesting",
    ],
)
def test_an_array_that_is_not_clean_is_linted_whole(run_cli, tmp_path, small_chunks, fallbacks, broken):
    path = tmp_path / "batch.json"
    path.write_text(broken(_array(200, seed=4, indent=None)))
    serial = run_cli("lint", "--format", "json", "-j", "1", str(path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", str(path))
    assert parallel.stdout == serial.stdout and serial.exit_code == 1
    assert fallbacks == [str(path)]  # a slice found it, and the parent read the file as a serial run does


@pytest.mark.parametrize("where", [0.02, 0.5, 0.98])
@pytest.mark.parametrize("repeat", [3, 80], ids=["short", "longer-than-a-slice"])
def test_a_guess_that_is_no_item_start_costs_time_not_correctness(
    run_cli, tmp_path, small_chunks, fallbacks, where, repeat
):
    """Cuts are guessed from how the first two items are written: nested objects that look
    like the start of a task put some guesses inside items. A slice from such a guess reads
    nested values (as far as its end when they are long) and the one before it reads on
    past it: the slices do not read as one pass, and the parent lints the file serially."""
    items = json.loads(_array(200, seed=6, indent=None))
    nested = int(where * len(items))
    for i, item in enumerate(items):
        if isinstance(item, dict) and i >= nested:  # from there on, what looks like a task is inside one
            item["extra"] = [0, {"taskType": "videoInference", "model": "alibaba:wan@2.6-flash"}] * repeat
    items[0] = {**VALID, "taskType": VALID["taskType"]}
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(items))
    work = _parallel.plan([str(path)])
    assert work is not None and len(work) > 2
    _parallel._SHARED.clear()
    serial = run_cli("lint", "--format", "json", "-j", "1", str(path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", str(path))
    assert parallel.stdout == serial.stdout and serial.exit_code == 1
    assert fallbacks == [str(path)]


def test_a_large_file_that_is_one_task_is_read_by_its_worker_alone(run_cli, tmp_path, small_chunks, monkeypatch):
    big = tmp_path / "big.json"
    big.write_text("\n  " + json.dumps({**VALID, "duration": 40, "positivePrompt": "p" * 5000}))
    others = [tmp_path / f"other{i}.json" for i in range(4)]  # two units of work
    for other in others:
        other.write_text(json.dumps(VALID))
    names = [str(big), *map(str, others)]
    from wanspec import inputs

    read = inputs.read_input
    reads: list[str] = []
    monkeypatch.setattr(inputs, "read_input", lambda path, limit: (reads.append(str(path)), read(path, limit))[1])
    work = _parallel.plan(names)
    assert work is not None and not _parallel._SHARED and reads == []  # looked at, not read whole
    _parallel._FILES.clear()
    serial = run_cli("lint", "--format", "json", "-j", "1", *names)
    parallel = run_cli("lint", "--format", "json", "-j", "2", *names)
    assert parallel.stdout == serial.stdout and serial.exit_code == 1


def test_arrays_past_the_memory_budget_go_whole(run_cli, tmp_path, small_chunks, monkeypatch):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(_array(200, seed=1, indent=None))
    second.write_text(_array(200, seed=2, indent=None))
    monkeypatch.setattr(_parallel, "MAX_SHARED_BYTES", first.stat().st_size + 10)
    work = _parallel.plan([str(first), str(second)])
    assert work is not None and list(_parallel._SHARED) == [str(first)]
    assert work[-1] == _parallel.Files(1, 2, second.stat().st_size)
    _parallel._SHARED.clear()
    serial = run_cli("lint", "--format", "json", "-j", "1", str(tmp_path))
    parallel = run_cli("lint", "--format", "json", "-j", "2", str(tmp_path))
    assert parallel.stdout == serial.stdout


def test_a_single_file_looks_at_the_pool_from_the_size_an_array_is_cut_at():
    # paths.py keeps its own copy so that the pre-commit case never imports the pool's module
    assert _paths.ONE_FILE_POOL_BYTES == _parallel.MIN_ARRAY_BYTES


@pytest.mark.parametrize(
    "tamper",
    [
        (2, lambda r: {"start": r.start + 1}),  # a slice began where no item did
        (1, lambda r: {"stop": r.stop + 7}),  # one read on past the next slice's start
        (-1, lambda r: {"stop": r.stop - 1}),  # the last stopped short of the end
        (3, lambda r: {"clean": False}),
    ],
    ids=["start", "stop", "end", "clean"],
)
def test_slices_are_merged_only_when_they_read_as_one_pass(tmp_path, small_chunks, fallbacks, tamper):
    """Whatever the guesses, findings are merged only when the surveys say the slices each
    began where the one before stopped, the first at the first item and the last at the
    closing bracket, all of them clean; any other survey sends the file to a serial read."""
    from wanspec.lint.run import Collector, LintOptions
    from wanspec.records import LintResult
    from wanspec.recordtype import replace

    path = tmp_path / "batch.json"
    path.write_text(_array(300, seed=3, indent=None))
    work = _parallel.plan([str(path)])
    assert work is not None and len(work) > 8
    results = [_parallel._work(part, LintOptions()) for part in work]
    surveys = results[: len(work) // 2]

    def merged() -> list:
        total = LintResult()
        array = _parallel._ArrayMerge(str(path), LintOptions(), Collector(total, total.diagnostics.append), total)
        for unit, r in zip(work, results, strict=True):
            (array.surveyed if unit.survey else array.merge)(r, unit.last)
        return total.diagnostics

    serial = _paths.lint_paths([str(path)], jobs=1).diagnostics
    assert merged() == serial and fallbacks == []
    at, change = tamper
    surveys[at] = replace(surveys[at], **change(surveys[at]))
    results[: len(surveys)] = surveys
    assert merged() == serial and fallbacks == [str(path)]
    _parallel._SHARED.clear()


def test_a_slice_that_reads_differently_from_its_survey_stops_the_run(tmp_path, small_chunks):
    from wanspec.errors import WorkerError
    from wanspec.lint.run import Collector, LintOptions
    from wanspec.records import LintResult
    from wanspec.recordtype import replace

    path = tmp_path / "batch.json"
    path.write_text(_array(300, seed=3, indent=None))
    work = _parallel.plan([str(path)])
    assert work is not None
    results = [_parallel._work(part, LintOptions()) for part in work]
    results[-2] = replace(results[-2], count=results[-2].count - 1)
    total = LintResult()
    array = _parallel._ArrayMerge(str(path), LintOptions(), Collector(total, total.diagnostics.append), total)
    with pytest.raises(WorkerError, match="read differently"):
        for unit, r in zip(work, results, strict=True):
            (array.surveyed if unit.survey else array.merge)(r, unit.last)
    _parallel._SHARED.clear()


def test_an_array_listed_twice_for_the_workers_is_linted_twice_as_serially(run_cli, tmp_path, small_chunks, fallbacks):
    """The command line lints a file named twice once (discovery keeps the first mention),
    but the workers' shared texts are keyed by path: a list that holds an array twice
    (``discovered=True`` takes it as given) still gives what a serial run gives."""
    from wanspec import lint_paths

    path = tmp_path / "batch.json"
    path.write_text(_array(200, seed=7, indent=2))
    twice = [str(path), str(path)]
    serial = lint_paths(twice, jobs=1, discovered=True)
    parallel = lint_paths(twice, jobs=2, discovered=True)
    assert parallel.diagnostics == serial.diagnostics and serial.summary()["files"] == 2
    assert len(serial.diagnostics) == 2 * len(lint_paths([str(path)], jobs=1).diagnostics) > 0
    assert fallbacks == []
    named = run_cli("lint", "--format", "json", "-j", "2", *twice)
    assert named.json()["summary"]["files"] == 1


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_survey_never_passes_an_item_its_linting_read_cannot_read():
    """Whether the C scanner reads an item nested near Python's recursion limit depends on
    how deep the stack already is, and a slice is linted a few frames deeper than it is
    surveyed. The survey leaves ``SURVEY_HEADROOM`` frames unused, so for every nesting
    depth, an item it passes is read by the linting pass too, even 20 frames deeper. (On
    Python 3.12 and later the scanner stops at the interpreter's C limit, which frames of
    Python do not spend: the two reads then stop at the same depth.)"""
    import sys

    from wanspec.lint import source
    from wanspec.lint.positions import Window

    def read_at(extra: int, text: str) -> bool:  # the linting read, ``extra`` frames deeper
        if extra:
            return read_at(extra - 1, text)
        array = source.array_text(text.encode())
        end = source.SliceEnd()
        for _ in source.slice_tasks(array, Window(0, len(text), 0, 0), len(text), end):
            pass
        return end.clean

    task = json.dumps(VALID)
    depths = nesting_depths_near_the_limit(margin=150)
    passed = []
    for depth in depths:
        text = f'[{task}, {{"x": {_nested(depth)}}}, {task}]'
        surveyed = source.survey_slice(source.array_text(text.encode()), 0, len(text)).clean
        if surveyed:
            passed.append(depth)
            assert read_at(20, text), depth
    assert passed and passed[-1] < depths[-1]  # some passed; the deepest were left to the serial read
    if sys.version_info < (3, 12):  # the limit the survey lowers reaches the C scanner
        assert passed[-1] < sys.getrecursionlimit() - 20


@pytest.mark.parametrize("compiled", [True, False])
def test_a_slice_is_read_item_by_item_and_an_item_it_cannot_read_leaves_it_unclean(monkeypatch, compiled):
    """A slice's items are found by the compiled survey where it reads the slice (else by
    reading the commas between them in Python): the same items, count and end either way.
    Should an item then fail to read, the slice is not clean, and the parent reads the
    file itself; nothing is raised in the worker."""
    from wanspec.lint import source
    from wanspec.lint.positions import Window

    if not compiled:
        monkeypatch.setattr(source, "_FAST_SURVEY", None)
    text = json.dumps([VALID, {**VALID, "duration": 40}, [1, 2], VALID], indent=1)
    array = source.array_text(text.encode())
    end = source.SliceEnd()
    tasks = list(source.slice_tasks(array, Window(0, len(text), 0, 0), len(text), end))
    assert [t.index for t in tasks] == [0, 1, 3] and end.others == [(2, "an array", end.items[2])]
    assert (end.clean, end.count, end.stop) == (True, 4, len(text))
    assert [text[at] for at in end.items] == ["{", "{", "[", "{"]

    reader, second = source._PLAIN_SCAN, end.items[1]

    def failing(s: str, at: int):
        if at == second:
            raise RecursionError
        return reader(s, at)

    monkeypatch.setattr(source, "_PLAIN_SCAN", failing)
    end = source.SliceEnd()
    tasks = list(source.slice_tasks(array, Window(0, len(text), 0, 0), len(text), end))
    assert [t.index for t in tasks] == [0] and not end.clean


def test_an_item_nested_near_the_recursion_limit_reads_as_in_a_serial_run(run_cli, tmp_path, small_chunks):
    """Near the limit, a slice's survey fails and the parent lints the file itself, a few
    frames deeper than a serial run would; what cannot be read there is read again from
    the bottom of the stack (``lint/stack.py``), so every nesting depth gives the serial
    output (before, some stopped the run with exit 2, and some read differently)."""
    items = json.loads(_array(60, seed=11, indent=None))
    path = tmp_path / "deep.json"
    outputs = {}
    for depth in nesting_depths_near_the_limit(margin=60, step=4):
        nested = json.dumps(items[:30])[:-1] + f', {{"x": {_nested(depth)}}}, ' + json.dumps(items[30:])[1:]
        path.write_text(nested)
        serial = run_cli("lint", "--format", "json", "-j", "1", str(path))
        parallel = run_cli("lint", "--format", "json", "-j", "2", str(path))
        assert (parallel.exit_code, parallel.stdout) == (serial.exit_code, serial.stdout), depth
        outputs[depth] = serial.stdout
    assert len(set(outputs.values())) >= 2  # the sweep crossed from read to too deep


@pytest.mark.parametrize(
    "data",
    [
        b'[{"a": 1}, {"b": "\xc3\xa9\xe2\x9c\x93"}]',  # UTF-8 past ASCII
        b'  \n[{"a": 1}]\n',
        b'\xef\xbb\xbf[{"a": 1}, {"b": 2}]',  # a byte order mark: a problem before every task
        b'[{"a": "\xff"}]',  # not UTF-8
        b'[{"a": "\x00"}]',  # a NUL byte: binary
        b"\xff\xfe[\x00]\x00",  # UTF-16
        b"[]",
        b"[",
        b'{"a": 1}',
    ],
)
def test_an_array_mapped_from_its_file_is_the_array_read_from_its_bytes(tmp_path, data):
    """The parent decodes a large array straight from a memory map, through the same
    decoding as bytes: the same text and the same problems, whatever the file holds."""
    from wanspec.lint import source

    path = tmp_path / "a.json"
    path.write_bytes(data)
    with open(path, "rb") as f:
        mapped = source.mapped_array_text(f)
    assert mapped == source.array_text(data)


def test_an_empty_or_unmappable_file_is_read_instead(tmp_path):
    from wanspec.lint import source

    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with open(empty, "rb") as f, pytest.raises(ValueError):
        source.mapped_array_text(f)
    read, write = os.pipe()
    with os.fdopen(read, "rb") as pipe, pytest.raises(OSError):
        source.mapped_array_text(pipe)
    os.close(write)


def test_a_line_nested_near_the_recursion_limit_reads_the_same_at_any_stack_depth(run_cli, tmp_path, small_chunks):
    """Whether the C scanner reads a value nested near Python's recursion limit used to
    depend on how deep the stack was when it ran: a worker reads a chunk a few frames away
    from where a serial run reads the file, so a line about 980 levels deep was a task
    with a depth finding in one and an unreadable line in the other. A line that does not
    read is read again on a fresh stack, so the outcome is the line's own. The same line
    is also read from the Python API, from a deeper stack than both."""
    from wanspec.lint.run import LintOptions, lint_file

    lines = _lines(80, seed=5).splitlines()
    path = tmp_path / "deep.jsonl"
    outputs = {}

    def api_at(extra: int) -> list[tuple[str, int | None, str]]:
        if extra:
            return api_at(extra - 1)
        found = lint_file(str(path), LintOptions()).diagnostics
        return [(d.code, d.line, d.message) for d in found]

    for depth in nesting_depths_near_the_limit(margin=60, step=5):
        deep = json.dumps({**VALID, "extra": 1})[:-2] + _nested(depth) + "}"
        path.write_text("\n".join([*lines[:40], deep, *lines[40:]]) + "\n")
        serial = run_cli("lint", "--format", "json", "-j", "1", str(path))
        parallel = run_cli("lint", "--format", "json", "-j", "2", str(path))
        assert (parallel.exit_code, parallel.stdout) == (serial.exit_code, serial.stdout), depth
        found = [(d["code"], d["line"], d["message"]) for d in serial.json()["diagnostics"]]
        assert api_at(0) == api_at(40) == found, depth
        outputs[depth] = serial.stdout
    assert len(set(outputs.values())) >= 2  # the sweep crossed from read to too deep
