"""Recording against a live API (here: loopback servers) and detecting drift between recordings.

Each test records the same scenarios twice through ``wanspec record``, the second time
against a server that drifted one way, and shows that ``wanspec drift`` reports that
change with the right classification (error = breaking, warning = non-breaking).
"""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path

import pytest
from conftest import FLASH_TASK, ROOT

from wanspec.contract import Behaviour, LoopbackServer, RunwareClient, estimate_cost
from wanspec.contract._recording import recording
from wanspec.contract.clients import PollPolicy
from wanspec.recordtype import replace

KEY = "sentinel-7c1e9a4b2d8f6e3a5c0b9d7e1f2a4c6b"
FAST = PollPolicy(initial=0.001, max_delay=0.01)
PAID = {**FLASH_TASK, "includeCost": True, "duration": 6}  # 0.30 USD: 6 s of 720p with audio
REJECTED = {**FLASH_TASK, "duration": 99}  # free: the API refuses it


@pytest.fixture
def scenarios(tmp_path: Path) -> Path:
    """A scenario directory: one paid and one rejected Runware scenario, recorded once."""
    root = tmp_path / "scenarios"
    with LoopbackServer("runware", api_key=KEY) as srv:
        for name, task, expect in (("flash-paid", PAID, "accepted"), ("flash-too-long", REJECTED, "rejected")):
            meta = {"scenario": name, "expect": expect, "schema": "runware/alibaba:wan@2.6-flash"}
            with (
                recording(str(root / "runware" / f"{name}.yaml"), provider="runware", record_mode="all", metadata=meta),
                RunwareClient(KEY, base_url=srv.base_url, policy=FAST) as client,
                contextlib.suppress(Exception),
            ):  # the rejection is the recording we want
                client.run(task)
    return root


@pytest.fixture
def record(run_cli, scenarios, tmp_path):
    """Record the scenarios against a loopback server behaving as given, into tmp_path/<name>."""

    def _record(name: str, behaviour: Behaviour | None = None, *extra: str, max_cost: str = "1"):
        behaviour = behaviour or Behaviour()
        if behaviour.cost is None:  # the server charges what the schema's pricing data says
            behaviour = replace(behaviour, cost=lambda task: estimate_cost(task).amount or 0.0)
        with LoopbackServer("runware", api_key=KEY, behaviour=behaviour) as srv:
            args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / name)]
            args += ["--max-cost", max_cost, "--base-url", srv.base_url, "--poll-interval", "0.001", *extra]
            return run_cli(*args, env={"RUNWARE_API_KEY": KEY})

    return _record


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_record_writes_verified_cassettes_and_the_key_is_nowhere_on_disk(record, run_cli, tmp_path):
    run = record("old")
    assert run.exit_code == 0, run
    assert "0.3000 USD" in run.stdout and "expected to be rejected" in run.stdout
    assert sorted(_files(tmp_path / "old")) == ["runware/flash-paid.yaml", "runware/flash-too-long.yaml"]
    verify = run_cli("cassettes", "verify", str(tmp_path / "old"))
    assert verify.exit_code == 0, verify
    audit = run_cli("cassettes", "audit", str(tmp_path), env={"RUNWARE_API_KEY": KEY})
    assert audit.exit_code == 0, audit
    leaked = [name for name, data in _files(tmp_path).items() if KEY.encode() in data]
    assert leaked == []
    assert b"Bearer <REDACTED>" in (tmp_path / "old" / "runware" / "flash-paid.yaml").read_bytes()


def test_dry_run_prints_the_plan_and_exits_0_even_over_budget(record, tmp_path):
    run = record("plan", None, "--dry-run", max_cost="0")
    assert run.exit_code == 0, run
    assert "USD" in run.stdout and "total" in run.stdout
    assert "dry run: nothing sent; a real run would refuse: estimated cost" in run.stdout, run
    assert not (tmp_path / "plan").exists()


def test_budget_is_checked_before_anything_is_sent(record, tmp_path):
    run = record("old", max_cost="0")
    assert run.exit_code == 2, run
    assert "exceeds --max-cost 0 USD" in run.stderr
    assert not (tmp_path / "old").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".wanspec-record-")]
    free = record("free", None, "--scenarios", "flash-too-long", max_cost="0")
    assert free.exit_code == 0, free
    assert _files(tmp_path / "free").keys() == {"runware/flash-too-long.yaml"}


