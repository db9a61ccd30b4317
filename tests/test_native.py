"""The C checker (wanspec.lint.native) finds what the Python checker finds, in the same order.

Both compiled checkers are written from the same schema: the Python one as code
(``lint.compiler``), the C one as a program that ``_fastjson.check`` runs. The engine uses
the C one where the install has the C module. Its contract is stricter than "the same
findings": the same errors, with the same schema paths, instance paths, instances,
messages and branches, in the same order, and the same hand-over to jsonschema-rs
(``runtime.Fallback``). tests/test_compiler.py holds both checkers to jsonschema-rs on the
bundled schemas; here the C one is held to the Python one on those and on hand-written
schemas that use every keyword both know, against arbitrary values, hostile ones, and
under the sanitizers.
"""

from __future__ import annotations

import json
import math
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import FLASH_TASK, messy_corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engines import mutated

from wanspec import lint_records, list_schemas
from wanspec.lint import compiler, engine, keywords, native, runtime
from wanspec.lint.keywords import SEP
from wanspec.lint.run import choose_schema

pytestmark = pytest.mark.skipif(not engine.has_native(), reason="no C module in this install (a pure wheel)")

SCHEMAS = [s.id for s in list_schemas()]
FLASH = "runware/alibaba:wan@2.6-flash"


