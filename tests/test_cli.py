"""The command line, run in-process: formats, exit codes, selection, schemas, explain."""

from __future__ import annotations

import json
import re

import pytest
from conftest import FLASH_TASK

VALID = FLASH_TASK
BAD = {**VALID, "duration": 20, "outputQuality": 10, "shotTyp": "multi"}
WARN = {**VALID, "providerSettings": {"alibaba": {"promptExtend": False, "shotType": "multi"}}}


def test_clean_file_exits_zero(run_cli, write):
    run = run_cli("lint", str(write("ok.json", VALID)))
    assert run.exit_code == 0, run
    assert run.stdout == "All checks passed in 1 task (1 file).\n"


def test_warnings_alone_exit_zero(run_cli, write):
    run = run_cli("lint", str(write("w.json", WARN)))
    assert run.exit_code == 0, run
    assert "WS701 (warning)" in run.stdout and "Found 0 errors and 1 warning" in run.stdout


def test_text_format_is_path_line_col_code_message(run_cli, write):
    path = write("bad.json", BAD)
    run = run_cli("lint", "--no-color", str(path))
    assert run.exit_code == 1, run
    lines = run.stdout.splitlines()
    pattern = re.compile(rf"^{re.escape(str(path))}:(\d+):(\d+): (WS\d{{3}}) (.+)$")
    found = [pattern.match(line) for line in lines[:-1]]
    assert all(found), lines
    assert [(m.group(1), m.group(3)) for m in found if m] == [("12", "WS500"), ("13", "WS114"), ("14", "WS100")]
    assert "did you mean 'shotType'?" not in run.stdout  # shotType lives in providerSettings.alibaba
    assert lines[-1] == "Found 3 errors and 0 warnings in 1 task (1 file)."


def test_json_format_is_exactly_one_object_with_the_documented_fields(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("bad.json", BAD)), str(write("ok.json", VALID)))
    assert run.exit_code == 1
    doc = json.loads(run.stdout)
    assert set(doc) == {"diagnostics", "summary"}
    assert doc["summary"] == {"files": 2, "tasks": 2, "errors": 3, "warnings": 0}
    for d in doc["diagnostics"]:
        assert list(d) == [
            *("file", "task", "line", "column", "pointer", "code", "severity", "message", "schema"),
            *("hint", "doc", "fixable", "url"),
        ]
        assert d["schema"] == "runware/alibaba:wan@2.6-flash" and d["task"] == 0
    assert [d["pointer"] for d in doc["diagnostics"]] == ["/duration", "/outputQuality", "/shotTyp"]


def test_messages_say_what_is_allowed_and_where_the_docs_say_so(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("bad.json", BAD)))
    by_code = {d["code"]: d for d in run.json()["diagnostics"]}
    assert "at most 15" in by_code["WS500"]["message"] and "runware-wan2.6-flash.txt" in by_code["WS500"]["doc"]
    assert "at least 20" in by_code["WS114"]["message"] and "min: 20 max: 99" in by_code["WS114"]["doc"]
    # the citation can be followed: the provider page's public address
    assert by_code["WS500"]["url"].startswith("https://runware.ai/docs/")
    # concise: the quote is not in the message (text output shows it with --show-source)
    assert "[" not in by_code["WS500"]["message"] and "›" not in by_code["WS114"]["message"]


def test_text_is_concise_and_show_source_adds_the_citation(run_cli, write):
    path = str(write("bad.json", BAD))
    concise = run_cli("lint", path)
    findings = [line for line in concise.stdout.splitlines() if ": WS" in line]
    assert findings and all("›" not in line and len(line) < len(path) + 100 for line in findings), concise
    for flags in (["--show-source"], ["--output-format", "full"]):
        full = run_cli("lint", *flags, path)
        assert full.exit_code == 1
        lines = full.stdout.splitlines()
        at = lines.index(next(line for line in lines if ": WS500 " in line))
        assert lines[at + 1].startswith("  = source: runware-wan2.6-flash.txt") and "max: 15" in lines[at + 1]
        assert lines[at + 2] == "  = see: https://runware.ai/docs/models/alibaba-wan2-6-flash.md", full


def test_array_files_report_the_task_index(run_cli, write):
    run = run_cli("lint", "--format", "json", str(write("batch.json", [VALID, WARN, BAD])))
    tasks = sorted({d["task"] for d in run.json()["diagnostics"]})
    assert tasks == [1, 2]
    assert run.json()["summary"]["tasks"] == 3


def test_authentication_tasks_are_skipped(run_cli, write):
    auth = {"taskType": "authentication", "apiKey": "${RUNWARE_API_KEY}"}
    run = run_cli("lint", "--format", "json", str(write("wire.json", [auth, VALID])))
    assert run.exit_code == 0, run
    assert run.json()["summary"]["tasks"] == 1


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "WS500"], {"WS500"}),
        (["--select", "WS5,WS10"], {"WS500", "WS100"}),
        (["--select", "duration", "--select", "unknown-field"], {"WS500", "WS100"}),
        (["--ignore", "WS10"], {"WS500", "WS114"}),
        (["--ignore", "out-of-range"], {"WS500", "WS100"}),
        (["--select", "ALL", "--ignore", "WS500"], {"WS114", "WS100"}),
    ],
)
def test_select_and_ignore(run_cli, write, args, codes):
    run = run_cli("lint", "--format", "json", *args, str(write("bad.json", BAD)))
    assert {d["code"] for d in run.json()["diagnostics"]} == codes, run


