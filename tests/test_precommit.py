"""The pre-commit hooks: the manifest users install, and a real commit through the real tool.

pre-commit builds a fresh virtual environment for a ``language: python`` hook by
pip-installing the hook's repository, which needs a package index; tests never use the
network. So the manifest is checked with pre-commit's own schema, and the commit test
runs the same hook definition as a ``repo: local`` hook on the installed ``wanspec``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import FLASH_TASK, ROOT, git_env

clientlib = pytest.importorskip("pre_commit.clientlib")


def _manifest() -> dict[str, dict[str, object]]:
    return {hook["id"]: hook for hook in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}


def test_the_hook_manifest_is_valid_for_pre_commit():
    hooks = _manifest()
    assert set(hooks) == {"wanspec-lint", "wanspec-cassettes", "wanspec-cassettes-audit"}
    lint = hooks["wanspec-lint"]
    assert lint["entry"] == "wanspec lint --force-exclude" and lint["language"] == "python"
    assert lint["require_serial"] is False
    files = re.compile(str(lint["files"]))
    assert [bool(files.search(p)) for p in ("a.json", "p/b.jsonl", "c.yaml", "d.json.bak")] == [
        True,
        True,
        False,
        False,
    ]
    cassettes = re.compile(str(hooks["wanspec-cassettes"]["files"]))
    assert cassettes.search("cassettes/test_x/run.yaml") and not cassettes.search("docs/run.yaml")
    # where the pytest plugin writes them: a cassettes/ directory beside each test file
    assert cassettes.search("tests/cassettes/runware/flash-job.yaml")
    assert cassettes.search("tests/unit/cassettes/x.yml") and not cassettes.search("tests/mycassettes/x.yaml")
    assert hooks["wanspec-cassettes-audit"]["files"] == hooks["wanspec-cassettes"]["files"]
    assert hooks["wanspec-cassettes"]["entry"] == "wanspec cassettes verify"
    assert hooks["wanspec-cassettes-audit"]["entry"] == "wanspec cassettes audit"


def test_this_repository_dogfoods_its_hook_and_its_examples_match_the_baseline(run_cli, monkeypatch):
    config = clientlib.load_config(str(ROOT / ".pre-commit-config.yaml"))
    (hook,) = [h for repo in config["repos"] for h in repo["hooks"] if h["id"] == "wanspec-lint"]
    assert hook["entry"].startswith("wanspec lint")
    monkeypatch.chdir(ROOT)
    args = hook["entry"].split()[2:]
    run = run_cli("lint", *args, "examples/")
    assert run.exit_code == 0, run  # a new mistake in examples/ (or a stale baseline) shows here
    assert "matched nothing" not in run.stderr, run


def _install(repo: Path, env: dict[str, str]) -> None:
    """git init, then `pre-commit install` the repository's hooks."""
    assert _git(repo, "init", "-q", env=env).returncode == 0
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr


def _git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_commit_with_a_broken_payload_is_refused_and_a_fixed_one_passes(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = git_env(tmp_path / "cache")
    # the manifest's hook, run on the installed wanspec instead of a freshly built environment
    hook = {k: v for k, v in _manifest()["wanspec-lint"].items() if k in ("id", "name", "files", "require_serial")}
    wanspec = os.path.join(sysconfig.get_path("scripts"), "wanspec")
    hook.update(entry=wanspec + str(_manifest()["wanspec-lint"]["entry"]).removeprefix("wanspec"), language="system")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(json.dumps(config), encoding="utf-8")  # YAML is a superset
    (repo / "wanspec.toml").write_text('exclude = ["drafts"]\n', encoding="utf-8")
    (repo / "drafts").mkdir()
    (repo / "drafts" / "wip.json").write_text(json.dumps({**FLASH_TASK, "duration": 99}), encoding="utf-8")
    _install(repo, env)
    _git(repo, "add", ".", env=env)
    first = _git(repo, "commit", "-q", "-m", "config and a draft", env=env)
    assert first.returncode == 0, first.stdout + first.stderr  # drafts/ is excluded by the project config

    payloads = repo / "payloads"
    payloads.mkdir()
    (payloads / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": 20}, indent=2), encoding="utf-8")
    _git(repo, "add", ".", env=env)
    refused = _git(repo, "commit", "-q", "-m", "a broken payload", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "wanspec lint" in output and "Failed" in output
    assert re.search(r"payloads/a\.json:\d+:\d+: WS500 ", output), output

    (payloads / "a.json").write_text(json.dumps(FLASH_TASK, indent=2), encoding="utf-8")
    _git(repo, "add", ".", env=env)
    passed = _git(repo, "commit", "-q", "-m", "a fixed payload", env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
    log = _git(repo, "log", "--format=%s", env=env).stdout.split("\n")
    assert log[:2] == ["a fixed payload", "config and a draft"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_cassette_hooks_refuse_a_leaked_key_and_a_drifted_response(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = git_env(tmp_path / "cache")
    wanspec = os.path.join(sysconfig.get_path("scripts"), "wanspec")
    hooks = []
    for hook_id in ("wanspec-cassettes", "wanspec-cassettes-audit"):
        hook = {k: v for k, v in _manifest()[hook_id].items() if k in ("id", "name", "files", "require_serial")}
        hook.update(entry=wanspec + str(_manifest()[hook_id]["entry"]).removeprefix("wanspec"), language="system")
        hooks.append(hook)
    (repo / ".pre-commit-config.yaml").write_text(json.dumps({"repos": [{"repo": "local", "hooks": hooks}]}))
    # where the pytest plugin records: a cassettes/ directory beside the tests
    shutil.copytree(ROOT / "cassettes" / "toapis", repo / "tests" / "cassettes" / "toapis")
    _install(repo, env)
    _git(repo, "add", ".", env=env)
    first = _git(repo, "commit", "-q", "-m", "documentation cassettes", env=env)
    assert first.returncode == 0, first.stdout + first.stderr

    cassette = repo / "tests" / "cassettes" / "toapis" / "wan2.6-flash-i2v-silent.yaml"
    text = cassette.read_text(encoding="utf-8")
    cassette.write_text(text.replace("Bearer <REDACTED>", "Bearer tk-live-51f0c2a9e8d7b6a5", 1), encoding="utf-8")
    _git(repo, "add", ".", env=env)
    leaked = _git(repo, "commit", "-q", "-m", "a leaked key", env=env)
    assert leaked.returncode != 0 and "WS801" in leaked.stdout + leaked.stderr, leaked.stdout

    cassette.write_text(text.replace('"format":"mp4"', '"format":5'), encoding="utf-8")
    _git(repo, "add", ".", env=env)
    drifted = _git(repo, "commit", "-q", "-m", "a drifted response", env=env)
    output = drifted.stdout + drifted.stderr
    assert drifted.returncode != 0 and "WS812" in output and "WS801" not in output, output
