"""Accepting findings on purpose: the baseline file and the config's suppressions."""

from __future__ import annotations

import json
import os
import sys

import pytest
from conftest import FLASH_TASK

BAD = {**FLASH_TASK, "duration": "5", "outputQuality": 10}  # WS112 at /duration, WS114 at /outputQuality
# the same task again in one batch, with its own taskUUID (a repeated one is a finding of its own)
BAD2 = {**BAD, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def put(name: str, content: object, indent: int | None = 2) -> None:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=indent), encoding="utf-8")

    return put


def codes(run) -> list[tuple[str, str]]:
    return [(d["file"], d["code"]) for d in run.json()["diagnostics"]]


# -- baseline -----------------------------------------------------------------------------------
def test_write_baseline_records_todays_findings_sorted_and_counted(run_cli, project, tmp_path):
    project("p/a.json", [BAD, BAD2])  # the same two findings twice: counted, not merged away
    project("p/b.json", BAD)
    run = run_cli("lint", "--baseline", "base.json", "--write-baseline", "p")
    assert run.exit_code == 0, run
    assert "recorded 6 findings (2 files) in base.json" in run.stderr
    assert run.stdout == "Recorded 6 errors and 0 warnings in the baseline base.json.\n", run
    doc = json.loads((tmp_path / "base.json").read_text())
    assert doc["version"] == 1
    assert doc["entries"] == [
        {"file": "p/a.json", "pointer": "/duration", "code": "WS112", "count": 2},
        {"file": "p/a.json", "pointer": "/outputQuality", "code": "WS114", "count": 2},
        {"file": "p/b.json", "pointer": "/duration", "code": "WS112", "count": 1},
        {"file": "p/b.json", "pointer": "/outputQuality", "code": "WS114", "count": 1},
    ]
    before = (tmp_path / "base.json").read_text()
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "p")
    assert (tmp_path / "base.json").read_text() == before  # stable: rewriting changes nothing
    assert not list(tmp_path.glob(".base.json.*"))  # written atomically, no temporary left over


