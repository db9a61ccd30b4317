"""The protocol files classify and validate every response the docs and research quote,
and reject responses that drifted in ways that break a client."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from wanspec.contract import PHASES, UnknownProvider, list_protocols, load_protocol
from wanspec.contract._protocol import render

DATA = Path(__file__).resolve().parent.parent / "data"
PROVIDERS = ["runware", "toapis", "wavespeed"]
#: The field names clients, verification and drift rely on: every protocol file defines them all.
FIELD_NAMES = ("jobId", "status", "videoUrl", "seed", "cost", "errorCode", "errorMessage", "errorParameter")


def _examples():
    for provider in PROVIDERS:
        for i, ex in enumerate(json.loads((DATA / "protocol_examples" / f"{provider}.json").read_text("utf-8"))):
            yield pytest.param(provider, ex, id=f"{provider}-{i:02d}-{ex['state']}")
    # The Runware model pages print the result item; on the wire it sits in {"data": [...]}.
    for path in sorted((DATA / "doc_examples" / "responses").glob("runware-*.json")):
        item = json.loads(path.read_text("utf-8"))
        ex = {"operation": "poll", "http": 200, "state": "result", "body": {"data": [item]}}
        yield pytest.param("runware", ex, id=path.stem)


def test_every_provider_ships_a_protocol():
    assert list_protocols() == PROVIDERS


@pytest.mark.parametrize("provider", PROVIDERS)
def test_protocol_file_is_well_formed(provider):
    protocol = load_protocol(provider)
    Draft202012Validator.check_schema(protocol.raw)
    assert set(protocol.operations) == {"submit", "poll"}
    assert {s.phase for s in protocol.states} <= set(PHASES)
    assert set(protocol.statuses) <= set(PHASES)
    for name, definition in protocol.raw["$defs"].items():
        assert "x-doc" in definition, name
    for name, operation in protocol.raw["x-wanspec"]["operations"].items():
        assert "x-doc" in operation, name
    for state in protocol.states:
        assert "x-doc" in protocol.raw["x-wanspec"]["states"][protocol.states.index(state)], state.name
        assert set(state.operations) <= set(protocol.operations), state.name
        protocol.validate(state, {})  # every $ref resolves
    assert protocol.env["apiKey"].endswith("_API_KEY")
    assert set(protocol.fields) == set(FIELD_NAMES)
    for state in protocol.states:
        assert state.status_in is None or state.status_in in protocol.statuses, state.name
    assert {"ack", "processing", "success", "failed", "rejected"} <= set(protocol.loopback["templates"])
    variants = [v for k, v in protocol.loopback.get("variants", {}).items() if not k.startswith("$")]
    for templates in (protocol.loopback["templates"], *variants):
        for name in templates:
            protocol.state(name)  # each template answers as the state of the same name


@pytest.mark.parametrize(("provider", "example"), list(_examples()))
def test_quoted_responses_classify_and_validate(provider, example):
    protocol = load_protocol(provider)
    state = protocol.classify(example["operation"], example["http"], example["body"])
    assert state is not None and state.name == example["state"]
    assert protocol.validate(state, example["body"]) == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_status_word_names_its_phase(provider):
    """The vocabulary in ``statuses`` is what classification uses: each word reaches its phase."""
    protocol = load_protocol(provider)
    pointer = protocol.fields["status"][0]
    for phase, words in protocol.statuses.items():
        operation = "submit" if phase == "accepted" else "poll"
        for word in words:
            body = _body_at(pointer, word)
            if provider == "wavespeed" and operation == "submit":
                body["data"]["id"] = "x"
            state = protocol.classify(operation, 200, body)
            assert state is not None and state.phase == phase, (phase, word)


def _body_at(pointer: str, value):
    """The smallest body holding ``value`` at ``pointer`` (a digit segment makes a list)."""
    out = value
    for part in reversed(pointer.lstrip("/").split("/")):
        out = [out] if part.isdigit() else {part: out}
    return out


RUNWARE_SUCCESS = {
    "data": [
        {
            "taskType": "videoInference",
            "taskUUID": "24cd5dff-0000-4000-8000-000000000000",
            "status": "success",
            "videoUUID": "b7db282d-0000-4000-8000-000000000000",
            "videoURL": "https://im.runware.ai/video/ws/0.5/vi/b7db282d.mp4",
            "seed": 42,
            "cost": 0.18,
        }
    ]
}


def _drift(body, pointer, change):
    out = copy.deepcopy(body)
    change(out["data"][0])
    return out


@pytest.mark.parametrize(
    ("name", "change", "pointer"),
    [
        ("videoURL renamed", lambda item: item.update(videoUrl=item.pop("videoURL")), "/data/0"),
        ("cost as a string", lambda item: item.update(cost="0.18"), "/data/0/cost"),
        ("seed as a string", lambda item: item.update(seed="42"), "/data/0/seed"),
        ("taskUUID as a number", lambda item: item.update(taskUUID=17), "/data/0/taskUUID"),
        ("videoURL not a URL", lambda item: item.update(videoURL="not a url"), "/data/0/videoURL"),
    ],
)
def test_drifted_success_breaks_the_schema(name, change, pointer):
    protocol = load_protocol("runware")
    body = _drift(RUNWARE_SUCCESS, pointer, change)
    state = protocol.classify("poll", 200, body)
    assert state is not None and state.name == "success"
    problems = protocol.validate(state, body)
    assert pointer in {p.pointer for p in problems}, problems


def test_an_unknown_status_word_matches_no_state():
    protocol = load_protocol("runware")
    body = _drift(RUNWARE_SUCCESS, "", lambda item: item.update(status="running"))
    assert protocol.classify("poll", 200, body) is None


def test_error_code_must_be_a_string():
    protocol = load_protocol("runware")
    body = {"errors": [{"code": 400, "message": "bad"}]}
    problems = protocol.validate(protocol.classify("submit", 400, body), body)
    assert [p.pointer for p in problems] == ["/errors/0/code"]


@pytest.mark.parametrize(
    ("provider", "method", "path", "body", "operation", "params"),
    [
        ("runware", "POST", "/v1", [{"taskType": "videoInference", "taskUUID": "a"}], "submit", {}),
        ("runware", "POST", "https://api.runware.ai/v1", [{"taskType": "getResponse", "taskUUID": "a"}], "poll", {}),
        ("runware", "GET", "/v1", None, None, {}),
        (
            "wavespeed",
            "POST",
            "/api/v3/alibaba/wan-2.6/image-to-video-flash",
            {},
            "submit",
            {"model": "alibaba/wan-2.6/image-to-video-flash"},
        ),
        ("wavespeed", "GET", "/api/v3/predictions/abc/result", None, "poll", {"jobId": "abc"}),
        ("toapis", "POST", "/v1/videos/generations", {}, "submit", {}),
        ("toapis", "GET", "/v1/videos/generations/video_1?x=1", None, "poll", {"jobId": "video_1"}),
        ("toapis", "GET", "/v1/models", None, None, {}),
    ],
)
def test_operations_recognise_requests(provider, method, path, body, operation, params):
    protocol = load_protocol(provider)
    assert protocol.operation_for(method, path, body) == operation
    if operation:
        assert protocol.path_params(operation, path) == params


@pytest.mark.parametrize(
    ("provider", "body", "name", "value"),
    [
        ("runware", RUNWARE_SUCCESS, "videoUrl", "https://im.runware.ai/video/ws/0.5/vi/b7db282d.mp4"),
        ("runware", RUNWARE_SUCCESS, "cost", 0.18),
        ("runware", {"errors": [{"code": "c", "message": "m", "parameter": ["a", "b"]}]}, "errorParameter", ["a", "b"]),
        ("runware", {"data": [{"status": "error", "error": {"code": "inference"}}]}, "errorCode", "inference"),
        ("wavespeed", {"id": "abc", "status": "failed", "code": 1402}, "errorCode", 1402),
        ("wavespeed", {"code": 200, "data": {"id": "abc"}}, "jobId", "abc"),
        ("toapis", {"result": {"data": [{"url": "https://x/v.mp4"}]}}, "videoUrl", "https://x/v.mp4"),
        ("toapis", {"status": "queued"}, "seed", None),
    ],
)
def test_fields_resolve_first_pointer_that_exists(provider, body, name, value):
    assert load_protocol(provider).field(name, body) == value


@pytest.mark.parametrize("name", ["nope", "../rules", "Runware"])
def test_unknown_provider_is_a_clear_error(name):
    with pytest.raises(UnknownProvider, match="unknown provider"):
        load_protocol(name)


def test_contract_all_lists_exactly_the_public_names():
    import wanspec.contract as contract

    # "@py_builtins": pytest rewrites the asserts of a package that provides a pytest11 plugin
    public = {n for n in dir(contract) if not n.startswith(("_", "@"))}
    assert public - {"annotations", "checks", "clients", "loopback"} == set(contract.__all__)


def test_importing_the_contract_package_imports_neither_httpx_nor_http_server():
    import subprocess
    import sys

    code = "import sys, wanspec.contract; print([m for m in ('httpx', 'http.server') if m in sys.modules], end='')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]"


@pytest.mark.parametrize(
    ("provider", "word", "phases"),
    [
        ("runware", "processing", ("pending",)),
        ("runware", "error", ("failed",)),
        ("wavespeed", "created", ("accepted", "pending")),
        ("toapis", "", ("accepted", "pending")),
        ("toapis", "running", ()),
    ],
)
def test_phase_of_a_status_word(provider, word, phases):
    assert load_protocol(provider).phase_of_status(word) == phases


@pytest.mark.parametrize(
    ("template", "variables", "expected"),
    [
        ({"cost": "{cost}"}, {"cost": 0.25}, {"cost": 0.25}),  # a lone placeholder keeps its type
        ({"cost": "{cost}", "id": "{jobId}"}, {"jobId": "a"}, {"id": "a"}),  # and is dropped when unknown
        (["{payload}"], {"payload": {"a": 1}}, [{"a": 1}]),
        (["{x}", 1], {}, [1]),
        (
            "{baseUrl}/predictions/{jobId}/result",
            {"baseUrl": "http://h/api/v3", "jobId": "j"},
            "http://h/api/v3/predictions/j/result",
        ),
        ({"code": 200, "ok": True, "none": None}, {}, {"code": 200, "ok": True, "none": None}),
    ],
)
def test_render_fills_templates(template, variables, expected):
    assert render(template, variables) == expected


def test_render_refuses_an_unknown_placeholder_inside_text():
    with pytest.raises(ValueError, match="needs 'jobId'"):
        render("{baseUrl}/{jobId}", {"baseUrl": "x"})
