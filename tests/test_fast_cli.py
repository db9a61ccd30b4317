"""The console script's click-free front for ``wanspec lint`` (wanspec/cli/fast.py).

It must build exactly the settings click builds, hand everything else to click, and keep
click out of the process on the lint path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import FLASH_TASK

from wanspec.cli import fast
from wanspec.cli import main as click_main
from wanspec.cli.commands import LintSettings

# click's parameter name -> LintSettings field (the callback renames a few)
_FIELD = {"fmt": "format", "no_progress": "progress"}


def test_option_table_matches_clicks_lint_command():
    command = click_main.cli.commands["lint"]
    clicks: dict[str, str] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                clicks[name] = _FIELD.get(param.name or "", param.name or "")
    clicks.pop("--help", None)
    assert {name: dest for name, (dest, _) in fast.OPTIONS.items()} == clicks
    choices = {
        name: tuple(p.type.choices) for p in command.params if isinstance(p.type, click.Choice) for name in p.opts
    }
    for name, values in choices.items():
        assert fast.OPTIONS[name][1] == values


def _clicks_settings(args: list[str], monkeypatch: pytest.MonkeyPatch) -> LintSettings:
    seen: list[LintSettings] = []
    monkeypatch.setattr(click_main, "execute_lint", lambda settings, io: seen.append(settings) or 0)
    with pytest.raises(SystemExit):
        click_main.cli.main(["lint", *args], prog_name="wanspec")
    return seen[0]


PLAIN = [
    [],
    ["a.json"],
    ["--show-source", "a.json"],
    ["--output-format", "full", "a.json"],
    ["--output-format=concise", "--show-source", "a.json"],
    ["--no-respect-gitignore", "-v", "--force-exclude", "--show-fixes", "--fix", "a.json"],
    ["a.json", "-", "dir"],
    ["--format", "json", "a.json"],
    ["--format=sarif", "a.json", "--select", "WS1,WS2", "--select", "WS3"],
    ["-j", "1", "a.jsonl"],
    ["-j2", "a.jsonl"],
    ["--jobs=0", "a.jsonl"],
    ["--ignore", "WS701", "--extend-select", "WS9", "--engine", "reference", "x"],
    ["--color", "--no-color", "x"],
    ["--no-color", "--statistics", "--exit-zero", "--fail-on", "warning", "x"],
    ["--isolated", "--no-progress", "--config", "cfg.toml", "x"],
    ["--no-config", "--baseline", "b.json", "--write-baseline", "x"],
    ["--fix", "--diff", "--schema", "runware/alibaba-wan-2.6-flash", "x"],
    ["--schema=", "x"],
    ["x", "--", "--format", "-j"],
    ["--format", "text", "--format", "json", "x"],
]


@pytest.mark.parametrize("args", PLAIN, ids=lambda a: " ".join(a) or "(none)")
def test_same_settings_as_click(args: list[str], monkeypatch: pytest.MonkeyPatch):
    fields = fast.parse_lint(args)
    assert fields is not None
    assert LintSettings(**fields) == _clicks_settings(args, monkeypatch)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        ["--bogus", "x"],
        ["--format", "xml", "x"],
        ["--format"],
        ["-j", "two", "x"],
        ["-j", "-1", "x"],
        ["--fix=yes", "x"],
        ["--select", "-x"],
        ["-jx"],
    ],
)
def test_anything_unusual_goes_to_click(args: list[str]):
    assert fast.parse_lint(args) is None


def _run(*argv: str, cwd: Path, probe: bool = False, buffered: bool = False) -> subprocess.CompletedProcess[str]:
    code = "import sys; from wanspec.cli.fast import main; sys.argv = ['wanspec', *sys.argv[1:]]; "
    if probe:  # say, at exit, whether click was imported (and, leaving by os._exit, what exit handlers wait)
        code += (
            "import atexit, os\n"
            "def probe(how):\n"
            "    sys.stderr.write(how + 'click:' + str('click' in sys.modules)"
            " + ' pool:' + str('wanspec.lint.parallel' in sys.modules)"
            " + ' threads:' + str('threading' in sys.modules))\n"
            "    sys.stderr.flush()\n"
            "atexit.register(probe, 'handlers:0 ')\n"
            "leave = os._exit\n"
            "os._exit = lambda code: (probe(f'handlers:{atexit._ncallbacks() - 1} '), leave(code))\n"
        )
    env = {k: v for k, v in os.environ.items() if not (buffered and k == "PYTHONUNBUFFERED")}
    return subprocess.run(
        [sys.executable, "-c", code + "main()", *argv], cwd=cwd, capture_output=True, text=True, check=False, env=env
    )


def test_lint_runs_without_click_and_prints_what_click_prints(tmp_path: Path, run_cli: Any):
    bad = dict(FLASH_TASK, duration=40, extra=1)
    (tmp_path / "bad.json").write_text(json.dumps(bad, indent=2))
    (tmp_path / "good.json").write_text(json.dumps(FLASH_TASK))
    one = _run("lint", "good.json", cwd=tmp_path, probe=True)
    # the pre-commit case: no click, no pool, no threading (0.8 ms; only a read that ran out of stack needs it)
    assert one.stderr.endswith("handlers:0 click:False pool:False threads:False"), one.stderr
    for fmt in ("text", "json"):
        args = ("lint", "--format", fmt, "--no-color", "bad.json", "good.json")
        proc = _run(*args, cwd=tmp_path, probe=True)
        assert "click:False" in proc.stderr, proc.stderr
        here = os.getcwd()
        os.chdir(tmp_path)
        try:
            expected = run_cli(*args)
        finally:
            os.chdir(here)
        assert (proc.returncode, proc.stdout) == (expected.exit_code, expected.stdout) == (1, expected.stdout)
        assert "WS" in proc.stdout


def test_other_command_lines_reach_click(tmp_path: Path):
    proc = _run("lint", "--bogus", cwd=tmp_path)
    assert proc.returncode == 2 and "No such option" in proc.stderr
    proc = _run("--version", cwd=tmp_path)
    assert proc.returncode == 0 and "wanspec" in proc.stdout
    proc = _run("explain", "WS401", cwd=tmp_path)
    assert proc.returncode == 0 and "WS401" in proc.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_leaving_without_teardown_loses_no_byte_of_a_long_report(tmp_path: Path, jobs: str):
    """The lint path leaves by ``os._exit`` once the report is flushed: nothing may wait in a
    buffer or an exit handler. 6,000 findings through a pipe and into a file, serial and on
    forked workers (the file is large enough to be cut), arrive whole."""
    from wanspec.lint.parallel import MIN_PARALLEL_BYTES

    line = json.dumps(dict(FLASH_TASK, duration=40, positivePrompt="p" * 200)) + "\n"
    (tmp_path / "big.jsonl").write_text(line * 6000)
    assert (tmp_path / "big.jsonl").stat().st_size > MIN_PARALLEL_BYTES
    args = ("lint", "--format", "json", "-j", jobs, "big.jsonl", "clean.json")
    (tmp_path / "clean.json").write_text(json.dumps(FLASH_TASK))
    piped = _run(*args, cwd=tmp_path, probe=True, buffered=True)  # as users run it: stdout block-buffered
    assert piped.returncode == 1
    assert len(json.loads(piped.stdout)["diagnostics"]) == 6000
    assert "handlers:0 " in piped.stderr, piped.stderr
    assert ("pool:True" if jobs == "2" else "pool:False") in piped.stderr
    code = "import sys; from wanspec.cli.fast import main; sys.argv = ['wanspec', *sys.argv[1:]]; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open(tmp_path / "report.json", "w") as out:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, stdout=out, check=False, env=env)
    assert done.returncode == 1
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["errors"] == 6000
