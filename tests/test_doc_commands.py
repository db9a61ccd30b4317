"""Docs that cannot lie: every `wanspec` command in the shell examples of README.md and
docs/*.md runs as written, in a temporary copy of the examples, and where a doc shows the
output (a ``console`` block: ``$ command`` then what it prints) the output is compared.

A command "runs" when wanspec did its job: exit 0 (clean) or 1 (findings), never 2 (a usage
or environment error: an option that no longer exists, a budget the example exceeds, a
path the doc invents). `wanspec record` runs against the loopback servers, reached through
the documented ``<PROVIDER>_BASE_URL`` variables, so nothing leaves the machine. Lines that
are not wanspec commands (pip install, pytest, export) are the quick start's and the
development section's; tests/test_readme.py and .ci/run cover those.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

from wanspec.contract import LoopbackServer

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = ("sh", "console", "bash", "shell")
KEY = "doc-example-key-0123456789abcdef"  # long enough that redacting it touches nothing else


def _blocks(path: Path) -> list[tuple[str, str]]:
    text = path.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w+)\n(.*?)^```", text, re.S | re.M)]


def _logical_lines(body: str) -> list[str]:
    return body.replace("\\\n", " ").splitlines()


def _strip_comment(line: str) -> str:
    return re.split(r"\s+#(?:\s|$)", line, maxsplit=1)[0].strip()


def examples(path: Path) -> list[tuple[str, str | None]]:
    """(command, the output the doc shows or None) for each wanspec command in the doc."""
    out: list[tuple[str, str | None]] = []
    for lang, body in _blocks(path):
        if lang not in SHELL:
            continue
        if lang == "console":
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, _, shown = chunk.partition("\n")
                out.append((command.strip(), shown))
            continue
        for line in _logical_lines(body):
            command = _strip_comment(line)
            if not command.startswith("wanspec "):
                continue
            if any(mark in command for mark in ("...", "[", "<")) or any(
                re.fullmatch(r"[A-Z]{2,}(?:=[A-Z]{2,})?", word) for word in command.split()
            ):
                continue  # a synopsis (PATHS..., [--format json], DIR, --spec ID=FILE), not an example
            out.append((command, None))
    return out


def shows(shown: str, printed: str) -> bool:
    """Whether ``printed`` is what a doc shows: line for line, where a line that is only
    ``…`` stands for any number of lines and ``…`` inside a line for any text."""
    parts = []
    for line in shown.splitlines(keepends=True):
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("…")))
    return re.fullmatch("".join(parts), printed, re.S) is not None


def _sandbox(tmp: Path) -> Path:
    """A project holding what the examples name: the examples, payloads, cassettes, a body."""
    box = tmp / "project"
    box.mkdir()
    shutil.copytree(ROOT / "examples", box / "examples")
    shutil.copytree(ROOT / "examples", box / "payloads")
    shutil.copytree(ROOT / "cassettes", box / "cassettes")
    shutil.copy(ROOT / "examples" / "batch.jsonl", box / "batch.jsonl")
    (box / "body.json").write_text(
        json.dumps({"image": "https://example.com/a.png", "prompt": "a boat", "duration": 5})
    )
    return box


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300
    )


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_shell_example_runs_as_written(doc, tmp_path):
    found = examples(doc)
    if not found:
        pytest.skip(f"{doc.name} has no wanspec shell example")
    box = _sandbox(tmp_path)
    scripts = sysconfig.get_path("scripts")
    env = {**os.environ, "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}", "NO_COLOR": "1"}
    env.pop("CI", None)
    with LoopbackServer("runware", api_key=KEY) as runware, LoopbackServer("wavespeed", api_key=KEY) as wavespeed:
        env.update(
            RUNWARE_API_KEY=KEY,
            RUNWARE_BASE_URL=runware.base_url,
            WAVESPEED_API_KEY=KEY,
            WAVESPEED_BASE_URL=wavespeed.base_url,
        )
        if "--baseline base.json" in " ".join(c for c, _ in found):  # the baseline the example reads
            assert _run("wanspec lint --baseline base.json --write-baseline payloads/", box, env).returncode == 0
        for command, shown in found:
            done = _run(command, box, env)
            assert done.returncode in (0, 1), f"{doc.name}: `{command}` exited {done.returncode}:\n{done.stderr}"
            if shown is not None:
                printed = done.stdout + done.stderr  # what the reader of a terminal sees
                assert shows(shown, printed), f"{doc.name}: `{command}` prints something else:\n{printed}"


def test_elisions_stand_for_lines_and_text_but_nothing_else():
    assert shows("a\n…\nz\n", "a\nb\nc\nz\n") and shows("a\n…\nz\n", "a\nz\n")
    assert shows("Found … errors.\n", "Found 6 errors.\n")
    assert not shows("Found 9 errors.\n", "Found 6 errors.\n")
    assert not shows("a\nz\n", "a\nb\nz\n") and not shows("a\n", "a\nb\n")


def test_the_readme_shows_output_and_the_examples_are_many():
    readme = examples(ROOT / "README.md")
    assert sum(shown is not None for _, shown in readme) >= 2  # the first example and --show-source
    assert readme[0][0] == "wanspec lint examples/runware/wan26-batch.json"
    assert len(readme) >= 20
