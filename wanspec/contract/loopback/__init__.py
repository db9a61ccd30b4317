"""Loopback imitations of the providers' APIs on 127.0.0.1, for offline tests and recordings."""

from __future__ import annotations

from .server import Behaviour, LoopbackServer, ReceivedRequest, SentResponse

__all__ = ["Behaviour", "LoopbackServer", "ReceivedRequest", "SentResponse"]
