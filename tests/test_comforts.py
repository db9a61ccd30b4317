"""What ruff users expect around the findings: fix markers and counts, --show-fixes,
--diff that is exactly --fix, citations that can be followed, a baseline that says what it
recorded."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid

import pytest
from conftest import FLASH_TASK

from wanspec.catalog import store

#: a string duration (fixable), a missing taskUUID (fixable), a bad resolution (not fixable)
FIXABLE = [
    {k: v for k, v in FLASH_TASK.items() if k != "taskUUID"},
    {**FLASH_TASK, "duration": "5", "resolution": "4k"},
]


@pytest.fixture
def fixable(write):
    return write("batch.json", FIXABLE)


def test_fixable_findings_are_marked_and_counted(run_cli, fixable):
    run = run_cli("lint", str(fixable))
    assert run.exit_code == 1
    marked = {m.group(1): m.group(2) == "[*] " for m in re.finditer(r": (WS\d+) (\[\*\] )?", run.stdout)}
    assert marked == {"WS110": True, "WS112": True, "WS113": False}, run  # a bad resolution cannot be fixed
    assert run.stdout.splitlines()[-1] == "[*] 2 fixable with `--fix`."
    doc = run_cli("lint", "--format", "json", str(fixable)).json()
    assert doc["summary"]["fixable"] == 2 and sum(d["fixable"] for d in doc["diagnostics"]) == 2


def test_a_missing_field_that_cannot_be_made_up_is_not_marked(run_cli, write):
    path = write("p.json", {k: v for k, v in FLASH_TASK.items() if k not in ("taskUUID", "positivePrompt")})
    lines = [line for line in run_cli("lint", str(path)).stdout.splitlines() if "WS110" in line]
    assert sorted("[*]" in line for line in lines) == [False, True], lines
    assert all(("[*]" in line) == ("taskUUID" in line) for line in lines)


def test_diff_is_byte_for_byte_what_fix_writes(run_cli, fixable, tmp_path):
    before = fixable.read_bytes()
    diff = run_cli("lint", "--diff", str(fixable))
    assert diff.exit_code == 1 and fixable.read_bytes() == before
    assert run_cli("lint", "--diff", str(fixable)).stdout == diff.stdout  # the same diff every time
    fixed = run_cli("lint", "--fix", "--show-fixes", str(fixable))
    assert fixed.exit_code == 1  # the resolution remains
    if shutil.which("git") is None:
        pytest.skip("needs git to apply the diff")
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / fixable.name).write_bytes(before)
    patch = diff.stdout.replace(f"a/{fixable}", f"a/{fixable.name}").replace(f"b/{fixable}", f"b/{fixable.name}")
    applied = subprocess.run(["git", "apply", "-"], cwd=copy, input=patch, text=True, capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (copy / fixable.name).read_bytes() == fixable.read_bytes()


def test_the_generated_task_uuid_is_a_v4_derived_from_the_task(run_cli, write):
    a = write("a.json", [{k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}] * 2)
    assert run_cli("lint", "--fix", str(a)).exit_code == 0
    ids = [t["taskUUID"] for t in json.loads(a.read_text())]
    assert len(set(ids)) == 2  # two identical tasks still get distinct ids (their index differs)
    for text in ids:
        value = uuid.UUID(text)
        assert value.version == 4 and value.variant == uuid.RFC_4122
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text)
    b = write("b.json", [{k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}] * 2)
    run_cli("lint", "--fix", str(b))
    assert [t["taskUUID"] for t in json.loads(b.read_text())] == ids  # the same task, the same id


def test_show_fixes_lists_what_was_repaired(run_cli, fixable):
    run = run_cli("lint", "--fix", "--show-fixes", str(fixable))
    assert "Fixed 2 findings:" in run.stdout, run
    assert f"- {fixable}:\n    1 × WS110 (missing-field)\n    1 × WS112 (numeric-string)\n" in run.stdout, run
    again = run_cli("lint", "--fix", "--show-fixes", str(fixable))
    assert "No fixes applied." in again.stdout


def test_sarif_rules_link_to_the_provider_pages(run_cli, write):
    run = run_cli("lint", "--format", "sarif", str(write("p.json", {**FLASH_TASK, "duration": 40})))
    log = json.loads(run.stdout)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["WS500"]["helpUri"].startswith("https://runware.ai/docs/")
    assert rules["WS401"]["helpUri"].startswith("https://")
    (result,) = log["runs"][0]["results"]
    assert result["properties"]["url"] == "https://runware.ai/docs/models/alibaba-wan2-6-flash.md"
    assert "›" in result["properties"]["doc"] and result["properties"]["doc"] in result["message"]["text"]


def test_every_citation_in_the_schemas_can_be_followed():
    docs: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("x-doc"), str):
                docs.add(node["x-doc"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    cat = store.catalog()
    for entry in cat.entries.values():
        walk(entry.raw)
    for shared in cat.shared.values():
        walk(shared)
    assert len(docs) > 100
    unfollowable = [d for d in docs if not (store.source_url(d) or "").startswith("https://")]
    assert unfollowable == []


def test_explain_gives_each_citation_its_address(run_cli):
    run = run_cli("explain", "WS500")
    lines = run.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "wavespeed-wan2.6-i2v-flash.txt" in line)
    assert lines[at + 1] == "    https://wavespeed.ai/docs/docs-api/alibaba/alibaba-wan-2.6-image-to-video-flash"
