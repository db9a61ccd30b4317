"""Recordings that cannot mislead, and cassettes from the rest of the vcrpy ecosystem.

A failed recording leaves no file; an empty cassette, or one that cannot show what its
scenario expects, is a finding; a cassette recorded by plain vcrpy or pytest-recording
(no ``metadata.wanspec``) is verified against the provider its requests went to.
"""

from __future__ import annotations

import contextlib
import json
import textwrap
import uuid

import httpx
import pytest
import yaml

from wanspec.contract import LoopbackServer
from wanspec.contract._recording import recording

from ._support import CASES, KEY

pytest_plugins = ["pytester"]
FLASH = {**CASES["runware"].good, "taskUUID": "5f0c6d2e-8b1a-4c3d-9e7f-1a2b3c4d5e6f"}
AUTH = {"Authorization": f"Bearer {KEY}"}


def _poll(job: str) -> list[dict[str, str]]:
    return [{"taskType": "getResponse", "taskUUID": job}]


def test_a_failed_once_recording_leaves_nothing_and_the_next_run_records(tmp_path, run_cli):
    path = tmp_path / "runware" / "flash.yaml"
    meta = {"scenario": "flash", "expect": "accepted"}
    with (
        contextlib.suppress(httpx.TransportError),
        recording(str(path), provider="runware", record_mode="once", metadata=meta),
    ):
        httpx.post("http://127.0.0.1:9/v1", json=[FLASH], headers=AUTH)  # nothing listens on port 9
    assert not path.exists() and list(tmp_path.rglob("*")) == []
    with (
        LoopbackServer("runware", api_key=KEY) as srv,
        recording(str(path), provider="runware", record_mode="once", metadata=meta),
    ):
        job = httpx.post(srv.base_url, json=[FLASH], headers=AUTH).json()["data"][0]["taskUUID"]
        for _ in range(2):
            httpx.post(srv.base_url, json=_poll(job), headers=AUTH)
    run = run_cli("cassettes", "verify", str(tmp_path))
    assert run.exit_code == 0 and "3 interactions" in run.stdout, run


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("interactions: []\nversion: 1\n", "WS817", "records no interactions"),
        (
            "interactions: []\nversion: 1\nmetadata:\n  wanspec: {provider: runware, expect: accepted}\n",
            "WS817",
            "evidence of nothing",
        ),
    ],
    ids=["plain", "expects-accepted"],
)
def test_an_empty_cassette_is_a_finding(tmp_path, run_cli, text, code, words):
    (tmp_path / "empty.yaml").write_text(text, encoding="utf-8")
    run = run_cli("cassettes", "verify", str(tmp_path), "--format", "json")
    assert run.exit_code == 1, run
    found = [(d["code"], d["message"]) for d in run.json()["diagnostics"]]
    assert any(c == code and words in m for c, m in found), found
    assert "All checks passed" not in run_cli("cassettes", "verify", str(tmp_path)).stdout


def test_a_scenario_that_expects_a_submission_needs_one(tmp_path, run_cli):
    with LoopbackServer("runware", api_key=KEY) as srv:
        job = httpx.post(srv.base_url, json=[FLASH], headers=AUTH).json()["data"][0]["taskUUID"]
        with recording(
            str(tmp_path / "polls.yaml"), provider="runware", record_mode="all", metadata={"expect": "accepted"}
        ):
            for _ in range(2):
                httpx.post(srv.base_url, json=_poll(job), headers=AUTH)
    run = run_cli("cassettes", "verify", str(tmp_path), "--format", "json")
    codes = {(d["code"], d["message"]) for d in run.json()["diagnostics"]}
    assert ("WS816", "the scenario expects the request to be accepted, but the recording holds no submission") in codes
    assert any(c == "WS814" and "does not start with a submission" in m for c, m in codes), codes


def _plain_vcrpy(path, provider: str, call) -> None:
    """Record with vcrpy's own defaults (no wanspec serializer, matcher or metadata)."""
    import vcr

    with LoopbackServer(provider, api_key=KEY) as srv, vcr.VCR(record_mode="once").use_cassette(str(path)):
        call(srv.base_url)


def _runware_job(base: str) -> None:
    job = httpx.post(base, json=[{**FLASH, "taskUUID": str(uuid.uuid4())}], headers=AUTH).json()["data"][0]["taskUUID"]
    for _ in range(2):
        httpx.post(base, json=_poll(job), headers=AUTH)


def _toapis_job(base: str) -> None:
    created = httpx.post(f"{base}/videos/generations", json=CASES["toapis"].good, headers=AUTH).json()
    for _ in range(2):
        httpx.get(f"{base}/videos/generations/{created['id']}", headers=AUTH)


@pytest.mark.parametrize(("provider", "call"), [("runware", _runware_job), ("toapis", _toapis_job)])
def test_plain_vcrpy_cassettes_verify_without_hand_edits(tmp_path, run_cli, provider, call):
    path = tmp_path / "plain.yaml"
    _plain_vcrpy(path, provider, call)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "metadata" not in doc or "wanspec" not in (doc.get("metadata") or {})
    loopback = run_cli("cassettes", "verify", str(path))  # host 127.0.0.1: the paths decide
    assert loopback.exit_code == 0 and "3 interactions" in loopback.stdout, loopback
    # the same cassette as if recorded against the real API: the host decides
    real = {"runware": "https://api.runware.ai/v1", "toapis": "https://toapis.com/v1"}[provider]
    text = path.read_text(encoding="utf-8")
    base = next(i["request"]["uri"] for i in doc["interactions"])
    origin = base.split("/v1", 1)[0] + "/v1"
    (tmp_path / "plain.yaml").write_text(text.replace(origin, real), encoding="utf-8")
    assert run_cli("cassettes", "verify", str(path)).exit_code == 0


