"""The compiled checker reports what jsonschema-rs reports, error for error.

The fast engine checks a task two ways: with jsonschema-rs, or with Python code compiled
from the same schema (``wanspec.lint.compiler``), whichever the last window of tasks
showed to be quicker. Output must not depend on that choice, so every test here holds the
two to the same errors (keyword, schema path, instance path, instance, message and, for
``anyOf``, each branch's errors) and the same findings, on the docs' examples mutated by
hypothesis, on arbitrary objects, on the values where JSON and Python disagree, and
through the public entry points on a batch long enough to switch engines mid-run.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from conftest import messy_corpus
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_engines import FIELDS, mutated, values

from wanspec import lint_payload, lint_records, list_schemas
from wanspec.lint import compiler, engine, keywords, runtime
from wanspec.lint.keywords import SEP
from wanspec.lint.run import choose_schema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = [s.id for s in list_schemas()]


def _key(value: Any) -> Any:
    """A value as JSON tells it apart: 1, 1.0 and True are three things here, and the
    order of an object's members is not (jsonschema-rs hands objects back sorted)."""
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _key(v)) for k, v in value.items())))
    if isinstance(value, list):
        return ("array", tuple(_key(v) for v in value))
    return (type(value).__name__, repr(value))


def _errors(raws: list[Any]) -> list[Any]:
    """Errors in an order that does not depend on which engine found them first."""
    return sorted(
        (
            (r.keyword, r.schema_path, r.instance_path, _key(r.instance), r.message, tuple(map(_errors, r.branches)))
            for r in raws
        ),
        key=repr,
    )