@pytest.mark.parametrize("budget", ["nan", "NaN", "inf", "-nan", "1e999"])
def test_a_budget_that_is_not_a_finite_number_is_refused_before_anything_is_sent(run_cli, scenarios, tmp_path, budget):
    """``--max-cost nan`` passed the range check (NaN compares false both ways) and then
    every budget check: the plan said "a real run would start" for 0.30 USD against a
    budget of nan, and each request went out. A budget must be a finite number."""
    with LoopbackServer("runware", api_key=KEY) as srv:
        args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out")]
        run = run_cli(*args, "--max-cost", budget, "--base-url", srv.base_url, env={"RUNWARE_API_KEY": KEY})
        dry = run_cli(*args, "--max-cost", budget, "--dry-run", env={"RUNWARE_API_KEY": KEY})
        assert srv.requests == []
    for refused in (run, dry):
        assert refused.exit_code == 2 and "--max-cost" in refused.stderr and "finite" in refused.stderr, refused
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("dry", [(), ("--dry-run",)])
def test_an_empty_out_directory_name_is_refused(run_cli, scenarios, tmp_path, monkeypatch, dry):
    """``--out "$DIR"`` with DIR unset: the staging went beside the working directory."""
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", "", "--max-cost", "1", *dry]
    run = run_cli(*args, env={"RUNWARE_API_KEY": KEY})
    assert run.exit_code == 2 and "--out needs a directory name" in run.stderr, run
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not [p for p in tmp_path.parent.iterdir() if p.name.startswith(".wanspec-record-")]


@pytest.mark.parametrize("option", ["--poll-interval", "--timeout", "--max-cost"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_every_number_the_recorder_takes_must_be_finite(run_cli, scenarios, tmp_path, option, value):
    """A NaN deadline never expires and a NaN poll interval crashed the sleep: each is a
    usage error, named, before anything starts."""
    args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out"), "--dry-run"]
    run = run_cli(*args, option, value, env={"RUNWARE_API_KEY": KEY})
    assert run.exit_code == 2 and option in run.stderr and "finite" in run.stderr, run


def test_the_budget_guard_fails_closed_on_numbers_that_are_not_finite():
    """The last check before a request leaves, for callers of the Python API that build a
    ``Budget`` themselves: NaN or infinity anywhere in the sum refuses the send."""
    from wanspec.contract._pricing import Estimate
    from wanspec.contract._record import Budget, BudgetExceeded, Plan, RecordError, Scenario, check_budget

    body = {"taskType": "videoInference", "taskUUID": "x", "model": "alibaba:wan@2.6-flash"}
    paid = Scenario("runware/paid.yaml", "runware", body, {}, estimate=Estimate("s", 0.3, basis="priced"))
    for max_cost in (math.nan, math.inf, -math.inf):
        with pytest.raises(BudgetExceeded, match="finite"):
            Budget(max_cost).guard("runware", None, free=True)("submit", body)
        with pytest.raises(RecordError, match="finite"):
            check_budget(Plan([paid]), max_cost)
    with pytest.raises(RecordError, match="finite"):  # an estimate that is not a number either
        check_budget(Plan([replace(paid, estimate=Estimate("s", math.nan, basis="odd"))]), 5.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scenarios", "nope"), "no runware scenario named nope"),
        (("--dry-run",), None),
    ],
)
def test_record_plans_and_refuses_clearly(record, tmp_path, args, message):
    run = record("out", None, *args)
    if message is None:
        assert run.exit_code == 0 and "dry run: nothing sent" in run.stdout, run
    else:
        assert run.exit_code == 2 and message in run.stderr, run
    assert not (tmp_path / "out").exists()


def test_record_needs_a_key_and_a_fresh_directory(run_cli, scenarios, tmp_path):
    def run(out: str, key: str):
        args = ("--from", str(scenarios), "--out", str(tmp_path / out), "--max-cost", "1")
        return run_cli("record", "--provider", "runware", *args, env={"RUNWARE_API_KEY": key})

    no_key = run("o", "")
    assert no_key.exit_code == 2 and "RUNWARE_API_KEY" in no_key.stderr, no_key
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.yaml").write_text("x: 1\n")
    full = run("full", KEY)
    assert full.exit_code == 2 and "not an empty directory" in full.stderr, full
    assert (tmp_path / "full" / "keep.yaml").read_text() == "x: 1\n"


def test_an_interrupted_recording_leaves_nothing_behind(record, tmp_path):
    # every poll fails with 503: the client gives up after its retries, the run stops
    broken = Behaviour(transient_errors={"poll": [503] * 50})
    run = record("new", broken)
    assert run.exit_code == 2, run
    assert not (tmp_path / "new").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".wanspec-record-")]


