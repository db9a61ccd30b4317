"""The record-stream entry point (wanspec.lint_records) and the Dask example built on it."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from conftest import FLASH_TASK, ROOT

import wanspec
from wanspec import LintOptions, lint_paths, lint_payload, lint_records

BAD = {**FLASH_TASK, "duration": 40, "steps": 30, "outputQuality": 5}


def _partition_lines(n: int, seed: int) -> list[str]:
    """Clean, broken and odd lines: findings, blank lines, bad JSON, duplicate keys, non-tasks."""
    lines = []
    for i in range(n):
        kind = (i * 7 + seed) % 9
        if kind == 0:
            lines.append(json.dumps(BAD))
        elif kind == 1:
            lines.append("")
        elif kind == 2:
            lines.append('{"model": "alibaba:wan@2.6-flash", "model": "x"')  # unterminated
        elif kind == 3:
            lines.append(json.dumps(FLASH_TASK)[:-1] + ', "seed": 1, "seed": -2}')
        elif kind == 4:
            lines.append("[1, 2]")
        elif kind == 5:
            lines.append(json.dumps({**FLASH_TASK, "inputs": {"frameImages": ["data:image/png;base64,AAAA"]}}))
        else:
            lines.append(json.dumps({**FLASH_TASK, "duration": 2 + i % 20}, indent=None))
    return lines


def _write_dataset(root: Path, partitions: int = 3, lines: int = 40) -> list[str]:
    root.mkdir()
    paths = []
    for p in range(partitions):
        path = root / f"part-{p:03d}.jsonl"
        path.write_text("\n".join(_partition_lines(lines, p)) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def test_raw_lines_give_what_lint_paths_gives(tmp_path: Path):
    paths = _write_dataset(tmp_path / "data")
    for path in paths:
        expected = lint_paths([path], jobs=1).diagnostics
        with open(path, "rb") as f:
            assert list(lint_records(f, file=path)) == expected
        text_lines = Path(path).read_text(encoding="utf-8").splitlines()
        assert list(lint_records(text_lines, file=path)) == expected
        assert any(d.line and d.line > 1 for d in expected)


def test_parsed_tasks_give_what_lint_payload_gives_for_each():
    # each record is a request of its own (like a JSONL line): no batch rules across records
    tasks: list[Any] = [FLASH_TASK, BAD, 7, {**BAD, "model": "alibaba:wan@2.6"}, FLASH_TASK]
    found = list(lint_records(iter(tasks), file="batch"))
    expected = [
        d.__class__(**{**_fields(d), "file": "batch", "task": i})
        for i, task in enumerate(tasks)
        if isinstance(task, dict)
        for d in lint_payload(task)
    ]
    assert [d for d in found if d.task != 2] == expected
    assert [(d.code, d.message) for d in found if d.task == 2] == [("WS009", "task 2 is not an object")]
    assert {d.task for d in expected} == {1, 3}


def _fields(d: wanspec.Diagnostic) -> dict[str, Any]:
    return {name: getattr(d, name) for name in d.__slots__}


def test_empty_stream_and_options():
    assert [d.code for d in lint_records([], file="x.jsonl")] == [d.code for d in lint_bytes_empty()]
    only = LintOptions(select=("WS5",))
    found = list(lint_records([json.dumps(BAD)], only))
    assert found and all(d.code.startswith("WS5") for d in found)
    assert pickle.loads(pickle.dumps(only)) == only
    with pytest.raises(wanspec.UsageError):
        list(lint_records([], LintOptions(schema="no/such-schema")))


def test_a_stream_does_not_mix_lines_and_tasks():
    with pytest.raises(TypeError, match="record 1 is dict"):
        list(lint_records([json.dumps(FLASH_TASK), FLASH_TASK]))
    # parsed tasks: anything that is not an object is a finding, as for lint_payload
    assert [d.code for d in lint_records([FLASH_TASK, "text"])] == [d.code for d in lint_payload([FLASH_TASK, "x"])]


def test_a_parsed_stream_may_start_with_null():
    """``null`` is a value a caller's parser returns for a line reading ``null``: as the
    first record it is task 0, not the end of the stream, and the tasks after it keep
    their indexes."""
    found = [(d.task, d.code) for d in lint_records([None, BAD, FLASH_TASK], file="batch")]
    expected = [(0, "WS009")] + [(1, d.code) for d in lint_payload(BAD)]
    assert found == expected


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_raw_lines_may_be_any_bytes_like_object(tmp_path: Path, kind: Any):
    """A reader that fills a ``bytearray`` or hands out ``memoryview`` slices gives the
    same lines as ``bytes``: read as raw JSON Lines, never as parsed tasks."""
    paths = _write_dataset(tmp_path / "data", partitions=1)
    lines = Path(paths[0]).read_bytes().splitlines(keepends=True)
    expected = list(lint_records(lines, file=paths[0]))
    assert list(lint_records([kind(line) for line in lines], file=paths[0])) == expected
    # and after a first record of another bytes-like kind
    mixed = [lines[0], *(kind(line) for line in lines[1:])]
    assert list(lint_records(mixed, file=paths[0])) == expected


def lint_bytes_empty() -> list[wanspec.Diagnostic]:
    from wanspec.lint.run import lint_bytes

    return lint_bytes("x.jsonl", b"").diagnostics


def test_records_are_consumed_lazily():
    seen = []

    def lines():
        for i in range(2000):
            seen.append(i)
            yield json.dumps(BAD)

    first = next(lint_records(lines()))
    assert first.task == 0
    assert len(seen) < 1000  # one batch, not the whole stream


def _example() -> Any:
    spec = importlib.util.spec_from_file_location("lint_dask", ROOT / "examples" / "distributed" / "lint_dask.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dask_example_matches_the_cli(tmp_path: Path, run_cli: Any):
    pytest.importorskip("distributed")
    from dask.distributed import LocalCluster

    paths = _write_dataset(tmp_path / "data", partitions=4, lines=60)
    out = tmp_path / "findings.jsonl"
    example = _example()
    # one worker thread: the parser's duplicate-key hooks are per process, not per thread
    with LocalCluster(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        code = example.main([str(tmp_path / "data"), "--scheduler", cluster.scheduler_address, "--out", str(out)])
    cli = run_cli("lint", "--format", "json-lines", "-j", "1", *paths)
    assert (code, out.read_text(encoding="utf-8")) == (cli.exit_code, cli.stdout)
    assert cli.stdout.count("\n") > 50


def test_ray_example_matches_the_cli(tmp_path: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("ray")  # not in the test extra: Ray is large and slow to start (docs/performance.md)
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "distributed"))
    import lint_ray

    paths = _write_dataset(tmp_path / "data", partitions=3, lines=40)
    out = tmp_path / "findings.jsonl"
    code = lint_ray.main([str(tmp_path / "data"), "--out", str(out)])
    cli = run_cli("lint", "--format", "json-lines", "-j", "1", *paths)
    assert (code, out.read_text(encoding="utf-8")) == (cli.exit_code, cli.stdout)
