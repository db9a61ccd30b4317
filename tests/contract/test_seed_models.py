"""Every seed model in the contract suite: cassettes, the imageInference protocol, faithful loopback answers.

The committed cassettes hold at least one accepted and one rejected scenario for each of
the schema ids ``wanspec schemas`` lists; Runware's image tasks are answered synchronously
by default (the submission's answer is the result) and asynchronously on request; the
loopback server's rejections carry the fields the quoted real ones carry.
"""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import ROOT

from wanspec.catalog.store import catalog
from wanspec.contract import LoopbackServer
from wanspec.contract.checks.verify import verify_paths

from ._support import CASES, KEY

CASSETTES = ROOT / "cassettes"
DOCS = ROOT / "tests" / "data" / "doc_examples" / "requests"
IMAGE = json.loads((DOCS / "runware-alibaba-models--09-wan2-6-image-text-to-image.json").read_text(encoding="utf-8"))


def _scenarios() -> dict[str, list[tuple[str, str]]]:
    """schema id -> [(cassette name, expect)] over the committed cassettes."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(CASSETTES.rglob("*.yaml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))["metadata"]["wanspec"]
        out.setdefault(meta["schema"], []).append((path.name, meta["expect"]))
    return out


def test_every_schema_id_has_a_verified_accepted_and_rejected_scenario():
    scenarios = _scenarios()
    assert set(scenarios) == set(catalog().ids())
    for schema, found in scenarios.items():
        wanted = {"accepted", "rejected"} if schema.startswith("runware/") else {"accepted"}
        assert wanted <= {expect for _, expect in found}, schema
    result = verify_paths([str(CASSETTES)])
    assert result.diagnostics == [] and result.tasks >= 70


def test_research_cassettes_say_where_their_answers_come_from():
    for path in CASSETTES.rglob("*.yaml"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))["metadata"]["wanspec"]
        assert meta["source"] in ("documentation", "research"), path
        assert "research/" in meta["doc"] or meta["source"] == "documentation", path


@pytest.fixture
def runware(serve):
    return serve("runware")


def test_an_image_task_is_answered_with_its_result(runware):
    server, client = runware
    result = client.run(IMAGE)
    assert len(server.requests) == 1  # nothing to poll
    assert result.phase == "succeeded" and result.video_url is not None and result.video_url.endswith(".jpg")
    item = server.responses[0].body["data"][0]
    assert item["taskType"] == "imageInference" and "imageUUID" in item and "cost" not in item
    state = server.protocol.classify("submit", 200, server.responses[0].body)
    assert state is not None and state.name == "sync-result"
    assert server.protocol.validate(state, server.responses[0].body) == []


def test_an_image_task_asked_for_async_is_acknowledged_then_polled(runware):
    server, client = runware
    result = client.run({**IMAGE, "deliveryMethod": "async", "includeCost": True})
    states = [
        server.protocol.classify(op, r.status, r.body).name  # type: ignore[union-attr]
        for op, r in zip(("submit", "poll", "poll"), server.responses, strict=True)
    ]
    assert states == ["ack", "processing", "success"]
    assert result.cost == 0.25 and server.responses[-1].body["data"][0]["imageURL"] == result.video_url


def test_a_video_result_has_no_cost_unless_asked(runware):
    server, client = runware
    task = {k: v for k, v in CASES["runware"].good.items() if k != "includeCost"}
    assert client.run(task).cost is None
    assert "cost" not in server.responses[-1].body["data"][0]
    assert client.run({**task, "includeCost": False}).cost is None
    assert client.run({**task, "includeCost": True}).cost == 0.25


def test_the_duration_rejection_reads_like_the_quoted_one(runware):
    """research/runware-api.md §2.2, unsupportedDuration: the same fields, the documented words."""
    server, client = runware
    with pytest.raises(Exception, match="unsupportedDuration"):
        client.submit({**CASES["runware"].good, "model": "alibaba:wan@2.6", "duration": 7})
    error = server.responses[0].body["errors"][0]
    assert set(error) == {"code", "message", "parameter", "type", "documentation", "taskUUID", "allowedValues"}
    assert error["message"] == (
        "Invalid value for duration parameter. This duration is not supported by the model architecture."
    )
    assert (error["type"], error["allowedValues"]) == ("float", [5, 10, 15])
    assert error["documentation"] == "https://runware.ai/docs/en/video-inference/api-reference#request-duration"


def test_a_type_error_names_the_type_and_no_allowed_values(runware):
    server, client = runware
    with pytest.raises(Exception, match="invalidPositivePrompt"):
        client.submit({**IMAGE, "positivePrompt": 42})
    error = server.responses[0].body["errors"][0]
    assert error["type"] == "string" and "allowedValues" not in error
    assert error["documentation"].endswith("image-inference/api-reference#request-positiveprompt")


def test_the_invalid_key_envelope_is_the_quoted_one():
    with LoopbackServer("runware", api_key=KEY) as server:
        import httpx

        answer = httpx.post(server.base_url, json=[IMAGE], headers={"Authorization": "Bearer nope"}).json()
    assert answer == {
        "errors": [
            {
                "code": "invalidApiKey",
                "message": "Invalid API key. Get one at https://my.runware.ai/signup",
                "parameter": "apiKey",
                "taskType": "authentication",
            }
        ]
    }


def test_every_runware_model_has_a_priced_scenario():
    """`record` prices each scenario before sending it: every Runware model has at least one
    whose price is known (free, when rejected), so a budget of 0 still records evidence for it."""
    from wanspec.contract._record import plan

    scenarios = plan(str(CASSETTES), "runware").scenarios
    known = {s.metadata["schema"] for s in scenarios if s.estimate is not None and s.estimate.known}
    free = {s.metadata["schema"] for s in scenarios if s.estimate is not None and s.estimate.amount == 0}
    runware = {i for i in catalog().ids() if i.startswith("runware/")}
    assert known == free == runware
