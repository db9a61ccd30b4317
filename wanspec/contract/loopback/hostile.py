"""A hostile (or merely odd) provider, for the loopback server: what the guarantees are proven against.

:class:`Hostile` is a :class:`~wanspec.contract.loopback.Behaviour` knob. It makes the loopback
server misbehave the ways a compromised or broken provider can:

* ``echo_key``: the caller's key comes back in every channel wanspec writes or prints from:
  a response header's *name* and value, and JSON body fields, each raw, as JSON ``\\u``
  escapes, base64 and base64url (at the three byte alignments), percent-encoded and hex;
  in the error message (``Invalid API key <KEY>``), in result URLs (``?token=<KEY>&sig=…``),
  in HTML error pages and in the status line's reason phrase. :data:`CHANNELS` names them, for counting.
* ``answer``: polls (or ``answer_on`` another operation) answered with an HTML page (200,
  or a 502 error page), an empty body, truncated JSON, a bare number, a 307 redirect or JSON nested 1,000 deep.
* ``fail_with``: an HTTP status (a 500) answering every call of ``answer_on``, whose
  message carries the key.
* ``drip``: seconds between bytes: the whole response to ``answer_on``, status line
  included, one byte at a time. ``silent``: those requests are accepted and never answered.
* ``huge``: bytes of JSON-looking body, streamed without a length (nothing that size is
  held in memory, and the caller cannot tell the size in advance).
* ``retry_after``: every answer to ``answer_on`` is a 503 with this ``Retry-After`` value,
  verbatim (``1e308``, ``inf``, ``-5``, a date in 2999…).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from ...recordtype import recordclass

#: every channel ``echo_key`` uses, by name
CHANNELS = (
    "header name",
    "header value",
    "header value, base64",
    "header value, base64url",
    "header value, percent-encoded",
    "header value, hex",
    "body, raw",
    "body, upper-case",
    "body, JSON \\u escapes",
    "body, base64 (alignment 0)",
    "body, base64 (alignment 1)",
    "body, base64 (alignment 2)",
    "body, base64url",
    "body, percent-encoded",
    "body, hex",
    "error message",
    "result URL token",
    "HTML error page",
    "server error message",
    "status line reason phrase",
)
ANSWERS = ("html", "html-error", "empty", "truncated", "number", "redirect", "deep")


@recordclass(slots=False)
class Hostile:
    """How the loopback server attacks its caller (see the module docstring)."""

    echo_key: bool = False
    answer: str | None = None
    answer_on: str = "poll"
    fail_with: int | None = None
    drip: float | None = None
    silent: bool = False
    huge: int | None = None
    retry_after: str | None = None

    def __post_init__(self) -> None:
        if self.answer is not None and self.answer not in ANSWERS:
            raise ValueError(f"answer must be one of {', '.join(ANSWERS)}")


@recordclass(slots=False)
class Raw:
    """A response body sent as these bytes (or this stream of chunks), not as JSON."""

    data: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    chunks: Iterator[bytes] | None = None
    length: int | None = None


def _b64(data: bytes, pad: int, alphabet: str = "std") -> str:
    encode = base64.urlsafe_b64encode if alphabet == "url" else base64.b64encode
    return encode(b"x" * pad + data + b"!").decode("ascii")


def echo_headers(key: str) -> dict[str, str]:
    """Headers carrying the key, one per header channel."""
    data = key.encode("utf-8")
    return {
        f"X-Echo-{key}": "1",
        "X-Echo-Raw": key,
        "X-Echo-B64": _b64(data, 1),
        "X-Echo-B64url": _b64(data, 2, "url"),
        "X-Echo-Pct": quote(key, safe=""),
        "X-Echo-Hex": data.hex(),
    }


def echo_fields(key: str) -> dict[str, Any]:
    """Body fields carrying the key, one per body channel (the \\u escapes are put in by
    :func:`escape_marker` when the body is serialised)."""
    data = key.encode("utf-8")
    return {
        "echoRaw": f"you sent {key}",
        "echoUpper": key.upper(),
        "echoEscaped": "\0ESCAPE\0" + key,
        "echoB64a": _b64(data, 0),
        "echoB64b": _b64(data, 1),
        "echoB64c": _b64(data, 2),
        "echoB64url": _b64(data, 1, "url"),
        "echoPct": quote(key, safe=""),
        "echoHex": data.hex(),
    }


def dumps(body: Any) -> bytes:
    """JSON with every ``\\0ESCAPE\\0``-marked string written as ``\\uXXXX`` escapes only."""
    text = json.dumps(body)
    marker = json.dumps("\0ESCAPE\0")[1:-1]
    while marker in text:
        start = text.index(marker)
        end = text.index('"', start)
        secret = text[start + len(marker) : end]
        text = text[:start] + "".join(f"\\u{ord(c):04x}" for c in secret) + text[end:]
    return text.encode("utf-8")


def html_page(key: str | None) -> bytes:
    who = f" for key {key}" if key else ""
    return f"<!doctype html><html><body><h1>502 Bad Gateway</h1><p>upstream failed{who}</p></body></html>".encode()


def odd_answer(kind: str, key: str | None) -> tuple[int, dict[str, str], Raw]:
    """(HTTP status, headers, body) of one odd answer."""
    if kind == "html":
        return 200, {}, Raw(html_page(key))
    if kind == "html-error":
        return 502, {}, Raw(html_page(key))
    if kind == "empty":
        return 200, {}, Raw(b"", "application/json")
    if kind == "truncated":
        return 200, {}, Raw(b'{"data":[{"taskType":"getResponse","status":"succ', "application/json")
    if kind == "number":
        return 200, {}, Raw(b"42", "application/json")
    if kind == "redirect":
        where = "http://127.0.0.1:9/elsewhere" + (f"?token={key}" if key else "")
        return 307, {"Location": where}, Raw(b"", "application/json")
    return 200, {}, Raw(b"[" * 1000 + b"]" * 1000, "application/json")


def huge_body(size: int) -> Raw:
    """``size`` bytes of a JSON array, streamed in 64 KiB chunks."""

    def chunks() -> Iterator[bytes]:
        yield b"["
        sent, block = 1, b"0," * 32768
        while sent + len(block) < size - 2:
            yield block
            sent += len(block)
        yield b"0" * max(0, size - sent - 1) + b"]"

    return Raw(content_type="application/json", chunks=chunks())