def test_ignoring_every_error_exits_zero(run_cli, write):
    run = run_cli("lint", "--ignore", "WS500,WS114,WS100", str(write("bad.json", BAD)))
    assert run.exit_code == 0, run


@pytest.mark.parametrize("args", [["--select", "WS98"], ["--ignore", "no-such-rule"], ["--schema", "runware/wan"]])
def test_bad_options_are_usage_errors(run_cli, write, args):
    run = run_cli("lint", *args, str(write("ok.json", VALID)))
    assert run.exit_code == 2, run
    assert run.stderr.startswith("wanspec: error:")


def test_unknown_schema_suggests_one(run_cli, write):
    run = run_cli("lint", "--schema", "runware/alibaba:wan@2.6-flsh", str(write("ok.json", VALID)))
    assert "did you mean 'runware/alibaba:wan@2.6-flash'" in run.stderr


def test_forced_schema_reports_a_model_mismatch(run_cli, write):
    run = run_cli("lint", "--format", "json", "--schema", "runware/alibaba:wan@2.6", str(write("ok.json", VALID)))
    assert ("WS202", "/model") in {(d["code"], d["pointer"]) for d in run.json()["diagnostics"]}


def test_wavespeed_payload_is_detected_by_shape(run_cli, write):
    body = {"image": "https://example.com/cat.png", "prompt": "the cat yawns", "duration": 20, "seed": -1}
    run = run_cli("lint", "--format", "json", str(write("ws.json", body)))
    assert [(d["code"], d["schema"]) for d in run.json()["diagnostics"]] == [
        ("WS500", "wavespeed/alibaba/wan-2.6/image-to-video-flash")
    ]


def test_toapis_payload_is_found_by_its_model(run_cli, write):
    body = {"model": "wan2.6-flash", "prompt": "the person smiles"}
    run = run_cli("lint", "--format", "json", str(write("ta.json", body)))
    assert [(d["code"], d["schema"]) for d in run.json()["diagnostics"]] == [("WS600", "toapis/wan2.6-flash")]


def test_stdin_json_and_jsonl(run_cli):
    run = run_cli("lint", "--format", "json", "-", input=json.dumps(BAD))
    assert run.exit_code == 1 and run.json()["diagnostics"][0]["file"] == "<stdin>"
    jsonl = "\n".join(json.dumps(t) for t in (VALID, BAD, VALID)) + "\n"
    run = run_cli("lint", "--format", "json", "-", input=jsonl)
    assert run.json()["summary"]["tasks"] == 3
    assert {(d["task"], d["line"]) for d in run.json()["diagnostics"]} == {(1, 2)}


def test_colour_only_when_asked_and_never_with_no_color(run_cli, write):
    path = str(write("bad.json", BAD))
    assert "\x1b[" not in run_cli("lint", path).stdout  # not a TTY
    assert "\x1b[" in run_cli("lint", "--color", path).stdout
    assert "\x1b[" not in run_cli("lint", "--color", path, env={"NO_COLOR": "1"}).stdout


def test_schemas_lists_every_id(run_cli):
    run = run_cli("schemas", "--format", "json")
    ids = [s["id"] for s in run.json()["schemas"]]
    assert ids == sorted(
        [
            "runware/alibaba:wan@2.6-flash",
            "runware/alibaba:wan@2.6",
            "runware/alibaba:wan@2.5-preview",
            "runware/runware:200@8",
            "runware/runware:200@9",
            "runware/alibaba:wan@2.5-image",
            "runware/alibaba:wan@2.6-image",
            "runware/runware:qwen-image@2.0",
            "runware/runware:qwen-image@2.0-pro",
            "wavespeed/alibaba/wan-2.6/image-to-video-flash",
            "toapis/wan2.6-flash",
        ]
    )
    text = run_cli("schemas").stdout
    assert "runware/alibaba:wan@2.5-preview" in text and "runware:201@1" in text


def test_wan25_preview_accepts_both_model_ids(run_cli, write):
    base = {
        "taskType": "videoInference",
        "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
        "positivePrompt": "Waves on a basalt beach",
        "width": 1280,
        "height": 720,
        "duration": 10,
    }
    for model in ("alibaba:wan@2.5-preview", "runware:201@1"):
        run = run_cli("lint", "--format", "json", str(write(f"{model[:7]}.json", {**base, "model": model})))
        assert run.exit_code == 0, run


def test_explain_prints_docs_sources_and_a_live_example(run_cli):
    run = run_cli("explain", "WS401")
    assert run.exit_code == 0, run
    assert "dimension-pair" in run.stdout
    assert "Where the docs state it:" in run.stdout and "runware-alibaba-models.txt" in run.stdout
    assert "wanspec reports:" in run.stdout and " WS401 " in run.stdout.split("wanspec reports:")[1]
    assert run_cli("explain", "dimension-pair").stdout == run.stdout


def test_explain_unknown_and_list(run_cli):
    assert run_cli("explain", "WS999").exit_code == 2
    listing = run_cli("explain", "--list").stdout
    assert listing.count("\n") >= 50 and "WS701  shot-type-without-prompt-extend" in listing


def test_usage_errors_exit_two(run_cli):
    assert run_cli("lint", "--format", "xml", "x.json").exit_code == 2
    assert run_cli("nope").exit_code == 2


def test_usage_error_leaves_stdout_empty(run_cli, tmp_path):
    run = run_cli("lint", "--format", "json", str(tmp_path / "missing.json"))
    assert run.exit_code == 2 and run.stdout == ""
