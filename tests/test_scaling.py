"""Cost is linear in input and findings: ratios between sizes, never absolute times.

Each case is measured at N and 4N (one finding per task, the worst case for positions):
linear growth costs about 4x, the quadratic position lookups this guards against cost
16x. The time bound is under 8x, on the best of three runs of this process's CPU time,
so another process on the machine does not decide the verdict. The memory bound is a
peak traced allocation under 6x. Both leave room for noise while failing clearly on
anything quadratic. One subprocess checks the absolute memory of the Runware-sized case:
an 8,000-task array under 200 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from conftest import FLASH_TASK, ROOT

from wanspec.contract._cassette import parse_cassette
from wanspec.contract.checks.verify import CassetteVerifier
from wanspec.lint.run import LintOptions, lint_bytes
from wanspec.project.fix import fix_bytes

BAD = {**FLASH_TASK, "duration": 40}  # one finding (WS500) per task


def _bad(n: int) -> list[dict[str, object]]:
    """``n`` tasks with one finding each; each its own taskUUID (a batch may not repeat one)."""
    return [{**BAD, "taskUUID": str(uuid.UUID(int=i, version=4))} for i in range(n)]


def _array(n: int) -> bytes:
    return json.dumps(_bad(n), indent=2).encode()


def _jsonl(n: int) -> bytes:
    return ("\n".join(json.dumps(task) for task in _bad(n)) + "\n").encode()


def _ints(n: int) -> bytes:
    return json.dumps(list(range(n))).encode()


def _cassette(n: int) -> str:
    """One real recording (submit, poll, result) repeated ``n`` times: 3n exchanges."""
    text = (ROOT / "cassettes" / "runware" / "wan2.6-moonlit-lantern-market-chase.yaml").read_text(encoding="utf-8")
    head, rest = text.split("interactions:\n", 1)
    interactions, tail = rest.split("\nversion:", 1)
    return head + "interactions:\n" + (interactions + "\n") * n + "version:" + tail


def _lint(name: str, make: Callable[[int], bytes]) -> Callable[[int], Callable[[], object]]:
    def prepare(n: int) -> Callable[[], object]:
        data = make(n)
        return lambda: lint_bytes(name, data)

    return prepare


def _verify(n: int) -> Callable[[], object]:
    text = _cassette(n)

    def run() -> object:
        verifier = CassetteVerifier(lambda d: None)
        verifier.verify(parse_cassette(text, "scaled.yaml"))
        return verifier.result

    return run


def _fix(n: int) -> Callable[[], object]:
    """``--fix`` on an array with one numeric string a task: n edits in one file."""
    data = json.dumps([{**task, "duration": "40"} for task in _bad(n)], indent=2).encode()

    def run() -> object:
        outcome = fix_bytes("tasks.json", data, LintOptions())
        assert outcome.applied == n
        return outcome.after

    return run


CASES = {
    "array-of-tasks": (_lint("tasks.json", _array), 1000),
    "jsonl": (_lint("tasks.jsonl", _jsonl), 1000),
    "array-of-ints": (_lint("ints.json", _ints), 8000),
    "cassette": (_verify, 40),
    "fix": (_fix, 500),
}


def _best_time(run: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()  # this process's CPU time: other processes on the machine do not count
        run()
        best = min(best, time.process_time() - start)
    return best


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", sorted(CASES))
def test_four_times_the_input_costs_about_four_times(case):
    prepare, n = CASES[case]
    small, large = prepare(n), prepare(4 * n)
    small()  # schemas compiled, caches warm: measure the work, not the first call
    result: Any = large()
    assert result.errors > 0 or case == "cassette"  # one finding a task (a clean recording has none)
    ratio = _best_time(large) / _best_time(small)
    assert ratio < 8, f"{case}: 4x the input took {ratio:.1f}x the time (linear ~4x, quadratic ~16x)"
    memory = _peak(large) / _peak(small)
    assert memory < 6, f"{case}: 4x the input took {memory:.1f}x the memory"


def test_positions_are_right_in_the_large_array():
    result = lint_bytes("tasks.json", _array(3000))
    lines = [d.line for d in result.diagnostics]
    per_task = json.dumps(_bad(2), indent=2).count("\n") - json.dumps(_bad(1), indent=2).count("\n")
    first = lines[0]
    assert lines == [first + i * per_task for i in range(3000)]
    assert [d.task for d in result.diagnostics] == list(range(3000))


PEAK_SCRIPT = """
import json, uuid
from wanspec.lint.run import LintOptions, lint_bytes
from wanspec.project.fix import fix_bytes
bad = {task}
tasks = [dict(bad, taskUUID=str(uuid.UUID(int=i, version=4))) for i in range(8000)]
data = json.dumps(tasks, indent=2).encode()
result = lint_bytes("tasks.json", data)
assert result.errors == 8000, result.errors
# VmHWM: this program's own peak (ru_maxrss would include the forking parent's)
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")
def test_eight_thousand_task_array_stays_under_200_mb():
    script = PEAK_SCRIPT.format(task=repr(BAD))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    peak_mb = int(done.stdout.strip()) / 1024  # kB
    assert peak_mb < 200, f"peak resident memory {peak_mb:.0f} MB"


