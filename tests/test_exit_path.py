"""Every command exits through one path, with one option vocabulary and one error style.

0 clean, 1 findings at or above ``--fail-on``, 2 usage or environment errors (an input
that could not be read at all), whatever the command: ``lint``, ``cassettes verify``,
``cassettes audit`` and ``drift`` share ``--format``, ``--statistics``, ``--exit-zero``,
``--fail-on``, ``--select``, ``--ignore``, ``--config`` and ``--isolated``.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FLASH_TASK, ROOT

FLASH = ROOT / "cassettes" / "runware" / "wan2.6-flash-clockwork-teahouse-rain-atrium.yaml"


@pytest.fixture
def broken_links(tmp_path):
    """A payload and a cassette that exist as names but cannot be opened (dangling links)."""
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    return tmp_path


def test_an_unreadable_cassette_exits_2_like_an_unreadable_payload(run_cli, broken_links):
    payload = run_cli("lint", str(broken_links / "gone.json"))
    cassette = run_cli("cassettes", "verify", str(broken_links / "cassettes"))
    assert (payload.exit_code, cassette.exit_code) == (2, 2), (payload, cassette)
    assert "WS012" in payload.stdout and "WS809" in cassette.stdout, cassette
    # --exit-zero never hides that nothing was checked
    assert run_cli("cassettes", "verify", "--exit-zero", str(broken_links / "cassettes")).exit_code == 2
    assert run_cli("cassettes", "audit", str(broken_links / "cassettes")).exit_code == 2


@pytest.fixture
def broken_cassette(tmp_path):
    """A cassette set with one finding (a response field of the wrong type: WS812)."""
    target = tmp_path / "set" / "runware" / FLASH.name
    target.parent.mkdir(parents=True)
    target.write_text(FLASH.read_text(encoding="utf-8").replace('"cost":0.3015', '"cost":"0.3015"'))
    return tmp_path / "set"


def test_verify_takes_exit_zero_fail_on_select_ignore_and_statistics(run_cli, broken_cassette):
    where = str(broken_cassette)
    assert run_cli("cassettes", "verify", where).exit_code == 1
    assert run_cli("cassettes", "verify", "--exit-zero", where).exit_code == 0
    assert run_cli("cassettes", "verify", "--ignore", "WS812", where).exit_code == 0
    assert run_cli("cassettes", "verify", "--select", "WS810", where).exit_code == 0
    stats = run_cli("cassettes", "verify", "--statistics", where)
    assert stats.exit_code == 1 and "WS812" in stats.stdout and "response-shape" in stats.stdout, stats


def test_verify_applies_the_project_config(run_cli, broken_cassette, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wanspec.toml").write_text('[severity]\nWS812 = "warning"\n')
    warned = run_cli("cassettes", "verify", "--format", "json", str(broken_cassette))
    assert warned.exit_code == 0 and {d["severity"] for d in warned.json()["diagnostics"]} == {"warning"}, warned
    assert run_cli("cassettes", "verify", "--fail-on", "warning", str(broken_cassette)).exit_code == 1
    assert run_cli("cassettes", "verify", "--isolated", str(broken_cassette)).exit_code == 1
    (tmp_path / "other.toml").write_text('[per-file-ignores]\n"set/runware/*.yaml" = ["WS812"]\n')
    assert run_cli("cassettes", "verify", "--config", "other.toml", str(broken_cassette)).exit_code == 0


@pytest.fixture
def cheaper(tmp_path):
    """Two recordings of one scenario; the new one costs less (WS912, a warning)."""
    for side, cost in (("old", "0.3015"), ("new", "0.1")):
        target = tmp_path / side / "runware" / FLASH.name
        target.parent.mkdir(parents=True)
        target.write_text(FLASH.read_text(encoding="utf-8").replace('"cost":0.3015', f'"cost":{cost}'))
    return str(tmp_path / "old"), str(tmp_path / "new")


def test_drift_takes_fail_on_exit_zero_and_statistics(run_cli, cheaper):
    old, new = cheaper
    assert run_cli("drift", old, new).exit_code == 0  # a warning does not fail by default
    assert run_cli("drift", "--fail-on", "warning", old, new).exit_code == 1
    assert run_cli("drift", "--fail-on", "warning", "--exit-zero", old, new).exit_code == 0
    dearer = run_cli("drift", new, old, "--format", "json")
    assert dearer.exit_code == 1 and "WS911" in {d["code"] for d in dearer.json()["diagnostics"]}, dearer
    assert run_cli("drift", "--exit-zero", new, old).exit_code == 0
    stats = run_cli("drift", "--statistics", "--format", "json", new, old)
    assert json.loads(stats.stdout)[0]["code"] == "WS911", stats


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "--bogus"),
        ("cassettes", "verify", "--bogus"),
        ("cassettes", "audit", "--bogus"),
        ("drift", "--bogus", "a", "b"),
        ("record", "--bogus"),
        ("schemas", "--bogus"),
    ],
)
def test_click_mistakes_speak_in_wanspecs_voice_and_exit_2(run_cli, args):
    run = run_cli(*args)
    assert run.exit_code == 2, run
    assert run.stderr.startswith("wanspec: error: No such option '--bogus'"), run
    assert "--help' for help." in run.stderr


@pytest.mark.parametrize("command", [("lint",), ("cassettes", "verify"), ("cassettes", "audit")])
def test_unknown_rule_selectors_get_a_suggestion_everywhere(run_cli, command, tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))
    shutil.copy(FLASH, tmp_path / "a.yaml")
    target = str(tmp_path / ("a.json" if command == ("lint",) else "a.yaml"))
    run = run_cli(*command, "--select", "WS4O1", target)
    assert run.exit_code == 2, run
    assert run.stderr == (
        "wanspec: error: unknown rule selector 'WS4O1': did you mean 'WS401'? "
        "use a code (WS401), a prefix (WS4) or a name (dimension-pair)\n"
    ), run
    assert run.stdout == ""


def test_an_unknown_rule_to_explain_gets_a_suggestion(run_cli):
    run = run_cli("explain", "dimension-piar")
    assert run.exit_code == 2
    assert run.stderr == "wanspec: error: unknown rule 'dimension-piar'; did you mean 'dimension-pair'?\n"


def test_a_broken_catalogue_is_an_installation_error_not_a_traceback(run_cli, monkeypatch, tmp_path):
    from wanspec.catalog import store

    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))

    def broken() -> None:
        raise store.CatalogError("cannot read bundled schema file rules.json: gone")

    monkeypatch.setattr(store, "catalog", broken)
    run = run_cli("lint", str(tmp_path / "a.json"))
    assert run.exit_code == 2 and run.stderr.startswith("wanspec: installation error: "), run


def test_a_real_key_error_is_a_bug_and_is_not_swallowed(run_cli, monkeypatch, tmp_path):
    """Only errors raised on purpose become exit 2; anything else surfaces as a bug."""
    from wanspec.project import run as project_run

    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))

    def buggy(*args, **kwargs):
        return {}["missing"]

    monkeypatch.setattr(project_run, "lint_paths", buggy)
    with pytest.raises(KeyError):
        run_cli("lint", str(tmp_path / "a.json"))
