"""The forked workers of a parallel lint: results in order, and no unit of work lost,
whatever a worker or the parent goes through."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import FLASH_TASK

from wanspec.errors import WorkerError
from wanspec.lint import forks
from wanspec.lint import parallel as _parallel

pytestmark = pytest.mark.skipif(not _parallel.can_fork(), reason="needs fork")


def _no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.mark.parametrize(("count", "jobs"), [(0, 2), (1, 2), (2, 5), (37, 2), (200, 3)])
def test_results_come_in_order_however_long_each_unit_takes(count, jobs):
    delays = [random.Random(i).random() / 500 for i in range(count)]

    def unit(i: int) -> tuple[int, int]:
        time.sleep(delays[i])  # later units often finish first
        return i, os.getpid()

    results = list(forks.imap(unit, count, jobs))
    assert [i for i, _ in results] == list(range(count))
    assert os.getpid() not in {pid for _, pid in results}  # computed by the children
    if count >= 37:
        assert len({pid for _, pid in results}) == jobs  # every child took a share
    assert _no_children_left()


def test_results_larger_than_a_pipe_arrive_whole():
    big = [("x" * 300_000) + str(i) for i in range(6)]
    assert list(forks.imap(lambda i: big[i], 6, 2)) == big


def test_a_unit_that_raises_stops_the_run_and_says_which():
    def unit(i: int) -> int:
        if i == 7:
            raise ValueError("no such thing")
        return i

    with pytest.raises(WorkerError, match=r"unit 7 of 20: ValueError: no such thing"):
        list(forks.imap(unit, 20, 2))
    assert _no_children_left()


def test_a_worker_killed_mid_run_stops_the_run_instead_of_leaving_a_gap():
    def unit(i: int) -> int:
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
        return i

    seen = []
    with pytest.raises(WorkerError, match="killed by signal 9"):
        for value in forks.imap(unit, 40, 2):
            seen.append(value)
    assert seen == list(range(len(seen))) and len(seen) <= 5  # nothing after the gap
    assert _no_children_left()


def test_leaving_early_kills_and_reaps_every_worker():
    def unit(i: int) -> int:
        time.sleep(0.05)
        return i

    started = time.monotonic()
    results = forks.imap(unit, 1000, 2)
    assert [next(results), next(results)] == [0, 1]
    results.close()
    assert _no_children_left()
    assert time.monotonic() - started < 5  # not 1,000 x 50 ms


SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from wanspec.lint import forks

    def unit(i):
        if i == 0:
            with open(sys.argv[1], "a") as f:
                f.write(f"{os.getpid()}\\n")
        time.sleep(0.05)
        return os.getpid()

    for pid in forks.imap(unit, 100000, 2):
        with open(sys.argv[1], "a") as f:
            f.write(f"{pid}\\n")
    """
)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status  # a zombie has exited (its new parent reaps it)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_workers_do_not_outlive_a_parent_that_is_killed(tmp_path, signum):
    pids = tmp_path / "pids"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, str(pids)], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(set(_read(pids)) - {parent.pid}) < 2:
        time.sleep(0.02)
    children = set(_read(pids)) - {parent.pid}
    assert len(children) == 2, children
    parent.send_signal(signum)  # only the parent: as `kill PID` or a CI runner's cancel
    parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.02)
    assert not [pid for pid in children if _alive(pid)]


def _read(path: Path) -> list[int]:
    try:
        return [int(line) for line in path.read_text().split()]
    except (FileNotFoundError, ValueError):
        return []


def test_a_worker_that_dies_makes_the_lint_exit_2_not_pass(run_cli, tmp_path, monkeypatch):
    for i in range(40):
        (tmp_path / f"p{i:02}.json").write_text(json.dumps(FLASH_TASK))
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_SECONDS", 0)
    monkeypatch.setattr(_parallel, "MIN_BATCH_FILES", 4)
    linted = _parallel._lint_files

    def dying(files, options):
        if files.first >= 20:
            os.kill(os.getpid(), signal.SIGKILL)
        return linted(files, options)

    monkeypatch.setattr(_parallel, "_lint_files", dying)
    run = run_cli("lint", "--format", "json", "-j", "2", str(tmp_path))
    assert run.exit_code == 2
    assert "worker process was killed by signal 9" in run.stderr and "incomplete" in run.stderr
    assert '"files": 40' not in run.stdout  # no summary that counts the unlinted files
    assert _no_children_left()
