"""wanspec.strategies: what it draws is what the linter says, for every schema.

* every valid draw lints without an error, and the draws reach every workflow (both sides
  of every ``if`` in the schema, every media input);
* every invalid draw is reported with exactly its expected code at its expected pointer;
* every rule code a schema can emit is reached (the table in tests/README.md).

A failing example is printed as JSON a person can paste into ``wanspec lint -``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

import wanspec
from wanspec import LintOptions, UsageError, lint_payload
from wanspec.strategies import InvalidPayload, coverage, invalid_payloads, payloads, rule_codes
from wanspec.strategies._invalid import Catalogue, shorten
from wanspec.strategies._schema import model_schema, walk

SCHEMAS = [e.id for e in wanspec.list_schemas()]
README = Path(__file__).resolve().parent / "README.md"


def show(payload: dict[str, Any]) -> None:
    note(json.dumps(shorten(payload), indent=2, ensure_ascii=False))


def errors(payload: dict[str, Any], schema_id: str, engine: str = "fast") -> set[tuple[str, str]]:
    found = lint_payload(payload, options=LintOptions(schema=schema_id, engine=engine))
    return {(d.code, d.pointer) for d in found if d.severity == "error"}


@pytest.mark.parametrize("schema_id", SCHEMAS)
@given(data=st.data())
def test_every_valid_draw_lints_without_errors(schema_id, data):
    payload = data.draw(payloads(schema_id), label="payload")
    show(payload)
    assert errors(payload, schema_id) == set()


@pytest.mark.parametrize("schema_id", SCHEMAS)
@given(data=st.data())
def test_every_invalid_draw_is_reported_with_its_code_at_its_pointer(schema_id, data):
    bad: InvalidPayload = data.draw(invalid_payloads(schema_id), label="invalid")
    show(bad.payload)
    note(f"expected {bad.code} at {bad.pointer!r}: {bad.violation}")
    event(bad.code)
    found = {(d.code, d.pointer) for d in lint_payload(bad.payload, schema=schema_id)}
    assert (bad.code, bad.pointer) in found
    assert errors(bad.payload, schema_id) <= {(bad.code, bad.pointer)}, "an unrelated error"


# -- workflows -----------------------------------------------------------------------------------
def _conditions(schema: dict[str, Any]) -> set[tuple[Any, ...]]:
    """Both sides of every ``if`` that is not itself inside a condition."""
    paths = {p for p, node in walk(schema) if "if" in node and not {"if", "not", "$defs"} & set(p)}
    return {(p, side) for p in paths for side in (True, False)}


def _media_fields(schema: dict[str, Any]) -> set[tuple[str, ...]]:
    """Fields holding media: an ``x-media`` keyword or an array of URIs."""
    out = set()
    for path, node in walk(schema):
        if {"if", "not", "$defs"} & set(path):
            continue
        if "x-media" in node or (node.get("format") == "uri" and "items" in path):
            out.add(tuple(path[i + 1] for i, p in enumerate(path[:-1]) if p == "properties"))
    return out


def _reached(schema_id: str, payload: dict[str, Any]) -> set[tuple[Any, ...]]:
    ms = model_schema(schema_id)
    out: set[tuple[Any, ...]] = set()
    for sp, ip, node in Catalogue(ms).active(payload):
        inst: Any = payload
        for part in ip:
            inst = inst[part]
        if "if" in node:
            out.add((sp, ms.valid(inst, node["if"])))
        if "x-media" in node or (node.get("format") == "uri" and "items" in sp):
            out.add(tuple(sp[i + 1] for i, p in enumerate(sp[:-1]) if p == "properties"))
    return out


@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_valid_draws_reach_every_workflow_and_media_input(schema_id):
    schema = model_schema(schema_id).schema
    wanted = _conditions(schema) | _media_fields(schema)
    seen: set[tuple[Any, ...]] = set()

    @settings(max_examples=150, derandomize=True, database=None)
    @given(payloads(schema_id))
    def draw(payload):
        reached = _reached(schema_id, payload)
        for label in reached:
            event(repr(label))
        seen.update(reached)

    draw()
    assert wanted - seen == set(), f"{schema_id}: workflows never drawn"


def _strings(value: Any) -> list[str]:
    """Media references in a payload part (a frame image object's "frame" is a position, not media)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = [v for k, v in value.items() if k != "frame"]
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


def _is_cjk(text: str) -> bool:
    return sum("\u4e00" <= c <= "\u9fff" for c in text) >= 5


def test_drawn_prompts_and_media_look_like_real_requests():
    seen: list[dict[str, Any]] = []

    @settings(max_examples=40, derandomize=True, database=None)
    @given(payloads("runware/alibaba:wan@2.6"))
    def draw(payload):
        seen.append(payload)

    draw()
    # a sentence: three words or more, or a Chinese prompt (no spaces between its words)
    assert all(len(p["positivePrompt"].split()) >= 3 or _is_cjk(p["positivePrompt"]) for p in seen)
    media = [s for p in seen for s in _strings(p.get("inputs", {}))]
    urls = [s for s in media if s.startswith("http")]
    assert urls and all(re.fullmatch(r"https://\S+\.(jpg|png|webp|mp4|webm|mp3|wav)", u) for u in urls)
    assert all(s.startswith(("https://", "data:")) or re.fullmatch(r"[0-9a-f-]{36}", s) for s in media)


# -- coverage --------------------------------------------------------------------------------------
@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_invalid_strategy_reaches_every_rule_code_and_both_engines_agree(schema_id):
    result = coverage(schema_id)
    print(result.summary())
    assert result.missing == frozenset(), result.summary()
    for code, bad in sorted(result.examples.items()):
        for engine in ("fast", "reference"):
            found = lint_payload(bad.payload, options=LintOptions(schema=schema_id, engine=engine))
            assert (code, bad.pointer) in {(d.code, d.pointer) for d in found}, (engine, bad)
            assert errors(bad.payload, schema_id, engine) <= {(code, bad.pointer)}, (engine, bad)


def _readme_table() -> dict[str, set[str]]:
    rows = re.findall(r"^\| `([^`]+)` \| (\d+) \| ([^|]+) \|$", README.read_text(encoding="utf-8"), re.M)
    return {schema: set(codes.split(", ")) for schema, count, codes in rows if int(count) == len(codes.split(", "))}


def test_readme_lists_the_rule_codes_each_schema_can_emit():
    assert _readme_table() == {s: set(rule_codes(s)) for s in SCHEMAS}


def test_unknown_schema_or_code_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown schema"):
        payloads("runware/nope")
    with pytest.raises(UsageError, match="has no rule WS999"):
        invalid_payloads("runware/alibaba:wan@2.6", code="WS999")


def test_invalid_payload_repr_cuts_inline_media():
    big = InvalidPayload({"image": "data:image/png;base64," + "A" * 100_000}, "WS612", "/image", "too big")
    assert len(repr(big)) < 1000 and "100,022 characters" in repr(big)
