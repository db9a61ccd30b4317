"""Dropping wanspec into a real repository: which files `wanspec lint` reads, and what it says
about the ones it does not (issue 12's "done when", through the command line and pre-commit)."""

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

from wanspec.project.discovery import discover_files

BAD = {**FLASH_TASK, "duration": 20}


def _repo(root: Path, *, invalid: bool = True) -> Path:
    """A throwaway repository holding more than payloads."""
    root.mkdir(parents=True, exist_ok=True)
    if shutil.which("git") is not None:
        subprocess.run(["git", "init", "-q", str(root)], check=True, env=git_env(root.parent / "pre-commit-cache"))
    else:
        (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "app", "version": "1.0.0", "scripts": {"build": "tsc"}}\n')
    # tsconfig.json is JSON with comments: not even parseable as JSON
    (root / "tsconfig.json").write_text('{\n  // strict mode\n  "compilerOptions": {"strict": true,},\n}\n')
    (root / ".gitignore").write_text("build/\n")
    (root / "build").mkdir()
    (root / "build" / "out.json").write_text(json.dumps(BAD))  # a payload, but git-ignored build output
    (root / "api.generated.json").write_text('{"openapi": "3.1.0", "info": {"title": "generated"}}\n')
    (root / "payloads").mkdir()
    (root / "payloads" / "good.json").write_text(json.dumps(FLASH_TASK, indent=2) + "\n")
    if invalid:
        (root / "payloads" / "bad.json").write_text(json.dumps(BAD, indent=2) + "\n")
    return root


