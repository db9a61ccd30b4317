"""The HTTP side of the loopback server: the stdlib handler that hands requests over.

Kept apart so that ``import wanspec.contract`` does not pay for ``http.server``.
"""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from .hostile import Raw, dumps

if TYPE_CHECKING:
    from .server import LoopbackServer


class Handler(BaseHTTPRequestHandler):
    """Hands each request to the owning LoopbackServer; says nothing on the terminal."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        owner: LoopbackServer = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, headers, body = owner.handle(method, self.path, dict(self.headers.items()), raw)
        silent, drip = owner.stalls()
        if silent:
            owner.stopping.wait()  # accepted, never answered
            self.close_connection = True
            return
        if isinstance(body, Raw):
            data, content_type, size = body.data, body.content_type, body.length
        else:
            data, content_type, size = dumps(body), "application/json", None
        reason = owner.reason() or self.responses.get(status, ("",))[0]
        head = [f"{self.protocol_version} {status} {reason}", f"Content-Type: {content_type}", "Connection: close"]
        if body_is_stream := isinstance(body, Raw) and body.chunks is not None:
            if size is not None:
                head.append(f"Content-Length: {size}")
        else:
            head.append(f"Content-Length: {len(data)}")
        head += [f"{name}: {value}" for name, value in headers.items()]
        wire = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1", "replace") + data
        chunks = body.chunks if body_is_stream and isinstance(body, Raw) and body.chunks else iter(())
        try:
            if drip:
                for i in range(len(wire)):  # one byte at a time, until the caller gives up
                    if owner.stopping.wait(drip):
                        break
                    self.wfile.write(wire[i : i + 1])
                    owner.bytes_sent += 1
            else:
                self.wfile.write(wire)
                owner.bytes_sent += len(wire)
                for chunk in chunks:
                    if owner.stopping.is_set():
                        break
                    self.wfile.write(chunk)
                    owner.bytes_sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller hung up: what a capped or timed-out client does
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's per-request line on stderr."""