def test_later_runs_report_only_new_findings(run_cli, project):
    project("p/a.json", BAD)
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "p")
    assert run_cli("lint", "--baseline", "base.json", "p").exit_code == 0
    project("p/a.json", {**BAD, "seed": "7"})  # a new numeric string
    run = run_cli("lint", "--format", "json", "--baseline", "base.json", "p")
    assert run.exit_code == 1
    assert [(d["pointer"], d["code"]) for d in run.json()["diagnostics"]] == [("/seed", "WS112")]
    assert run.json()["summary"]["errors"] == 1
    assert "2 findings hidden by the baseline or suppressions" in run.stderr


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="needs a file system that takes any bytes as a name")
def test_a_file_whose_name_is_not_utf8_is_recorded_and_hidden_like_any_other(run_cli, tmp_path, monkeypatch):
    """Linux file names are bytes: ``\\xff\\xfe.json`` reaches Python with its bytes kept as
    surrogates, which UTF-8 cannot encode. Writing the baseline crashed (an internal error,
    no baseline); its entries are now written as JSON escapes, which read back the same."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p").mkdir()
    name = os.fsdecode(b"p/\xff\xfe odd.json")
    with open(os.fsencode(name), "w", encoding="utf-8") as f:
        f.write(json.dumps(BAD))
    wrote = run_cli("lint", "--baseline", "base.json", "--write-baseline", "p")
    assert wrote.exit_code == 0 and "recorded 2 findings" in wrote.stderr, wrote
    json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))  # valid UTF-8 JSON
    again = run_cli("lint", "--baseline", "base.json", "p")
    assert again.exit_code == 0 and "2 findings hidden by the baseline" in again.stderr, again


def test_a_second_identical_finding_is_new(run_cli, project):
    project("a.json", [BAD])
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "a.json")
    project("a.json", [BAD, BAD2])
    run = run_cli("lint", "--format", "json", "--baseline", "base.json", "a.json")
    assert [(d["task"], d["code"]) for d in run.json()["diagnostics"]] == [(1, "WS112"), (1, "WS114")]


def test_the_baseline_survives_reformatting_and_moved_lines(run_cli, project):
    project("a.json", BAD)
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "a.json")
    project("a.json", dict(reversed(list(BAD.items()))), indent=None)  # one line, keys reversed
    run = run_cli("lint", "--baseline", "base.json", "a.json")
    assert run.exit_code == 0, run
    assert "All checks passed" in run.stdout


def test_stale_entries_are_counted_only_for_files_in_the_run(run_cli, project):
    project("a.json", BAD)
    project("b.json", BAD)
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "a.json", "b.json")
    project("a.json", {**BAD, "duration": 5})  # the numeric string was fixed
    run = run_cli("lint", "--baseline", "base.json", "a.json")
    assert run.exit_code == 0
    assert "1 baseline entry matched nothing (fixed since?)" in run.stderr
    # b.json was not linted: its entries are not stale, just not checked this time
    assert "matched nothing" not in run_cli("lint", "--baseline", "base.json", "b.json").stderr


def test_baseline_paths_are_relative_to_the_baseline_file(run_cli, project, tmp_path, monkeypatch):
    project("repo/p/a.json", BAD)
    run_cli("lint", "--baseline", "repo/base.json", "--write-baseline", "repo/p")
    assert json.loads((tmp_path / "repo" / "base.json").read_text())["entries"][0]["file"] == "p/a.json"
    monkeypatch.chdir(tmp_path / "repo" / "p")
    assert run_cli("lint", "--baseline", "../base.json", "a.json").exit_code == 0


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (("--baseline", "none.json"), None, "baseline none.json does not exist; create it with --write-baseline"),
        (("--baseline", "b.json"), "{", "cannot read baseline b.json"),
        (("--baseline", "b.json"), '{"entries": []}', "is not a wanspec baseline"),
        (("--baseline", "b.json"), '{"version": 1, "entries": [{"file": "a"}]}', "entry 0 needs file, pointer"),
        (("--write-baseline",), None, "--write-baseline needs --baseline FILE"),
    ],
)
def test_baseline_mistakes_are_usage_errors(run_cli, project, tmp_path, args, content, message):
    project("a.json", BAD)
    if content is not None:
        project("b.json", content)
    run = run_cli("lint", *args, "a.json")
    assert run.exit_code == 2, run
    assert message in run.stderr and run.stdout == ""


# -- suppressions in the config ---------------------------------------------------------------
SUPPRESS = """
[[suppress]]
file = "p/a.json"
pointer = "/duration"
code = "numeric-string"
reason = "the client coerces it"
"""


def test_a_suppression_hides_exactly_its_finding(run_cli, project):
    project("wanspec.toml", SUPPRESS)
    project("p/a.json", BAD)
    project("p/b.json", BAD)
    run = run_cli("lint", "--format", "json", "p")
    assert codes(run) == [("p/a.json", "WS114"), ("p/b.json", "WS112"), ("p/b.json", "WS114")]
    assert run.json()["summary"]["errors"] == 3


def test_suppression_can_name_a_task(run_cli, project):
    project("wanspec.toml", SUPPRESS + "task = 1\n")
    project("p/a.json", [BAD, BAD2])
    run = run_cli("lint", "--format", "json", "p/a.json")
    assert [(d["task"], d["code"]) for d in run.json()["diagnostics"]] == [(0, "WS112"), (0, "WS114"), (1, "WS114")]


def test_an_unused_suppression_is_reported_as_a_warning(run_cli, project):
    project("wanspec.toml", SUPPRESS)
    project("p/a.json", {**BAD, "duration": 5})
    run = run_cli("lint", "p/a.json")
    assert run.exit_code == 1  # WS114 is still an error
    assert (
        "wanspec.toml:2:1: WS014 (warning) suppression #1 (WS112 at p/a.json /duration) matched no finding; remove it"
        in run.stdout
    )
    assert "Found 1 error and 1 warning" in run.stdout


def test_unused_suppressions_follow_selection_and_severity(run_cli, project):
    project("wanspec.toml", SUPPRESS + '[severity]\nunused-suppression = "error"\n')
    project("p/a.json", {**FLASH_TASK})
    run = run_cli("lint", "p/a.json")
    assert run.exit_code == 1 and "WS014 suppression #1" in run.stdout, run
    assert run_cli("lint", "--ignore", "WS014", "p/a.json").exit_code == 0


def test_suppressions_for_files_outside_the_run_are_not_unused(run_cli, project):
    project("wanspec.toml", SUPPRESS)
    project("p/a.json", {**BAD, "duration": 5})
    project("q/other.json", FLASH_TASK)
    run = run_cli("lint", "q/other.json")
    assert run.exit_code == 0 and "WS014" not in run.stdout, run


def test_baseline_and_suppressions_together(run_cli, project, tmp_path):
    project("wanspec.toml", SUPPRESS)
    project("p/a.json", BAD)
    run_cli("lint", "--baseline", "base.json", "--write-baseline", "p")
    # the suppressed finding is not recorded in the baseline: it is already accounted for
    entries = json.loads((tmp_path / "base.json").read_text())["entries"]
    assert [(e["pointer"], e["code"]) for e in entries] == [("/outputQuality", "WS114")]
    assert run_cli("lint", "--baseline", "base.json", "p").exit_code == 0


def test_an_unused_suppression_in_pyproject_points_at_its_table(run_cli, project):
    body = SUPPRESS.replace("[[suppress]]", "[[tool.wanspec.suppress]]")
    project("pyproject.toml", '[project]\nname = "x"\n\n[tool.wanspec]\nignore = ["WS114"]\n' + body)
    project("p/a.json", FLASH_TASK)
    run = run_cli("lint", "p/a.json")
    assert "pyproject.toml:7:1: WS014 (warning) suppression #1" in run.stdout, run
