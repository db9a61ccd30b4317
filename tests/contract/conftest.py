"""Fixtures for the contract layer: a fake clock, and a client wired to a loopback server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest

from wanspec.contract import Behaviour, LoopbackServer, ProtocolClient

from ._support import CASES, KEY, FakeTime


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


Serve = Callable[..., tuple[LoopbackServer, ProtocolClient]]


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One HTTP client for the session: building one loads the CA store (~50 ms)."""
    with httpx.Client(timeout=10.0) as client:
        yield client


@pytest.fixture
def serve(fake_time: FakeTime, http: httpx.Client) -> Iterator[Serve]:
    """``serve(provider, behaviour=…, key=…, **policy)`` -> (running server, client pointed at it)."""
    with ExitStack() as stack:

        def make(
            provider: str,
            behaviour: Behaviour | None = None,
            key: str = KEY,
            strict: bool = False,
            **policy: Any,
        ) -> tuple[LoopbackServer, ProtocolClient]:
            server = stack.enter_context(LoopbackServer(provider, api_key=KEY, behaviour=behaviour))
            timing = fake_time.policy(**policy)
            client = CASES[provider].client(key, base_url=server.base_url, policy=timing, strict=strict, http=http)
            stack.enter_context(client)
            return server, client

        yield make