def _key(value: Any) -> Any:
    """A value as JSON tells it apart (1, 1.0 and True are three things), its members in
    their order: the two checkers hand back the same objects."""
    if isinstance(value, dict):
        return ("object", tuple((k, _key(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_key(v) for v in value))
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, repr(value))


def _errors(raws: list[Any]) -> list[Any]:
    """Every error as a tuple, in the order found."""
    return [
        (r.keyword, r.schema_path, r.instance_path, _key(r.instance), r.message, tuple(map(_errors, r.branches)))
        for r in raws
    ]


def _outcome(check: Any, task: Any) -> Any:
    try:
        return _errors(check(task))
    except runtime.Fallback:
        return "handed to jsonschema-rs"


def _checkers(schema: Any) -> tuple[Any, Any]:
    """(Python, C) checkers of ``schema``, built here."""
    args = (engine.RawError, engine._custom_keyword, engine._rs_string_check, SEP, keywords.CHECKS)
    py = compiler.compile_schema(schema, *args)
    c = native.load(schema, *args)
    assert c is not None
    return py, c


def assert_same(schema: Any, checkers: tuple[Any, Any], task: Any) -> None:
    py, c = checkers
    assert _outcome(c, task) == _outcome(py, task), json.dumps(schema)[:300]


# -- the bundled schemas ----------------------------------------------------------------------
_BUNDLED: dict[str, tuple[Any, Any]] = {}


def _bundled(schema_id: str) -> tuple[Any, Any]:
    if schema_id not in _BUNDLED:
        _BUNDLED[schema_id] = _checkers(engine.compiled(schema_id).validation_schema)
    return _BUNDLED[schema_id]


@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_every_bundled_schema_has_a_program(schema_id):
    """Each bundled schema builds (as it compiles to Python: tests/test_compiler.py)."""
    _, c = _bundled(schema_id)
    assert isinstance(c.program, tuple) and c.program


@settings(max_examples=300)
@given(mutated())
def test_the_same_errors_in_the_same_order_on_mutated_doc_examples(payload):
    schema_id, _ = choose_schema(payload, None)
    if schema_id is not None:
        assert_same(schema_id, _bundled(schema_id), payload)


@pytest.fixture(scope="module")
def messy_tasks(messy_lines) -> list[Any]:
    return [json.loads(line) for line in messy_lines[:1500]]


def test_the_same_errors_in_the_same_order_on_a_messy_batch(messy_tasks):
    """1,500 tasks with long prompts, inline media and findings of every kind."""
    checkers = _bundled(FLASH)
    found = 0
    for task in messy_tasks:
        assert_same(FLASH, checkers, task)
        found += len(checkers[1](task))
    assert found > 1500  # the batch is messy: the comparison is not of empty lists


HOSTILE = [
    ("positivePrompt", "\ud800 a lone surrogate in a prompt"),
    ("outputFormat", "MP4\udc00"),
    ("negativePrompt", "line\u2028separator \u0085 and \u00e9"),
    ("seed", 10**30),
    ("seed", -(2**63) - 1),
    ("duration", float("nan")),
    ("duration", float("inf")),
    ("duration", -0.0),
    ("duration", 5.0),
    ("duration", True),
    ("numberResults", "2"),
    ("taskUUID", "https://x.example/hook"),
    ("webhookURL", "587cdb60-26a3-4672-8eec-3309528caa42"),
    ("unknownField", [[[[[[1]]]]]]),
    ("\ud800", 1),
    ("inputs", {"frameImages": [{"image": "data:image/png;base64,\ud800", "frame": "first"}]}),
]


def _nest(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("name", "value"), HOSTILE, ids=[f"{n}={v!r}"[:40] for n, v in HOSTILE])
def test_hostile_values_read_alike_or_go_to_jsonschema_rs_alike(name, value):
    assert_same(FLASH, _bundled(FLASH), {**FLASH_TASK, name: value})


@pytest.mark.parametrize("depth", [255, 256, 5000])
@pytest.mark.parametrize("name", ["unknownField", "inputs", "duration"])
def test_values_nested_past_what_jsonschema_rs_hands_back_go_to_it_alike(name, depth):
    """An error whose instance nests 256 containers or more goes to jsonschema-rs (which
    will not hand it back), from both checkers."""
    assert_same(FLASH, _bundled(FLASH), {**FLASH_TASK, name: _nest(depth)})


def test_what_a_custom_keyword_raises_leaves_the_checker_as_it_is():
    def broken(name: str, config: Any) -> Any:
        def findings(instance: Any) -> Any:
            raise KeyError("from the keyword")

        return findings

    c = native.load({"x-media": {}}, engine.RawError, broken, engine._rs_string_check, SEP, keywords.CHECKS)
    assert c is not None
    with pytest.raises(KeyError, match="from the keyword"):
        c({"a": 1})


def test_the_c_entry_point_refuses_what_is_not_a_program():
    from wanspec.lint import _fastjson  # type: ignore[attr-defined]

    for args in [(), ([], print, print, runtime.Fallback, {}), ((), print, print, "not a class", {})]:
        with pytest.raises(TypeError):
            _fastjson.check(*args)
    for task in ([], "task", None, type("Mapping", (dict,), {})()):
        with pytest.raises(runtime.Fallback):  # a task is a plain object: anything else goes to jsonschema-rs
            _fastjson.check((), print, print, runtime.Fallback, task)


# -- hand-written schemas: every keyword, against arbitrary values ---------------------------
NAMES = ["a", "b", "c", "d"]
UUID = "587cdb60-26a3-4672-8eec-3309528caa42"
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 12)
    | st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, 1e308, 10**20])
    | st.sampled_from(["", "x", "ab", "abc", "é", "héllo", "a\nb", "https://x.example/a", "\ud800", "7", "x-1"])
    | st.sampled_from([UUID, UUID.upper(), UUID[:-1] + "g", UUID.replace("-", ""), "{" + UUID + "}", UUID + "\n"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=4),
    max_leaves=10,
)
tasks = st.dictionaries(st.sampled_from(NAMES), json_values, max_size=4)

