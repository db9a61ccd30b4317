"""Robustness: nothing a user can feed the linter makes it crash or say something malformed.

Arbitrary JSON values, arbitrary bytes, valid payload files with bytes flipped, cut or
inserted, deep nesting, huge strings and odd Unicode (lone surrogates as ``\\ud800``
escapes, NUL, right-to-left marks, astral characters) go through the public entry points:
``lint_payload``, ``lint_file`` and the CLI. Every run must end with well-formed
diagnostics (a catalogued code, a valid severity, an RFC 6901 pointer, integer or absent
positions) and the CLI with exit status 0, 1 or 2 and no traceback.

The default profile keeps this to seconds; ``WANSPEC_HYPOTHESIS_PROFILE=fuzz`` runs 5,000
examples a test (tests/README.md records what the long runs found).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import wanspec
from wanspec import Diagnostic, Severity, lint_file, lint_payload
from wanspec.strategies import payloads

CODES = {r.code for r in wanspec.list_rules()}
POINTER = re.compile(r"(/([^~/]|~[01])*)*", re.S)
SCHEMAS = [e.id for e in wanspec.list_schemas()]
ODD = ["\ud800", "\udfff", "\x00", "\u202e", "\u200f", "\U0001f600", "\ufeff", "e\u0301", "ｗｉｄｔｈ", "\\", '"']
FIELDS = [
    "taskType",
    "taskUUID",
    "model",
    "positivePrompt",
    "width",
    "height",
    "duration",
    "inputs",
    "frameImages",
    "referenceImages",
    "audio",
    "providerSettings",
    "alibaba",
    "image",
    "frame",
    "prompt",
    "resolution",
    "seed",
]
MODELS = [m for e in wanspec.list_schemas() for m in e.models] + ["alibaba:wan@2.6-flahs", ""]

# function-scoped fixtures are stateless here (run_cli builds a fresh runner per call)
FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

odd_text = st.one_of(st.text(), st.sampled_from(ODD), st.lists(st.sampled_from(ODD)).map("".join))
numbers = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**30), 10**30))
scalars = st.one_of(st.none(), st.booleans(), numbers, odd_text, st.sampled_from(MODELS))
keys = st.one_of(st.sampled_from(FIELDS), odd_text)
json_values = st.recursive(
    scalars, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(keys, kids, max_size=5)), max_leaves=30
)
tasks = st.dictionaries(keys, json_values, max_size=8).flatmap(
    lambda d: st.sampled_from(MODELS).map(lambda m: {**d, "model": m}) | st.just(d)
)


def check(diagnostics: list[Diagnostic]) -> None:
    for d in diagnostics:
        assert d.code in CODES, d
        assert isinstance(d.severity, Severity), d
        assert isinstance(d.message, str) and d.message, d
        assert POINTER.fullmatch(d.pointer), d
        for n in (d.line, d.column):
            assert n is None or (isinstance(n, int) and n >= 1), d
        assert d.task is None or (isinstance(d.task, int) and d.task >= 0), d


@given(obj=st.one_of(json_values, tasks, st.lists(tasks, max_size=3)), schema=st.none() | st.sampled_from(SCHEMAS))
def test_lint_payload_takes_any_json_value(obj, schema):
    check(lint_payload(obj, schema=schema))


# -- files -----------------------------------------------------------------------------------------
def _valid_file(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


@st.composite
def mutated(draw: Any) -> bytes:
    """A valid payload file with bytes flipped, cut off or inserted."""
    data = bytearray(_valid_file(draw(payloads(draw(st.sampled_from(SCHEMAS))))))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if how == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "cut":
            del data[at:]
        elif how == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [b"\x00", b"\\ud800", b",", b"{", b"]", b'"', b"\xff", b"\xef\xbb\xbf", "\u202e".encode()]
                )
            )
        elif at < len(data):
            del data[at]
    return bytes(data)


def _deep(n: int, kind: str) -> bytes:
    if kind == "array":
        return b"[" * n + b"]" * n
    return b'{"inputs":' * n + b"1" + b"}" * n


file_bytes = st.one_of(
    st.binary(max_size=300),
    mutated(),
    st.builds(_deep, st.integers(1, 6000), st.sampled_from(["array", "object"])),
    json_values.map(lambda v: json.dumps(v).encode()),
    tasks.map(lambda t: json.dumps(t).encode()),
    odd_text.map(lambda s: json.dumps({"model": "alibaba:wan@2.6", "positivePrompt": s}).encode()),
    st.integers(10_000, 2_000_000).map(lambda n: b'{"model":"alibaba:wan@2.6","positivePrompt":"' + b"a" * n + b'"}'),
    st.sampled_from([b'{"positivePrompt": "\\ud800"}', b'["\\udfff\\ud800"]', b'{"a":"\\u0000"}', b"\xef\xbb\xbf{}"]),
)


def _write(data: bytes, suffix: str) -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


@given(data=file_bytes, suffix=st.sampled_from([".json", ".jsonl"]))
def test_lint_file_takes_any_bytes(data, suffix):
    note(repr(data[:300]))
    path = _write(data, suffix)
    try:
        result = lint_file(path)
    finally:
        os.unlink(path)
    check(result.diagnostics)


@FUZZ
@given(data=file_bytes, fmt=st.sampled_from(["text", "json"]))
def test_cli_exits_0_1_or_2_without_a_traceback(run_cli, data, fmt):
    note(repr(data[:300]))
    run = run_cli("lint", "--format", fmt, "-", input=data)
    assert run.exit_code in (0, 1, 2), run
    assert "Traceback" not in run.stderr, run
    if fmt == "json" and run.exit_code != 2:
        report = json.loads(run.stdout)
        assert all(d["code"] in CODES for d in report["diagnostics"])


@pytest.mark.parametrize("schema_id", SCHEMAS)
@FUZZ
@given(data=mutated())
def test_cli_with_a_forced_schema_on_mutated_files(run_cli, schema_id, data):
    run = run_cli("lint", "--schema", schema_id, "--format", "json", "-", input=data)
    assert run.exit_code in (0, 1, 2) and "Traceback" not in run.stderr, run


# -- what the fuzz found -----------------------------------------------------------------------------
BASE = {"taskType": "videoInference", "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b", "positivePrompt": "a cat"}


@pytest.mark.parametrize(
    ("payload", "pointer"),
    [
        # rules about an object's fields held vacuously for a non-object: inputs: true was also
        # reported as WS602 (frames with references) and as a reference-to-video duration
        ({**BASE, "model": "alibaba:wan@2.6", "width": 1280, "height": 720, "duration": 15, "inputs": True}, "/inputs"),
        (
            {**BASE, "model": "alibaba:wan@2.6-flash", "width": 1280, "height": 720, "duration": 15, "inputs": []},
            "/inputs",
        ),
        (
            {**BASE, "model": "alibaba:wan@2.6", "width": 1280, "height": 720, "providerSettings": True},
            "/providerSettings",
        ),
        (
            {**BASE, "model": "alibaba:wan@2.6", "width": 1280, "height": 720, "providerSettings": {"alibaba": 1}},
            "/providerSettings/alibaba",
        ),
        ({"model": "wan2.6-flash", "image_urls": ["https://cdn.example.com/a.jpg"], "metadata": True}, "/metadata"),
        (
            {
                **BASE,
                "model": "runware:200@8",
                "inputs": {
                    "referenceImages": ["https://cdn.example.com/a.jpg"],
                    "referenceVideos": ["https://cdn.example.com/a.mp4"],
                },
                "advancedFeatures": "replace",
            },
            "/advancedFeatures",
        ),
    ],
)
def test_a_container_of_the_wrong_type_is_one_finding(payload, pointer):
    found = [(d.code, d.pointer) for d in lint_payload(payload)]
    assert found == [("WS111", pointer)]
