"""Operator comforts on ``wanspec lint``: --statistics, --exit-zero, --fail-on, the progress bar."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from conftest import FLASH_TASK, ROOT

from wanspec.cli import _progress
from wanspec.cli.commands import LintSettings, Streams, execute_lint
from wanspec.reporters import FORMATS

ERRORS_AND_WARNING = [
    {**FLASH_TASK, "duration": 40},
    {**FLASH_TASK, "duration": 41, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a61"},
    {**FLASH_TASK, "width": 1280, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a62"},
    {**FLASH_TASK, "resolution": "4k", "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a63"},
]


@pytest.fixture
def findings(write):
    return str(write("batch.json", ERRORS_AND_WARNING))


# -- --statistics -------------------------------------------------------------------------------
def test_statistics_count_every_code_sorted_by_count_then_code(run_cli, findings):
    codes = Counter(d["code"] for d in run_cli("lint", "--format", "json", findings).json()["diagnostics"])
    run = run_cli("lint", "--statistics", findings)
    assert run.exit_code == 1
    rows = [line.split("\t") for line in run.stdout.splitlines()]
    assert [(int(n), code) for n, code, _ in rows] == sorted(
        ((n, c) for c, n in codes.items()), key=lambda r: (-r[0], r[1])
    )
    assert rows[0][:2] == ["2", "WS500"] and rows[0][2] == "duration"


def test_statistics_as_json(run_cli, findings):
    run = run_cli("lint", "--statistics", "--format", "json", findings)
    rows = run.json()
    assert rows[0] == {"code": "WS500", "name": "duration", "count": 2}
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)


def test_statistics_respect_selection_and_print_nothing_when_clean(run_cli, findings, write):
    run = run_cli("lint", "--statistics", "--select", "WS5", findings)
    assert run.stdout == "2\tWS500\tduration\n"
    clean = run_cli("lint", "--statistics", str(write("ok.json", FLASH_TASK)))
    assert (clean.exit_code, clean.stdout) == (0, "")
    assert run_cli("lint", "--statistics", "--format", "json", str(write("ok.json", FLASH_TASK))).json() == []


def test_statistics_colour_follows_the_usual_rules(run_cli, findings):
    assert "\x1b[" in run_cli("lint", "--statistics", "--color", findings).stdout
    assert "\x1b[" not in run_cli("lint", "--statistics", "--color", findings, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in run_cli("lint", "--statistics", findings).stdout


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in ("text", "json")])
def test_statistics_with_other_formats_is_a_usage_error(run_cli, findings, fmt):
    run = run_cli("lint", "--statistics", "--format", fmt, findings)
    assert (run.exit_code, run.stdout) == (2, "")
    assert "--statistics" in run.stderr


# -- exit status --------------------------------------------------------------------------------
#: retargetPose in replace mode: a documented no-op, so a warning and nothing else
WARNING_ONLY = json.loads((ROOT / "examples" / "runware" / "wan22-animate.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("payload", "flags", "status"),
    [
        ("clean", (), 0),
        ("clean", ("--fail-on", "warning"), 0),
        ("warning", (), 0),
        ("warning", ("--fail-on", "error"), 0),
        ("warning", ("--fail-on", "warning"), 1),
        ("warning", ("--fail-on", "warning", "--exit-zero"), 0),
        ("error", (), 1),
        ("error", ("--fail-on", "warning"), 1),
        ("error", ("--exit-zero",), 0),
        ("missing", ("--exit-zero",), 2),
        ("unreadable", ("--exit-zero",), 2),
    ],
)
def test_exit_status(run_cli, write, tmp_path, payload, flags, status):
    if payload == "missing":
        path = str(tmp_path / "missing.json")
    elif payload == "unreadable":
        (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
        path = str(tmp_path / "gone.json")
    else:
        path = str(
            write(
                f"{payload}.json", {"clean": FLASH_TASK, "warning": WARNING_ONLY, "error": ERRORS_AND_WARNING}[payload]
            )
        )
    run = run_cli("lint", *flags, path)
    assert run.exit_code == status, run


def test_the_warning_payload_really_has_only_warnings(run_cli, write):
    rows = run_cli("lint", "--format", "json", str(write("w.json", WARNING_ONLY))).json()["diagnostics"]
    assert rows and {r["severity"] for r in rows} == {"warning"}


def test_exit_zero_still_reports(run_cli, findings):
    run = run_cli("lint", "--exit-zero", findings)
    assert run.exit_code == 0 and "WS500" in run.stdout


def test_fail_on_rejects_other_values(run_cli, findings):
    run = run_cli("lint", "--fail-on", "info", findings)
    assert run.exit_code == 2 and "--fail-on" in run.stderr


# -- the progress bar ---------------------------------------------------------------------------
class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("tty", "env", "enabled", "shown"),
    [
        (True, {}, True, True),
        (False, {}, True, False),  # a pipe or a file
        (True, {"CI": "true"}, True, False),  # CI logs
        (True, {"CI": "1"}, True, False),
        (True, {"CI": "false"}, True, True),
        (True, {"TERM": "dumb"}, True, False),
        (True, {}, False, False),  # --no-progress
    ],
)
def test_progress_only_on_a_terminal_outside_ci(tty, env, enabled, shown):
    stream = FakeTTY() if tty else io.StringIO()
    assert _progress.wants_progress(enabled, stream, env) is shown


def test_progress_waits_then_redraws_in_place_at_most_every_interval():
    stream, clock = FakeTTY(), Clock()
    bar = _progress.ProgressBar(stream, clock=clock, delay=0.5, interval=0.1)
    bar.started(["a.jsonl", "b.json"], 2000)
    bar.file("a.jsonl")
    bar.advanced(500)
    assert stream.getvalue() == ""  # a quick run never shows a bar
    clock.now = 0.6
    bar.advanced(500)
    assert stream.getvalue().startswith("\r[") and " 50% 1/2 files" in stream.getvalue()
    drawn = stream.getvalue()
    clock.now = 0.65
    bar.advanced(10)
    assert stream.getvalue() == drawn  # throttled
    clock.now = 0.8
    bar.file("b.json")
    assert stream.getvalue().count("\r") == 2 and "2/2 files" in stream.getvalue()
    width = bar.shown
    bar.clear()
    assert stream.getvalue().endswith("\r" + " " * width + "\r") and bar.shown == 0


def test_progress_without_a_known_size_counts_files():
    stream, clock = FakeTTY(), Clock()
    bar = _progress.ProgressBar(stream, clock=clock, delay=0)
    bar.started(["-"], 0)
    bar.file("<stdin>")
    assert "linting 1/1 files" in stream.getvalue()


def _immediate_bar():
    original = _progress.ProgressBar.__init__

    def immediate(self, stream, **kw):  # draw from the first event, redraw on every one
        original(self, stream, delay=0, interval=0)

    return immediate


def _lint_on_a_terminal(paths, env, monkeypatch, **settings):
    monkeypatch.setattr(_progress.ProgressBar, "__init__", _immediate_bar())
    out, err = FakeTTY(), FakeTTY()
    status = execute_lint(LintSettings(tuple(paths), jobs=1, **settings), Streams(out, err, None, env))
    return status, out.getvalue(), err.getvalue()


def test_progress_bar_through_execute_lint_never_mixes_into_findings(write, monkeypatch):
    lines = "\n".join(json.dumps({**FLASH_TASK, "duration": 40 if i % 100 == 0 else 5}) for i in range(2000))
    path = str(write("big.jsonl", lines + "\n"))
    status, out, err = _lint_on_a_terminal([path], {}, monkeypatch)
    assert status == 1
    assert "\r" not in out and out.count("WS500") == 20
    assert err.count("\r[") >= 4  # redrawn as the file advances (every 512 tasks)
    assert "100%" in err
    assert err.endswith("\r")  # wiped at the end: the terminal is left clean


@pytest.mark.parametrize(
    ("env", "settings"),
    [({"CI": "true"}, {}), ({}, {"progress": False})],
)
def test_no_progress_bar_in_ci_or_when_turned_off(write, monkeypatch, env, settings):
    path = str(write("a.jsonl", json.dumps(FLASH_TASK) + "\n"))
    status, _, err = _lint_on_a_terminal([path], env, monkeypatch, **settings)
    assert (status, err) == (0, "")


def test_progress_bar_is_wiped_before_each_finding_on_a_shared_terminal(write, monkeypatch):
    lines = "\n".join(json.dumps({**FLASH_TASK, "duration": 40 if i % 600 == 599 else 5}) for i in range(2400))
    path = str(write("big.jsonl", lines + "\n"))
    monkeypatch.setattr(_progress.ProgressBar, "__init__", _immediate_bar())
    terminal = FakeTTY()  # stdout and stderr on one screen, as in an interactive shell
    status = execute_lint(LintSettings((path,), colour=False, jobs=1), Streams(terminal, terminal, None, {}))
    assert status == 1
    screen = terminal.getvalue()
    findings = [line for line in screen.split("\n") if "WS500" in line]
    assert len(findings) == 4
    for line in findings:
        *before, visible = line.split("\r")
        assert visible.startswith(path)  # the finding starts at column 0 ...
        assert before and before[-1].strip() == ""  # ... right after the bar was blanked


@pytest.mark.parametrize("args", [{"statistics": True}, {}])
def test_progress_bar_is_not_wiped_for_findings_that_go_elsewhere(write, monkeypatch, args):
    lines = "\n".join(json.dumps({**FLASH_TASK, "duration": 40 if i % 10 == 0 else 5}) for i in range(2000))
    path = str(write("big.jsonl", lines + "\n"))
    monkeypatch.setattr(_progress.ProgressBar, "__init__", _immediate_bar())
    out, err = io.StringIO(), FakeTTY()  # stdout into a file or pipe, the bar on the terminal
    assert execute_lint(LintSettings((path,), jobs=1, **args), Streams(out, err, None, {})) == 1
    wipes = err.getvalue().count("\r" + " ")
    assert wipes == 1  # only at the end, however many findings (200) went to stdout


def test_no_progress_bar_through_the_cli(run_cli, findings):
    # CliRunner's stderr is not a terminal: nothing but findings
    run = run_cli("lint", findings)
    assert run.stderr == ""
