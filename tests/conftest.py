"""Shared fixtures: the CLI run in-process, and paths to test data."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from wanspec.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DOC_EXAMPLES = DATA / "doc_examples"
GOLDEN = ROOT / "tests" / "examples"

#: A clean Wan2.6 Flash image-to-video task; tests change one thing at a time.
FLASH_TASK: dict[str, Any] = {
    "taskType": "videoInference",
    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "A paper boat drifts down a rain gutter",
    "inputs": {"frameImages": ["https://example.com/boat.jpg"]},
    "resolution": "720p",
    "duration": 5,
}


def messy_corpus(tmp_path_factory: Any, lines: int) -> list[bytes]:
    """``lines`` JSON Lines lines of the benchmark's messy corpus (benchmarks/gen_corpus.py:
    long prompts, inline media, findings of every kind), each with its line feed."""
    import subprocess

    out = tmp_path_factory.mktemp("messy")
    gen = [sys.executable, str(ROOT / "benchmarks" / "gen_corpus.py"), "--profile", "messy", "--files", "1"]
    subprocess.run([*gen, "--jsonl-lines", str(lines), "--out", str(out)], check=True, capture_output=True)
    return (out / "all.jsonl").read_bytes().splitlines(keepends=True)


# A crash prints its traceback in every run the tests start (in-process or not), so each
# "no traceback" assertion also catches a bug that the one exit path turned into exit 2.
os.environ["WANSPEC_TRACEBACK"] = "1"

settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# long robustness runs (tests/README.md): WANSPEC_HYPOTHESIS_PROFILE=fuzz pytest tests/test_fuzz.py
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("WANSPEC_HYPOTHESIS_PROFILE", "default"))


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def __str__(self) -> str:  # shown when an assertion about a run fails
        return f"exit={self.exit_code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


RunCli = Callable[..., Run]


def nesting_depths_near_the_limit(margin: int = 60, step: int = 1) -> range:
    """Nesting depths on both sides of where the JSON scanner stops reading: just under
    Python's recursion limit on 3.11 (the scanner spends that budget one level at a time),
    near the interpreter's own C recursion limit on 3.12 and later (``setrecursionlimit``
    no longer reaches it). Found by reading from here, and widened to take in the
    recursion limit itself, where a read on a fresh stack stops on 3.11."""
    lo, hi = 1, 1 << 17  # reads ``lo`` levels; not ``hi``
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            json.loads("[" * mid + "]" * mid)
            lo = mid
        except RecursionError:
            hi = mid
    return range(lo - margin, max(lo, sys.getrecursionlimit()) + margin, step)


def git_env(pre_commit_home: Path) -> dict[str, str]:
    """A git and pre-commit environment that reads no user or system configuration."""
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }


@pytest.fixture
def run_cli() -> RunCli:
    """Run ``wanspec ARGS`` in-process; a crash fails the test (unless ``crash_ok``), with its traceback."""

    def run(
        *args: str, input: bytes | str | None = None, env: dict[str, str] | None = None, crash_ok: bool = False
    ) -> Run:
        runner = CliRunner()
        result = runner.invoke(cli, list(args), input=input, env=env, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        run = Run(result.exit_code, result.stdout, result.stderr)
        if not crash_ok and "wanspec: internal error" in run.stderr:
            pytest.fail(f"wanspec crashed:\n{run}", pytrace=False)
        return run

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a payload file (an object is dumped as JSON; str/bytes are written as is)."""

    def _write(name: str, content: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

    return _write


_HTTP_CONNECTION = __import__("http.client").client.HTTPConnection


@pytest.fixture(autouse=True)
def _no_vcr_patch_outlives_its_test():
    """A test that leaves vcrpy's stubs installed (an unclosed cassette) makes later tests talk to a
    recorder instead of the network stack; fail the test that leaked, not the one that suffers."""
    import http.client

    yield
    leaked = http.client.HTTPConnection is not _HTTP_CONNECTION
    http.client.HTTPConnection = _HTTP_CONNECTION
    assert not leaked, "this test left vcrpy's http.client patches installed (a cassette never closed)"