def _outcome(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except ValueError as exc:  # what jsonschema-rs raises for what it cannot read
        return ("raised", type(exc).__name__, str(exc))


#: The compiled checkers this process has: the Python one always, the C one
#: (wanspec.lint.native) where the C module is built. Each is held to jsonschema-rs.
CHECKERS = ["python", "native"] if engine.has_native() else ["python"]


@functools.cache
def _way(schema_id: str, way: str) -> Any:
    """A schema's engine that checks every task one way: "rs", "python" or "native"
    (one engine a way, so no test pays for building a checker twice)."""
    c = engine.CompiledSchema(engine.store.catalog().get(schema_id))
    if way != "rs":
        assert c.use_compiled(True, native=way == "native") and c.checker_kind == way
    c._left = 10**12  # no window ever chooses again
    return c


def _both(schema_id: str, task: Any, plain: bool = True) -> tuple[Any, list[Any]]:
    """(jsonschema-rs, [each compiled checker]): the errors and findings of each for one
    task, or what it raised."""
    out = []
    for way in ("rs", *CHECKERS):
        c = _way(schema_id, way)
        c._conversions.clear()  # each engine's findings from scratch
        raws = _outcome(c._raw_errors, task, plain)
        out.append((raws if isinstance(raws, tuple) else _errors(raws), _outcome(c.check, task, plain=plain)))
    return out[0], out[1:]


def assert_same(schema_id: str, task: Any) -> None:
    rs, compiled = _both(schema_id, task)
    for way, py in zip(CHECKERS, compiled, strict=True):
        assert py[0] == rs[0], f"errors differ ({way})"
        assert py[1] == rs[1], f"findings differ ({way})"


# -- every bundled schema compiles ------------------------------------------------------------
@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_every_bundled_schema_compiles(schema_id):
    """A bundled schema a compiler cannot take would quietly lose the speed-up."""
    c = engine.compiled(schema_id)
    for kind in CHECKERS:
        assert c.use_compiled(True, native=kind == "native")
        assert (c._py_state, c.checker_kind) == ("built", kind)
    c.use_compiled(False)


# -- the docs' examples, mutated; arbitrary objects -------------------------------------------
@settings(max_examples=400)
@given(mutated())
def test_same_errors_on_mutated_doc_examples(payload):
    schema_id, _ = choose_schema(payload, None)
    if schema_id is not None:
        assert_same(schema_id, payload)


@settings(max_examples=400)
@given(st.sampled_from(SCHEMAS), st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_same_errors_on_arbitrary_objects(schema_id, payload):
    assert_same(schema_id, payload)


ODD = [True, False, 1, 1.0, 0, -0.0, 5.0, 5.5, 2**64, -(2**63) - 1, 1e308]
ODD += ["", "5", "\ud800", "a\ud800", None, [], {}, [True]]


def _nested_fields(node: Any) -> Iterator[Any]:
    """``node`` with each member or item, at any depth, replaced by a value where JSON and
    Python part (one at a time)."""
    slots = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
    for slot in slots:
        for value in [*ODD, *_nested_fields(node[slot])]:
            copy_ = copy.copy(node)
            copy_[slot] = value
            yield copy_


@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_same_errors_where_json_and_python_disagree(schema_id):
    """true is not 1 for const and enum; 5.0 is an integer; big integers; lone surrogates."""
    from conftest import DOC_EXAMPLES

    manifest = json.loads((DOC_EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
    bases = [
        json.loads((DOC_EXAMPLES / e["file"]).read_text(encoding="utf-8"))
        for e in manifest
        if e["kind"] == "request" and e["schema"] == schema_id and not e.get("fragment")
    ] or [{"taskType": "imageInference", "width": 1024, "inputs": {"referenceImages": ["https://e.com/a.png"]}}]
    checked = 0
    for base in bases:
        for task in _nested_fields(base):
            assert_same(schema_id, task)
            checked += 1
    assert checked >= 18


# -- strings the two regex dialects read differently ----------------------------------------------
def _nodes(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            if key not in ("const", "enum", "default", "examples") and not key.startswith("x-"):
                yield from _nodes(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _nodes(value)


PATTERNS = sorted(
    {
        node["pattern"]
        for sid in SCHEMAS
        for node in _nodes(engine.compiled(sid).validation_schema)
        if isinstance(node.get("pattern"), str)
    }
    | {r"^a$", r"^[^\s/$.?#][^\s]*$", r"^[a-z]+\.[0-9]{2,3}$", r"^(?:x|y)+$", r"^\d+$", r"^.$"}
)
TRICKY = ["\n", "\r", "\x0b", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\ufeff", "\u0660", "é", "\ud800", " ", "$"]


@settings(max_examples=300)
@given(
    st.sampled_from(PATTERNS),
    st.lists(
        st.sampled_from(
            [*TRICKY, "a", "x", "y", "5", ".", "https://", "http://e.com/a", "c64351d5-4c59-42f7-95e1-eace013eddab"]
        ),
        max_size=6,
    ).map("".join),
)
@example(r"^a$", "a\n")
@example(r"^[^\s/$.?#][^\s]*$", "a\x1cb")
@example(r"^[^\s/$.?#][^\s]*$", "a\x85b")
def test_patterns_match_what_jsonschema_rs_matches(pattern, text):
    """A pattern read by Python (when ``portable`` vouches for it, or on printable ASCII)
    matches exactly the strings jsonschema-rs' pattern matches."""
    check = _compile({"properties": {"s": {"pattern": pattern}}})
    try:
        expected = jsonschema_rs.validator_for({"pattern": pattern}).is_valid(text)
    except UnicodeEncodeError:  # a lone surrogate: the compiled code hands such a task over
        with pytest.raises(runtime.Fallback):
            check({"s": text})
        return
    assert (not check({"s": text})) == expected


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        (r"^[hH][tT][tT][pP][sS]?://", r"^[hH][tT][tT][pP][sS]?://"),
        (r"^[0-9a-f]{8}$", r"^[0-9a-f]{8}\Z"),
        (r"^a\.b$", r"^a\.b\Z"),
        (r"^a$b", None),  # $ inside: not the end
        (r"^a.b$", None),  # . differs on line ends
        (r"^\s+$", None),
        (r"^\d$", None),
        (r"(?i)^a$", None),
        (r"^é$", None),
        (r"^[[:alpha:]]$", None),
        (r"^[a-z$", None),
    ],
)
def test_portable_patterns_are_only_those_read_alike(pattern, python):
    assert compiler.portable(pattern) == python


# -- what the compiled code hands back to jsonschema-rs ----------------------------------------------
FLASH = "runware/alibaba:wan@2.6-flash"


@pytest.mark.parametrize(
    "text",
    ["https://hooks.example/wan", "587cdb60-26a3-4672-8eec-3309528caa42", "not a uri, not a uuid"],
)
def test_a_string_two_formats_read_differently_reads_as_each_format_says(text):
    """A uuid is no uri and a URL is no uuid: the same string in ``taskUUID`` and
    ``webhookURL`` gets each format's own verdict, whichever field the checker asks about
    first and whatever earlier tasks asked (each format remembers its own verdicts)."""
    from conftest import FLASH_TASK

    task = {**FLASH_TASK, "taskUUID": text, "webhookURL": text}
    for earlier in ({**FLASH_TASK, "taskUUID": text}, {**FLASH_TASK, "webhookURL": text}, task):
        _way.cache_clear()  # checkers with empty memories
        for first in (earlier, task):
            assert_same(FLASH, first)


def _nest(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("depth", [250, 253, 254, 255, 256, 300])
def test_an_error_about_a_value_nested_too_deep_reads_as_jsonschema_rs_says(depth):
    """jsonschema-rs will not hand back an error's instance nested 256 containers deep;
    the compiled code lets it say so, and both engines report the same (too deep)."""
    from conftest import FLASH_TASK

    for task in ({**FLASH_TASK, "unknownField": _nest(depth)}, {**FLASH_TASK, "duration": _nest(depth)}):
        rs = _verdict_with(task, use=False)
        assert _verdict_with(task, use=True) == rs
        if depth in (250, 300):
            assert any("nests" in message for _, message in rs) == (depth == 300)


def _verdict_with(task: Any, *, use: bool) -> list[tuple[str, str]]:
    """The diagnostics of ``task`` checked by jsonschema-rs (``use`` False) or by each
    compiled checker (which must agree)."""
    c = engine.compiled(FLASH)
    verdicts = []
    try:
        for native in (False, True) if use else (None,):
            if c.use_compiled(use, native=native) or not native:
                verdicts.append(sorted((d.code, d.message) for d in lint_payload(task, FLASH)))
    finally:
        c.use_compiled(False)
    assert all(v == verdicts[0] for v in verdicts), "the compiled checkers differ"
    return verdicts[0]


@pytest.mark.parametrize(
    "value",
    [
        (1, 2),
        {1, 2},
        type("Text", (str,), {})("720p"),
        type("Number", (int,), {})(5),
        type("Mapping", (dict,), {})(a=1),
    ],
    ids=["tuple", "set", "str subclass", "int subclass", "dict subclass"],
)
def test_values_that_are_not_plain_json_go_to_jsonschema_rs(value):
    """A parsed task from Python may hold what no JSON parser makes: such a task is checked
    by jsonschema-rs, so its verdict (or its refusal) is the one it always was."""
    from conftest import FLASH_TASK

    for key in ("duration", "resolution", "unknownField"):
        task = {**FLASH_TASK, key: value}
        assert not runtime.plain(task)
        assert _verdict_with(task, use=True) == _verdict_with(task, use=False)


def test_plain_json_is_recognised_and_nothing_else():
    assert runtime.plain({"a": [1, 2.5, "x", None, True, {"b": []}]})
    assert not runtime.plain({"a": [1, (2,)]})
    assert not runtime.plain({1: "a"})
    assert not runtime.plain({"a": {"b": {1.5}}})


def test_a_schema_with_a_keyword_it_does_not_know_stays_with_jsonschema_rs():
    with pytest.raises(compiler.Unsupported, match="uniqueItems"):
        _compile({"properties": {"a": {"uniqueItems": True}}})


def _compile(schema: Any) -> Any:
    """The checker of ``schema`` generated and compiled here (never the wheel's)."""
    return compiler.compile_schema(
        schema, engine.RawError, engine._custom_keyword, engine._rs_string_check, SEP, keywords.CHECKS
    )


@pytest.mark.parametrize("depth", [5, 19, 25, 60, 400])
@pytest.mark.parametrize("shape", ["items", "not", "anyOf", "properties", "if"])
def test_a_schema_nested_deep_compiles_to_the_same_errors_or_is_left_to_jsonschema_rs(shape, depth):
    """Python's compiler has limits (20 nested loops, 200 nested parentheses, its stack):
    a schema past them is Unsupported, never a crash, and one within them agrees.
    (jsonschema-rs compiles no schema nested past about 255 levels; the engine compiles
    it first, so such a schema never reaches the compiler.)"""
    schema: Any = {"type": "integer", "maximum": 3}
    task: Any = 7
    for n in range(depth):
        if shape == "items":
            schema, task = {"type": "array", "items": schema}, [task]
        elif shape == "not":
            schema = {"not": schema}
        elif shape == "anyOf":
            schema = {"anyOf": [{"type": "string"}, schema]}
        elif shape == "properties":
            schema, task = {"type": "object", "properties": {f"p{n}": schema}}, {f"p{n}": task}
        else:
            schema = {"if": {"type": "integer"}, "then": schema, "else": {"const": n}}
    root = {"type": "object", "properties": {"a": schema}}
    try:
        check = _compile(root)
    except compiler.Unsupported as exc:
        assert "nested too deep" in str(exc)
        return
    try:
        validator = jsonschema_rs.validator_for(root)
    except ValueError:
        assert depth > 250
        return
    try:
        expected = _errors([engine._from_rs(e) for e in validator.iter_errors({"a": task})])
    except ValueError:  # jsonschema-rs' own limit: the compiled code hands such a task over
        with pytest.raises(runtime.Fallback):
            check({"a": task})
        return
    assert _errors(check({"a": task})) == expected


def test_a_compiler_that_misreads_one_keyword_is_caught(monkeypatch):
    """The comparison above can fail: read ``maximum`` as ``minimum`` and it does."""
    from conftest import FLASH_TASK

    real = compiler._Generator.valid_keyword

    def misread(self, schema, key, value, x, known):
        return real(self, schema, "minimum" if key == "maximum" else key, value, x, known)

    task = {**FLASH_TASK, "duration": 5}
    c = engine.compiled(FLASH)
    expected = _errors([engine._from_rs(e) for e in c._rs.iter_errors(task)])
    assert _errors(_compile(c.validation_schema)(task)) == expected
    monkeypatch.setattr(compiler._Generator, "valid_keyword", misread)
    assert _errors(_compile(c.validation_schema)(task)) != expected


# -- through the public entry points, switching engines mid-run --------------------------------------
@pytest.fixture(scope="module")
def messy_lines(tmp_path_factory) -> list[bytes]:
    return messy_corpus(tmp_path_factory, 4500)


def _diagnostics(lines: list[bytes], window: int, monkeypatch, build_after: int = 1) -> list[dict[str, Any]]:
    monkeypatch.setattr(engine, "WINDOW", window)
    monkeypatch.setattr(engine, "BUILD_AFTER", build_after)
    monkeypatch.setattr(engine, "BUILD_AFTER_NATIVE", window)  # the C checker: at the window-th task with errors
    engine.compiled_as.cache_clear()
    try:
        found = [d.as_dict() for d in lint_records(lines)]
        used = engine.compiled(FLASH)._py_state
    finally:
        engine.compiled_as.cache_clear()
    return [*found, {"compiled": used}]


def test_a_messy_batch_reads_the_same_whichever_engine_checks_it(messy_lines, monkeypatch):
    """4,500 messy records: with windows of 1,000 tasks the compiled code takes over after
    the first window (the C checker at the 1,000th task with errors); with one window
    longer than the batch it never does."""
    switched = _diagnostics(messy_lines, 1000, monkeypatch)
    never = _diagnostics(messy_lines, 10**9, monkeypatch)
    assert switched[-1] == {"compiled": "built"} and never[-1] == {"compiled": "unbuilt"}
    assert len(switched) > 4500
    assert switched[:-1] == never[:-1]


HOSTILE_MEMBERS = [  # (name, JSON text of its value), written into corpus tasks as text
    ("positivePrompt", '"\\ud800 a lone surrogate in a prompt"'),
    ("negativePrompt", '"line\\u2028separator \\u0085 and \\u00e9"'),
    ("outputFormat", '"MP4\\udc00"'),
    ("unknownField", "[" * 300 + "1" + "]" * 300),
    ("seed", "1000000000000000000000000000000"),
    ("duration", "1e400"),
    ("duration", "NaN"),
    ("numberResults", '"2"'),
    ("\\ud800", "1"),
]


def _with_member(line: bytes, name: str, value: str) -> bytes:
    """The task of ``line`` with member ``name`` (JSON text of a name) set to ``value``
    (JSON text), both written as given."""
    task = json.loads(line)
    task.pop(json.loads(f'"{name}"'), None)
    task = {"@@name@@": "@@value@@", **task}
    return json.dumps(task).replace('"@@name@@": "@@value@@"', f'"{name}": {value}').encode() + b"\n"


def test_hostile_lines_after_the_switch_read_as_jsonschema_rs_reads_them(messy_lines, monkeypatch):
    """Hostile values in lines that reach the compiled code (after the first window), as
    ``wanspec lint FILE.jsonl`` reads them: each diagnostic is the one jsonschema-rs'
    way gives, handed over (Fallback) or not."""
    lines = list(messy_lines[:1500])
    for n, (name, value) in enumerate(HOSTILE_MEMBERS * 20):
        lines.append(_with_member(messy_lines[1500 + n], name, value))
    switched = _diagnostics(lines, 1000, monkeypatch)
    never = _diagnostics(lines, 10**9, monkeypatch)
    assert switched[-1] == {"compiled": "built"}
    assert switched[:-1] == never[:-1]
    late = [d["message"] for d in switched[:-1] if (d.get("line") or 0) > 1500]
    for expected in ("nests", "could not process", 'the string "2"', "beyond any documented range", "not valid JSON"):
        assert any(expected in m for m in late), (expected, sorted({m[:60] for m in late}))


@pytest.mark.parametrize(
    ("shipped", "records", "built"),
    [
        (False, 800, "unbuilt"),
        (False, 2000, "unbuilt"),
        (False, 4500, "built"),
        (True, 800, "unbuilt"),
        (True, 2000, "built"),
    ],
)
def test_the_compiled_code_is_built_only_once_tasks_with_errors_would_have_paid_for_it(
    messy_lines, monkeypatch, shipped, records, built
):
    """The code is built once windows with a third or more of their tasks invalid have
    brought enough tasks with errors to pay for the build: BUILD_AFTER (2,048) when it is
    generated at run time, so a run of 2,000 messy tasks (a pre-commit hook, a worker's
    share of a few thousand files) never builds it; BUILD_AFTER_PREBUILT (256) when the
    wheel ships it. No run decides before its first window (1,024 tasks) is full. (This
    is the rule where the install has no C checker; tests/test_native.py has the other.)"""
    monkeypatch.setattr(engine, "has_native", lambda: False)
    monkeypatch.setattr(engine.store, "prebuilt_checker_exists", lambda path: shipped)
    engine.compiled_as.cache_clear()
    try:
        for _ in lint_records(messy_lines[:records]):
            pass
        assert engine.compiled(FLASH)._py_state == built
    finally:
        engine.compiled_as.cache_clear()


def test_parsed_tasks_read_the_same_whichever_engine_checks_them(messy_lines, monkeypatch):
    tasks = [json.loads(line) for line in messy_lines[:1500]]
    monkeypatch.setattr(engine, "WINDOW", 500)
    monkeypatch.setattr(engine, "BUILD_AFTER", 1)
    engine.compiled_as.cache_clear()
    try:
        switched = [d.as_dict() for d in lint_records(copy.deepcopy(tasks))]
        assert engine.compiled(FLASH)._use_py
    finally:
        engine.compiled_as.cache_clear()
    monkeypatch.setattr(engine, "WINDOW", 10**9)
    try:
        assert [d.as_dict() for d in lint_records(tasks)] == switched
    finally:
        engine.compiled_as.cache_clear()