SCHEMAS_BY_HAND: list[dict[str, Any]] = [
    {"properties": {"a": {"type": "integer", "minimum": 0, "maximum": 9}, "b": {"type": ["string", "null"]}}},
    {"properties": {"a": {"const": [1, {"b": None}]}, "b": {"const": 2.0}, "c": {"const": None}, "d": {"const": "x"}}},
    {"properties": {"a": {"enum": ["x", "ab"]}, "b": {"enum": [1, True, None, "x", [1]]}, "c": {"enum": [False]}}},
    {"properties": {"a": {"minLength": 2, "maxLength": 3}, "b": {"minItems": 1, "maxItems": 2}}},
    {"properties": {"a": {"pattern": "^[a-z]+$"}, "b": {"pattern": "^.b"}, "c": {"pattern": "\\d"}}},
    {"properties": {"a": {"format": "uri"}, "b": {"format": "uuid"}, "c": {"format": "uri"}}},
    {"required": ["a", "b"], "dependentRequired": {"c": ["a", "d"], "d": []}},
    {"properties": {"a": {}}, "additionalProperties": False},
    {"properties": {"a": {}}, "additionalProperties": {"type": "integer", "maximum": 3}},
    {"properties": {"a": {"type": "array", "items": {"type": "object", "required": ["b"]}}}},
    {"properties": {"a": {"items": False}, "b": False, "c": True}},
    {"allOf": [{"required": ["a"]}, {"properties": {"a": {"type": "string"}}}, True]},
    {"anyOf": [{"required": ["a"]}, {"properties": {"b": {"type": "integer"}}, "required": ["b"]}]},
    {
        "properties": {
            "a": {
                "anyOf": [
                    {"type": "string", "maxLength": 1},
                    {"type": "array", "items": {"anyOf": [{"type": "null"}, {"minimum": 2}]}},
                ]
            }
        }
    },
    {"not": {"required": ["a", "b"]}, "properties": {"c": {"not": {"type": "string"}}}},
    {"if": {"required": ["a"]}, "then": {"required": ["b"]}, "else": {"properties": {"c": {"type": "null"}}}},
    {"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"b": {"enum": ["x"]}}}},
    {
        "properties": {"a": {"x-media": {"kind": "image"}}, "c": {"x-tag": 1}},
        "x-aspectRatio": {"fields": ["b", "d"], "min": 0.5, "max": 2},
        "x-pairs": {"fields": ["b", "d"], "values": [[1, 2], [3, 4]]},
    },
    {"type": "object", "properties": {"a": {"type": "number", "not": {"const": 3}}}},
    {"properties": {"a": {"not": {}}, "b": {"not": False}, "c": {"enum": []}, "d": {"allOf": [False]}}},
]


@pytest.mark.parametrize("index", range(len(SCHEMAS_BY_HAND)))
@settings(max_examples=150)
@given(task=tasks)
def test_every_keyword_reads_alike_on_arbitrary_values(index, task):
    schema = SCHEMAS_BY_HAND[index]
    assert_same(schema, _by_hand(index), task)


_HAND: dict[int, tuple[Any, Any]] = {}


def _by_hand(index: int) -> tuple[Any, Any]:
    if index not in _HAND:
        _HAND[index] = _checkers(SCHEMAS_BY_HAND[index])
    return _HAND[index]


@settings(max_examples=300)
@given(
    st.lists(st.sampled_from("0123456789abcdefABCDEF"), min_size=32, max_size=32),
    st.integers(0, 35),
    st.sampled_from(["g", "-", "", "0", "é", " ", "\n"]),
)
def test_a_uuid_of_the_canonical_shape_is_valid_unasked_and_only_that_shape(digits, at, other):
    """Both checkers take an 8-4-4-4-12 hex string as a valid ``uuid`` without asking
    jsonschema-rs (a batch's task ids are all distinct: its memory never holds them). That
    holds because jsonschema-rs takes every such string; anything else is still asked."""
    text = "-".join("".join(digits[a:b]) for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32)))
    ask = engine._rs_string_check({"format": "uuid"})
    assert ask(text) and runtime.canonical_uuid(text)
    near = text[:at] + other + text[at + 1 :]
    assert not runtime.canonical_uuid(near) or ask(near)  # the shape never says more than jsonschema-rs
    schema = {"properties": {"a": {"format": "uuid"}}}
    checkers = _by_schema(schema)
    for value in (text, near):
        assert_same(schema, checkers, {"a": value})


_BY_SCHEMA: dict[str, tuple[Any, Any]] = {}


def _by_schema(schema: Any) -> tuple[Any, Any]:
    key = json.dumps(schema, sort_keys=True)
    if key not in _BY_SCHEMA:
        _BY_SCHEMA[key] = _checkers(schema)
    return _BY_SCHEMA[key]


def test_a_schema_python_cannot_compile_has_no_program_either():
    for schema in ({"properties": {"a": {"uniqueItems": True}}}, {"properties": {"a": {"maximum": float("inf")}}}):
        with pytest.raises(compiler.Unsupported):
            native.program(schema, engine._custom_keyword, engine._rs_string_check, SEP, keywords.CHECKS)


