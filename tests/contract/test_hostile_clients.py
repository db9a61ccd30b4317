"""Truth and deadlines against a hostile provider: odd answers are typed errors, never success;
deadlines hold against slow-drip and silent servers; Retry-After cannot overflow or outlast
the deadline; bodies are capped and depth-limited.

Deadline tests run on the real clock (a socket cannot be faked); each asserts the call ended
within the deadline plus a generous margin, where without the guarantee it would run for
minutes (the drip would take ``len(response) × 0.5 s``) or forever (silence).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from wanspec.contract import (
    Behaviour,
    ContractError,
    LoopbackServer,
    PollTimeout,
    ResponseTooLarge,
    TransportFailed,
    UnexpectedResponse,
)
from wanspec.contract.clients import PollPolicy
from wanspec.contract.clients._transport import parse_json, retry_after
from wanspec.contract.loopback.hostile import ANSWERS, Hostile

from ._support import CASES, KEY, PROVIDERS

MARGIN = 2.0  # seconds of slack on a loaded two-core CI machine; the failure mode is minutes


@pytest.mark.parametrize("answer", [a for a in ANSWERS if a != "html-error"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_odd_poll_answer_is_a_typed_error_never_success(serve, provider, answer):
    _, client = serve(provider, Behaviour(hostile=Hostile(answer=answer)))
    with pytest.raises(UnexpectedResponse) as caught:
        client.run(CASES[provider].good)
    assert caught.value.http_status == (307 if answer == "redirect" else 200)
    assert "RecursionError" not in str(caught.value)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_html_error_page_is_the_error_its_status_says(serve, provider):
    from wanspec.contract import ServerError

    _, client = serve(provider, Behaviour(hostile=Hostile(answer="html-error")), retries=1)
    with pytest.raises(ServerError, match="HTTP 502"):
        client.run(CASES[provider].good)


@pytest.mark.parametrize("answer", ["html", "empty", "truncated", "number", "redirect"])
def test_record_never_reports_an_odd_answer_as_succeeded(run_cli, tmp_path, answer):
    from .test_hostile_secrets import KEY as RW_KEY
    from .test_hostile_secrets import _record, _scenarios

    scenarios = _scenarios(tmp_path / "scenarios")
    run, _ = _record(run_cli, scenarios, tmp_path / "out", RW_KEY, Hostile(answer=answer))
    assert "flash-paid.yaml: unrecognised runware: unexpected response" in run.stdout, run
    assert "succeeded" not in run.stdout


@pytest.mark.parametrize(
    "value",
    [
        "1e9",
        "inf",
        "1e308",
        "-5",
        "nan",
        "soon",
        "99999999999999999999999999",
        "9" * 5000,
        "Fri, 31 Dec 2999 23:59:59 GMT",
    ],
)
def test_retry_after_never_outlasts_the_deadline(serve, fake_time, value):
    _, client = serve("runware", Behaviour(hostile=Hostile(retry_after=value)), timeout=30.0, retries=50)
    with pytest.raises(ContractError) as caught:  # never OverflowError, never a sleep past the deadline
        client.run(CASES["runware"].good)
    assert isinstance(caught.value, PollTimeout | ContractError)
    assert sum(fake_time.sleeps) <= 30.0 + 1e-6, fake_time.sleeps
    assert all(s >= 0 for s in fake_time.sleeps)


def test_retry_after_follows_rfc_9110():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert retry_after("120") == 120.0
    assert retry_after(" 7 ") == 7.0
    assert retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now) == 60.0
    assert retry_after("Wed, 31 Dec 2025 00:00:00 GMT", now) == 0.0  # in the past: now
    for garbage in ("1e9", "inf", "1e308", "-5", "1.5", "nan", "", "soon", "Thu, 99 Foo 2026"):
        assert retry_after(garbage, now) is None, garbage
    assert retry_after("9" * 5000) == 10.0**12  # digits, absurdly many: a number, bounded


def test_bodies_are_parsed_with_a_depth_limit():
    assert parse_json(b"[" * 64 + b"]" * 64, 64) is not None
    for bad in (b"[" * 65 + b"]" * 65, b'{"a":' * 600 + b"1" + b"}" * 600):
        with pytest.raises(ValueError, match="deeper"):
            parse_json(bad, 64)
    assert parse_json(b'["[[[[[[[[[[[[[[[[[[[[[["]', 2) == ["[" * 22]  # brackets in strings do not count


def _timed(call):
    start = time.monotonic()
    try:
        call()
    except ContractError as exc:
        return time.monotonic() - start, exc
    raise AssertionError("the call should have failed")


@pytest.mark.parametrize("hostile", [Hostile(drip=0.5), Hostile(silent=True)], ids=["slow-drip", "never-answers"])
def test_the_poll_deadline_holds_on_the_wall_clock(hostile):
    with LoopbackServer("runware", api_key=KEY, behaviour=Behaviour(hostile=hostile)) as server:
        policy = PollPolicy(initial=0.05, timeout=1.5)
        with CASES["runware"].client(KEY, base_url=server.base_url, policy=policy, timeout=1.0) as client:
            elapsed, error = _timed(lambda: client.run(CASES["runware"].good))
    assert isinstance(error, PollTimeout), error
    assert elapsed < 1.5 + MARGIN, elapsed


@pytest.mark.parametrize("hostile", [Hostile(drip=0.5, answer_on="submit"), Hostile(silent=True, answer_on="submit")])
def test_the_request_timeout_is_a_deadline_too(hostile):
    with (
        LoopbackServer("toapis", api_key=KEY, behaviour=Behaviour(hostile=hostile)) as server,
        CASES["toapis"].client(KEY, base_url=server.base_url, timeout=1.0) as client,
    ):
        elapsed, error = _timed(lambda: client.submit(CASES["toapis"].good))
    assert isinstance(error, TransportFailed) and "did not answer within 1 s" in str(error)
    assert elapsed < 1.0 + MARGIN, elapsed


@pytest.mark.parametrize("hostile", [Hostile(drip=0.5), Hostile(silent=True)], ids=["slow-drip", "never-answers"])
def test_record_stops_at_its_timeout_and_leaves_nothing(run_cli, tmp_path, hostile):
    from .test_hostile_secrets import KEY as RW_KEY
    from .test_hostile_secrets import _scenarios

    scenarios = _scenarios(tmp_path / "scenarios")
    with LoopbackServer("runware", api_key=RW_KEY, behaviour=Behaviour(hostile=hostile)) as srv:
        args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out")]
        args += ["--max-cost", "5", "--base-url", srv.base_url, "--poll-interval", "0.05", "--timeout", "1.5"]
        start = time.monotonic()
        run = run_cli(*args, env={"RUNWARE_API_KEY": RW_KEY})
        elapsed = time.monotonic() - start
    assert run.exit_code == 2 and "poll timeout" in run.stderr, run
    assert elapsed < 1.5 + MARGIN, elapsed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios"]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_huge_body_is_refused_early(provider):
    size = 256 * 1024 * 1024
    with LoopbackServer(provider, api_key=KEY, behaviour=Behaviour(hostile=Hostile(huge=size))) as server:
        policy = PollPolicy(initial=0.01)
        with (
            CASES[provider].client(KEY, base_url=server.base_url, policy=policy, max_body=1024 * 1024) as client,
            pytest.raises(ResponseTooLarge, match=r"body cap \(1048576 bytes\)"),
        ):
            client.run(CASES[provider].good)
        sent = server.bytes_sent
    assert sent < size // 8  # the client hung up long before the end


def test_record_reports_a_huge_body_clearly(run_cli, tmp_path):
    from .test_hostile_secrets import KEY as RW_KEY
    from .test_hostile_secrets import _record, _scenarios

    scenarios = _scenarios(tmp_path / "scenarios")
    run, _ = _record(
        run_cli, scenarios, tmp_path / "out", RW_KEY, Hostile(huge=64 * 1024 * 1024), "--max-body", "65536"
    )
    assert run.exit_code == 2 and "larger than the body cap (65536 bytes)" in run.stderr, run
    assert "Traceback" not in run.stderr
