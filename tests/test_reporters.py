"""Every report format through the CLI, on real example payloads.

Each format is checked against what its consumers read: SARIF against the official
OASIS 2.1.0 schema, JUnit with ``xml.etree`` and ``junitparser``, GitHub workflow
commands with the Actions toolkit's escaping, JSON Lines line by line; and each must say
exactly what ``--format json`` says, in the same order.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import junitparser
import pytest
from conftest import DATA, FLASH_TASK, ROOT
from html_report import as_json
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from rfc3986_validator import validate_rfc3986
from test_parallel import _lines, small_chunks  # noqa: F401  (small_chunks is a fixture)

from wanspec import Diagnostic, Severity, lint_file, list_rules
from wanspec.lint import parallel as _parallel
from wanspec.recordtype import astuple, replace
from wanspec.reporters import FORMATS
from wanspec.reporters._github import escape_data, escape_property
from wanspec.reporters._paths import diagnostic_json, safe, with_url

SARIF_SCHEMA = json.loads((DATA / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
UNICODE_FILE = "tâches/vidéo 1.json"
WARNING_FILE = "runware/wan22-animate.json"


@pytest.fixture
def tree(tmp_path, monkeypatch) -> Path:
    """A working directory of payloads: clean, with errors, warnings only, unicode path, JSONL."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "examples", tmp_path, dirs_exist_ok=True)
    (tmp_path / "README.md").unlink()
    target = tmp_path / UNICODE_FILE
    target.parent.mkdir()
    # Qwen poster: messages with "×" and "›"
    shutil.copy(ROOT / "examples" / "runware" / "qwen-poster.json", target)
    (tmp_path / "clean.json").write_text(json.dumps(FLASH_TASK, indent=2), encoding="utf-8")
    return tmp_path


def _json_diagnostics(run_cli, *args: str, input: bytes | None = None) -> list[dict]:
    run = run_cli("lint", "--format", "json", *args, input=input)
    diagnostics: list[dict] = run.json()["diagnostics"]
    return diagnostics


# -- SARIF --------------------------------------------------------------------------------------
def _valid_sarif(text: str) -> dict:
    log = json.loads(text)
    validator = Draft4Validator(SARIF_SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert not errors, errors
    # the schema says "format": "uri-reference", which draft-04 format checking skips
    for result in log["runs"][0]["results"]:
        for location in result.get("locations", []):
            uri = location["physicalLocation"]["artifactLocation"]["uri"]
            assert validate_rfc3986(uri, rule="URI_reference"), uri
    return log


def test_sarif_is_valid_against_the_official_schema_and_matches_json(run_cli, tree):
    run = run_cli("lint", "--format", "sarif", ".")
    assert run.exit_code == 1
    log = _valid_sarif(run.stdout)
    expected = _json_diagnostics(run_cli, ".")
    (only_run,) = log["runs"]
    results = only_run["results"]
    assert len(results) == len(expected) > 5
    for result, d in zip(results, expected, strict=True):
        assert result["ruleId"] == d["code"]
        assert only_run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == d["code"]
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[d["severity"]]
        assert result["message"]["text"].startswith(d["message"])
        physical = result["locations"][0]["physicalLocation"]
        assert unquote(physical["artifactLocation"]["uri"]) == d["file"].replace("\\", "/").removeprefix("./")
        assert physical["region"] == {"startLine": d["line"], "startColumn": d["column"]}
        assert result["properties"]["pointer"] == d["pointer"]
        if d["pointer"]:
            assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == d["pointer"]


def test_sarif_driver_lists_every_rule_with_help(run_cli, tree):
    log = _valid_sarif(run_cli("lint", "--format", "sarif", "clean.json").stdout)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "wanspec" and driver["version"] and driver["informationUri"].startswith("https://")
    by_id = {r["id"]: r for r in driver["rules"]}
    assert list(by_id) == [r.code for r in list_rules()]
    for rule in list_rules():
        entry = by_id[rule.code]
        assert entry["name"] == rule.name
        assert entry["shortDescription"]["text"] == rule.summary
        assert entry["fullDescription"]["text"] == (rule.explanation or rule.summary)
        assert f"wanspec explain {rule.code}" in entry["help"]["text"]
        level = {"error": "error", "warning": "warning", "info": "note"}[rule.severity]
        assert entry["defaultConfiguration"]["level"] == level


def test_sarif_clean_run_has_no_results(run_cli, tree):
    run = run_cli("lint", "--format", "sarif", "clean.json")
    assert run.exit_code == 0
    log = _valid_sarif(run.stdout)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]


