"""HTTP plumbing that holds against a hostile server: deadlines, body caps, depth, Retry-After.

* **Wall-clock deadlines.** httpx's timeouts are per socket operation, so a server that
  sends one byte every half second never trips a 2 s read timeout. :class:`DeadlineTransport`
  wraps httpcore's network streams so every connect, read and write is given at most what
  is left of the deadline set by :func:`deadline` (per thread), and fails once it has passed.
  Because the limits sit on the socket, they hold under vcrpy too (it patches
  ``HTTPTransport.handle_request`` and reads the body itself).
* **Body caps.** The same streams count the bytes of one exchange and stop at the cap;
  :func:`read_body` also caps the decoded body (a gzip bomb is small on the wire).
* **Depth.** :func:`parse_json` refuses documents nested deeper than a limit before the
  parser (or a schema validator after it) can recurse into them.
* **Retry-After.** :func:`retry_after` reads RFC 9110's two forms (delta-seconds, an
  HTTP-date); anything else is ignored, and nothing can overflow.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpcore
import httpx

from .._errors import ResponseTooLarge

_state = threading.local()
# headers and chunk framing on top of the body cap, counted on the wire
_WIRE_ALLOWANCE = 64 * 1024
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class DeadlinePassed(httpcore.TimeoutException):
    """The wall-clock deadline of the current call passed during a socket operation."""


@contextmanager
def deadline(at: float, max_bytes: int) -> Iterator[None]:
    """Every socket operation of this thread ends by ``at`` (``time.monotonic()``) and one
    exchange reads at most ``max_bytes`` (plus headers) off the wire."""
    previous = getattr(_state, "limits", None)
    _state.limits = [at, max_bytes + _WIRE_ALLOWANCE, max_bytes]
    try:
        yield
    finally:
        _state.limits = previous


def _timeout(timeout: float | None) -> float | None:
    limits = getattr(_state, "limits", None)
    if limits is None:
        return timeout
    remaining: float = limits[0] - time.monotonic()
    if remaining <= 0:
        raise DeadlinePassed("the deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


def _count(n: int) -> None:
    limits = getattr(_state, "limits", None)
    if limits is None:
        return
    limits[1] -= n
    if limits[1] < 0:
        raise ResponseTooLarge(f"the response is larger than the body cap ({limits[2]} bytes)")


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, _timeout(timeout))
        _count(len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _timeout(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_tcp(host, port, _timeout(timeout), local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, _timeout(timeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport with every socket operation bounded by the thread's :func:`deadline`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # httpcore takes a network backend only at construction; httpx does not pass one through
        pool = self._pool
        pool._network_backend = _Backend(pool._network_backend)


class SecretAuth(httpx.Auth):
    """Sets the auth header from a :class:`~wanspec.contract._secrets.Secret` as the request
    leaves, so no local variable of the caller ever holds the key (``pytest -l`` shows locals)."""

    def __init__(self, header: str, scheme: str, secret: Any) -> None:
        self._header, self._scheme, self._secret = header, scheme, secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self._header] = f"{self._scheme} {self._secret.reveal()}".strip()
        yield request

    def __repr__(self) -> str:
        return f"SecretAuth({self._header!r}, {self._scheme!r}, {self._secret!r})"


def read_body(response: httpx.Response, max_body: int, at: float) -> bytes:
    """The (decoded) body, at most ``max_body`` bytes and read by ``at`` (``time.monotonic()``)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_body:
        raise ResponseTooLarge(f"the response declares {int(declared)} bytes; the body cap is {max_body} bytes")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_body:
            raise ResponseTooLarge(f"the response is larger than the body cap ({max_body} bytes)")
        if time.monotonic() > at:
            raise DeadlinePassed("the deadline passed while reading the body")
        chunks.append(chunk)
    return b"".join(chunks)


class NotJSON(ValueError):
    """A body that is not one JSON document within the depth limit."""


def parse_json(data: bytes, max_depth: int) -> Any:
    """The JSON document in ``data``; NotJSON when it is empty, not UTF-8, not JSON or too deep."""
    if not data.strip():
        raise NotJSON("the body is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotJSON("the body is not UTF-8") from None
    depth = deepest = 0
    for m in _BRACKETS.finditer(_STRING.sub("", text)):
        depth += 1 if m.group(0) in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > max_depth:
            raise NotJSON(f"the body nests deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise NotJSON(f"the body is not JSON ({type(exc).__name__})") from None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3), or None when there is
    none or it is neither delta-seconds (digits) nor an HTTP-date."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value[:20]), 10**12))  # a thousand-digit number is still a number of seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
