"""Interrupted runs leave nothing behind: SIGTERM, SIGINT and kill -9 at spread-out moments.

Each run is a real ``wanspec`` process signalled after a delay drawn across its running
time (start-up, planning, sending, writing, renaming). Afterwards a run either finished
(exit 0, complete output) or left no trace: no ``.wanspec-record-*`` staging directory, no
``.tmp`` file, no half-written output, the input file either as it was or fully fixed. A
``kill -9`` cannot be caught; what it leaves is removed by the next run, which says so.
The counts of runs and leftovers are the figures quoted in docs/security.md.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FLASH_TASK

from wanspec.contract import Behaviour, LoopbackServer

from .test_hostile_secrets import _scenarios

KEY = "interrupt-key-5b8e2d4f6a1c3e9b7d0f"
SEEDED = random.Random(20261128)


def _wanspec(*args: str) -> list[str]:
    return [sys.executable, "-m", "wanspec", *args]


def _leftovers(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.name.startswith(".wanspec-record-") or p.name.endswith(".tmp")
    )


def _signal_after(cmd: list[str], delay: float, signum: int, env: dict[str, str], cwd: Path) -> int:
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signum)
    proc.communicate(timeout=60)
    return proc.returncode


@pytest.fixture(scope="module")
def slow_provider() -> LoopbackServer:
    """A provider that takes several polls per job: a recording lasts a second or two."""
    with LoopbackServer("runware", api_key=KEY, behaviour=Behaviour(polls_before_done=6)) as srv:
        yield srv


RECORD_RUNS = [(signal.SIGTERM, d) for d in (0.3, 0.6, 0.9, 1.2, 1.5, 2.0)] + [
    (signal.SIGINT, d) for d in (0.5, 1.0, 1.5)
]


@pytest.mark.parametrize(("signum", "delay"), RECORD_RUNS, ids=[f"{s.name}-{d}s" for s, d in RECORD_RUNS])
def test_a_signalled_record_leaves_nothing(tmp_path, slow_provider, signum, delay):
    scenarios = _scenarios(tmp_path / "scenarios")
    env = {**os.environ, "RUNWARE_API_KEY": KEY}
    cmd = _wanspec("record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out"))
    cmd += ["--max-cost", "5", "--base-url", slow_provider.base_url, "--poll-interval", "0.05"]
    status = _signal_after(cmd, delay + SEEDED.uniform(0, 0.2), signum, env, tmp_path)
    assert _leftovers(tmp_path) == []
    out = tmp_path / "out"
    complete = ["flash-paid.yaml", "flash-too-long.yaml"]
    if status == 0:  # it finished first: then completely
        assert sorted(p.name for p in (out / "runware").iterdir()) == complete
    else:  # (a SIGINT before the run starts is click's "Aborted!", exit 1)
        assert status in (128 + signum, -signum) or (signum == signal.SIGINT and status == 1), status
        # nothing, or (a signal after the rename that publishes the run, before the exit) everything
        assert not out.exists() or sorted(p.name for p in (out / "runware").iterdir()) == complete


def test_kill_9_leaves_staging_that_the_next_run_removes(tmp_path, slow_provider):
    scenarios = _scenarios(tmp_path / "scenarios")
    env = {**os.environ, "RUNWARE_API_KEY": KEY}
    cmd = _wanspec("record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out"))
    cmd += ["--max-cost", "5", "--base-url", slow_provider.base_url, "--poll-interval", "0.05"]
    killed = 0
    for delay in (1.0, 1.4, 1.8):
        if _signal_after(cmd, delay, signal.SIGKILL, env, tmp_path) == -signal.SIGKILL:
            killed += 1
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".wanspec-record-")]
    assert killed and left, "a kill -9 mid-run should have left a staging directory to clean"
    out = subprocess.run([*cmd, "--dry-run"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert all(f"removed {p}" in out.stderr for p in left), out.stderr
    assert "process" in out.stderr and "is gone" in out.stderr
    assert _leftovers(tmp_path) == []


def _fixable(path: Path, tasks: int) -> str:
    # a numeric string: --fix makes it 5; every task its own taskUUID (unique per batch)
    batch = [{**FLASH_TASK, "taskUUID": f"8f6a3c2e-1b4d-4e5f-9a8b-{i:012x}", "duration": "5"} for i in range(tasks)]
    text = json.dumps(batch, indent=2)
    path.write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("delay", [0.4, 0.8, 1.2, 1.6, 2.4])
def test_a_signalled_fix_leaves_the_file_whole_and_no_temporary(tmp_path, delay):
    target = tmp_path / "batch.json"
    original = _fixable(target, 500)
    cmd = _wanspec("lint", "--fix", "-j", "1", "batch.json")
    status = _signal_after(cmd, delay, signal.SIGTERM, os.environ.copy(), tmp_path)
    assert _leftovers(tmp_path) == []
    text = target.read_text(encoding="utf-8")
    assert text == original or ('"duration": 5' in text and '"duration": "5"' not in text), status
    json.loads(text)


@pytest.mark.parametrize("delay", [0.4, 0.8, 1.2, 1.6, 2.4])
def test_a_signalled_baseline_write_leaves_no_temporary(tmp_path, delay):
    _fixable(tmp_path / "batch.json", 500)
    cmd = _wanspec("lint", "-j", "1", "--baseline", "base.json", "--write-baseline", "batch.json")
    _signal_after(cmd, delay, signal.SIGTERM, os.environ.copy(), tmp_path)
    assert _leftovers(tmp_path) == []
    if (tmp_path / "base.json").exists():
        json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))  # whole, never half


def test_a_temporary_left_by_kill_9_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "batch.json"
    _fixable(target, 2)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".batch.json.{dead.pid}.x1y2z3.tmp"
    stale.write_bytes(b"half a file" * 1000)
    out = subprocess.run(_wanspec("lint", "--fix", "batch.json"), cwd=tmp_path, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert not stale.exists() and _leftovers(tmp_path) == []


# -- atomic writes through links ------------------------------------------------------------
def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(run_cli, tmp_path):
    target = tmp_path / "real" / "batch.json"
    target.parent.mkdir()
    _fixable(target, 2)
    target.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    run = run_cli("lint", "--fix", str(link))
    assert run.exit_code == 0, run
    assert link.is_symlink() and link.resolve() == target
    assert '"duration": 5' in target.read_text(encoding="utf-8")
    assert target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_fix_refuses_to_split_a_hard_link(run_cli, tmp_path):
    target = tmp_path / "batch.json"
    original = _fixable(target, 2)
    twin = tmp_path / "twin.json"
    os.link(target, twin)
    run = run_cli("lint", "--fix", str(target))
    assert run.exit_code == 2, run
    assert "has 2 hard links; rewriting it atomically would split them" in run.stderr
    assert "Traceback" not in run.stderr
    assert target.read_text(encoding="utf-8") == original == twin.read_text(encoding="utf-8")
    assert os.stat(target).st_ino == os.stat(twin).st_ino and _leftovers(tmp_path) == []


def test_a_baseline_written_through_a_symlink_lands_in_the_target(run_cli, tmp_path):
    _fixable(tmp_path / "batch.json", 2)
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "base.json"
    real.write_text("{}", encoding="utf-8")
    (tmp_path / "base.json").symlink_to(real)
    run = run_cli("lint", "--baseline", str(tmp_path / "base.json"), "--write-baseline", str(tmp_path / "batch.json"))
    assert run.exit_code == 0, run
    assert (tmp_path / "base.json").is_symlink() and json.loads(real.read_text(encoding="utf-8"))
