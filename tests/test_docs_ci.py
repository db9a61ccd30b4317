"""docs/ci.md: the example workflow parses, and its wanspec commands run as written."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET

import yaml
from conftest import ROOT

WORKFLOW = re.search(r"```yaml\n(.+?)\n```", (ROOT / "docs" / "ci.md").read_text(encoding="utf-8"), re.S)


def _workflow() -> dict:
    assert WORKFLOW, "docs/ci.md has no yaml block"
    doc: dict = yaml.safe_load(WORKFLOW.group(1))
    return doc


def _steps() -> list[dict]:
    (job,) = _workflow()["jobs"].values()
    steps: list[dict] = job["steps"]
    return steps


def _wanspec_commands() -> list[tuple[list[str], str | None]]:
    """(argv after `wanspec`, the file stdout is redirected to)."""
    out = []
    for step in _steps():
        for line in str(step.get("run", "")).splitlines():
            words = shlex.split(line)
            if words[:1] == ["wanspec"]:
                target = words[words.index(">") + 1] if ">" in words else None
                out.append((words[1 : words.index(">")] if target else words[1:], target))
    return out


def test_workflow_is_valid_yaml_with_the_upload_step():
    workflow = _workflow()
    assert workflow["permissions"]["security-events"] == "write"
    uploads = [s for s in _steps() if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    (upload,) = uploads
    sarif_outputs = [target for argv, target in _wanspec_commands() if "sarif" in argv]
    assert sarif_outputs == [upload["with"]["sarif_file"]]


def test_workflow_commands_are_accepted_by_the_parser():
    import click

    from wanspec.cli.main import cli

    commands = _wanspec_commands()
    assert {argv[argv.index("--format") + 1] for argv, _ in commands} == {"github", "sarif", "junit"}
    for argv, _ in commands:
        ctx = click.Context(cli, info_name="wanspec")
        command = cli.get_command(ctx, argv[0])
        assert command is not None and argv[0] == "lint"
        command.make_context(argv[0], argv[1:], parent=ctx)  # raises click.UsageError if an option is wrong


def test_workflow_commands_run_on_the_examples(run_cli, tmp_path, monkeypatch):
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "examples", tmp_path / "payloads")
    for argv, target in _wanspec_commands():
        run = run_cli(*argv)
        assert run.exit_code == (0 if "--exit-zero" in argv else 1), run
        if target and target.endswith(".sarif"):
            assert json.loads(run.stdout)["runs"][0]["results"]
        elif target and target.endswith(".xml"):
            assert ET.fromstring(run.stdout).get("failures") != "0"
        else:
            assert run.stdout.startswith("::error file=payloads/")


def test_readme_usage_commands_are_accepted_by_the_parser():
    import click

    from wanspec.cli.main import cli

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Using it", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    checked = 0
    for line in block.splitlines():
        words = shlex.split(line.split(" #", 1)[0])
        if words[:1] != ["wanspec"] or any("..." in w or "[" in w for w in words):
            continue  # placeholders such as PATHS... and [--format json]
        words = words[: words.index(">")] if ">" in words else words
        ctx = click.Context(cli, info_name="wanspec")
        group: click.Command = cli
        args = words[1:]
        while isinstance(group, click.Group) and args and args[0] in group.commands:
            group, args = group.commands[args[0]], args[1:]
        group.make_context(group.name or "wanspec", args, parent=ctx)
        checked += 1
    assert checked >= 10
