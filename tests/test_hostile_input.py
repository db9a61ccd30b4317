"""Broken and hostile input gets a clear diagnostic with a position, never a traceback.

Each case runs the real CLI in-process with ``--format json`` and checks the exit status
and the code, line and column of what it reports.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import FLASH_TASK, nesting_depths_near_the_limit

VALID = FLASH_TASK


def _codes(run):
    return [(d["code"], d["line"], d["column"]) for d in run.json()["diagnostics"]]


@pytest.mark.parametrize(
    ("content", "code", "line", "column"),
    [
        pytest.param('{"taskType": "videoInference",\n  "duration": 5,\n}', "WS001", 3, 1, id="trailing-comma"),
        pytest.param('{"taskType": "videoInference" "duration": 5}', "WS001", 1, 31, id="missing-comma"),
        pytest.param("{'taskType': 'videoInference'}", "WS001", 1, 2, id="single-quotes"),
        pytest.param('{"a": 1} {"b": 2}', "WS001", 1, 10, id="two-values-in-json"),
        pytest.param("[1, 2", "WS001", 1, 6, id="truncated"),
        pytest.param("", "WS008", 1, 1, id="empty"),
        pytest.param("  \n\t\n", "WS008", 1, 1, id="whitespace-only"),
        pytest.param("42", "WS009", 1, 1, id="top-level-number"),
        pytest.param('"videoInference"', "WS009", 1, 1, id="top-level-string"),
        pytest.param("null", "WS009", 1, 1, id="top-level-null"),
        pytest.param("[]", "WS009", 1, 1, id="empty-array"),
        pytest.param('[{"model": "alibaba:wan@2.6-flash"},\n 7]', None, None, None, id="array-with-scalar"),
    ],
)
def test_malformed_json_is_a_finding(run_cli, write, content, code, line, column):
    path = write("payload.json", content)
    run = run_cli("lint", "--format", "json", str(path))
    assert run.exit_code == 1, run
    found = _codes(run)
    if code is None:  # the scalar array item is reported where it is
        assert ("WS009", 2, 2) in found, run
    else:
        assert found[0] == (code, line, column), run


def test_duplicate_keys_are_reported_at_the_second_key(run_cli, write):
    text = json.dumps(VALID, indent=2)[:-2] + ',\n  "duration": 10\n}'
    run = run_cli("lint", "--format", "json", str(write("dup.json", text)))
    assert run.exit_code == 1, run
    dup = [d for d in run.json()["diagnostics"] if d["code"] == "WS002"]
    assert len(dup) == 1 and dup[0]["line"] == 13 and dup[0]["column"] == 3 and dup[0]["task"] == 0, run
    assert dup[0]["pointer"] == "/duration"
    assert "more than once" in dup[0]["message"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers(run_cli, write, literal):
    text = json.dumps(VALID, indent=2).replace('"duration": 5', f'"duration": {literal}')
    run = run_cli("lint", "--format", "json", str(write("nan.json", text)))
    assert run.exit_code == 1, run
    codes = {d["code"]: d for d in run.json()["diagnostics"]}
    assert codes["WS003"]["pointer"] == "/duration"
    assert codes["WS003"]["line"] == 12


def test_bom_is_a_warning_and_the_rest_is_still_checked(run_cli, write):
    good = write("bom.json", b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    run = run_cli("lint", "--format", "json", str(good))
    assert run.exit_code == 0, run  # warnings do not fail the run
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS004"]
    bad = write("bom-bad.json", b"\xef\xbb\xbf" + json.dumps({**VALID, "duration": 99}).encode())
    run = run_cli("lint", "--format", "json", str(bad))
    assert run.exit_code == 1 and {d["code"] for d in run.json()["diagnostics"]} == {"WS004", "WS500"}, run


def test_invalid_utf8_points_at_the_bad_byte(run_cli, write):
    data = b'{\n  "positivePrompt": "caf\xe9"\n}'
    run = run_cli("lint", "--format", "json", str(write("latin1.json", data)))
    assert run.exit_code == 1, run
    assert _codes(run) == [("WS005", 2, 25)], run


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), id="png"),
        pytest.param(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, id="elf"),
        pytest.param('{"a": 1}'.encode("utf-16"), id="utf-16"),
    ],
)
def test_binary_files(run_cli, write, data):
    run = run_cli("lint", "--format", "json", str(write("blob.json", data)))
    assert run.exit_code == 1, run
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS011"], run


def test_nesting_deeper_than_any_interpreter_reads(run_cli, write):
    # 200,000 levels: Python 3.11 reads about 1,000, 3.12 about 1,500, 3.13 about 10,000
    deep = write("deep.json", "[" * 200_000 + "]" * 200_000)
    run = run_cli("lint", "--format", "json", str(deep))
    assert run.exit_code == 1, run
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS006"]
    # deep but parseable nesting inside a task is an unknown field, not a crash
    nested = {**VALID, "extra": json.loads("[" * 100 + "]" * 100)}
    run = run_cli("lint", "--format", "json", str(write("nested.json", nested)))
    assert run.exit_code == 1 and {d["code"] for d in run.json()["diagnostics"]} == {"WS100"}, run
    # beyond the validator's own limit (about 255 levels): still a finding, not a crash
    deeper = {**VALID, "extra": json.loads("[" * 900 + "]" * 900)}
    run = run_cli("lint", "--format", "json", str(write("deeper.json", deeper)))
    assert run.exit_code == 1 and {d["code"] for d in run.json()["diagnostics"]} == {"WS006"}, run


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_task_nested_near_the_recursion_limit_reads_the_same_from_any_stack_depth(run_cli, write, engine):
    """Python's recursion limit counts the frames already on the stack, so a task nested
    near it used to read, validate and get its fix marks differently by where it was
    linted: from a deeper stack, the --fix mark of its missing taskUUID raised a
    RecursionError (a traceback), and the reference engine gave up on it. Each nesting
    depth near the limit now gives the same output from a shallow stack and a deep one."""

    def lint_from(extra: int, path: Path):
        if extra:
            return lint_from(extra - 1, path)
        return run_cli("lint", "--format", "json", "--engine", engine, str(path))

    task = {k: v for k, v in VALID.items() if k != "taskUUID"}  # a finding whose fix reads the task
    outputs = set()
    for depth in nesting_depths_near_the_limit(margin=60, step=5):
        path = write("deep.json", json.dumps(task)[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}")
        shallow, deep = lint_from(0, path), lint_from(80, path)
        assert (deep.exit_code, deep.stdout) == (shallow.exit_code, shallow.stdout), depth
        assert shallow.exit_code == 1, depth
        outputs.add(shallow.stdout)
    assert len(outputs) >= 2  # the sweep crossed from read to too deep


def test_json_lines_on_standard_input_led_by_a_deep_line_read_the_same_from_any_stack_depth(run_cli):
    """Standard input is sniffed for JSON Lines by reading its first value. A first line
    nested near the recursion limit made that sniff fail from a deeper stack: the lines
    were then read as one JSON document (a syntax error on line 2) instead of as tasks."""

    def lint_from(extra: int, data: str):
        if extra:
            return lint_from(extra - 1, data)
        return run_cli("lint", "--format", "json", "-", input=data)

    line = json.dumps(VALID)
    for depth in nesting_depths_near_the_limit(margin=60, step=5):
        deep = line[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
        data = "\n".join([deep, line, line]) + "\n"
        shallow, deeper = lint_from(0, data), lint_from(80, data)
        assert (deeper.exit_code, deeper.stdout) == (shallow.exit_code, shallow.stdout), depth
        assert [(d["code"], d["line"]) for d in shallow.json()["diagnostics"]] == [("WS006", 1)], depth


def test_deep_nesting_in_jsonl(run_cli, write):
    path = write("deep.jsonl", json.dumps(VALID) + "\n" + "{" * 3000 + "\n")
    run = run_cli("lint", "--format", "json", str(path))
    assert run.exit_code == 1, run
    assert {(d["code"], d["line"]) for d in run.json()["diagnostics"]} <= {("WS006", 2), ("WS001", 2)}


@pytest.mark.slow
def test_fifty_megabyte_file(run_cli, write):
    # a 50 MB payload: one huge inline image (base64 of zeros is not an image)
    blob = "A" * (50 * 1024 * 1024)
    payload = {**VALID, "inputs": {"frameImages": [f"data:image/png;base64,{blob}"]}}
    run = run_cli("lint", "--format", "json", str(write("huge.json", payload)))
    assert run.exit_code == 1, run
    codes = {d["code"] for d in run.json()["diagnostics"]}
    # over 10 MB; bytes no sniffer recognises are not a finding (no page restricts the container)
    assert codes == {"WS612"}, run


def test_file_over_the_size_limit_is_not_read(run_cli, tmp_path, monkeypatch):
    import wanspec.lint.source as source

    monkeypatch.setattr(source, "MAX_JSON_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps({**VALID, "positivePrompt": "x" * 2000}))
    run = run_cli("lint", "--format", "json", str(path))
    assert run.exit_code == 1 and [d["code"] for d in run.json()["diagnostics"]] == ["WS007"], run


def test_missing_path_is_a_usage_error(run_cli, tmp_path):
    run = run_cli("lint", str(tmp_path / "nope.json"))
    assert run.exit_code == 2, run
    assert "no such file or directory" in run.stderr and "Traceback" not in run.stderr + run.stdout


def test_directory_without_payloads_is_a_usage_error(run_cli, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    run = run_cli("lint", str(tmp_path))
    assert run.exit_code == 2, run
    assert "no payload files" in run.stderr


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_an_environment_error(run_cli, write):
    path = write("secret.json", VALID)
    path.chmod(0)
    run = run_cli("lint", "--format", "json", str(path))
    assert run.exit_code == 2, run
    assert run.json()["diagnostics"][0]["code"] == "WS012"


def test_dangling_symlink_is_an_environment_error(run_cli, tmp_path):
    link = tmp_path / "gone.json"
    link.symlink_to(tmp_path / "missing-target.json")
    run = run_cli("lint", "--format", "json", str(link))
    assert run.exit_code == 2, run
    assert run.json()["diagnostics"][0]["code"] == "WS012"


def test_unknown_model_suggests_the_closest(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("m.json", {**VALID, "model": "alibaba:wan@2.6-flahs"})))
    assert run.exit_code == 1
    d = run.json()["diagnostics"][0]
    assert d["code"] == "WS010" and "alibaba:wan@2.6-flash" in d["message"] and d["pointer"] == "/model"


def test_unknown_model_by_name_points_to_the_documented_id(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("m.json", {**VALID, "model": "alibaba:wan@2.2-animate"})))
    assert "runware:200@8" in run.json()["diagnostics"][0]["message"]


def test_jsonl_reports_each_broken_line_and_goes_on(run_cli, write):
    lines = [json.dumps(VALID), '{"broken": ', "", json.dumps({**VALID, "duration": 40}), "7"]
    run = run_cli("lint", "--format", "json", str(write("batch.jsonl", "\n".join(lines) + "\n")))
    assert run.exit_code == 1, run
    found = [(d["code"], d["task"], d["line"]) for d in run.json()["diagnostics"]]
    assert found == [("WS001", 1, 2), ("WS500", 2, 4), ("WS009", 3, 5)], run
    assert run.json()["summary"]["tasks"] == 2


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02", b"\xff\xfe\x00", b"{", b"[[[[", b'"\\ud800"', b'{"model": "\\u0000"}', b"-", b"1e999999"],
)
def test_stdin_never_crashes(run_cli, data):
    run = run_cli("lint", "--format", "json", "-", input=data)
    assert run.exit_code in (1, 2), run
    assert "Traceback" not in run.stdout + run.stderr
    json.loads(run.stdout)


def test_huge_integer_does_not_crash(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("big-int.json", {**VALID, "seed": 10**40})))
    assert run.exit_code == 1, run
    assert "WS114" in {d["code"] for d in run.json()["diagnostics"]} or "WS120" in {
        d["code"] for d in run.json()["diagnostics"]
    }


def test_a_directory_is_walked_recursively_in_sorted_order(run_cli, tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "x.json").write_text(json.dumps({**VALID, "duration": 99}))
    (tmp_path / "a" / "y.jsonl").write_text(json.dumps({**VALID, "duration": 98}) + "\n")
    (tmp_path / ".hidden" / "z.json").write_text("{")
    (tmp_path / "readme.md").write_text("# not a payload")
    run = run_cli("lint", "--format", "json", str(tmp_path))
    files = [Path(d["file"]).relative_to(tmp_path).as_posix() for d in run.json()["diagnostics"]]
    assert files == ["a/y.jsonl", "b/x.json"], run
    assert run.json()["summary"] == {"files": 2, "tasks": 2, "errors": 2, "warnings": 0}


def test_permission_denied_is_an_environment_error(run_cli, write, monkeypatch):
    """The same as a chmod 000 file, but also when the tests run as root (CI does)."""
    import builtins
    import os

    path = str(write("locked.json", VALID))

    def refusing(real):
        def locked(file, *args, **kwargs):
            if str(file) == path:
                raise PermissionError(13, "Permission denied", path)
            return real(file, *args, **kwargs)

        return locked

    # whichever way the file is opened
    monkeypatch.setattr(builtins, "open", refusing(builtins.open))
    monkeypatch.setattr(os, "open", refusing(os.open))
    run = run_cli("lint", "--format", "json", path)
    assert run.exit_code == 2, run
    (d,) = run.json()["diagnostics"]
    assert d["code"] == "WS012" and "Permission denied" in d["message"]
