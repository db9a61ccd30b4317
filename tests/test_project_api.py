"""``wanspec.lint_project``: Python users lint exactly as ``wanspec lint`` does.

Config discovery, selection, per-file ignores, severities, the baseline, suppressions and
``--fix`` all happen in the core; the command line only prints what it returns. Each test
runs the same settings both ways and compares every field of every diagnostic.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import FLASH_TASK

import wanspec
from wanspec import ExitStatus, ProjectSettings, Severity, exit_status, lint_project
from wanspec.reporters import render

NUMERIC = {**FLASH_TASK, "duration": "5"}  # WS112 (numeric string): fixable
NO_UUID = {k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}  # WS110 (missing): fixable
WRONG = {**FLASH_TASK, "duration": 7, "outputQuality": 10}  # WS114 and the duration rule


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A project with a config (per-file ignores, a severity, a suppression) and payloads."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "payloads" / "legacy").mkdir(parents=True)
    (tmp_path / "payloads" / "a.json").write_text(json.dumps(WRONG, indent=2))
    (tmp_path / "payloads" / "legacy" / "b.json").write_text(json.dumps(WRONG, indent=2))
    (tmp_path / "payloads" / "c.json").write_text(json.dumps([NUMERIC, NO_UUID], indent=2))
    (tmp_path / "wanspec.toml").write_text(
        '[per-file-ignores]\n"payloads/legacy/*" = ["WS114"]\n'
        '[severity]\nWS112 = "warning"\n'
        '[[suppress]]\nfile = "payloads/a.json"\ncode = "WS114"\nreason = "tracked in #12"\n'
        '[[suppress]]\nfile = "payloads/gone.json"\ncode = "WS500"\nreason = "stale"\n'
    )
    return tmp_path


def _cli_json(run_cli, *args: str) -> tuple[int, list[dict[str, object]], str]:
    run = run_cli("lint", "--format", "json", "-j", "1", *args)
    return run.exit_code, run.json()["diagnostics"], run.stderr


def _as_json(diagnostics) -> list[dict[str, object]]:
    out = io.StringIO()
    result = wanspec.LintResult(diagnostics=list(diagnostics))
    render(result, "json", out)
    return json.loads(out.getvalue())["diagnostics"]


def test_config_selection_per_file_ignores_and_suppressions_match_the_cli(run_cli, repo):
    code, cli, _ = _cli_json(run_cli, "payloads")
    run = lint_project(ProjectSettings(paths=("payloads",)))
    assert _as_json(run.result.diagnostics) == cli
    assert exit_status(run.result) == code == ExitStatus.FINDINGS
    # the config did apply: legacy/ lost WS114, a.json's WS114 is suppressed, WS112 is a warning
    assert not [d for d in run.result.diagnostics if d.code == "WS114"]
    assert {d.severity for d in run.result.diagnostics if d.code == "WS112"} == {Severity.WARNING}
    assert any("hidden by the baseline or suppressions" in n for n in run.notes)


def test_counts_are_exactly_what_was_handed_on(repo):
    run = lint_project(ProjectSettings(paths=("payloads",)))
    errors = sum(d.severity is Severity.ERROR for d in run.result.diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in run.result.diagnostics)
    assert (run.result.errors, run.result.warnings) == (errors, warnings)


def test_baseline_written_from_python_is_the_one_the_cli_writes(run_cli, repo, tmp_path):
    run = lint_project(ProjectSettings(paths=("payloads",), baseline="py.json", write_baseline=True))
    assert exit_status(run.result) == ExitStatus.OK and run.result.diagnostics == []
    assert run.notes == [n for n in run.notes if n.startswith("recorded ")]
    assert run_cli("lint", "payloads", "--baseline", "cli.json", "--write-baseline").exit_code == 0
    assert (tmp_path / "py.json").read_text() == (tmp_path / "cli.json").read_text()

    later = lint_project(ProjectSettings(paths=("payloads",), baseline="py.json"))
    code, cli, _ = _cli_json(run_cli, "payloads", "--baseline", "cli.json")
    assert _as_json(later.result.diagnostics) == cli
    assert exit_status(later.result) == code


def test_fix_from_python_writes_what_the_cli_writes(run_cli, repo, tmp_path):
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "c.json").write_bytes((repo / "payloads" / "c.json").read_bytes())

    run = lint_project(ProjectSettings(paths=("payloads/c.json",), fix=True, isolated=True))
    assert run.fixed == run.result.fixed == 2
    cli = run_cli("lint", "twin/c.json", "--fix", "--isolated", "--format", "json")
    assert cli.json()["summary"]["fixed"] == 2
    fixed_py = json.loads((repo / "payloads" / "c.json").read_text())
    fixed_cli = json.loads((twin / "c.json").read_text())
    # the generated UUIDs differ; everything else is the same repair
    for task in (*fixed_py, *fixed_cli):
        assert len(task.pop("taskUUID")) == 36
    assert fixed_py == fixed_cli
    assert fixed_py[0]["duration"] == 5


def test_diff_from_python_changes_nothing_and_lints_nothing(repo):
    before = (repo / "payloads" / "c.json").read_bytes()
    run = lint_project(ProjectSettings(paths=("payloads/c.json",), diff=True, isolated=True))
    assert run.fixed == 2 and run.diff.startswith("--- a/payloads/c.json")
    assert (repo / "payloads" / "c.json").read_bytes() == before
    assert run.result.files == 0


def test_streaming_to_a_sink_keeps_only_the_counts(repo):
    seen: list[wanspec.Diagnostic] = []
    run = lint_project(ProjectSettings(paths=("payloads",)), sink=seen.append)
    assert run.result.diagnostics == [] and seen
    assert run.result.errors == sum(d.severity is Severity.ERROR for d in seen)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (ProjectSettings(select=("WS4O1",)), "did you mean 'WS401'?"),
        (ProjectSettings(select=("dimension-piar",)), "did you mean 'dimension-pair'?"),
        (ProjectSettings(schema="runware/alibaba:wan@2.6-flsh"), "did you mean 'runware/alibaba:wan@2.6-flash'?"),
        (ProjectSettings(config="nowhere.toml"), "config file nowhere.toml does not exist"),
        (ProjectSettings(write_baseline=True), "--write-baseline needs --baseline FILE"),
    ],
)
def test_mistakes_are_typed_usage_errors_with_suggestions(repo, settings, message):
    with pytest.raises(wanspec.UsageError, match=message.replace("?", r"\?").replace(".", r"\.")):
        lint_project(settings)


def test_unknown_names_are_key_errors_too_so_lookups_keep_their_contract():
    with pytest.raises(KeyError) as caught:
        wanspec.get_rule("dimension-pairs")
    assert isinstance(caught.value, wanspec.UsageError)
    assert str(caught.value) == "unknown rule 'dimension-pairs'; did you mean 'dimension-pair'?"


def test_a_path_in_the_settings_is_linted_relative_to_the_working_directory(repo, monkeypatch):
    monkeypatch.chdir(Path(repo) / "payloads")
    run = lint_project(ProjectSettings(paths=("c.json",), isolated=True))
    assert run.result.files == 1 and {d.file for d in run.result.diagnostics} == {"c.json"}
