"""examples/fastapi/app.py through FastAPI's test client: the typed models where users put them.

The request schema FastAPI publishes is the wire payload's (aliases, limits, no strays),
a documented mistake comes back as 422 with one error per field carrying the wanspec
code, and ``response_model=`` echoes the wire form (no nulls, no defaults), which lints clean.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
from typing import Any

import httpx
import pytest
from conftest import ROOT
from jsonschema import Draft202012Validator

from wanspec import lint_payload

fastapi = pytest.importorskip("fastapi")

TASK = json.loads(
    (ROOT / "tests/data/doc_examples/requests/runware-wan2.6--04-moonlit-lantern-market-chase.json").read_text()
)


class Client:
    """The app over httpx's ASGI transport: real requests through FastAPI, no server, no socket."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://intake.test") as http:
                return await http.request(method, path, **kwargs)

        return asyncio.run(go())

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)


@pytest.fixture(scope="module")
def client() -> Client:
    spec = importlib.util.spec_from_file_location("wan_intake", ROOT / "examples" / "fastapi" / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Client(module.app)


def _request_schema(client: Client) -> Draft202012Validator:
    spec = client.get("/openapi.json").json()
    ref = spec["paths"]["/tasks"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = {"$ref": ref, "components": spec["components"]}
    return Draft202012Validator(schema)


def test_a_documented_payload_passes_the_published_schema_and_is_echoed_as_sent(client):
    assert _request_schema(client).is_valid(TASK)
    answer = client.post("/tasks", json=TASK)
    assert answer.status_code == 200, answer.text
    assert answer.json() == TASK  # no nulls, no documented defaults added, the provider's names
    assert [d for d in lint_payload(answer.json()) if d.severity == "error"] == []


def test_the_published_schema_carries_names_and_limits(client):
    validator = _request_schema(client)
    assert not validator.is_valid({k: v for k, v in TASK.items() if k != "taskUUID"})  # required, by wire name
    assert not validator.is_valid({**TASK, "task_uuid": TASK["taskUUID"]})  # no strays: additionalProperties false
    assert not validator.is_valid({**TASK, "outputQuality": 100})  # "integer min: 20 max: 99"
    assert not validator.is_valid({**TASK, "positivePrompt": "x" * 1501})


@pytest.mark.parametrize(
    ("change", "loc", "code"),
    [
        ({"duration": 12}, ["body", "duration"], "WS500"),
        ({"outputQuality": 100}, ["body", "outputQuality"], "WS114"),
        ({"surprise": 1}, ["body", "surprise"], "WS100"),
    ],
)
def test_a_documented_mistake_is_a_422_at_its_field_with_the_wanspec_code(client, change, loc, code):
    answer = client.post("/tasks", json={**TASK, **change})
    assert answer.status_code == 422
    errors = answer.json()["detail"]
    assert [(e["loc"], e["msg"].split(" ", 1)[0], e["type"]) for e in errors] == [(loc, code, "wanspec")], errors
