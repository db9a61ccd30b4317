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
        else:
            out.append(json.dumps({**VALID, "positivePrompt": f"shot {i}"}))
    return "\n".join(out) + "\n"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(_parallel, "BATCH_FILES", 3)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_FILES_BYTES", 0)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_chunked_jsonl_matches_serial(run_cli, write, small_chunks, fmt):
    path = str(write("batch.jsonl", _lines(600, seed=7)))
    serial = run_cli("lint", "--format", fmt, "--jobs", "1", path)
    parallel = run_cli("lint", "--format", fmt, "--jobs", "2", path)
    assert parallel.exit_code == serial.exit_code == 1
    assert parallel.stdout == serial.stdout
    if fmt == "json":
        doc = serial.json()
        assert doc["summary"]["tasks"] > 500 and doc["summary"]["errors"] > 50


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
