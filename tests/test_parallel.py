"""Linting on several processes gives exactly the serial output."""

from __future__ import annotations

import itertools
import json
import random

import pytest
from conftest import FLASH_TASK

from wanspec.lint import parallel as _parallel

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
    monkeypatch.setattr(_parallel, "BATCH_FILES", 3)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_FILES_BYTES", 0)


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
