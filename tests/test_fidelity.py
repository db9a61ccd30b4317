"""Fidelity classes from a careful reading of the docs: batch-spanning rules, model ids,
URL checks alike across providers (media containers and MP3 durations: tests/test_media.py)."""

from __future__ import annotations

import json

import pytest
from conftest import FLASH_TASK
from hypothesis import example, given
from hypothesis import strategies as st

from wanspec import LintOptions, lint_payload

QWEN = {
    "taskType": "imageInference",
    "taskUUID": "5d0c1d5e-8f64-4f0e-9d55-3a7e2c9b1a40",
    "model": "alibaba:qwen-image@2.0",
    "positivePrompt": "A bakery poster that says FRESH BREAD",
}


def found(payload, **kw):
    return [(d.code, d.severity.value, d.task, d.pointer) for d in lint_payload(payload, **kw)]


# -- one batch: "UUID v4 identifier … Must be unique per task" ----------------------------------
def test_a_repeated_task_uuid_is_reported_on_the_repeating_task():
    other = {**FLASH_TASK, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b"}
    assert found([FLASH_TASK, other, FLASH_TASK]) == [("WS205", "error", 2, "/taskUUID")]
    # across models of one request too, and every repeat names the first task
    batch = [FLASH_TASK, {**QWEN, "taskUUID": FLASH_TASK["taskUUID"]}, FLASH_TASK]
    diags = lint_payload(batch)
    assert [(d.code, d.task) for d in diags] == [("WS205", 1), ("WS205", 2)]
    assert all("already used by task 0" in d.message and "Must be unique per task" in d.message for d in diags)


def test_one_task_or_distinct_uuids_are_clean():
    assert found(FLASH_TASK) == []
    assert found([FLASH_TASK, {**FLASH_TASK, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b"}]) == []


def test_a_batch_file_reports_the_line_of_the_repeat(run_cli, write):
    text = json.dumps([FLASH_TASK, FLASH_TASK], indent=2)
    run = run_cli("lint", "--format", "json", str(write("batch.json", text)))
    (d,) = run.json()["diagnostics"]
    assert (d["code"], d["task"], d["pointer"]) == ("WS205", 1, "/taskUUID")
    assert d["line"] == text.splitlines().index('    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",', 12) + 1
    assert run.exit_code == 1
    # selection works as for any rule
    assert run_cli("lint", "--ignore", "duplicate-in-batch", str(write("b2.json", text))).exit_code == 0


def test_jsonl_lines_are_separate_requests(run_cli, write):
    lines = "\n".join(json.dumps(FLASH_TASK) for _ in range(3)) + "\n"
    assert run_cli("lint", str(write("many.jsonl", lines))).exit_code == 0


def test_a_wrongly_typed_uuid_is_not_also_a_duplicate():
    bad = {**FLASH_TASK, "taskUUID": {"id": 1}}
    assert [c for c, *_ in found([bad, bad])] == ["WS111", "WS111"]


def test_the_rule_is_declared_in_data():
    from wanspec.lint.batch import unique_fields

    (field,) = unique_fields("runware/alibaba:wan@2.6-flash")
    assert (field.name, field.code) == ("taskUUID", "WS205")
    assert unique_fields("toapis/wan2.6-flash") == ()  # ToAPIs bodies carry no task id


# -- model ids --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "says"),
    [(42, "a number (42)"), (None, "null"), (["alibaba:wan@2.6"], "an array of 1 items"), ({"a": 1}, "an object")],
)
def test_a_model_of_the_wrong_type_is_reported_at_model(model, says):
    (d,) = lint_payload({**FLASH_TASK, "model": model})
    assert (d.code, d.pointer) == ("WS111", "/model") and says in d.message
    forced = lint_payload({**FLASH_TASK, "model": model}, schema="runware/alibaba:wan@2.6-flash")
    assert [(f.pointer, f.code) for f in forced] == [("/model", "WS202")]


def test_current_and_captured_qwen_ids():
    assert found(QWEN) == []
    old = found({**QWEN, "model": "runware:qwen-image@2.0"})
    assert old == [("WS203", "warning", 0, "/model")]
    (d,) = lint_payload({**QWEN, "model": "runware:qwen-image@2.0-pro"})
    assert "alibaba:qwen-image@2.0-pro" in d.message  # names the current id


@pytest.mark.parametrize(
    ("model", "code", "hint"),
    [
        ("alibaba:wan@2.7", "WS015", None),  # known, no schema: not "did you mean 2.6"
        ("alibaba:qwen-image@3.0-pro", "WS015", None),
        ("alibaba:wan@2.6-flsh", "WS010", "did you mean 'alibaba:wan@2.6-flash'?"),  # a typo
        ("alibaba:qwen-image@2.0-por", "WS010", "did you mean 'alibaba:qwen-image@2.0-pro'?"),
        ("alibaba:wan@3.5", "WS010", None),  # another version is another model, not a typo
        ("alibaba:wan@2.2-animate", "WS010", "did you mean 'runware:200@8'?"),  # by the model's name
    ],
)
def test_unknown_known_and_mistyped_model_ids(model, code, hint):
    (d,) = lint_payload({**FLASH_TASK, "model": model})
    assert (d.code, d.pointer, d.hint) == (code, "/model", hint)


def test_a_known_model_without_schema_is_not_passing(run_cli, write):
    run = run_cli("lint", str(write("w27.json", {**FLASH_TASK, "model": "alibaba:wan@2.7"})))
    assert run.exit_code == 1 and "WS015" in run.stdout and "not checked" in run.stdout
    assert run_cli("lint", "--ignore", "WS015", str(write("w27b.json", {**FLASH_TASK, "model": "alibaba:wan@2.7"})))


# -- URL checks alike across providers ----------------------------------------------------------
URLS = [
    "https://cdn.example.com/boat.jpg",
    "HTTP://EXAMPLE.COM/A.PNG",
    "https://example.com:8443/a.png?sig=1",
    "http://",
    "https://",
    "https:///boat.jpg",
    "http://?x=1",
    "https://exa mple.com/a.jpg",
    "ftp://example.com/a.jpg",
    "example.com/a.jpg",
]


@pytest.mark.parametrize("url", URLS)
def test_toapis_image_urls_get_runwares_url_checks(url):
    runware = {**FLASH_TASK, "inputs": {"frameImages": [url]}}
    toapis = {"model": "wan2.6-flash", "prompt": "A boat drifts", "image_urls": [url]}
    r = [c for c, *_ in found(runware)]
    t = [c for c, *_ in found(toapis)]
    assert ("WS610" in r) == ("WS610" in t), (r, t)
    assert ("WS610" in t) == (url not in URLS[:3])


def test_toapis_takes_no_inline_data_where_runware_does():
    data = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAoAAAAKACAIAAAD/gAIDAAAAAA=="
    assert found({"model": "wan2.6-flash", "prompt": "x", "image_urls": [data]})[0][0] == "WS610"
    assert found({**FLASH_TASK, "inputs": {"frameImages": [data]}}, options=LintOptions()) == []


def test_a_repeat_is_the_same_json_value_not_an_equal_python_one():
    # 1, 1.0 and true are equal in Python; "1" and 1 are not the same JSON. Each is also a
    # wrongly typed UUID (WS111), so only the repeats tell the batch rule's verdicts apart.
    values = ["1", 1, 1.0, True, "1", 1]
    batch = [{**FLASH_TASK, "taskUUID": v} for v in values]
    repeats = [(d.task, d.message) for d in lint_payload(batch) if d.code == "WS205"]
    assert [(task, message.split(" is already used by task ")[1][0]) for task, message in repeats] == [
        (4, "0"),
        (5, "1"),
    ]


TOAPIS = {"model": "wan2.6-flash", "prompt": "A paper boat"}  # a provider with no batch-wide rule


@given(st.lists(st.tuples(st.booleans(), st.sampled_from("abc")), max_size=8))
def test_each_repeat_names_the_first_task_that_used_the_value(draws):
    # tasks of a provider with no batch rule in between, first or last: they use nothing
    uuids = {c: f"0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6{c}" for c in "abc"}
    batch = [{**FLASH_TASK, "taskUUID": uuids[c]} if runware else dict(TOAPIS) for runware, c in draws]
    firsts: dict[str, int] = {}
    expected = []
    for i, (runware, c) in enumerate(draws):
        if runware:
            if c in firsts:
                expected.append((i, firsts[c]))
            firsts.setdefault(c, i)
    found = [
        (d.task, int(d.message.split("already used by task ")[1].split()[0]))
        for d in lint_payload(batch)
        if d.code == "WS205"
    ]
    assert found == expected


@given(
    values=st.lists(st.sampled_from(["a", "b", "c", "1", 1, 1.0, True, None]), max_size=24),
    models=st.lists(st.sampled_from(["flash", "wan2.6", "toapis"]), min_size=24, max_size=24),
    cuts=st.sets(st.integers(0, 24), max_size=6),
)
@example(values=[1, 1.0, True, 1], models=["flash"] * 24, cuts={1, 2, 3})  # equal in Python, not in JSON
@example(values=["a", "a", "a", "a"], models=["flash", "wan2.6", "flash", "wan2.6"] * 6, cuts={2})
def test_a_batch_noted_in_shares_finds_the_repeats_a_whole_one_does(values, models, cuts):
    # a large array is linted in slices: each worker notes its tasks' values (a Recorder),
    # numbering them from its slice's first, and the parent merges the notes share by share;
    # each repeat is reported under its own task's schema, whichever share used the value first
    from wanspec.lint.batch import Batch, Recorder
    from wanspec.lint.engine import compiled

    names = {
        "flash": "runware/alibaba:wan@2.6-flash",
        "wan2.6": "runware/alibaba:wan@2.6",
        "toapis": "toapis/wan2.6-flash",
    }
    ids = {m: compiled(name).entry.id for m, name in names.items()}
    schemas = [ids[m] for m in models[: len(values)]]
    tasks = [{**FLASH_TASK, "taskUUID": v} for v in values]
    whole = Batch()
    checked = [(i, s, whole.check(i, s, t)) for i, (s, t) in enumerate(zip(schemas, tasks, strict=True))]
    expected = [(i, s, [f.message for f in found]) for i, s, found in checked if found]

    merged, got, start = Batch(), [], 0
    for stop in [*sorted(c for c in cuts if c < len(tasks)), len(tasks)]:
        notes = Recorder()  # one worker's slice
        for i in range(start, stop):
            assert notes.check(i - start, schemas[i], tasks[i]) == []
        got += [(i, s, [f.message]) for i, s, _, f in merged.merge(notes.notes(), start)]
        start = stop
    assert got == expected
    runware = [v for v, s in zip(values, schemas, strict=True) if s != ids["toapis"]]
    assert len(got) == len(runware) - len({json.dumps(v) for v in runware})