DRIFTS = [
    # (behaviour of the new server, expected (code, severity, pointer or None) changes, exit status)
    pytest.param(
        Behaviour(rename_fields={"videoURL": "videoUrl"}),
        {("WS900", "error", "/data/0/videoURL"), ("WS901", "warning", "/data/0/videoUrl")},
        1,
        id="response-field-renamed",
    ),
    pytest.param(
        Behaviour(add_fields={"safetyScore": 0.02}),
        {("WS901", "warning", "/data/0/safetyScore")},
        0,
        id="response-field-added",
    ),
    pytest.param(Behaviour(cost_as_string=True), {("WS902", "error", "/data/0/cost")}, 1, id="cost-became-a-string"),
    pytest.param(
        Behaviour(error_code_renames={"unsupportedDuration": "invalidDuration"}),
        {("WS906", "error", None)},
        1,
        id="error-code-renamed",
    ),
    pytest.param(Behaviour(max_duration=5), {("WS909", "error", None)}, 1, id="duration-limit-tightened"),
    pytest.param(
        Behaviour(status_words={"processing": "pending"}),
        {("WS903", "error", None), ("WS904", "warning", None)},
        1,
        id="status-word-changed",
    ),
    pytest.param(Behaviour(cost=lambda task: 0.45), {("WS911", "error", None)}, 1, id="price-increased"),
    pytest.param(Behaviour(cost=lambda task: 0.20), {("WS912", "warning", None)}, 0, id="price-decreased"),
    pytest.param(Behaviour(cost=lambda task: 0.31), set(), 0, id="price-within-tolerance"),
    pytest.param(Behaviour(http_status_overrides={"ack": 202}), {("WS905", "error", None)}, 1, id="http-status"),
    pytest.param(Behaviour(fail_jobs=True), {("WS915", "error", None)}, 1, id="job-now-fails"),
]


@pytest.mark.parametrize(("behaviour", "expected", "status"), DRIFTS)
def test_drift_reports_each_change_with_its_classification(record, run_cli, tmp_path, behaviour, expected, status):
    assert record("old").exit_code == 0
    new = record("new", behaviour)
    assert new.exit_code == 0, new
    run = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    found = {(d["code"], d["severity"], d["pointer"]) for d in run.json()["diagnostics"]}
    wanted = {(c, s, p) for c, s, p in expected if p is not None}
    assert wanted <= found, found
    assert {(c, s) for c, s, _ in expected} == {(c, s) for c, s, _ in found}, found
    assert run.exit_code == status, run


def test_no_drift_between_two_recordings_of_the_same_api(record, run_cli, tmp_path):
    assert record("old").exit_code == 0
    assert record("new").exit_code == 0
    run = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"))
    assert run.exit_code == 0 and "All checks passed" in run.stdout, run


def test_relaxed_limit_and_missing_scenarios(record, run_cli, tmp_path):
    assert record("old", Behaviour(max_duration=5)).exit_code == 0  # the paid scenario (6 s) was rejected
    assert record("new").exit_code == 0
    os.remove(tmp_path / "new" / "runware" / "flash-too-long.yaml")
    # a partial re-recording: what both sides recorded is compared, the rest is listed
    run = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    found = {(d["code"], d["severity"], d["file"].rsplit("/", 1)[1]) for d in run.json()["diagnostics"]}
    assert found == {("WS910", "warning", "flash-paid.yaml"), ("WS918", "info", "flash-too-long.yaml")}, found
    assert run.exit_code == 0
    strict = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--missing-breaking", "--format", "json")
    codes = {(d["code"], d["severity"]) for d in strict.json()["diagnostics"]}
    assert codes == {("WS910", "warning"), ("WS913", "error")}, codes
    assert strict.exit_code == 1


