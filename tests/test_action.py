"""action.yml, the composite GitHub Action: its steps run here as the runner would run them.

The runner substitutes ``${{ inputs.* }}`` and ``${{ github.action_path }}``, evaluates each
step's ``if:``, and runs ``run:`` with bash, each step's ``env:`` set and ``GITHUB_OUTPUT``
a file. This test does the same (for the few expressions action.yml uses) in a throwaway
repository, with a ``python`` that records the install instead of reaching the network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FLASH_TASK, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _expand(text: str, inputs: dict[str, str]) -> str:
    def value(m: re.Match[str]) -> str:
        expr = m.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"action.yml uses an expression this test does not know: {expr}")

    return re.sub(r"\$\{\{(.+?)\}\}", value, text)


def _condition(expr: str, inputs: dict[str, str]) -> bool:
    m = re.fullmatch(r"\$\{\{\s*inputs\.(\w+)\s*!=\s*''\s*\}\}", expr.strip())
    assert m, f"unknown condition {expr}"
    return inputs[m.group(1)] != ""


def _run_action(repo: Path, tmp: Path, **given: str) -> tuple[int, str, dict[str, str], list[str]]:
    """Run the action's steps in ``repo``; return (status, output, step outputs, pip calls)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given)
    log = tmp / "pip-calls"
    fake = tmp / "python"
    # pip is recorded, not run (no network in tests); everything else is the real interpreter
    fake.write_text(
        f'#!/bin/sh\nif [ "$1 $2" = "-m pip" ]; then echo "$@" >> "{log}"; exit 0; fi\nexec "{sys.executable}" "$@"\n'
    )
    fake.chmod(0o755)
    inputs["python"] = given.get("python", str(fake))
    outputs: dict[str, str] = {}
    text = ""
    for step in ACTION["runs"]["steps"]:
        if "if" in step and not _condition(step["if"], inputs):
            continue
        assert step["shell"] == "bash"
        out_file = tmp / f"output-{step.get('id', 'x')}"
        out_file.write_text("")
        env = {**os.environ, "GITHUB_OUTPUT": str(out_file), "NO_COLOR": "1"}
        env.update({k: _expand(str(v), inputs) for k, v in step.get("env", {}).items()})
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", _expand(step["run"], inputs)],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        text += done.stdout + done.stderr
        for line in out_file.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[f"{step.get('id')}.{key}"] = value
        if done.returncode != 0:
            return done.returncode, text, outputs, log.read_text().splitlines() if log.exists() else []
    return 0, text, outputs, log.read_text().splitlines() if log.exists() else []


def _repo(root: Path, *, invalid: bool) -> Path:
    root.mkdir()
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app"}\n')
    (root / ".gitignore").write_text("build/\n")
    (root / "build").mkdir()
    (root / "build" / "out.json").write_text(json.dumps({**FLASH_TASK, "duration": 99}))
    (root / "payloads").mkdir()
    (root / "payloads" / "ok.json").write_text(json.dumps(FLASH_TASK, indent=2))
    if invalid:
        (root / "payloads" / "bad.json").write_text(json.dumps({**FLASH_TASK, "duration": 99}, indent=2))
    return root


def test_the_action_is_composite_and_declares_its_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "args", "sarif", "package"}
    assert ACTION["outputs"]["sarif"]["value"] == "${{ steps.sarif.outputs.file }}"


def test_annotations_and_sarif_for_an_invalid_payload(tmp_path):
    repo = _repo(tmp_path / "repo", invalid=True)
    status, output, outputs, pip = _run_action(repo, tmp_path, sarif="wanspec.sarif")
    assert status == 1, output  # the job fails on errors
    assert pip == [f"-m pip install --disable-pip-version-check --quiet {ROOT}"]  # this checkout, pinned by ref
    annotations = [line for line in output.splitlines() if line.startswith("::")]
    assert annotations and all(line.startswith("::error file=payloads/bad.json,line=") for line in annotations)
    sarif = json.loads((repo / "wanspec.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"payloads/bad.json"}  # build/ is git-ignored, package.json is no payload
    assert outputs["sarif.file"] == "wanspec.sarif"


def test_a_clean_repository_passes_and_writes_no_sarif_unless_asked(tmp_path):
    repo = _repo(tmp_path / "repo", invalid=False)
    status, output, outputs, pip = _run_action(repo, tmp_path, package="wanspec==0.1.0", args="--fail-on warning")
    assert status == 0, output
    assert pip == ["-m pip install --disable-pip-version-check --quiet wanspec==0.1.0"]
    assert "All checks passed in 1 task (1 file); skipped 1 JSON file that is not a payload." in output, output
    assert not (repo / "wanspec.sarif").exists() and "sarif.file" not in outputs
