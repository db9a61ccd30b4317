"""``wanspec lint --fix`` and ``--diff``: safe fixes only, formatting kept, never a worse file."""

from __future__ import annotations

import json
import os
import re
import stat
import uuid

import pytest
from conftest import FLASH_TASK

from wanspec import get_rule
from wanspec.project import fix as _fix

NO_UUID = {k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fixable_rules_are_marked_in_the_catalogue():
    assert get_rule("numeric-string").fix == "numeric-string"
    assert get_rule("missing-field").fix == "generate-missing"
    assert {r for r in _fix.FIXES} == {"numeric-string", "generate-missing"}


def test_numeric_strings_become_numbers_and_nothing_else_changes(run_cli, here):
    text = (
        "{\n"
        '    "taskType": "videoInference",\n'
        '    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",\n'
        '    "model": "alibaba:wan@2.6-flash",\n'
        '    "positivePrompt": "纸船漂流 — a paper boat",\n'
        '    "inputs": {"frameImages": ["https://example.com/boat.jpg"]},\n'
        '    "resolution": "720p",\n'
        '    "duration":   "10",\n'
        '    "seed": "42"\n'
        "}\n"
    )
    (here / "a.json").write_text(text, encoding="utf-8")
    run = run_cli("lint", "--fix", "a.json")
    assert run.exit_code == 0, run
    assert run.stdout == "Found 2 errors (2 fixed, 0 remaining) and 0 warnings in 1 task (1 file).\n"
    expected = text.replace('"duration":   "10"', '"duration":   10').replace('"seed": "42"', '"seed": 42')
    assert (here / "a.json").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("value", [" 5", "5 ", "1_0", "+5", "05", "5.", "1e", "0x10"])
def test_strings_that_are_not_json_numbers_as_written_are_left_alone(run_cli, here, value):
    (here / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": value}), encoding="utf-8")
    before = (here / "a.json").read_bytes()
    run_cli("lint", "--fix", "a.json")
    assert (here / "a.json").read_bytes() == before


def test_a_number_fixed_but_still_out_of_range_is_counted_as_remaining(run_cli, here):
    (here / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": "16"}, indent=2) + "\n", encoding="utf-8")
    run = run_cli("lint", "--fix", "--format", "json", "a.json")
    assert run.exit_code == 1
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS500"]
    assert run.json()["summary"]["fixed"] == 1
    assert json.loads((here / "a.json").read_text())["duration"] == 16


@pytest.mark.parametrize(
    ("layout", "first_member"),
    [
        (2, '{\n  "taskUUID": "U",\n  "taskType"'),
        (None, '{"taskUUID": "U", "taskType"'),
        ("compact", '{"taskUUID":"U","taskType"'),
    ],
)
def test_a_missing_task_uuid_is_added_as_a_v4_uuid_in_the_files_layout(run_cli, here, layout, first_member):
    compact = layout == "compact"
    text = json.dumps(NO_UUID, separators=(",", ":")) if compact else json.dumps(NO_UUID, indent=layout)
    (here / "a.json").write_text(text, encoding="utf-8")  # no trailing newline: none is added
    run = run_cli("lint", "--fix", "a.json")
    assert run.exit_code == 0, run
    fixed = (here / "a.json").read_text(encoding="utf-8")
    generated = json.loads(fixed)["taskUUID"]
    assert uuid.UUID(generated).version == 4
    assert fixed.replace(generated, "U").startswith(first_member)
    assert list(json.loads(fixed).items()) == [("taskUUID", generated), *NO_UUID.items()]
    rest = '"taskType"'
    assert fixed[fixed.index(rest) :] == text[text.index(rest) :]  # nothing else changed


def test_each_task_of_an_array_gets_its_own_uuid(run_cli, here):
    (here / "a.json").write_text(json.dumps([NO_UUID, NO_UUID], indent=2), encoding="utf-8")
    assert run_cli("lint", "--fix", "a.json").exit_code == 0
    uuids = [t["taskUUID"] for t in json.loads((here / "a.json").read_text())]
    assert len(set(uuids)) == 2


def test_a_uuid_that_is_not_v4_is_not_replaced(run_cli, here):
    v1 = {**FLASH_TASK, "taskUUID": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}
    (here / "a.json").write_text(json.dumps(v1), encoding="utf-8")
    run = run_cli("lint", "--fix", "a.json")
    assert run.exit_code == 1 and "WS201" in run.stdout
    assert json.loads((here / "a.json").read_text()) == v1


def test_a_missing_field_without_a_generator_is_not_invented(run_cli, here):
    task = {k: v for k, v in FLASH_TASK.items() if k != "positivePrompt"}
    (here / "a.json").write_text(json.dumps(task), encoding="utf-8")
    run_cli("lint", "--fix", "a.json")
    assert json.loads((here / "a.json").read_text()) == task


def test_json_lines_fix_only_the_lines_that_need_it(run_cli, here):
    good = json.dumps(FLASH_TASK, ensure_ascii=False)
    bad = json.dumps({**FLASH_TASK, "duration": "5"})
    (here / "b.jsonl").write_text(f"{good}\n{bad}\n\n{good}\n", encoding="utf-8")
    run = run_cli("lint", "--fix", "b.jsonl")
    assert run.exit_code == 0, run
    fixed = bad.replace('"duration": "5"', '"duration": 5')
    assert (here / "b.jsonl").read_text() == f"{good}\n{fixed}\n\n{good}\n"


def test_a_file_is_never_rewritten_unless_it_lints_better(run_cli, here, monkeypatch):
    def wrong(d, text, offset):  # a broken fix kind: turns the value into a string of letters
        _, end = json.JSONDecoder().raw_decode(text, offset)
        yield _fix.Edit(offset, end, '"five"')

    monkeypatch.setitem(_fix.FIXES, "numeric-string", wrong)
    (here / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": "5"}), encoding="utf-8")
    before = (here / "a.json").read_bytes()
    run = run_cli("lint", "--fix", "a.json")
    assert run.exit_code == 1 and "WS112" in run.stdout
    assert (here / "a.json").read_bytes() == before


def test_fix_keeps_the_files_permissions_and_leaves_no_temporary(run_cli, here):
    path = here / "a.json"
    path.write_text(json.dumps({**FLASH_TASK, "duration": "5"}), encoding="utf-8")
    os.chmod(path, 0o644)
    run_cli("lint", "--fix", "a.json")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert sorted(p.name for p in here.iterdir()) == ["a.json"]


def test_fix_follows_the_selection(run_cli, here):
    (here / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": "5"}), encoding="utf-8")
    run = run_cli("lint", "--fix", "--ignore", "WS112", "a.json")
    assert run.exit_code == 0
    assert json.loads((here / "a.json").read_text())["duration"] == "5"


def test_diff_shows_the_change_and_writes_nothing(run_cli, here):
    text = json.dumps({**FLASH_TASK, "duration": "5"}, indent=2)
    (here / "a.json").write_text(text, encoding="utf-8")
    run = run_cli("lint", "--diff", "a.json")
    assert run.exit_code == 1
    assert (here / "a.json").read_text() == text
    assert run.stdout.startswith("--- a/a.json\n+++ b/a.json\n@@ ")
    assert '-  "duration": "5"\n+  "duration": 5\n' in run.stdout
    assert run.stdout.endswith("\\ No newline at end of file\n")
    assert "would apply 1 fixes" in run.stderr
    (here / "a.json").write_text(json.dumps(FLASH_TASK), encoding="utf-8")
    clean = run_cli("lint", "--diff", "a.json")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_fix_refuses_standard_input(run_cli, here):
    run = run_cli("lint", "--fix", "-", input=json.dumps(FLASH_TASK))
    assert run.exit_code == 2
    assert re.search(r"cannot take standard input", run.stderr)


def test_explain_says_which_rules_are_fixable(run_cli):
    assert "Fixable: `wanspec lint --fix`" in run_cli("explain", "WS112").stdout
    assert "Fixable" not in run_cli("explain", "WS401").stdout