@pytest.mark.parametrize("before", [Behaviour(), Behaviour(fail_jobs=True)], ids=["succeeded", "failed"])
def test_a_job_that_no_longer_ends_is_breaking(run_cli, tmp_path, before):
    """The new server keeps the job pending past the client's patience: the recording stops mid-job."""
    for name, behaviour, policy in (
        ("old", before, FAST),
        ("new", Behaviour(polls_before_done=10_000), replace(FAST, timeout=0.05)),
    ):
        meta = {"scenario": "flash", "expect": "accepted", "schema": "runware/alibaba:wan@2.6-flash"}
        with (
            LoopbackServer("runware", api_key=KEY, behaviour=behaviour) as srv,
            recording(str(tmp_path / name / "flash.yaml"), provider="runware", record_mode="all", metadata=meta),
            RunwareClient(KEY, base_url=srv.base_url, policy=policy) as client,
            contextlib.suppress(Exception),  # the failure, or the poll timeout, is what we record
        ):
            client.run(PAID)
    run = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json")
    found = {(d["code"], d["severity"]) for d in run.json()["diagnostics"]}
    assert ("WS917", "error") in found and run.exit_code == 1, found
    assert "now the recording ends with it pending" in run.stdout
    verify = run_cli("cassettes", "verify", str(tmp_path / "new"))
    assert "never reaches a terminal state" in verify.stdout


def test_an_unrecognised_status_word_is_recorded_as_evidence(record, run_cli, tmp_path):
    assert record("old").exit_code == 0
    run = record("new", Behaviour(status_words={"processing": "running"}))
    assert run.exit_code == 0 and "unrecognised" in run.stdout, run
    verify = run_cli("cassettes", "verify", str(tmp_path / "new"))
    assert verify.exit_code == 1 and "WS813" in verify.stdout, verify
    drift = run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--select", "WS903")
    assert "new status word 'running'" in drift.stdout, drift


def test_drift_usage_errors(run_cli, tmp_path):
    assert run_cli("drift", str(tmp_path / "nope"), str(tmp_path)).exit_code == 2
    assert run_cli("drift", str(tmp_path), str(tmp_path), "--select", "WS9999").exit_code == 2


@pytest.mark.parametrize("provider", ["runware", "wavespeed", "toapis"])
def test_the_documentation_scenarios_rerecord_against_a_server_that_follows_the_docs(run_cli, tmp_path, provider):
    """Re-recording the committed documentation cassettes shows where the docs' own examples
    differ from what their own rules say a server sends."""
    key = {"runware": "RUNWARE_API_KEY", "wavespeed": "WAVESPEED_API_KEY", "toapis": "TOAPIS_API_KEY"}[provider]
    out = tmp_path / "new"
    with LoopbackServer(provider, api_key=KEY) as srv:
        # the image and Animate models publish no prices: their accepted scenarios are unpriced
        args = ["--from", str(ROOT / "cassettes"), "--out", str(out), "--max-cost", "20", "--base-url", srv.base_url]
        args += ["--allow-unpriced"]
        run = run_cli("record", "--provider", provider, *args, "--poll-interval", "0.001", env={key: KEY})
    assert run.exit_code == 0, run
    assert run_cli("cassettes", "verify", str(out)).exit_code == 0
    drift = run_cli("drift", str(ROOT / "cassettes" / provider), str(out / provider), "--format", "json")
    found = {(d["code"], d["file"].rsplit("/", 1)[1], d["pointer"]) for d in drift.json()["diagnostics"]}
    # what the API decides is the same: same outcome, HTTP status, error code and parameter
    decisions = {"WS905", "WS906", "WS908", "WS909", "WS910", "WS913", "WS914"}
    assert {f for f in found if f[0] in decisions} == set()
    # the loopback server's error envelopes have the fields of the quoted real ones (`type`,
    # `documentation`, `allowedValues`…): the shapes of rejections are compared too; only the
    # messages differ (the linter's words, a warning)
    rest = {f for f in found if f[0] != "WS907"}
    expected = {
        # D05: the docs' results carry `cost` although their requests never set includeCost
        # and the loopback server never times out: the quoted timeoutProvider job now succeeds
        "runware": {("WS900", f, "/data/0/cost") for f in _doc_results("runware")}
        | {("WS916", "wan2.5-preview-provider-timeout.yaml", "")},
        # the loopback server cannot fail a download or a content check: those jobs now succeed
        "wavespeed": {("WS916", "i2v-flash-media-access-failed.yaml", "")},
        "toapis": {("WS916", "wan2.6-flash-content-policy.yaml", "")},
    }[provider]
    assert rest == expected, sorted(rest)


def _doc_results(provider: str) -> list[str]:
    """The cassettes holding a result printed in the docs (not one composed from the research notes)."""
    paths = (ROOT / "cassettes" / provider).glob("*.yaml")
    return [p.name for p in paths if 'status":"success' in p.read_text() and "source: documentation" in p.read_text()]
