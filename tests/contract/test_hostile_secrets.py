"""Keys never leak, against a provider that echoes them back in every channel it has.

A hostile loopback server (``Behaviour(hostile=Hostile(echo_key=True, …))``) returns the
caller's key in header names and values, in JSON bodies (raw, upper-case, ``\\u`` escapes,
base64/base64url at each alignment, percent-encoded, hex), in error messages, result URLs,
HTML error pages and 500 messages. ``wanspec record``, ``cassettes audit`` and the pytest
plugin are driven against it, and every byte they write or print is searched for every
encoding of the key by an independent detector (``_leaks``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
from pathlib import Path

import pytest
from conftest import FLASH_TASK

from wanspec.contract import Behaviour, LoopbackServer, RunwareClient
from wanspec.contract._recording import recording
from wanspec.contract._secrets import Secret, redact_text
from wanspec.contract.clients import PollPolicy
from wanspec.contract.loopback.hostile import CHANNELS, Hostile, dumps, echo_fields, echo_headers

from ._leaks import encodings, leaks, tree_leaks

KEY = "rw-hostile-Qx7vL2pN9sT4wK8mZ3bY6cF1"
SK_KEY = "sk-hostile0123456789abcdefABCDEF"
FAST = PollPolicy(initial=0.001, max_delay=0.01)
PAID = {**FLASH_TASK, "duration": 5}
REJECTED = {**FLASH_TASK, "duration": 99}


def _scenarios(root: Path) -> Path:
    """A paid and a rejected Runware scenario, recorded once from a well-behaved server."""
    with LoopbackServer("runware", api_key="setup-key-0000000000") as srv:
        for name, task, expect in (("flash-paid", PAID, "accepted"), ("flash-too-long", REJECTED, "rejected")):
            meta = {"scenario": name, "expect": expect, "schema": "runware/alibaba:wan@2.6-flash"}
            with (
                recording(str(root / "runware" / f"{name}.yaml"), provider="runware", record_mode="all", metadata=meta),
                RunwareClient("setup-key-0000000000", base_url=srv.base_url, policy=FAST) as client,
                contextlib.suppress(Exception),
            ):
                client.run(task)
    return root


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> Path:
    return _scenarios(tmp_path_factory.mktemp("scenarios"))


def _record(run_cli, scenarios: Path, out: Path, key: str, hostile: Hostile, *extra: str):
    with LoopbackServer("runware", api_key=key, behaviour=Behaviour(hostile=hostile)) as srv:
        args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(out)]
        args += ["--max-cost", "5", "--base-url", srv.base_url, "--poll-interval", "0.001", "--timeout", "5", *extra]
        run = run_cli(*args, env={"RUNWARE_API_KEY": key})
        return run, srv


def _sent_channels(srv: LoopbackServer, key: str) -> set[str]:
    """The channels in which the server really sent the key (proves the test can fail)."""
    seen: set[str] = set()
    names = {
        "X-Echo-Raw": "header value",
        "X-Echo-B64": "header value, base64",
        "X-Echo-B64url": "header value, base64url",
        "X-Echo-Pct": "header value, percent-encoded",
        "X-Echo-Hex": "header value, hex",
    }
    fields = {
        "echoRaw": "body, raw",
        "echoUpper": "body, upper-case",
        "echoEscaped": "body, JSON \\u escapes",
        "echoB64a": "body, base64 (alignment 0)",
        "echoB64b": "body, base64 (alignment 1)",
        "echoB64c": "body, base64 (alignment 2)",
        "echoB64url": "body, base64url",
        "echoPct": "body, percent-encoded",
        "echoHex": "body, hex",
    }
    for response in srv.responses:
        for name, value in response.headers.items():
            if key in name:
                seen.add("header name")
            if name in names and leaks(value, key):
                seen.add(names[name])
        body = response.body
        if isinstance(body, dict):
            text = dumps(body).decode()
            seen |= {channel for field, channel in fields.items() if field in body and leaks(text, key)}
            if f"Invalid API key {key}" in json.dumps(body):
                seen.add("error message")
            if f"token={key}" in json.dumps(body):
                seen.add("result URL token")
            if f"boom for {key}" in json.dumps(body):
                seen.add("server error message")
        elif key.encode() in getattr(body, "data", b""):
            seen.add("HTML error page")
    return seen


def test_echo_fields_carry_the_key_in_every_encoding():
    # the hostile server's own channels hold what they claim (else the tests below prove nothing)
    body = dumps(echo_fields(KEY)).decode()
    assert {"raw", "json-escaped", "percent", "hex", "base64/0", "base64/1", "base64/2"} <= set(leaks(body, KEY))
    headers = echo_headers(KEY)
    assert any(KEY in name for name in headers)
    assert "base64url/2" in leaks(headers["X-Echo-B64url"], KEY)


@pytest.mark.parametrize("key", [KEY, SK_KEY], ids=["plain-key", "sk-key"])
def test_record_against_an_echoing_provider_writes_and_prints_no_key(run_cli, scenarios, tmp_path, key):
    run, srv = _record(run_cli, scenarios, tmp_path / "out", key, Hostile(echo_key=True))
    # (the reason phrase is sent by the handler, not kept in srv.responses: the cassette
    # line asserted below shows it arrived, and was redacted)
    sent = _sent_channels(srv, key) | {"status line reason phrase"}
    assert sent >= {c for c in CHANNELS if c not in ("HTML error page", "server error message")}, sent
    assert "message: Key <REDACTED>" in (tmp_path / "out" / "runware" / "flash-paid.yaml").read_text()
    assert run.exit_code == 0, run
    assert "Traceback" not in run.stderr
    assert leaks(run.stdout, key) == [] and leaks(run.stderr, key) == []
    assert tree_leaks(tmp_path, key) == {}
    assert "recorded runware/flash-paid.yaml: succeeded" in run.stdout
    audit = run_cli("cassettes", "audit", str(tmp_path / "out"), env={"RUNWARE_API_KEY": key})
    assert audit.exit_code == 0, audit


@pytest.mark.parametrize(
    ("hostile", "channel", "said"),
    [
        (Hostile(echo_key=True, fail_with=500, answer_on="submit"), "server error message", "HTTP 500"),
        (Hostile(echo_key=True, answer="html"), "HTML error page", "not JSON"),
        (Hostile(echo_key=True, answer="html-error"), "HTML error page", "HTTP 502"),
    ],
    ids=["500-message", "html-success-page", "html-error-page"],
)
def test_error_paths_print_no_key(run_cli, scenarios, tmp_path, hostile, channel, said):
    run, srv = _record(run_cli, scenarios, tmp_path / "out", KEY, hostile)
    assert channel in _sent_channels(srv, KEY)
    output = run.stdout + run.stderr
    assert said in output, run
    assert "Traceback" not in output
    assert leaks(output, KEY) == []
    assert tree_leaks(tmp_path, KEY) == {}


def test_a_key_shaped_string_that_cannot_be_redacted_is_a_clean_refusal(run_cli, scenarios, tmp_path):
    # someone else's key, base64-encoded: not a known secret, so it cannot be redacted; the
    # audit before writing finds it, and the run refuses cleanly: exit 2, no file, no traceback
    foreign = base64.b64encode(b"sk-foreignFOREIGN0123456789abcdef").decode()
    with LoopbackServer("runware", api_key=KEY, behaviour=Behaviour(add_fields={"note": foreign})) as srv:
        args = ["record", "--provider", "runware", "--from", str(scenarios), "--out", str(tmp_path / "out")]
        extra = ("--max-cost", "5", "--base-url", srv.base_url, "--poll-interval", "0.001")
        run = run_cli(*args, *extra, env={"RUNWARE_API_KEY": KEY})
    assert run.exit_code == 2, run
    assert "refusing to write" in run.stderr and "secret key (sk-…), base64-encoded" in run.stderr
    assert "Traceback" not in run.stderr and foreign not in run.stdout + run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _raw_cassette(key: str) -> str:
    """A cassette another tool wrote without redaction: the key in every channel."""
    headers = {name.lower(): [value] for name, value in echo_headers(key).items()}
    fields = {**echo_fields(key), "videoURL": f"https://cdn.example.com/v.mp4?token={key}"}
    bodies = [{"body": {"string": dumps({name: value}).decode()}} for name, value in fields.items()]
    doc = {"interactions": [{"response": {"headers": headers}}, *({"response": b} for b in bodies)]}
    return json.dumps(doc, indent=1)


def test_audit_finds_the_key_in_every_encoding(run_cli, tmp_path):
    path = tmp_path / "leaky.yaml"
    path.write_text(_raw_cassette(KEY), encoding="utf-8")
    lines_with_key = [n for n, line in enumerate(path.read_text().splitlines(), 1) if leaks(line, KEY)]
    run = run_cli("cassettes", "audit", str(path), "--format", "json", env={"RUNWARE_API_KEY": KEY})
    assert run.exit_code == 1, run
    found = sorted({d["line"] for d in json.loads(run.stdout)["diagnostics"]})
    assert found == lines_with_key and len(found) == len(echo_headers(KEY)) + len(echo_fields(KEY)) + 1
    assert leaks(run.stdout + run.stderr, KEY) == []


def test_audit_without_the_key_finds_encoded_key_shapes(run_cli, tmp_path):
    path = tmp_path / "leaky.yaml"
    path.write_text(_raw_cassette(SK_KEY), encoding="utf-8")
    run = run_cli("cassettes", "audit", str(path), "--format", "json", env={"RUNWARE_API_KEY": ""})
    assert run.exit_code == 1, run
    kinds = {d["message"].split(", ", 1)[-1] for d in json.loads(run.stdout)["diagnostics"]}
    # (percent-encoding leaves an sk-… key as it is: that copy is found raw)
    assert {"base64-encoded", "hex-encoded", "JSON-escaped", "looks like a credential: secret key (sk-…)"} <= kinds


def test_redaction_covers_every_encoding_of_every_known_key():
    for key in (KEY, SK_KEY):
        for name, encoded in encodings(key).items():
            text = f"prefix {encoded.decode()} suffix"
            assert leaks(redact_text(text, [key]), key) == [], name
            assert leaks(redact_text(text.upper(), [key]), key) == [], name


def test_a_secret_never_shows_itself():
    secret = Secret(KEY)
    assert KEY not in repr(secret) and KEY not in str(secret) and KEY not in f"{secret}"
    assert KEY not in repr({"Authorization": secret})
    with pytest.raises(TypeError):
        __import__("pickle").dumps(secret)
    client = RunwareClient(KEY, base_url="http://127.0.0.1:9/v1")
    assert KEY not in repr(client) and KEY not in repr(vars(client))
    client.close()


def test_errors_are_redacted_when_made(serve):
    _, client = serve("runware", Behaviour(hostile=Hostile(echo_key=True)))
    from wanspec.contract import RequestRejected

    with pytest.raises(RequestRejected) as caught:
        client.run(REJECTED)
    text = str(caught.value) + repr(caught.value) + repr(caught.value.raw) + str(caught.value.message)
    from ._support import KEY as SERVE_KEY

    assert "Invalid API key" in text and leaks(text, SERVE_KEY) == []
    assert re.search(r"Invalid API key <REDACTED>", text)


def _leaky_scenario(root: Path, key: str) -> None:
    """A cassette another tool wrote: the key as a status word, an error code and a message."""
    from wanspec.contract._cassette import cassette_document, interaction, serialize

    submit = {**PAID, "taskUUID": "5f8b6c1e-8d3a-4b7e-9c2d-1a2b3c4d5e6f"}
    poll = [{"taskType": "getResponse", "taskUUID": submit["taskUUID"]}]
    ack = {"data": [{"taskType": "videoInference", "taskUUID": submit["taskUUID"]}]}
    odd = {"data": [{"taskType": "videoInference", "taskUUID": submit["taskUUID"], "status": key}]}
    error = {"errors": [{"code": key, "message": f"Invalid API key {key}", "taskUUID": submit["taskUUID"]}]}
    doc = cassette_document(
        [
            interaction("POST", "https://api.runware.ai/v1", [submit], 200, ack),
            interaction("POST", "https://api.runware.ai/v1", poll, 200, odd),
            interaction("POST", "https://api.runware.ai/v1", poll, 401, error),
        ],
        {"provider": "runware", "scenario": "leaky", "expect": "accepted", "schema": "runware/alibaba:wan@2.6-flash"},
    )
    (root / "runware").mkdir(parents=True, exist_ok=True)
    (root / "runware" / "leaky.yaml").write_text(serialize(doc), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "json-lines", "sarif", "github", "junit"])
def test_every_contract_command_in_every_format_prints_no_key(run_cli, tmp_path, fmt):
    _leaky_scenario(tmp_path / "old", KEY)
    _leaky_scenario(tmp_path / "new", KEY)
    (tmp_path / "new" / "runware" / "leaky.yaml").write_text(
        (tmp_path / "new" / "runware" / "leaky.yaml").read_text().replace("Invalid API key", "Bad key"),
        encoding="utf-8",
    )
    env = {"RUNWARE_API_KEY": KEY}
    runs = [
        run_cli("cassettes", "verify", str(tmp_path / "old"), "--format", fmt, env=env),
        run_cli("cassettes", "audit", str(tmp_path / "old"), "--format", fmt, env=env),
        run_cli("drift", str(tmp_path / "old"), str(tmp_path / "new"), "--format", fmt, env=env),
    ]
    assert [r.exit_code for r in runs] == [1, 1, runs[2].exit_code] and runs[2].exit_code in (0, 1), runs
    assert all("Traceback" not in r.stderr for r in runs)
    assert any("<REDACTED>" in r.stdout for r in runs[:1])  # the key was in verify's report, and is gone
    assert [leaks(r.stdout + r.stderr, KEY) for r in runs] == [[], [], []]


def test_redaction_cost_is_linear_in_the_text():
    # near misses everywhere (the key's prefix, escapes, percent signs): the worst case for
    # the pattern; four times the text may cost at most eight times as much (ratios, not times)
    import time

    chunk = KEY[:20] + "%7" + KEY[:11].upper() + "\\u0072" + "Zx9" * 13

    def cost(n: int) -> float:
        text = (chunk * (n // len(chunk) + 1))[:n]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            redact_text(text, [KEY])
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(50_000), cost(200_000)
    assert large / small < 8.0, (small, large)