def test_sarif_uris_are_relative_forward_slashed_and_percent_encoded(run_cli, tree):
    log = _valid_sarif(run_cli("lint", "--format", "sarif", str(tree / UNICODE_FILE)).stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"t%C3%A2ches/vid%C3%A9o%201.json"}
    assert "×" in log["runs"][0]["results"][0]["message"]["text"]  # written as UTF-8, not escaped


def test_sarif_uri_of_a_file_outside_the_working_directory_is_absolute(run_cli, tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "work").mkdir()
    (tmp_path / "elsewhere" / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": 40}), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    log = _valid_sarif(run_cli("lint", "--format", "sarif", "../elsewhere/a.json").stdout)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "../elsewhere/a.json"  # relative as given: still resolvable from the checkout
    absolute = _valid_sarif(run_cli("lint", "--format", "sarif", str(tmp_path / "elsewhere" / "a.json")).stdout)
    uri = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tmp_path / "elsewhere" / "a.json").as_uri()


def test_sarif_fingerprints_are_stable_and_distinct(run_cli, tree):
    first = _valid_sarif(run_cli("lint", "--format", "sarif", ".").stdout)["runs"][0]["results"]
    again = _valid_sarif(run_cli("lint", "--format", "sarif", ".").stdout)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["wanspecFinding/v1"] for r in first]
    assert prints == [r["partialFingerprints"]["wanspecFinding/v1"] for r in again]
    assert len(set(prints)) == len(prints)


def test_sarif_from_stdin(run_cli):
    payload = json.dumps({**FLASH_TASK, "duration": 40}).encode()
    log = _valid_sarif(run_cli("lint", "--format", "sarif", "-", input=payload).stdout)
    (result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "WS500"]
    assert unquote(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) == "<stdin>"


# -- GitHub Actions ----------------------------------------------------------------------------
_COMMAND = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _props(text: str) -> dict[str, str]:
    return dict(p.split("=", 1) for p in text.split(","))


def test_github_annotations_match_json(run_cli, tree):
    run = run_cli("lint", "--format", "github", ".")
    assert run.exit_code == 1
    *commands, summary = run.stdout.splitlines()
    expected = _json_diagnostics(run_cli, ".")
    assert len(commands) == len(expected)
    for line, d in zip(commands, expected, strict=True):
        m = _COMMAND.match(line)
        assert m, line
        assert m.group(1) == {"error": "error", "warning": "warning", "info": "notice"}[d["severity"]]
        props = _props(m.group("props"))
        assert unquote(props["file"]) == d["file"].replace("\\", "/").removeprefix("./")
        assert (int(props["line"]), int(props["col"])) == (d["line"], d["column"])
        assert props["title"] == d["code"]
        assert unquote(m.group("message")) == d["message"]
    assert summary.startswith("Found ") and "::" not in summary
    assert any(line.startswith("::warning file=runware/wan22-animate.json,") for line in commands)


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%3A", "%253A", "%253A"),  # already-escaped text stays literal
        ("vidéo ×", "vidéo ×", "vidéo ×"),
    ],
)
def test_github_escaping(raw, data, prop):
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_github_escapes_awkward_file_names(run_cli, tree):
    (tree / "a,b:c%.json").write_text(json.dumps({**FLASH_TASK, "duration": 40}), encoding="utf-8")
    run = run_cli("lint", "--format", "github", "a,b:c%.json")
    assert run.stdout.startswith("::error file=a%2Cb%3Ac%25.json,line=")


