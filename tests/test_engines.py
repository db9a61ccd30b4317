"""The fast engine (jsonschema-rs) and the reference engine (python-jsonschema) agree.

Both run the same schemas and share every conversion step, so any difference is an
engine disagreement worth knowing about. Payloads are the docs' own examples, mutated by
hypothesis: a field replaced by another JSON value, removed, or a known field added.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from conftest import DOC_EXAMPLES, FLASH_TASK
from hypothesis import given
from hypothesis import strategies as st

from wanspec import LintOptions, lint_payload, list_schemas, load_schema

MANIFEST = json.loads((DOC_EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
BASES = [
    json.loads((DOC_EXAMPLES / e["file"]).read_text(encoding="utf-8"))
    for e in MANIFEST
    if e["kind"] == "request" and e["schema"] and not e.get("fragment")
]
FIELDS = sorted(
    {name for s in list_schemas() for name in load_schema(s.id)["properties"]} | {"frame", "image", "audio"}
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3000),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "720p",
            "1080p",
            "MP4",
            "single",
            "multi",
            "first",
            "last",
            "replace",
            "animate",
            "1920",
            "5",
            "https://example.com/a.jpg",
            "c64351d5-4c59-42f7-95e1-eace013eddab",
            "6ba7b834-9dad-11d1-80b4-00c04fd430c8",
            "data:image/png;base64,iVBORw0KGgo=",
            "字" * 1501,
        ]
    ),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4),
    max_leaves=8,
)


def _slots(node: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        for k, v in node.items():
            out.append((node, k))
            _slots(v, out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.append((node, i))
            _slots(v, out)
    return out


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    payload = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(payload, [])
        op = draw(st.sampled_from(["replace", "delete", "add"]))
        if op == "add" or not slots:
            containers = [payload] + [c[k] for c, k in slots if isinstance(c[k], dict)]
            target = draw(st.sampled_from(containers))
            target[draw(st.sampled_from(FIELDS))] = draw(values)
            continue
        container, key = draw(st.sampled_from(slots))
        if op == "delete":
            del container[key]
        else:
            container[key] = draw(values)
    return payload


def _verdict(payload: Any, engine: str) -> list[tuple[str, str, str]]:
    return sorted(
        (d.code, d.severity.value, d.pointer) for d in lint_payload(payload, options=LintOptions(engine=engine))
    )


@given(mutated())
def test_engines_agree_on_mutated_doc_examples(payload):
    assert _verdict(payload, "fast") == _verdict(payload, "reference")


@given(st.sampled_from([s.id for s in list_schemas()]), st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
def test_engines_agree_on_arbitrary_objects(schema_id, payload):
    fast = sorted((d.code, d.pointer) for d in lint_payload(payload, schema_id))
    ref = sorted(
        (d.code, d.pointer) for d in lint_payload(payload, options=LintOptions(schema=schema_id, engine="reference"))
    )
    assert fast == ref


@pytest.mark.parametrize("text", ["INFINITY", "Infinity", "-inf", "nan", "1e400"])
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_string_that_reads_as_no_finite_number_is_only_a_string(text, engine):
    """float() reads "Infinity" and "1e400", but no JSON number is either: such a string is
    reported as a string where a number goes, not as a number sent as a string (whose check
    of the number itself put Infinity where the engines disagree: one said "got null")."""
    schema = "runware/alibaba:wan@2.5-image"
    found = lint_payload({"seed": text}, options=LintOptions(schema=schema, engine=engine))
    seed = [(d.code, d.message) for d in found if d.pointer == "/seed"]
    assert seed == [(_type_code(), f'seed must be an integer, got string "{text}"')]


def _type_code() -> str:
    from wanspec.catalog.store import keyword_codes

    return keyword_codes()["type"]


@given(mutated())
def test_guards_change_no_verdict(payload):
    """The guarded schema the engines run finds exactly what the schema as written finds."""
    from jsonschema import Draft202012Validator, validators

    from wanspec.lint.engine import compiled
    from wanspec.lint.keywords import jsonschema_keywords
    from wanspec.lint.run import choose_schema

    schema_id, _ = choose_schema(payload, None)
    if schema_id is None:
        return
    c = compiled(schema_id)
    cls = validators.extend(Draft202012Validator, jsonschema_keywords())
    written = cls(c.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    guarded = cls(c.validation_schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def leaves(v):
        # allOf and if/then/else report their subschemas' errors, never their own, so the
        # guards (allOf + if/else) add nothing to compare but the keywords they guard
        return sorted((e.validator, e.message, list(e.absolute_path)) for e in v.iter_errors(payload))

    assert leaves(written) == leaves(guarded)
    assert c._rs.is_valid(payload) == (not leaves(written))


# -- a conversion kept for one task is the one every task with that value gets -------------
def _one_by_one(tasks: list[dict[str, Any]]) -> list[list[tuple[str, str, str]]]:
    from wanspec.lint.engine import compiled

    out = []
    for task in tasks:
        compiled("runware/alibaba:wan@2.6-flash")._conversions.clear()
        out.append([(d.code, d.pointer, d.message) for d in lint_payload(task)])
    return out


def test_kept_conversions_never_mix_values_python_calls_equal():
    from conftest import FLASH_TASK

    # 40, 40.0 and True == 1 are equal (and hash alike) in Python; in a message they differ
    # a string too long is kept by its length: other text of the same length, another length
    values = [40, 40.0, True, 1, 1.0, "40", "", 40, True, 1.0, None, "x" * 1600, "x" * 1600, "é" * 1600, "x" * 1601]
    tasks = [{**FLASH_TASK, "duration": v, "positivePrompt": v} for v in values]
    batch = [d for d in lint_payload(tasks) if "already used" not in d.message]  # one UUID for all
    assert [[(d.code, d.pointer, d.message) for d in batch if d.task == i] for i in range(len(tasks))] == _one_by_one(
        tasks
    )
    messages = {d.task: d.message for d in batch if d.pointer == "/duration"}
    assert "40.0" in messages[1] and "true" in messages[2] and messages[3] != messages[2]


def test_kept_conversions_of_unknown_and_missing_fields_follow_the_names_not_the_values():
    from conftest import FLASH_TASK

    # the same names with other values, the same values under other names, names in
    # another order, nested objects (inputs), a field renamed, a platform parameter
    base = {k: v for k, v in FLASH_TASK.items() if k != "duration"}  # "duration" is required
    tasks = [
        {**FLASH_TASK, "durration": 5},
        {**FLASH_TASK, "durration": "x" * 300},
        {**FLASH_TASK, "duraton": 5},
        {"durration": 5, **FLASH_TASK},
        {**base, "durration": 5},
        {**base},
        {**base, "taskType": None},
        {**FLASH_TASK, "inputs": {"frameImages": ["https://example.com/a.jpg"], "frameImage": 1}},
        {**FLASH_TASK, "inputs": {"frameImages": ["https://example.com/a.jpg"], "frameImage": [2]}},
        {**FLASH_TASK, "inputs": {"frameImage": 1}},
        {**FLASH_TASK, "frameImages": ["https://example.com/a.jpg"]},
        {**FLASH_TASK, "providerSettings": {}},
        {**FLASH_TASK, "steps": 20},
        {**FLASH_TASK, "durration": 5},
        {**base, "durration": 5},
        {**FLASH_TASK, "seed": 7, "durration": 5},  # the same typo beside another optional field
        # the same names at the same rule, in two items of one array
        {**FLASH_TASK, "inputs": {"frameImages": [{"image": "https://example.com/a.jpg", "bogus": 1}] * 2}},
        # rules about the values of an object (a size pair): the same names, other values
        {**base, "width": 1000, "height": 1000},
        {**base, "width": 999, "height": 1001},
    ]
    batch = [d for d in lint_payload(tasks) if "already used" not in d.message]  # one UUID for all
    by_task = [[(d.code, d.pointer, d.message) for d in batch if d.task == i] for i in range(len(tasks))]
    assert by_task == _one_by_one(tasks)
    assert by_task[0] == by_task[13] and by_task[4] == by_task[14]  # kept, and the same
    assert any("durration" in m for _, _, m in by_task[1]) and any("duraton" in m for _, _, m in by_task[2])
    assert by_task[15] == by_task[0]
    assert {"/inputs/frameImages/0/bogus", "/inputs/frameImages/1/bogus"} <= {p for _, p, _ in by_task[16]}
    assert any("999×1001" in m for _, _, m in by_task[18])


def test_the_fast_engine_never_renders_a_payloads_values_into_its_errors():
    """jsonschema-rs renders the instance into each error's message, and an error at the
    root renders the whole task (a 2.6 KB data URI, a 1,500-character prompt); wanspec
    reads only its own keywords' messages. The engine is built with ``mask``: no value of
    the payload is rendered (3% of a messy run), while the custom keywords' messages,
    which wanspec does read, stay whole."""
    from wanspec.lint.engine import compiled

    marker = "sk-MARKER-7f3a"
    task = {
        **FLASH_TASK,
        "positivePrompt": marker * 3,
        "duration": 99,
        "resolution": marker,  # not one of the sizes: an enum error, which renders the value
        "unknownField": marker,
        "inputs": {"frameImages": [f"data:image/png;base64,{marker}"]},
    }
    schema = compiled("runware/alibaba:wan@2.6-flash")
    errors = list(schema._rs.iter_errors(task))
    custom = [e for e in errors if str(e.schema_path[-1]).startswith("x-")]
    assert len(errors) >= 3 and custom, [e.message for e in errors]
    assert not [e.message for e in errors if marker in e.message and e not in custom]
    assert all(e.kind.message.startswith("media-") for e in custom)  # wanspec's own text, whole
