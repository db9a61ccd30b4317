"""Each client against each loopback server, through real HTTP on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from wanspec.contract import (
    AuthenticationFailed,
    Behaviour,
    ContractError,
    JobFailed,
    LoopbackServer,
    MissingCredentials,
    PollPolicy,
    PollTimeout,
    RateLimited,
    RequestRejected,
    RunwareClient,
    ServerError,
    TransportFailed,
    UnexpectedResponse,
    WaveSpeedClient,
)

from ._support import CASES, KEY, PROVIDERS

PATHS = {
    "runware": (("POST", "/v1"), ("POST", "/v1"), ("POST", "/v1")),
    "wavespeed": (
        ("POST", "/api/v3/alibaba/wan-2.6/image-to-video-flash"),
        ("GET", "/api/v3/predictions/{id}/result"),
        ("GET", "/api/v3/predictions/{id}/result"),
    ),
    "toapis": (
        ("POST", "/v1/videos/generations"),
        ("GET", "/v1/videos/generations/{id}"),
        ("GET", "/v1/videos/generations/{id}"),
    ),
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_submit_poll_success(serve, fake_time, provider):
    server, client = serve(provider, strict=True)
    result = client.run(CASES[provider].good)
    assert result.phase == "succeeded"
    assert result.video_url is not None and result.video_url.startswith(server.url)
    assert fake_time.sleeps == [1.0, 1.5]  # one pending poll, then the result
    sent = [(r.method, r.path) for r in server.requests]
    assert sent == [(m, p.format(id=result.job_id)) for m, p in PATHS[provider]]
    assert {r.headers["Authorization"] for r in server.requests} == {f"Bearer {KEY}"}
    method, _, headers, _ = server.requests[0]
    assert method == "POST" and headers["User-Agent"].startswith("wanspec/")


def test_runware_sends_an_array_with_a_fresh_task_uuid_and_polls_with_get_response(serve):
    server, client = serve("runware")
    result = client.run(CASES["runware"].good)
    submit, poll = server.requests[0].body, server.requests[1].body
    assert isinstance(submit, list) and len(submit) == 1
    assert submit[0]["taskUUID"] == result.job_id and len(result.job_id) == 36
    assert poll == [{"taskType": "getResponse", "taskUUID": result.job_id}]
    assert result.cost == 0.25 and isinstance(result.seed, int)


def test_runware_keeps_a_given_task_uuid_and_seed(serve):
    _, client = serve("runware")
    uuid = "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b"
    result = client.run({**CASES["runware"].good, "taskUUID": uuid, "seed": 1234})
    assert (result.job_id, result.seed) == (uuid, 1234)


@pytest.mark.parametrize(
    ("behaviour", "payload", "cost"),
    [
        (None, {"includeCost": False}, None),
        (Behaviour(cost=lambda task: task["duration"] * 0.05), {}, 0.5),
    ],
    ids=["cost only with includeCost", "cost from a price function"],
)
def test_runware_cost(serve, behaviour, payload, cost):
    _, client = serve("runware", behaviour)
    assert client.run({**CASES["runware"].good, **payload}).cost == cost


def test_wavespeed_posts_to_the_model_path(fake_time):
    with LoopbackServer("wavespeed", api_key=KEY) as server:
        model = "alibaba/wan-2.6/image-to-video-flash"
        with WaveSpeedClient(KEY, base_url=server.base_url, policy=fake_time.policy(), model=f"/{model}/") as client:
            client.submit(CASES["wavespeed"].good)
        assert server.requests[0].path == f"/api/v3/{model}"


@pytest.mark.parametrize(
    ("polls", "policy", "sleeps"),
    [
        (3, {}, [1.0, 1.5, 2.25, 3.375]),
        (3, {"initial": 4.0, "factor": 3.0, "max_delay": 10.0}, [4.0, 10.0, 10.0, 10.0]),
        (0, {"initial": 0.5}, [0.5]),
    ],
)
def test_backoff_between_polls(serve, fake_time, polls, policy, sleeps):
    _, client = serve("toapis", Behaviour(polls_before_done=polls), **policy)
    client.run(CASES["toapis"].good)
    assert fake_time.sleeps == sleeps


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rejection_keeps_the_providers_code_message_and_parameter(serve, provider):
    case = CASES[provider]
    server, client = serve(provider)
    with pytest.raises(RequestRejected) as caught:
        client.run({**case.good, **case.too_long})
    err = caught.value
    assert (err.provider, err.http_status) == (provider, 400)
    assert (err.code, err.parameter) == (case.rejected_code, case.rejected_parameter)
    assert "duration" in err.message
    assert len(server.requests) == 1  # nothing is polled after a rejection


@pytest.mark.parametrize("provider", PROVIDERS)
def test_tightened_duration_limit_is_rejected_like_the_provider_does(serve, provider):
    case = CASES[provider]
    _, client = serve(provider, Behaviour(max_duration=5))
    with pytest.raises(RequestRejected) as caught:
        client.submit(case.good)  # duration 10: documented, but no longer allowed
    assert (caught.value.code, caught.value.parameter) == (case.rejected_code, case.rejected_parameter)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_wrong_key_is_authentication_failed(serve, provider):
    _, client = serve(provider, key="sk-wrong-key")
    with pytest.raises(AuthenticationFailed) as caught:
        client.submit(CASES[provider].good)
    assert caught.value.http_status == 401
    assert "sk-wrong-key" not in str(caught.value) and "sk-wrong-key" not in repr(caught.value)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(("retry_after", "waits"), [(2.0, [2.0, 2.0]), (None, [1.0, 1.5])])
def test_transient_poll_errors_are_retried(serve, fake_time, provider, retry_after, waits):
    behaviour = Behaviour(polls_before_done=0, transient_errors={"poll": (429, 503)}, retry_after=retry_after)
    server, client = serve(provider, behaviour)
    result = client.run(CASES[provider].good)
    assert result.phase == "succeeded"
    assert [r.status for r in server.responses] == [200, 429, 503, 200]
    assert fake_time.sleeps == [1.0, *waits]  # the poll delay, then the retry waits


@pytest.mark.parametrize(("status", "error"), [(429, RateLimited), (503, ServerError), (500, ServerError)])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_submit_is_never_retried(serve, provider, status, error):
    server, client = serve(provider, Behaviour(transient_errors={"submit": (status,)}))
    with pytest.raises(error) as caught:
        client.submit(CASES[provider].good)
    assert caught.value.http_status == status
    assert len(server.requests) == 1


def test_poll_retries_run_out(serve):
    server, client = serve("runware", Behaviour(transient_errors={"poll": (503,) * 5}), retries=2)
    job = client.submit(CASES["runware"].good)
    with pytest.raises(ServerError):
        client.poll(job.job_id)
    assert len(server.requests) == 1 + 3


@pytest.mark.parametrize("provider", PROVIDERS)
def test_poll_timeout(serve, fake_time, provider):
    _, client = serve(provider, Behaviour(polls_before_done=10_000), timeout=30.0)
    with pytest.raises(PollTimeout) as caught:
        client.run(CASES[provider].good)
    assert caught.value.elapsed == pytest.approx(30.0)
    assert caught.value.last_status is not None
    assert sum(fake_time.sleeps) == pytest.approx(30.0)  # the last wait is cut to the deadline


@pytest.mark.parametrize("provider", PROVIDERS)
def test_failed_job(serve, provider):
    _, client = serve(provider, Behaviour(fail_jobs=True))
    with pytest.raises(JobFailed) as caught:
        client.run(CASES[provider].good)
    assert caught.value.code == CASES[provider].failure_code
    assert caught.value.message


def test_unknown_status_word_is_an_unexpected_response(serve):
    _, client = serve("runware", Behaviour(status_words={"processing": "running"}))
    with pytest.raises(UnexpectedResponse, match="'running' is not in the protocol's vocabulary"):
        client.run(CASES["runware"].good)


def test_documented_status_variant_is_tolerated(serve):
    server, client = serve("runware", Behaviour(status_words={"processing": "pending"}))
    assert client.run(CASES["runware"].good).phase == "succeeded"
    assert server.responses[1].body["data"][0]["status"] == "pending"


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    "behaviour", [Behaviour(cost_as_string=True), Behaviour(rename_fields={"videoURL": "videoUrl"})], ids=str
)
def test_a_success_that_breaks_its_schema_is_no_success(serve, strict, behaviour):
    # strict or not: a job is reported as succeeded only when the body is what success promises
    _, client = serve("runware", behaviour, strict=strict)
    with pytest.raises(UnexpectedResponse, match="success response breaks its schema"):
        client.run(CASES["runware"].good)


def test_connection_errors(fake_time):
    with LoopbackServer("toapis", api_key=KEY) as server:
        base_url = server.base_url
    client = CASES["toapis"].client(KEY, base_url=base_url, policy=fake_time.policy(retries=2))
    with client:
        with pytest.raises(TransportFailed):
            client.submit(CASES["toapis"].good)
        assert fake_time.sleeps == []  # the submit is not retried
        with pytest.raises(TransportFailed):
            client.poll("video_1")
    assert fake_time.sleeps == [1.0, 1.5]  # the poll is, twice


@pytest.mark.parametrize("provider", PROVIDERS)
def test_key_from_the_environment(monkeypatch, provider):
    variable = f"{provider.upper()}_API_KEY"
    monkeypatch.delenv(variable, raising=False)
    with pytest.raises(MissingCredentials, match=variable):
        CASES[provider].client()
    monkeypatch.setenv(variable, KEY)
    with LoopbackServer(provider, api_key=KEY) as server, CASES[provider].client(base_url=server.base_url) as client:
        assert client.submit(CASES[provider].good).job_id


def test_a_caller_supplied_http_client_is_used_and_left_open(fake_time):
    seen = []
    with LoopbackServer("runware", api_key=KEY) as server:
        http = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
        with RunwareClient(KEY, base_url=server.base_url, http=http, policy=fake_time.policy()) as client:
            client.run(CASES["runware"].good)
        assert seen == ["/v1", "/v1", "/v1"]
        assert not http.is_closed
        http.close()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_key_appears_in_no_error_and_no_repr(serve, provider):
    """Every error a client can raise, and the objects themselves, are free of the key."""
    errors: list[ContractError] = []
    for behaviour, payload in [
        (Behaviour(), {**CASES[provider].good, **CASES[provider].too_long}),
        (Behaviour(fail_jobs=True), CASES[provider].good),
        (Behaviour(transient_errors={"submit": (503,)}), CASES[provider].good),
        (Behaviour(polls_before_done=99), CASES[provider].good),
    ]:
        server, client = serve(provider, behaviour, timeout=3.0)
        with pytest.raises(ContractError) as caught:
            client.run(payload)
        errors.append(caught.value)
        for text in (repr(client), repr(server), str(client.policy)):
            assert KEY not in text
    for err in errors:
        assert KEY not in str(err) and KEY not in repr(err) and KEY not in repr(vars(err))


def test_the_readme_example_runs_as_printed(capsys):
    """The README's contract example, word for word (it really sleeps 2.5 s between polls)."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Clients and loopback servers", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md", "exec"), {})
    url, last = capsys.readouterr().out.splitlines()
    assert url.startswith("http://127.0.0.1:") and last == "unsupportedDuration duration"


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "bad",
    [
        {"initial": -1.0},
        {"factor": 0.5},
        {"timeout": 0.0},
        {"retries": -1},
        # NaN passes every "< 0" test: a NaN timeout is a wait that never ends, a NaN or an
        # infinite delay a crash in sleep()
        {"timeout": NAN},
        {"timeout": INF},
        {"initial": NAN},
        {"initial": INF},
        {"max_delay": NAN},
        {"max_delay": INF},
        {"factor": NAN},
        {"factor": INF},
    ],
)
def test_a_nonsensical_poll_policy_is_refused(bad):
    with pytest.raises(ValueError, match="PollPolicy needs"):
        PollPolicy(**bad)


@pytest.mark.parametrize("timeout", [0.0, -1.0, NAN, INF])
def test_a_client_without_a_finite_per_call_timeout_is_refused(timeout):
    with pytest.raises(ValueError, match="timeout"):
        RunwareClient(api_key="k", timeout=timeout)


@pytest.mark.parametrize("base_url", ["not a url", "ftp://example.com", "api.runware.ai/v1", "http://"])
def test_a_base_url_that_is_not_http_is_refused_when_the_client_is_made(base_url):
    """Not at the first request, as a transport failure naming the key's provider."""
    with pytest.raises(ValueError, match="base_url must be an http"):
        RunwareClient(api_key="k", base_url=base_url)


@pytest.mark.parametrize("task", [None, "x", [], 5])
def test_a_price_is_asked_of_one_task(task):
    from wanspec.contract import estimate_cost

    with pytest.raises(TypeError, match="estimate_cost takes one task"):
        estimate_cost(task)