# -- JUnit -------------------------------------------------------------------------------------
def test_junit_has_one_case_per_file_and_a_failure_per_file_with_errors(run_cli, tree):
    run = run_cli("lint", "--format", "junit", ".")
    assert run.exit_code == 1
    root = ET.fromstring(run.stdout)
    suite = root.find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    files = sorted(str(p.relative_to(tree)).replace("\\", "/") for p in tree.rglob("*.json*"))
    assert sorted(cases) == files
    expected = _json_diagnostics(run_cli, ".")
    with_errors = {d["file"].removeprefix("./") for d in expected if d["severity"] == "error"}
    for name, case in cases.items():
        assert case.get("classname") == name
        failure = case.find("failure")
        assert (failure is not None) == (name in with_errors), name
        if failure is not None:
            codes = [d["code"] for d in expected if d["file"].removeprefix("./") == name and d["severity"] == "error"]
            assert re.findall(r": (WS\d{3}) ", failure.text or "") == codes
    assert suite.get("tests") == root.get("tests") == str(len(files))
    assert suite.get("failures") == root.get("failures") == str(len(with_errors))
    assert cases["clean.json"].find("failure") is None
    warning_only = cases[WARNING_FILE]
    assert warning_only.find("failure") is None and "WS703" in (warning_only.findtext("system-out") or "")
    assert "×" in (cases[UNICODE_FILE].findtext("failure") or "")


def test_junit_parses_with_junitparser(run_cli, tree):
    path = tree / "report.xml"
    path.write_text(run_cli("lint", "--format", "junit", ".").stdout, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(path))
    (suite,) = list(xml)
    cases = list(suite)
    assert suite.tests == len(cases) == 9
    failed = {c.name for c in cases if not c.is_passed}
    assert UNICODE_FILE in failed and "clean.json" not in failed and WARNING_FILE not in failed
    assert suite.failures == len(failed)


def test_junit_unreadable_file_is_an_error_and_stdin_is_a_case(run_cli, tree):
    (tree / "gone.json").symlink_to(tree / "nowhere.json")
    run = run_cli("lint", "--format", "junit", "gone.json")
    assert run.exit_code == 2
    root = ET.fromstring(run.stdout)
    assert root.get("errors") == "1" and root.get("failures") == "0"
    stdin = run_cli("lint", "--format", "junit", "-", input=json.dumps(FLASH_TASK).encode())
    (case,) = ET.fromstring(stdin.stdout).iter("testcase")
    assert case.get("name") == "<stdin>" and stdin.exit_code == 0


def test_junit_keeps_control_characters_out_of_the_xml(run_cli, tree):
    (tree / "bin.json").write_bytes(b"{\x01\x02\x00 binary")
    ET.fromstring(run_cli("lint", "--format", "junit", "bin.json").stdout)  # parses: nothing illegal


def test_junit_spills_to_disk_with_the_same_output(run_cli, tree, monkeypatch):
    from wanspec.reporters import _junit

    in_memory = run_cli("lint", "--format", "junit", ".").stdout
    monkeypatch.setattr(_junit, "SPOOL_BYTES", 64)  # every spool rolls over to a temporary file
    assert run_cli("lint", "--format", "junit", ".").stdout == in_memory


# -- JSON Lines --------------------------------------------------------------------------------
def test_json_lines_is_one_diagnostic_a_line_and_nothing_else(run_cli, tree):
    run = run_cli("lint", "--format", "json-lines", ".")
    assert run.exit_code == 1
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert rows == _json_diagnostics(run_cli, ".")
    assert "×" in run.stdout  # UTF-8, not \\u escapes
    clean = run_cli("lint", "--format", "json-lines", "clean.json")
    assert (clean.exit_code, clean.stdout) == (0, "")


