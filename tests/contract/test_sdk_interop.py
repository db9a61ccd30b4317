"""The official SDKs, pointed at the loopback servers and recorded by wanspec.

What they send must lint clean and what they receive must verify; where an SDK sends
something the docs do not allow, the test pins the finding (docs/sdk-interop.md).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from wanspec.contract import LoopbackServer
from wanspec.contract._cassette import read_cassette
from wanspec.contract._recording import recording
from wanspec.contract.checks.verify import verify_paths

KEY = "sdk-sentinel-0a1b2c3d4e5f60718293"
FLASH = {
    "taskType": "videoInference",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "A paper boat drifts down a rain gutter",
    "inputs": {"frameImages": ["https://example.com/boat.jpg"]},
    "resolution": "720p",
    "duration": 5,
    "includeCost": True,
}


def _runware_sdk(srv: LoopbackServer, task: dict) -> object:
    from runware import Runware  # runware-sdk 1.x, REST transport (vcrpy cannot record WebSockets)

    async def go() -> object:
        async with Runware(api_key=KEY, transport="rest", http_base_url=srv.base_url) as client:
            return await client.run(dict(task))

    return asyncio.run(go())


def _submitted(path: Path) -> object:
    return read_cassette(str(path)).exchanges[0].request_json()


def test_runware_sdk_rest_traffic_lints_and_verifies(tmp_path):
    target = tmp_path / "runware" / "sdk.yaml"
    meta = {"expect": "accepted"}
    with (
        LoopbackServer("runware", api_key=KEY) as srv,
        recording(str(target), provider="runware", record_mode="all", metadata=meta),
    ):
        out = _runware_sdk(srv, FLASH)
    assert out[0]["status"] == "success" and out[0]["cost"] == pytest.approx(0.25)
    sent = _submitted(target)
    assert isinstance(sent, list) and sent[0]["deliveryMethod"] == "async"  # the SDK's own addition
    assert [str(d) for d in verify_paths([str(tmp_path)]).diagnostics] == []
    assert KEY not in target.read_text(encoding="utf-8")


def test_runware_sdk_forwards_none_as_null_and_the_linter_says_so(tmp_path):
    """Finding: runware-sdk sends ``None`` values as JSON null (research: runware-api.md §4B)."""
    target = tmp_path / "runware" / "sdk-null-seed.yaml"
    meta = {"expect": "rejected"}
    with (
        LoopbackServer("runware", api_key=KEY) as srv,
        recording(str(target), provider="runware", record_mode="all", metadata=meta),
        pytest.raises(Exception) as raised,  # the SDK's own error type
    ):
        _runware_sdk(srv, {**FLASH, "seed": None})
    assert "seed" in str(raised.value)
    assert _submitted(target)[0]["seed"] is None
    # the loopback server rejected it as Runware would; verify finds the linter agrees on the parameter
    assert [str(d) for d in verify_paths([str(tmp_path)]).diagnostics] == []
    from wanspec import lint_payload

    assert [(d.code, d.pointer) for d in lint_payload(_submitted(target))] == [("WS111", "/seed")]


def test_wavespeed_sdk_traffic_lints_and_verifies(tmp_path):
    import wavespeed

    target = tmp_path / "wavespeed" / "sdk.yaml"
    task = {"image": "https://example.com/a.jpg", "prompt": "The person comes alive and smiles", "duration": 5}
    with LoopbackServer("wavespeed", api_key=KEY) as srv:
        client = wavespeed.Client(api_key=KEY, base_url=srv.base_url.rsplit("/api/v3", 1)[0])
        with recording(str(target), provider="wavespeed", record_mode="all", metadata={"expect": "accepted"}):
            out = client.run("alibaba/wan-2.6/image-to-video-flash", task, poll_interval=0.01)
    assert out["outputs"][0].endswith(".mp4")
    assert _submitted(target) == task
    assert [str(d) for d in verify_paths([str(tmp_path)]).diagnostics] == []
    assert KEY not in target.read_text(encoding="utf-8")