def test_a_builder_that_misreads_one_keyword_is_caught(monkeypatch):
    """The comparison can fail: a program that reads ``maximum`` as ``minimum``."""
    real = native._Builder.valid_keyword

    def misread(self, schema, key, value):
        return real(self, schema, "minimum" if key == "maximum" else key, value)

    monkeypatch.setattr(native._Builder, "valid_keyword", misread)
    schema = SCHEMAS_BY_HAND[0]
    py, c = _checkers(schema)
    with pytest.raises(AssertionError):
        assert_same(schema, (py, c), {"a": 10})


# -- through the engine -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def messy_lines(tmp_path_factory) -> list[bytes]:
    return messy_corpus(tmp_path_factory, 2100)


@pytest.mark.parametrize(("records", "built"), [(200, "unbuilt"), (800, "native")])
def test_the_c_checker_takes_over_once_tasks_with_errors_pay_for_its_program(messy_lines, records, built):
    """Where the install has it, the C checker is used from the task that brings
    BUILD_AFTER_NATIVE (256) tasks with errors, whatever their share: it is at least as
    quick as jsonschema-rs on every task. 200 messy records bring fewer; 800 bring more,
    though they are fewer than a window (a worker's share of a few thousand files)."""
    engine.compiled_as.cache_clear()
    try:
        for _ in lint_records(messy_lines[:records]):
            pass
        c = engine.compiled(FLASH)
        assert (c.checker_kind or "unbuilt") == built
        assert c._use_py == (built == "native")
    finally:
        engine.compiled_as.cache_clear()


def test_the_c_checker_is_built_at_the_task_that_brings_the_count(messy_lines, monkeypatch):
    monkeypatch.setattr(engine, "BUILD_AFTER_NATIVE", 5)
    c = engine.CompiledSchema(engine.store.catalog().get(FLASH))
    with_errors = 0
    for line in messy_lines:
        task = json.loads(line)
        if choose_schema(task, None)[0] != FLASH:
            continue
        assert c.checker_kind is None, with_errors
        with_errors += bool(c.check(task, plain=True))
        if with_errors == 5:
            break
    assert c.checker_kind == "native" and c._use_py


def test_a_batch_reads_the_same_before_and_after_the_c_checker_takes_over(messy_lines, monkeypatch):
    def run(build_after: int) -> list[dict[str, Any]]:
        monkeypatch.setattr(engine, "BUILD_AFTER_NATIVE", build_after)
        engine.compiled_as.cache_clear()
        try:
            found = [d.as_dict() for d in lint_records(messy_lines)]
            assert (engine.compiled(FLASH).checker_kind == "native") == (build_after < len(messy_lines))
            return found
        finally:
            engine.compiled_as.cache_clear()

    assert run(300) == run(10**9)  # taken over mid-batch, and never


def test_without_the_c_module_the_python_checker_takes_its_place(monkeypatch):
    monkeypatch.setenv("WANSPEC_PURE_PYTHON", "1")
    assert not engine.has_native()
    c = engine.CompiledSchema(engine.store.catalog().get(FLASH))
    assert c.use_compiled(True) and c.checker_kind == "python"
    assert not c.use_compiled(True, native=True)  # asked for what is not there: nothing changes
    assert c.checker_kind == "python"


def test_checking_keeps_no_memory_it_should_not(messy_tasks):
    """Errors, their paths and their branches are freed with the results: after a warm-up,
    checking the batch five more times leaves the traced memory where it was."""
    _, c = _bundled(FLASH)
    for task in messy_tasks:
        c(task)
    tracemalloc.start()
    try:
        for task in messy_tasks:
            c(task)
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):
            for task in messy_tasks:
                c(task)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200_000, grown


@pytest.mark.slow
def test_the_c_checker_under_sanitizers(tmp_path):
    """This file's tests with the C module built under ASan and UBSan."""
    from test_fastjson import run_sanitized

    run_sanitized(tmp_path, str(Path(__file__)), "not sanitizers and not takes_over and not before_and_after")