def test_json_lines_from_stdin_jsonl(run_cli):
    text = "\n".join([json.dumps(FLASH_TASK), json.dumps({**FLASH_TASK, "duration": 40}), "{broken"]) + "\n"
    run = run_cli("lint", "--format", "json-lines", "-", input=text.encode())
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["task"], r["code"]) for r in rows] == [(1, "WS500"), (2, "WS001")]
    assert {r["file"] for r in rows} == {"<stdin>"}


# -- every format ------------------------------------------------------------------------------
#: How each format says "nothing found".
CLEAN = {
    "text": lambda out: out.startswith("All checks passed in 1 task (1 file)."),
    "json": lambda out: json.loads(out)["diagnostics"] == [],
    "json-lines": lambda out: out == "",
    "sarif": lambda out: _valid_sarif(out)["runs"][0]["results"] == [],
    "github": lambda out: out.startswith("All checks passed") and "::" not in out,
    "junit": lambda out: ET.fromstring(out).get("failures") == "0" and ET.fromstring(out).get("tests") == "1",
    "html": lambda out: (
        as_json(out) == {"diagnostics": [], "summary": {"files": 1, "tasks": 1, "errors": 0, "warnings": 0}}
    ),
}


def test_clean_checks_cover_every_format():
    assert set(CLEAN) == set(FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_stdin_and_reports_clean_input(run_cli, fmt):
    broken = run_cli("lint", "--format", fmt, "-", input=json.dumps({**FLASH_TASK, "duration": 40}).encode())
    assert broken.exit_code == 1 and "duration is 40;" in broken.stdout
    clean = run_cli("lint", "--format", fmt, "-", input=json.dumps(FLASH_TASK).encode())
    assert clean.exit_code == 0 and CLEAN[fmt](clean.stdout), clean


def test_github_annotation_for_stdin_names_no_file(run_cli):
    run = run_cli("lint", "--format", "github", "-", input=json.dumps({**FLASH_TASK, "duration": 40}).encode())
    assert run.stdout.startswith("::error title=WS500::duration is 40")


@pytest.mark.skipif(not _parallel.can_fork(), reason="needs the fork start method")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_identical_on_one_and_two_processes(run_cli, write, small_chunks, fmt):  # noqa: F811
    path = str(write("batch.jsonl", _lines(600, seed=11)))
    small = [str(write(f"small{i}.json", {**FLASH_TASK, "duration": 30 + i})) for i in range(3)]
    serial = run_cli("lint", "--format", fmt, "-j", "1", path, *small)
    parallel = run_cli("lint", "--format", fmt, "-j", "2", path, *small)
    assert serial.exit_code == parallel.exit_code == 1
    assert parallel.stdout == serial.stdout
    assert serial.stdout.count("WS500") > 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_usage_errors_leave_stdout_empty_in_every_format(run_cli, tmp_path, fmt):
    run = run_cli("lint", "--format", fmt, str(tmp_path / "missing.json"))
    assert (run.exit_code, run.stdout) == (2, "")
    assert "no such file" in run.stderr


#: real citations (their URLs come from the catalogue's source table), and made-up ones
_CITATIONS = sorted(
    {d.doc for f in sorted((ROOT / "examples").rglob("*.json")) for d in lint_file(str(f)).diagnostics if d.doc}
)
_texts = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\x1b\u2028\udcff\x7f'), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    texts=st.tuples(_texts, _texts, _texts),
    optional=st.tuples(*(st.none() | _texts for _ in range(4))),
    numbers=st.tuples(*(st.none() | st.integers(0, 2**40) for _ in range(3))),
    severity=st.sampled_from(list(Severity)),
    fixable=st.booleans(),
    doc=st.none() | st.sampled_from(_CITATIONS),
)
def test_the_json_reports_write_exactly_what_the_json_encoder_would(texts, optional, numbers, severity, fixable, doc):
    """The JSON and JSON Lines reports write each diagnostic field by field (it was two thirds
    of their cost per finding through the generic encoder); the text must be the encoder's,
    byte for byte, whatever the fields hold: quotes, backslashes, controls, lone surrogates."""
    code, message, pointer = texts
    file, schema, hint, other = optional
    task, line, column = numbers
    d = Diagnostic(
        code, severity, message, file=file, task=task, pointer=pointer, line=line, column=column,
        schema=schema, hint=hint, doc=doc if doc is not None else other, fixable=fixable,
    )  # fmt: skip
    assert diagnostic_json(d) == json.dumps(with_url(safe(d)), ensure_ascii=False)
    json.loads(diagnostic_json(d))  # and it is JSON


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.tuples(_texts, st.none() | _texts, _texts), min_size=1, max_size=6))
def test_every_text_field_is_made_printable_whatever_was_printed_before(texts):
    """``safe`` is the choke point of the text, SARIF, GitHub, JUnit and HTML reports. It
    remembers which texts need escaping (reports repeat their texts); that must never let
    a text through unescaped: not one seen before in a safe diagnostic, not one seen again,
    not after the memory is full and starts over."""
    from wanspec.reporters import _paths

    def expected(d: Diagnostic) -> tuple[object, ...]:
        return tuple(_paths.printable(v) if isinstance(v, str) else v for v in astuple(d))

    made = [
        Diagnostic("WS300", Severity.ERROR, message, file=file, pointer=pointer, schema=message, hint=file, doc=pointer)
        for message, file, pointer in texts
    ]
    for _ in range(2):
        for d in made:
            assert astuple(safe(d)) == expected(d)
    for i in range(_paths._KEEP_VERDICTS + 10):  # the memory fills and is cleared
        safe(replace(made[0], message=f"message {i}"))
    for d in reversed(made):
        assert astuple(safe(d)) == expected(d)
        assert "\n" not in "".join(v for v in astuple(safe(d)) if isinstance(v, str))