@pytest.mark.parametrize("how", ["named", "walked"])
def test_each_file_is_stat_ed_once_opened_once_and_read_once(run_cli, tmp_path, monkeypatch, how):
    """Per-file system calls are per-file cost: pre-commit names hundreds of files, CI walks
    thousands. Discovery's stat is the only one (planning reuses its size), and the file is
    opened, fstat'ed and read once; the ignore files above are read once per directory."""
    import builtins
    import os

    (tmp_path / ".git").mkdir()  # a repository, so the ignore files above each file are consulted
    (tmp_path / ".gitignore").write_text("*.log\n")
    files = []
    for d in range(3):
        (tmp_path / f"d{d}").mkdir()
        for i in range(20):
            path = tmp_path / f"d{d}" / f"t{i:02}.json"
            path.write_text(json.dumps(FLASH_TASK))
            files.append(str(path))
    calls: dict[str, list[object]] = {"stat": [], "open": [], "fstat": [], "read": []}

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(target: object, *args: object, **kwargs: object) -> Any:
            calls[name].append(os.fspath(target) if isinstance(target, (str, os.PathLike)) else target)
            return real(target, *args, **kwargs)

        return call

    real_open = builtins.open
    monkeypatch.setattr(os, "stat", counting("stat", os.stat))
    monkeypatch.setattr(os, "open", counting("open", os.open))
    monkeypatch.setattr(os, "fstat", counting("fstat", os.fstat))
    monkeypatch.setattr(os, "read", counting("read", os.read))
    monkeypatch.setattr(builtins, "open", counting("open", real_open))
    from wanspec.project import discovery

    repositories: list[str] = []  # the search for the work tree and the ignore files above
    real_layers = discovery.repository_layers
    monkeypatch.setattr(discovery, "repository_layers", lambda start: repositories.append(start) or real_layers(start))
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", "--format", "json", *(files if how == "named" else ["."]))
    assert len(repositories) == (3 if how == "named" else 1), repositories  # once per directory
    assert run.exit_code == 0, run
    assert run.json()["summary"]["files"] == len(files)
    per_file = {f: {"stat": 0, "open": 0} for f in files}
    for name in ("stat", "open"):
        for target in calls[name]:
            full = os.path.abspath(str(target)) if isinstance(target, str) else None
            if full in per_file:
                per_file[full][name] += 1
    # Walked files are stat'ed through their directory entry (os.stat does not see it), and
    # opened twice: once to tell a payload from package.json, once to lint it (the cost
    # docs/performance.md gives for the payload check).
    expected = {"stat": 1, "open": 1} if how == "named" else {"stat": 0, "open": 2}
    assert all(c == expected for c in per_file.values()), per_file
    # one fstat and one read a time a file is opened, and a few for the ignore files and
    # configs consulted once per directory
    assert len(calls["fstat"]) <= len(files) * expected["open"] + 10
    assert len(calls["read"]) <= len(files) * expected["open"] + 10


def test_marking_fixable_findings_in_json_lines_keeps_memory_flat(tmp_path):
    """Every line has a finding ``--fix`` repairs (a number sent as a string), so every
    finding asks whether it is fixable. The answer looks at the line the linter holds, not
    the file: eight times the lines may not cost eight times the memory (it cost 64 MB more
    at 20,000 lines when the whole file was read and indexed)."""
    from wanspec import ProjectSettings, lint_project

    def peak(n: int) -> int:
        path = tmp_path / f"tasks-{n}.jsonl"
        tasks = [{**task, "duration": "40", "positivePrompt": "p" * 1000} for task in _bad(n)]
        path.write_text("".join(json.dumps(t) + "\n" for t in tasks))
        marked = [0]  # a count: a list of answers would itself grow with the lines

        def sink(d: object) -> None:
            marked[0] += bool(getattr(d, "fixable", False))

        settings = ProjectSettings(paths=(str(path),), jobs=1, isolated=True)
        tracemalloc.start()
        try:
            run = lint_project(settings, sink=sink)
            size = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert run.result.fixable == n == marked[0], (n, run.result.fixable)
        return size

    # caches filled on first use (the schema's, the engine's) are warmed first; what stays is
    # about 20 KB that moves by up to 20 KB from run to run (interpreter caches, a dict's
    # growth), hence the slack. Eight times the lines: a leak of 16 bytes a line shows.
    peak(50)
    small, large = peak(500), peak(4000)
    assert large < 1.5 * small + 32 * 1024, (small, large)
