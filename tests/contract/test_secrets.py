"""Credentials never reach disk: redaction on the way in, and an audit of what is there."""

from __future__ import annotations

import json

import pytest

from wanspec.contract._secrets import REDACTED, Redactor, audit_text, redact_body, redact_url

SENTINEL = "rw-sentinel-9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.mark.parametrize(
    ("url", "kept", "gone"),
    [
        (
            "https://bucket.s3.amazonaws.com/up.mp4?X-Amz-Algorithm=AWS4&X-Amz-Signature=abcdef0123456789&X-Amz-Expires=600",
            ["X-Amz-Algorithm=AWS4", "X-Amz-Expires=600"],
            ["abcdef0123456789"],
        ),
        ("https://hooks.example.com/wan?token=s3cr3t-t0ken&job=7", ["job=7"], ["s3cr3t-t0ken"]),
        ("https://storage.googleapis.com/b/o?X-Goog-Signature=deadbeefcafe", [], ["deadbeefcafe"]),
        ("https://example.com/video.mp4?width=720", ["width=720"], []),
    ],
)
def test_signed_and_tokened_urls_lose_their_secrets(url, kept, gone):
    out = redact_url(url)
    assert all(k in out for k in kept), out
    assert not any(g in out for g in gone), out
    assert (REDACTED in out) == bool(gone)


def test_runware_authentication_task_api_key_is_redacted():
    body = json.dumps([{"taskType": "authentication", "apiKey": SENTINEL}, {"taskType": "videoInference"}])
    out = redact_body(body)
    assert SENTINEL not in out
    assert json.loads(out)[0]["apiKey"] == REDACTED


def test_bodies_without_secrets_are_left_byte_for_byte():
    body = '{"a": 1,  "prompt": "spaces kept"}'
    assert redact_body(body) == body


def test_redactor_removes_literal_secrets_everywhere():
    class Req:
        def __init__(self) -> None:
            self.headers = {"Authorization": f"Bearer {SENTINEL}", "X-Trace": SENTINEL}
            self.uri = f"https://api.example.com/v1?key={SENTINEL}"
            body = {"webhookURL": f"https://me.example.com/h?sig={SENTINEL}", "note": SENTINEL}
            self.body = json.dumps(body).encode()

    req = Redactor((SENTINEL,)).request(Req())
    text = json.dumps({"h": dict(req.headers), "u": req.uri, "b": req.body.decode()})
    assert SENTINEL not in text
    assert req.headers["Authorization"] == f"Bearer {REDACTED}"

    resp = {
        "headers": {"Set-Cookie": ["session=abc"]},
        "body": {"string": json.dumps({"uploadURL": f"u?sig={SENTINEL}"})},
    }
    out = Redactor((SENTINEL,)).response(resp)
    assert SENTINEL not in json.dumps(out) and "abc" not in json.dumps(out)


CLEAN = """\
interactions:
- request:
    body: '[{"taskType":"authentication","apiKey":"<REDACTED>"}]'
    headers:
      Authorization:
      - Bearer <REDACTED>
    uri: https://api.runware.ai/v1?token=<REDACTED>
"""


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (CLEAN.replace("- Bearer <REDACTED>", "- Bearer abcdef0123456789"), "authorization header"),
        (CLEAN.replace('"apiKey":"<REDACTED>"', '"apiKey":"k-123456"'), '"apiKey" with a value'),
        (CLEAN.replace("token=<REDACTED>", "token=abc123"), "URL query parameter 'token'"),
        (CLEAN + "    note: sk-ABCDEFGHIJKLMNOPQRSTUV\n", "secret key"),
        (CLEAN + "    id: AKIAABCDEFGHIJKLMNOP\n", "AWS access key id"),
        (CLEAN + "    jwt: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3OCJ9.c2lnbmF0dXJlMTIz\n", "JSON web token"),
        (CLEAN.replace("Authorization:\n      - Bearer <REDACTED>", "X-Api-Key: live-key-42"), "x-api-key header"),
    ],
)
def test_audit_finds_each_kind_of_leak(text, what):
    leaks = audit_text(text)
    assert len(leaks) == 1, leaks
    assert what.lower() in leaks[0].what.lower()


def test_audit_passes_a_redacted_cassette_and_finds_literal_secrets():
    assert audit_text(CLEAN) == []
    leaks = audit_text(CLEAN + f"    x: prefix{SENTINEL}suffix\n", secrets=[SENTINEL])
    assert [(leak.line, leak.what) for leak in leaks] == [(8, "a secret given to the audit, verbatim")]