def test_a_value_that_is_not_text_passes_and_the_text_beside_it_is_still_escaped():
    """A Python caller may put a number where a message goes; ``safe`` leaves it as it is
    and still escapes the fields that are text."""
    d = Diagnostic("WS300", Severity.ERROR, 123, file="a\nb.json", pointer="/x\x1b")  # type: ignore[arg-type]
    shown = safe(d)
    assert shown.message == 123 and shown.file == "a\\nb.json" and shown.pointer == "/x\\x1b"
    safe(replace(d, message="ok", file="ok.json", pointer="/ok"))  # every field known safe, then
    d = Diagnostic("WS300", Severity.ERROR, ["a list"], file="a\nb.json", pointer="/ok")  # type: ignore[arg-type]
    shown = safe(d)  # a value no dict can hold
    assert shown.message == ["a list"] and shown.file == "a\\nb.json"


def test_findings_that_differ_in_one_field_each_show_their_own_value():
    """The JSON reports reuse what follows a finding's position for findings that repeat a
    rule; a finding that differs from another in any one field must still show its own."""
    base = Diagnostic(
        "WS300", Severity.ERROR, "duration is 40; it must be at most 15", file="a.json", task=0,
        pointer="/duration", line=3, column=5, schema="runware/alibaba:wan@2.6-flash",
        hint="use 15", doc=_CITATIONS[0], fixable=False,
    )  # fmt: skip
    variants = [
        base,
        replace(base, code="WS301"),
        replace(base, severity=Severity.WARNING),
        replace(base, message="duration is 41; it must be at most 15"),
        replace(base, schema="runware/alibaba:wan@2.6"),
        replace(base, schema=None),
        replace(base, hint=None),
        replace(base, hint="use 10"),
        replace(base, doc=_CITATIONS[-1]),
        replace(base, doc=None),
        replace(base, fixable=True),
        replace(base, file="b\nc.json", pointer="/x\x1b"),
        replace(base, message="a line\nbreak \udcff"),
    ]
    for _ in range(2):  # written once, then from what was kept
        for d in variants:
            assert diagnostic_json(d) == json.dumps(with_url(safe(d)), ensure_ascii=False)
