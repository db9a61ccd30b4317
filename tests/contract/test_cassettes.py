"""``wanspec cassettes verify`` and ``audit`` on the committed cassettes and on broken copies."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from wanspec.contract.checks.verify import verify_paths

CASSETTES = ROOT / "cassettes"
COMMITTED = sorted(CASSETTES.rglob("*.yaml"))


def test_every_provider_has_documentation_cassettes():
    providers = {p.parent.name for p in COMMITTED}
    assert providers == {"runware", "wavespeed", "toapis"}
    assert len(COMMITTED) >= 15


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_committed_cassette_verifies(path):
    result = verify_paths([str(path)])
    assert [str(d) for d in result.diagnostics] == []
    assert result.tasks >= 1


def test_cli_verify_and_audit_the_committed_set(run_cli):
    verify = run_cli("cassettes", "verify", str(CASSETTES))
    assert verify.exit_code == 0 and "All checks passed" in verify.stdout, verify
    audit = run_cli("cassettes", "audit", str(CASSETTES))
    assert audit.exit_code == 0, audit


@pytest.mark.parametrize("command", [("cassettes", "verify"), ("cassettes", "audit"), ("cassettes", "coverage")])
def test_a_cassette_reached_twice_is_read_once(run_cli, command):
    """A directory named twice, or with one of its subdirectories, or a cassette named
    in two spellings: each cassette is checked and counted once (they were counted per
    mention: 110 files for 55)."""
    once = run_cli(*command, str(CASSETTES))
    runware = CASSETTES / "runware"
    one_file = next(runware.rglob("*.yaml"))
    given = [str(CASSETTES), str(CASSETTES), str(runware), str(one_file), f"{CASSETTES}/./runware"]
    again = run_cli(*command, *given)
    # coverage names the set of cassettes by the paths it was given
    assert (again.exit_code, again.stdout.replace(", ".join(given), given[0])) == (once.exit_code, once.stdout)


def test_doc_cassettes_are_what_the_builder_makes(tmp_path):
    """The committed documentation cassettes are regenerated from tests/data, not edited by hand."""
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_doc_cassettes.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built = {p.relative_to(tmp_path): p.read_text(encoding="utf-8") for p in tmp_path.rglob("*.yaml")}
    committed = {
        p.relative_to(CASSETTES): p.read_text(encoding="utf-8")
        for p in COMMITTED
        if "source: documentation" in p.read_text(encoding="utf-8")
        or "source: research" in p.read_text(encoding="utf-8")
    }
    assert built == committed


FLASH = "runware/wan2.6-flash-clockwork-teahouse-rain-atrium.yaml"
TOAPIS = "toapis/wan2.6-flash-i2v-silent.yaml"
WAVESPEED = "wavespeed/i2v-flash-720p-audio.yaml"

MUTATIONS = [
    # (cassette, text replaced, replacement, expected code, words in the message)
    (FLASH, '"cost":0.3015', '"cost":"0.3015"', "WS812", "/data/0/cost"),
    (FLASH, '"status":"success"', '"status":"done"', "WS813", "'done'"),
    (FLASH, '"status":"processing"', '"status":"success"', "WS814", "goes on after its terminal state"),
    (FLASH, '"duration":6,', '"duration":16,', "WS810", "WS500"),
    (TOAPIS, '"resolution":"720p"', '"resolution":"4k"', "WS810", "WS113"),
    (WAVESPEED, '"status":"completed"', '"status":"processing"', "WS814", "never reaches a terminal state"),
    (
        WAVESPEED,
        "uri: https://api.wavespeed.ai/api/v3/alibaba",
        "uri: https://api.wavespeed.ai/v9/alibaba",
        "WS815",
        "",
    ),
    ("runware/wan2.6-unsupported-duration.yaml", '"duration":7,', '"duration":10,', "WS811", "lints clean"),
    ("runware/wan2.6-unsupported-duration.yaml", '"parameter":"duration"', '"parameter":"seed"', "WS811", "seed"),
    ("runware/wan2.6-unsupported-duration.yaml", "expect: rejected", "expect: accepted", "WS816", "expects"),
    (FLASH, "provider: runware", "provider: nowhere", "WS815", "unknown provider"),
]


@pytest.mark.parametrize(("name", "old", "new", "code", "words"), MUTATIONS, ids=lambda v: str(v)[:30])
def test_a_broken_cassette_gets_the_right_finding(run_cli, tmp_path, name, old, new, code, words):
    target = tmp_path / name
    target.parent.mkdir(parents=True)
    text = (CASSETTES / name).read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = run_cli("cassettes", "verify", str(tmp_path), "--format", "json")
    assert run.exit_code == 1, run
    found = [(d["code"], d["message"]) for d in run.json()["diagnostics"]]
    assert any(c == code and words in m for c, m in found), found


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x01binary", "binary file"),
        (b"interactions: [\n", "not valid YAML at line"),
        (b"- just\n- a list\n", "not a vcrpy cassette"),
        (b"\xff\xfe bad", "not UTF-8"),
        (b"interactions:\n- request: {uri: x}\n", "no response status code"),
        (b"a: !!python/object/apply:os.system ['echo pwned']\n", "not valid YAML"),
    ],
)
def test_unreadable_cassettes_are_findings_not_tracebacks(run_cli, tmp_path, content, reason):
    (tmp_path / "bad.yaml").write_bytes(content)
    run = run_cli("cassettes", "verify", str(tmp_path))
    assert run.exit_code == 1, run
    assert "WS800" in run.stdout and reason in run.stdout, run


def test_verify_usage_errors(run_cli, tmp_path):
    assert run_cli("cassettes", "verify", str(tmp_path / "missing")).exit_code == 2
    empty = run_cli("cassettes", "verify", str(tmp_path))
    assert empty.exit_code == 2 and "no cassettes" in empty.stderr, empty


def test_audit_reports_a_leak_with_its_line(run_cli, tmp_path):
    shutil.copytree(CASSETTES / "toapis", tmp_path / "toapis")
    target = tmp_path / "toapis" / "invalid-api-key.yaml"
    target.write_text(
        target.read_text().replace("Bearer <REDACTED>", "Bearer tk-live-0123456789abcdef"), encoding="utf-8"
    )
    run = run_cli("cassettes", "audit", str(tmp_path))
    assert run.exit_code == 1, run
    assert f"{target}:7:9:" in run.stdout and "WS801" in run.stdout, run


def test_audit_looks_for_the_keys_in_the_environment(run_cli, tmp_path):
    (tmp_path / "c.yaml").write_text("interactions: []\nnote: my-own-key-value-42\n", encoding="utf-8")
    clean = run_cli("cassettes", "audit", str(tmp_path), env={"RUNWARE_API_KEY": "other"})
    assert clean.exit_code == 0, clean
    leak = run_cli("cassettes", "audit", str(tmp_path), env={"RUNWARE_API_KEY": "my-own-key-value-42"})
    assert leak.exit_code == 1 and "verbatim" in leak.stdout, leak
    named = run_cli("cassettes", "audit", str(tmp_path), "--secret-env", "MY_KEY", env={"MY_KEY": "own-key-value"})
    assert named.exit_code == 1, named


@pytest.mark.parametrize("fmt", ["json-lines", "github", "junit", "sarif"])
def test_every_report_format_renders_contract_findings(run_cli, tmp_path, fmt):
    target = tmp_path / FLASH
    target.parent.mkdir(parents=True)
    target.write_text((CASSETTES / FLASH).read_text(encoding="utf-8").replace('"cost":0.3015', '"cost":"x"'))
    run = run_cli("cassettes", "verify", str(tmp_path), "--format", fmt)
    assert run.exit_code == 1, run
    assert "WS812" in run.stdout and str(target.name) in run.stdout, run


def test_reading_cassettes_does_not_import_vcrpy_or_http_clients():
    """verify, audit and drift read YAML themselves: vcrpy's import (with its aiohttp, requests
    and httpx stubs) costs about 300 ms that a pre-commit hook should not pay."""
    code = (
        "import sys\n"
        "from wanspec.cli.main import main\n"
        f"sys.argv = ['wanspec', 'cassettes', 'verify', {str(CASSETTES)!r}]\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "sys.stderr.write(repr([m for m in ('vcr', 'aiohttp', 'httpx', 'requests') if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stderr.strip().endswith("[]"), out.stderr