def test_lint_dot_reports_only_the_invalid_payload(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(_repo(tmp_path / "repo"))
    run = run_cli("lint", ".")
    assert run.exit_code == 1, run
    findings = [line for line in run.stdout.splitlines() if re.match(r"\S+:\d+:\d+: WS", line)]
    assert findings and all(line.startswith("payloads/bad.json:") for line in findings), run
    assert "./" not in run.stdout  # linting "." names files as they are shown by git
    assert run.stdout.splitlines()[-1] == (
        "Found 1 error and 0 warnings in 2 tasks (2 files); skipped 3 JSON files that are not payloads."
    )


@pytest.mark.parametrize("front", ["-j1", "-j2"])
def test_a_file_named_twice_or_also_found_by_a_walk_is_linted_once(tmp_path, run_cli, monkeypatch, front):
    """``wanspec lint . payloads/bad.json ./payloads/bad.json /abs/payloads/bad.json``: one
    file, however it is spelled and however often it is reached, is linted and counted
    once, under its first mention (ruff does the same)."""
    repo = _repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    bad = "payloads/bad.json"
    once = run_cli("lint", front, ".")
    again = run_cli("lint", front, ".", bad, "./" + bad, str(repo / bad), "payloads", "payloads/../" + bad)
    assert again.exit_code == once.exit_code == 1
    assert again.stdout == once.stdout
    named = run_cli("lint", front, str(repo / bad), bad, "./payloads/")
    assert named.stdout.splitlines()[0].startswith(str(repo / bad) + ":"), named
    assert named.stdout.splitlines()[-1] == "Found 1 error and 0 warnings in 2 tasks (2 files).", named


def test_the_python_api_lints_a_file_named_twice_once(tmp_path, monkeypatch):
    import wanspec

    repo = _repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    twice = wanspec.lint_paths(["payloads", "payloads/bad.json", "./payloads/bad.json"])
    assert twice.diagnostics == wanspec.lint_paths(["payloads"]).diagnostics
    assert twice.summary()["files"] == 2


def test_without_the_invalid_payload_it_passes_and_counts_what_it_skipped(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(_repo(tmp_path / "repo", invalid=False))
    run = run_cli("lint")
    assert run.exit_code == 0, run
    assert run.stdout == "All checks passed in 1 task (1 file); skipped 3 JSON files that are not payloads.\n"
    assert run.stderr == ""
    verbose = run_cli("lint", "-v", ".")
    assert verbose.exit_code == 0, verbose
    skipped = sorted(re.findall(r"wanspec: skipped (\S+): not a payload", verbose.stderr))
    assert skipped == ["api.generated.json", "package.json", "tsconfig.json"], verbose


def test_ignore_files_can_be_turned_off(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(_repo(tmp_path / "repo", invalid=False))
    run = run_cli("lint", "--no-respect-gitignore", "--format", "json", ".")
    assert run.exit_code == 1, run
    assert {d["file"] for d in run.json()["diagnostics"]} == {"build/out.json"}
    assert run.json()["summary"]["skipped"] == 3


def test_only_non_payloads_is_not_a_pass(tmp_path, run_cli, monkeypatch):
    root = _repo(tmp_path / "repo", invalid=False)
    (root / "payloads" / "good.json").unlink()
    monkeypatch.chdir(root)
    run = run_cli("lint", ".")
    assert run.exit_code == 0, run
    assert run.stdout == "No payloads to lint: skipped 3 JSON files that are not payloads.\n"
    assert "passed" not in run.stdout


def test_a_named_file_is_always_linted_even_if_it_is_not_a_payload(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(_repo(tmp_path / "repo", invalid=False))
    run = run_cli("lint", "package.json")
    assert run.exit_code == 1 and "package.json:1:1: WS013 " in run.stdout, run
    assert "--schema" in run.stdout and "[tool.wanspec.schemas]" in run.stdout  # guidance, not a dead end
    # pre-commit's way: named files are chosen as a walk would choose them
    forced = run_cli("lint", "--force-exclude", "package.json", "tsconfig.json", "payloads/good.json")
    assert forced.exit_code == 0, forced
    assert forced.stdout.endswith("(1 file); skipped 2 JSON files that are not payloads.\n"), forced


def test_a_named_file_the_config_excludes_is_never_a_silent_pass(tmp_path, run_cli, monkeypatch):
    root = _repo(tmp_path / "repo", invalid=True)
    (root / "wanspec.toml").write_text('include = ["payloads/**"]\nexclude = ["payloads/bad.json"]\n')
    (root / "body.json").write_text(json.dumps(BAD))
    monkeypatch.chdir(root)
    named = run_cli("lint", "body.json", "payloads/bad.json")
    assert named.exit_code == 1, named  # linted: it was named
    assert "body.json:1:" in named.stdout and "payloads/bad.json:" in named.stdout
    assert "wanspec: body.json is excluded by wanspec.toml (include/exclude); linted because it was named" in (
        named.stderr
    )
    forced = run_cli("lint", "--force-exclude", "body.json")
    assert forced.exit_code == 0, forced
    assert "wanspec: body.json not linted: excluded by wanspec.toml (include/exclude)" in forced.stderr
    assert "All checks passed" not in forced.stdout, forced
    walked = run_cli("lint", ".")  # the walk honours include and exclude
    assert walked.exit_code == 0 and walked.stdout.startswith("All checks passed in 1 task (1 file)"), walked


def test_the_readme_include_example_no_longer_passes_an_invalid_body(tmp_path, run_cli, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.wanspec]\ninclude = ["payloads/**", "*.jsonl"]\n')
    (tmp_path / "body.json").write_text(
        json.dumps({"image": "https://example.com/a.png", "prompt": "x", "duration": 99})
    )
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", "--schema", "wavespeed/alibaba/wan-2.6/image-to-video-flash", "body.json")
    assert run.exit_code == 1 and "WS500" in run.stdout, run
    assert "excluded by pyproject.toml" in run.stderr


def test_hidden_and_vendored_directories_are_skipped(tmp_path, run_cli, monkeypatch):
    for where in (".cache", "node_modules/pkg", "venv/lib", "dist", "sub/__pycache__"):
        (tmp_path / where).mkdir(parents=True)
        (tmp_path / where / "bad.json").write_text(json.dumps(BAD))
    (tmp_path / "sub" / "ok.json").write_text(json.dumps(FLASH_TASK))
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", ".")
    assert run.exit_code == 0 and run.stdout == "All checks passed in 1 task (1 file).\n", run


@pytest.mark.parametrize(
    ("rules", "where", "expected"),
    [
        ({".gitignore": "*.json\n!keep.json\n"}, {}, ["keep.json"]),
        ({".gitignore": "/a.json\n"}, {}, ["keep.json", "sub/a.json"]),  # anchored: the root's a.json only
        ({".gitignore": "sub/\n"}, {}, ["a.json", "keep.json"]),
        ({".gitignore": "a.json/\n"}, {}, ["a.json", "keep.json", "sub/a.json"]),  # directories only
        ({".ignore": "**/a.json\n"}, {}, ["keep.json"]),
        ({}, {"sub/.gitignore": "*\n"}, ["a.json", "keep.json"]),  # a nested ignore file
        ({}, {"sub/.gitignore": "a.json\n", "sub/x/.gitignore": "!a.json\n"}, ["a.json", "keep.json", "sub/x/a.json"]),
        ({}, {".git/info/exclude": "keep.json\n"}, ["a.json", "sub/a.json"]),
        ({".gitignore": "# a.json\n\\#x.json\n"}, {}, ["a.json", "keep.json", "sub/a.json"]),
    ],
)
def test_gitignore_semantics(tmp_path, rules, where, expected, monkeypatch):
    """The same files whichever way the tree is named: absolute, ".", "./", "sub/..", from below."""
    (tmp_path / ".git" / "info").mkdir(parents=True)
    for name in ("a.json", "keep.json", "sub/a.json", "sub/x/a.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(FLASH_TASK))
    if "sub/x/.gitignore" not in where:
        (tmp_path / "sub" / "x" / "a.json").unlink()
    for name, text in {**rules, **where}.items():
        (tmp_path / name).write_text(text)
    found = discover_files([str(tmp_path)])
    assert sorted(os.path.relpath(f, tmp_path) for f in found.files) == sorted(expected)
    assert discover_files([str(tmp_path)], respect_ignore=False).files != [] and found.skipped == []
    for cwd, spelling in ((tmp_path, "."), (tmp_path, "./"), (tmp_path, "sub/.."), (tmp_path / "sub" / "x", "../..")):
        monkeypatch.chdir(cwd)
        files = discover_files([spelling]).files
        assert sorted(os.path.relpath(os.path.abspath(f), tmp_path) for f in files) == sorted(expected), spelling


def test_the_walk_starts_below_an_ignoring_parent(tmp_path):
    """Rules of the directories above the one named still apply (ruff and git agree)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n*.tmp.json\n")
    (tmp_path / "payloads" / "generated").mkdir(parents=True)
    for name in ("payloads/a.json", "payloads/b.tmp.json", "payloads/generated/c.json"):
        (tmp_path / name).write_text(json.dumps(FLASH_TASK))
    found = discover_files([str(tmp_path / "payloads")])
    assert [os.path.basename(f) for f in found.files] == ["a.json"]


def test_a_broken_payload_is_still_found_and_a_broken_non_payload_is_not(tmp_path, run_cli, monkeypatch):
    (tmp_path / "broken.json").write_text('{"taskType": "videoInference", "model": "alibaba:wan@2.6-flash",}')
    (tmp_path / "other.json").write_text('{"name": "x",}')
    (tmp_path / "tasks.jsonl").write_text(json.dumps(BAD) + "\n")
    (tmp_path / "log.jsonl").write_text('{"level": "info"}\n')
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", "--format", "json", ".")
    assert {d["file"] for d in run.json()["diagnostics"]} == {"broken.json", "tasks.jsonl"}, run
    assert run.json()["summary"]["skipped"] == 2


def test_a_schema_glob_makes_a_file_a_payload(tmp_path, run_cli, monkeypatch):
    (tmp_path / "wanspec.toml").write_text('[schemas]\n"ws/**" = "wavespeed/alibaba/wan-2.6/image-to-video-flash"\n')
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "body.json").write_text(json.dumps({"prompt": "hello", "duration": 99}))
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", ".")
    assert run.exit_code == 1 and "ws/body.json" in run.stdout and "WS500" in run.stdout, run


def test_a_prompt_alone_is_not_a_wavespeed_body(run_cli, write):
    path = write("chat.json", {"prompt": "hello", "max_tokens": 5})
    run = run_cli("lint", str(path))
    assert run.exit_code == 1, run
    assert re.findall(r": (WS\d+) ", run.stdout) == ["WS013"], run  # no "missing image", no WS100
    silenced = run_cli("lint", "--ignore", "WS013", str(path))
    assert silenced.exit_code == 0, silenced
    body = write("ws.json", {"image": "https://example.com/a.png", "prompt": "a boat", "duration": 99})
    assert "WS500" in run_cli("lint", str(body)).stdout  # both required fields: WaveSpeed's shape


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_pre_commit_hook_behaves_the_same(tmp_path):
    pytest.importorskip("pre_commit")
    from pre_commit import clientlib

    repo = _repo(tmp_path / "repo", invalid=False)
    env = git_env(repo.parent / "pre-commit-cache")
    manifest = {h["id"]: h for h in clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    hook = {k: v for k, v in manifest["wanspec-lint"].items() if k in ("id", "name", "files", "require_serial")}
    wanspec = os.path.join(sysconfig.get_path("scripts"), "wanspec")
    hook.update(entry=wanspec + str(manifest["wanspec-lint"]["entry"]).removeprefix("wanspec"), language="system")
    (repo / ".pre-commit-config.yaml").write_text(json.dumps({"repos": [{"repo": "local", "hooks": [hook]}]}))

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)

    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr
    git("add", ".")
    git("add", "-f", "build/out.json")  # even committed build output named by pre-commit stays ignored
    first = git("commit", "-q", "-m", "a repository with more than payloads")
    assert first.returncode == 0, first.stdout + first.stderr
    (repo / "payloads" / "bad.json").write_text(json.dumps(BAD, indent=2) + "\n")
    (repo / "package.json").write_text('{"name": "app", "version": "1.0.1"}\n')
    git("add", ".")
    refused = git("commit", "-q", "-m", "an invalid payload")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    found = re.findall(r"^(\S+):\d+:\d+: WS\d+", output, re.M)
    assert found == ["payloads/bad.json"], output


@pytest.mark.parametrize("name", ["body.yaml", "body.YML", "wanspec.toml", "a.jsonc"])
def test_other_file_types_named_are_a_clear_usage_error(run_cli, write, name):
    path = write(name, "taskType: videoInference\nmodel: alibaba:wan@2.6-flash\n")
    run = run_cli("lint", str(path), str(write("ok.json", FLASH_TASK)))
    assert run.exit_code == 2 and run.stdout == "", run
    assert f"wanspec: error: unsupported file type: {path} is " in run.stderr
    assert "WS001" not in run.stderr + run.stdout and "Convert it to JSON" in run.stderr


def test_other_file_types_in_a_tree_are_not_read(run_cli, tmp_path, monkeypatch):
    (tmp_path / "body.yaml").write_text("taskType: videoInference\n")
    (tmp_path / "ok.json").write_text(json.dumps(FLASH_TASK))
    monkeypatch.chdir(tmp_path)
    assert run_cli("lint", ".").stdout == "All checks passed in 1 task (1 file).\n"


def test_recorded_responses_and_auth_only_files_are_not_payloads(tmp_path):
    """A Runware response item names its taskType but no model: not a request to lint."""
    (tmp_path / "response.json").write_text(json.dumps({"taskType": "videoInference", "taskUUID": "x", "cost": 1.5}))
    (tmp_path / "unknown-model.json").write_text(json.dumps({"taskType": "videoInference", "model": "alibaba:wan@9"}))
    found = discover_files([str(tmp_path)])
    assert [os.path.basename(f) for f in found.files] == ["unknown-model.json"]  # a Runware request: WS010 then
    assert [os.path.basename(s.path) for s in found.skipped] == ["response.json"]


def test_a_symlink_loop_cannot_trap_the_walk(tmp_path, run_cli, monkeypatch):
    (tmp_path / "payloads").mkdir()
    (tmp_path / "payloads" / "ok.json").write_text(json.dumps(FLASH_TASK))
    os.symlink(tmp_path, tmp_path / "payloads" / "loop")
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", ".")
    assert run.exit_code == 0 and run.stdout == "All checks passed in 1 task (1 file).\n", run


def test_an_unreadable_directory_is_never_a_pass(tmp_path, run_cli, monkeypatch):
    from wanspec.project import discovery

    (tmp_path / "ok.json").write_text(json.dumps(FLASH_TASK))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "bad.json").write_text(json.dumps(BAD))
    real = os.scandir

    def scandir(path):  # as for a directory without the read permission (the tests may run as root)
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    monkeypatch.chdir(tmp_path)
    run = run_cli("lint", ".")
    assert run.exit_code == 2, run
    assert "locked: WS012 cannot read directory locked: Permission denied" in run.stdout, run


def test_hostile_json_in_a_tree_is_sniffed_without_harm(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000)  # too deep to parse: no payload marks
    (tmp_path / "big-data.json").write_text(json.dumps([{"id": i, "name": "x" * 40} for i in range(120_000)]))
    big_batch = [{**FLASH_TASK, "taskUUID": f"8f6a3c2e-1b4d-4e5f-9a8b-{i:012d}"} for i in range(20_000)]
    (tmp_path / "big-batch.json").write_text(json.dumps(big_batch))
    assert (tmp_path / "big-data.json").stat().st_size > 4 << 20 and (
        tmp_path / "big-batch.json"
    ).stat().st_size > 4 << 20
    (tmp_path / "binary.json").write_bytes(bytes(range(256)) * 64)
    found = discover_files([str(tmp_path)])
    assert [os.path.basename(f) for f in found.files] == ["big-batch.json"]
    assert sorted(os.path.basename(s.path) for s in found.skipped) == ["big-data.json", "binary.json", "deep.json"]


def test_many_named_files_set_aside_for_one_reason_get_one_note_that_counts_them(tmp_path, run_cli, monkeypatch):
    """A script that names every file of a git-ignored folder gets one line about them, not
    one per file (a benchmark named 20,000: 20,000 lines on stderr), and each is still linted."""
    root = _repo(tmp_path / "repo", invalid=False)
    names = [f"build/task-{i}.json" for i in range(7)]
    for name in names:
        (root / name).write_text(json.dumps(BAD))
    monkeypatch.chdir(root)
    named = run_cli("lint", *names, "payloads/good.json")
    assert named.exit_code == 1 and all(f"{name}:1:" in named.stdout for name in names), named
    assert named.stderr == (
        "wanspec: 7 named files are ignored by .gitignore, .ignore or .git/info/exclude; linted because "
        "they were named (--force-exclude skips them): build/task-0.json, build/task-1.json, "
        "build/task-2.json and 4 more\n"
    ), named.stderr
    forced = run_cli("lint", "--force-exclude", *names, *names[:2], "payloads/good.json")  # two named twice
    assert forced.exit_code == 0 and forced.stdout.startswith("All checks passed in 1 task (1 file)"), forced
    assert forced.stderr == (
        "wanspec: 7 named files not linted: ignored by .gitignore, .ignore or .git/info/exclude: "
        "build/task-0.json, build/task-1.json, build/task-2.json and 4 more\n"
    ), forced.stderr
    # up to three keep a note each, as one does
    few = run_cli("lint", "--force-exclude", *names[:3])
    assert few.stderr.count(" not linted: ignored by .gitignore") == 3 and "more" not in few.stderr, few


def test_force_exclude_skips_named_files_in_hidden_and_vendored_directories(tmp_path, run_cli, monkeypatch):
    for where in (".vscode", "node_modules/pkg"):
        (tmp_path / where).mkdir(parents=True)
        (tmp_path / where / "bad.json").write_text(json.dumps(BAD))
    monkeypatch.chdir(tmp_path)
    named = ["node_modules/pkg/bad.json", ".vscode/bad.json"]
    forced = run_cli("lint", "--force-exclude", *named)
    assert forced.exit_code == 0 and forced.stdout == "No files linted.\n", forced
    assert forced.stderr.count("not linted: in a hidden or vendored directory") == 2
    assert run_cli("lint", *named).exit_code == 1  # named without it: linted, as ruff does


@pytest.fixture
def mixed_tree(tmp_path):
    """Payloads among other JSON, of every kind the payload check tells apart, in sorted
    order that interleaves them: valid and invalid tasks, batches, JSON Lines, package.json,
    JSON with comments, binary data, a file that cannot be read, a schema-glob match."""
    kinds = {
        "task": json.dumps(FLASH_TASK),
        "bad": json.dumps(BAD),
        "batch": json.dumps([FLASH_TASK, BAD]),
        "package": '{"name": "app", "version": "1.0.0"}',
        "comments": '{\n  // no\n  "a": 1,\n}\n',
        "binary": "\x00\x01\x02",
        "marks-only": '{"model": "alibaba:wan@2.6-flash", "duration": ',  # broken, but a payload's marks
        "openapi": '{"openapi": "3.1.0", "paths": {"/v1": {"post": {"model": "x"}}}}',
    }
    for i in range(60):
        kind = list(kinds)[i % len(kinds)]
        (tmp_path / f"d{i % 3}").mkdir(exist_ok=True)
        (tmp_path / f"d{i % 3}" / f"{i:03}-{kind}.json").write_text(kinds[kind])
    (tmp_path / "d0" / "lines.jsonl").write_text(json.dumps(BAD) + "\n" + json.dumps(FLASH_TASK) + "\n")
    (tmp_path / "d1" / "zz-locked.json").write_text(json.dumps(FLASH_TASK))
    (tmp_path / "d1" / "zz-locked.json").chmod(0)
    return tmp_path


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="forks workers")
def test_many_candidates_are_read_on_several_cores_with_the_same_verdicts(mixed_tree, monkeypatch, run_cli):
    """The content check of walked files runs on workers past MIN_PARALLEL_SNIFF files;
    which files are linted and which are skipped, and in what order, does not change."""
    from wanspec.project import discovery

    serial = discover_files([str(mixed_tree)], jobs=1)
    assert serial.files and serial.skipped  # the tree has both kinds
    monkeypatch.setattr(discovery, "MIN_PARALLEL_SNIFF", 2)
    monkeypatch.setattr(discovery, "_SNIFF_CHUNK", 7)  # several chunks, the last one short
    read_in = []
    real = discovery._parallel_verdicts
    monkeypatch.setattr(discovery, "_parallel_verdicts", lambda p, j: read_in.append(j) or real(p, j))
    for jobs in (2, 3, 0):
        found = discover_files([str(mixed_tree)], jobs=jobs)
        assert (found.files, found.skipped, found.sizes) == (serial.files, serial.skipped, serial.sizes), jobs
    assert read_in == [2, 3, 0]
    monkeypatch.chdir(mixed_tree)
    outputs = {j: run_cli("lint", "--format", "json", "-j", j, "-v", ".") for j in ("1", "2")}
    assert outputs["1"].stdout == outputs["2"].stdout and outputs["1"].stderr == outputs["2"].stderr, outputs


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="forks workers")
def test_a_worker_that_dies_reading_candidates_ends_the_run_with_exit_2(mixed_tree, monkeypatch, run_cli):
    """No file is taken for a payload, or for one that is not, because its reader died."""
    import signal

    from wanspec.project import discovery

    monkeypatch.setattr(discovery, "MIN_PARALLEL_SNIFF", 2)
    real = discovery._payload_and_size

    def dying(path):
        if path.endswith("021-binary.json"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path)

    monkeypatch.setattr(discovery, "_payload_and_size", dying)
    monkeypatch.chdir(mixed_tree)
    run = run_cli("lint", "-j", "2", ".")
    assert run.exit_code == 2 and "killed by signal 9" in run.stderr, run
    assert run.stdout == "", run
