"""The loopback servers speak each documented protocol: every response they send
classifies and validates with the protocol file, and each drift knob bends exactly
what it says."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from wanspec.contract import Behaviour, ContractError, LoopbackServer, RequestRejected, ServerError, load_protocol

from ._support import CASES, KEY, PROVIDERS


def exchanges(server: LoopbackServer):
    """(operation, HTTP status, state name or None, schema problems, body) for each response."""
    protocol = load_protocol(server.provider)
    out = []
    for request, response in zip(server.requests, server.responses, strict=True):
        operation = protocol.operation_for(request.method, request.path, request.body)
        state = protocol.classify(operation, response.status, response.body) if operation else None
        problems = protocol.validate(state, response.body) if state else None
        out.append((operation, response.status, state.name if state else None, problems, response.body))
    return out


def _attempt(client, payload):
    with contextlib.suppress(ContractError):
        client.run(payload)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_response_classifies_and_validates(serve, provider):
    case = CASES[provider]
    scenarios = [
        (Behaviour(polls_before_done=2), case.good),
        (Behaviour(), {**case.good, **case.too_long}),
        (Behaviour(fail_jobs=True), case.good),
        (Behaviour(transient_errors={"poll": (429, 500, 503)}), case.good),
    ]
    seen = []
    for behaviour, payload in scenarios:
        server, client = serve(provider, behaviour, retries=5)
        _attempt(client, payload)
        with pytest.raises(RequestRejected):
            client.poll("no-such-job")
        seen.extend(exchanges(server))
    server, client = serve(provider, key="sk-wrong")
    _attempt(client, case.good)
    seen.extend(exchanges(server))
    for operation, status, state, problems, body in seen:
        assert state is not None, (operation, status, body)
        assert problems == [], (state, body)
    phases = {load_protocol(provider).state(s).phase for _, _, s, _, _ in seen}
    assert phases == {"accepted", "pending", "succeeded", "failed", "rejected"}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_happy_path_walks_the_lifecycle(serve, provider):
    server, client = serve(provider, Behaviour(polls_before_done=2))
    client.run(CASES[provider].good)
    states = [(op, state) for op, _, state, _, _ in exchanges(server)]
    assert states == [("submit", "ack"), ("poll", "processing"), ("poll", "processing"), ("poll", "success")]


RENAMED = {"runware": {"videoURL": "videoUrl"}, "wavespeed": {"outputs": "output"}, "toapis": {"result": "output"}}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_renamed_response_field_breaks_the_success_schema(serve, provider):
    server, client = serve(provider, Behaviour(rename_fields=RENAMED[provider]))
    _attempt(client, CASES[provider].good)
    last = exchanges(server)[-1]
    assert last[2] == "success" and last[3], last


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_added_field_is_tolerated(serve, provider):
    server, client = serve(provider, Behaviour(add_fields={"watermarked": True, "/servedBy": "loopback"}))
    client.run(CASES[provider].good)
    for _, _, state, problems, body in exchanges(server):
        assert state is not None and problems == []
        item = load_protocol(provider).loopback["item"]
        assert body["servedBy"] == "loopback"
        assert _at(body, item)["watermarked"] is True


def _at(body, pointer):
    for part in filter(None, pointer.split("/")):
        body = body[int(part)] if isinstance(body, list) else body[part]
    return body


def test_cost_as_a_string_breaks_the_schema_at_the_cost(serve):
    server, client = serve("runware", Behaviour(cost_as_string=True))
    _attempt(client, CASES["runware"].good)
    _, _, state, problems, body = exchanges(server)[-1]
    assert state == "success" and body["data"][0]["cost"] == "0.25"
    assert [p.pointer for p in problems] == ["/data/0/cost"]


@pytest.mark.parametrize(
    ("provider", "renames", "code"),
    [
        ("runware", {"unsupportedDuration": "invalidDuration"}, "invalidDuration"),
        ("runware", {"invalidApiKey": "unauthorized"}, None),
        ("wavespeed", {"1403": "1499"}, None),
    ],
)
def test_renamed_error_codes_still_validate(serve, provider, renames, code):
    server, client = serve(provider, Behaviour(error_code_renames=renames))
    with pytest.raises(RequestRejected) as caught:
        client.submit({**CASES[provider].good, **CASES[provider].too_long})
    if code is not None:
        assert caught.value.code == code
    assert all(problems == [] for *_, problems, _ in exchanges(server))


def test_renamed_task_failure_code_reaches_the_caller(serve):
    _, client = serve("toapis", Behaviour(fail_jobs=True, error_code_renames={"generation_failed": "policy_block"}))
    with pytest.raises(ContractError) as caught:
        client.run(CASES["toapis"].good)
    assert caught.value.code == "policy_block"  # type: ignore[attr-defined]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_tightened_duration_turns_an_ack_into_a_rejection(serve, provider):
    server, client = serve(provider, Behaviour(max_duration=5))
    _attempt(client, CASES[provider].good)
    operation, status, state, problems, _ = exchanges(server)[0]
    assert (operation, status, state, problems) == ("submit", 400, "rejected", [])


@pytest.mark.parametrize(
    ("provider", "words", "state"),
    [
        ("runware", {"processing": "pending"}, "processing"),
        ("runware", {"processing": "running"}, None),
        ("wavespeed", {"processing": "in_queue"}, None),
        ("toapis", {"in_progress": ""}, "processing"),
        ("toapis", {"in_progress": "running"}, None),
    ],
)
def test_status_words(serve, provider, words, state):
    server, client = serve(provider, Behaviour(status_words=words))
    _attempt(client, CASES[provider].good)
    assert exchanges(server)[1][2] == state


@pytest.mark.parametrize("provider", PROVIDERS)
def test_failed_jobs_end_in_the_failed_phase(serve, provider):
    server, client = serve(provider, Behaviour(fail_jobs=True))
    _attempt(client, CASES[provider].good)
    _, _, state, problems, _ = exchanges(server)[-1]
    assert load_protocol(provider).state(state).phase == "failed" and problems == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_http_status_override_keeps_the_body(serve, provider):
    server, client = serve(provider, Behaviour(http_status_overrides={"ack": 202}))
    client.run(CASES[provider].good)
    assert exchanges(server)[0][:4] == ("submit", 202, "ack", [])


@pytest.mark.parametrize(
    ("task", "code", "parameter"),
    [
        (
            {"providerSettings": {"alibaba": {"shotType": "triple"}}},
            "invalidShotType",
            "providerSettings.alibaba.shotType",
        ),
        ({"resolution": "4k"}, "invalidResolution", "resolution"),
        ({"surprise": 1}, "unknownParameter", "surprise"),
    ],
)
def test_runware_rejections_name_the_parameter(serve, task, code, parameter):
    server, client = serve("runware")
    with pytest.raises(RequestRejected) as caught:
        client.submit({**CASES["runware"].good, **task})
    assert (caught.value.code, caught.value.parameter) == (code, parameter)
    error = server.responses[0].body["errors"][0]
    assert error["taskUUID"] == server.requests[0].body[0]["taskUUID"]
    assert error["message"].startswith(f"Invalid value for {parameter} parameter.")


def test_runware_missing_field_has_no_parameter(serve):
    _server, client = serve("runware")
    task = {k: v for k, v in CASES["runware"].good.items() if k != "positivePrompt"}
    with pytest.raises(RequestRejected) as caught:
        client.submit(task)
    assert (caught.value.code, caught.value.parameter) == ("missingParameter", None)
    assert "positivePrompt" in caught.value.message


@pytest.mark.parametrize(
    ("provider", "method", "path", "content", "status"),
    [
        ("runware", "POST", "/v1", b"[{", 400),
        ("runware", "GET", "/v1", b"", 404),
        ("wavespeed", "POST", "/api/v3/alibaba/wan-9/unknown", b"{}", 404),
        ("wavespeed", "GET", "/api/v3/predictions/nope/result", b"", 404),
        ("toapis", "DELETE", "/v1/videos/generations/x", b"", 501),
        ("toapis", "POST", "/v1/videos/generations", b"[]", 400),
    ],
)
def test_bad_requests_get_the_providers_error_shape(provider, method, path, content, status):
    with LoopbackServer(provider, api_key=KEY) as server:
        response = httpx.request(method, server.url + path, content=content, headers={"Authorization": f"Bearer {KEY}"})
    assert response.status_code == status
    if status != 501:  # a method the server does not speak at all is the stdlib's plain answer
        protocol = load_protocol(provider)
        state = protocol.classify("submit", status, response.json())
        assert state is not None and state.phase == "rejected"
        assert protocol.validate(state, response.json()) == []


@pytest.mark.parametrize(("provider", "prefix"), [("runware", "/v1"), ("wavespeed", "/api/v3"), ("toapis", "/v1")])
def test_base_url_has_the_providers_prefix_and_the_server_stops(provider, prefix):
    with LoopbackServer(provider) as server:
        assert server.base_url == server.url + prefix
        assert server.url.startswith("http://127.0.0.1:")
        origin = server.url
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(origin + prefix)


@pytest.mark.parametrize(("key", "status"), [(KEY, 200), ("sk-wrong", 401)])
def test_runware_authentication_task_instead_of_the_header(http, key, status):
    """The docs allow the key in an authentication task first in the array; the job is the task after it."""
    task = {**CASES["runware"].good, "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b"}
    with LoopbackServer("runware", api_key=KEY) as server:
        response = http.post(server.base_url, json=[{"taskType": "authentication", "apiKey": key}, task])
    assert response.status_code == status
    if status == 200:
        assert response.json() == {"data": [{"taskType": "videoInference", "taskUUID": task["taskUUID"]}]}


def test_a_failing_behaviour_hook_is_a_server_error_not_a_dead_handler(serve):
    server, client = serve("runware", Behaviour(cost=lambda task: 1 / 0))
    with pytest.raises(ServerError, match="loopback failure: ZeroDivisionError"):
        client.run(CASES["runware"].good)
    assert [r.status for r in server.responses] == [500]  # the submit, not retried


def test_runware_refuses_a_task_uuid_sent_twice(serve):
    _, client = serve("runware")
    task = {**CASES["runware"].good, "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b"}
    client.submit(task)
    with pytest.raises(RequestRejected) as caught:
        client.submit(task)
    assert (caught.value.code, caught.value.parameter) == ("conflictTaskUUID", "taskUUID")


@pytest.mark.parametrize(
    ("provider", "state", "error"),
    [
        ("runware", "rejected", RequestRejected),  # Runware's errors envelope means rejected at any status
        ("wavespeed", "rejected-envelope", RequestRejected),  # the envelope's code is the error
        ("toapis", None, ContractError),  # ToAPIs errors are told by the HTTP status only
    ],
)
def test_errors_sent_with_http_200(serve, provider, state, error):
    server, client = serve(provider, Behaviour(http_status_overrides={"rejected": 200}))
    with pytest.raises(error) as caught:
        client.submit({**CASES[provider].good, **CASES[provider].too_long})
    assert exchanges(server)[0][1:3] == (200, state)
    assert getattr(caught.value, "http_status", None) == 200