def test_plain_vcrpy_recordings_drift_like_wanspec_ones(tmp_path, run_cli):
    for name in ("old", "new"):
        (tmp_path / name).mkdir()
        _plain_vcrpy(tmp_path / name / "job.yaml", "runware", _runware_job)
    same = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"))
    assert same.exit_code == 0 and "All checks passed in 1 scenario" in same.stdout, same
    text = (tmp_path / "new" / "job.yaml").read_text(encoding="utf-8")
    (tmp_path / "new" / "job.yaml").write_text(text.replace('"videoURL"', '"videoUrl"'), encoding="utf-8")
    drifted = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    assert drifted.exit_code == 1 and "WS900" in {d["code"] for d in drifted.json()["diagnostics"]}, drifted


def test_a_cassette_no_provider_fits_still_says_so(tmp_path, run_cli):
    _plain_vcrpy(tmp_path / "plain.yaml", "runware", _runware_job)
    text = (tmp_path / "plain.yaml").read_text(encoding="utf-8")
    (tmp_path / "plain.yaml").write_text(text.replace("/v1", "/v9"), encoding="utf-8")
    run = run_cli("cassettes", "verify", str(tmp_path), "--format", "json")
    assert run.exit_code == 1
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS815"]


PYTEST_RECORDING_TEST = textwrap.dedent(
    """
    import json, os

    import httpx
    import pytest

    TASK = json.loads(os.environ["H15_TASK"])
    AUTH = {"Authorization": "Bearer " + os.environ["H15_KEY"]}


    @pytest.fixture(scope="module")
    def vcr_config():
        # host and port left out: recorded against a loopback server, replayed anywhere
        return {"filter_headers": [("authorization", "Bearer <REDACTED>")], "match_on": ["method", "path", "body"]}


    @pytest.fixture(scope="module")
    def vcr_cassette_dir():
        return os.path.join(os.getcwd(), "cassettes", "runware")  # shared with wanspec's cassettes


    @pytest.mark.vcr
    def test_flash_job():
        base = os.environ["H15_BASE"]
        job = httpx.post(base, json=[TASK], headers=AUTH).json()["data"][0]["taskUUID"]
        for _ in range(2):
            httpx.post(base, json=[{"taskType": "getResponse", "taskUUID": job}], headers=AUTH)
    """
)


def test_pytest_recording_cassettes_share_the_directory_and_verify(pytester, monkeypatch, run_cli):
    """pytest-recording's @pytest.mark.vcr records into the cassette directory wanspec verifies,
    under its --block-network, and replays from it offline."""
    pytest.importorskip("pytest_recording")
    pytester.makepyfile(test_user=PYTEST_RECORDING_TEST)
    monkeypatch.setenv("H15_TASK", json.dumps(FLASH))
    monkeypatch.setenv("H15_KEY", KEY)
    args = ("-p", "no:cacheprovider", "-p", "recording", "--block-network")
    with LoopbackServer("runware", api_key=KEY) as srv:
        monkeypatch.setenv("H15_BASE", srv.base_url)
        pytester.runpytest_subprocess(*args, "--record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "runware" / "test_flash_job.yaml"
    assert KEY not in cassette.read_text(encoding="utf-8")
    monkeypatch.setenv("H15_BASE", "http://192.0.2.1/v1")  # replayed offline, the network blocked
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=1)
    run = run_cli("cassettes", "verify", str(pytester.path / "cassettes"))
    assert run.exit_code == 0 and "3 interactions" in run.stdout, run


def test_wanspec_fixtures_under_block_network_need_the_loopback_host_allowed(pytester, monkeypatch, run_cli):
    """wanspec's own fixtures are not @pytest.mark.vcr tests: pytest-recording's --block-network
    refuses their calls to a loopback server unless --allowed-hosts names it."""
    pytest.importorskip("pytest_recording")
    from .test_pytest_plugin import KEY as PLUGIN_KEY
    from .test_pytest_plugin import RECORD, USER_TEST

    pytester.makepyfile(test_user=USER_TEST)
    block = ("-p", "recording", "--block-network")
    with LoopbackServer("runware", api_key=PLUGIN_KEY) as srv:
        monkeypatch.setenv("RUNWARE_API_KEY", PLUGIN_KEY)
        monkeypatch.setenv("RUNWARE_BASE_URL", srv.base_url)
        refused = pytester.runpytest_subprocess(*RECORD, *block)
        assert refused.ret != 0 and not srv.requests
        assert not list(pytester.path.rglob("*.yaml"))  # and the failed recording left nothing
        pytester.runpytest_subprocess(*RECORD, *block, "--allowed-hosts=127.0.0.1").assert_outcomes(passed=1)
    assert run_cli("cassettes", "verify", str(pytester.path / "cassettes")).exit_code == 0
