"""The wanspec pytest plugin: recording clients per provider, cassettes, automatic verification.

Installed with wanspec (entry point ``pytest11``), it adds:

- fixtures ``runware_client``, ``wavespeed_client`` and ``toapis_client``: wanspec's HTTP
  clients whose traffic is recorded to, or replayed from,
  ``<cassette dir>/<provider>/<cassette name>.yaml``;
- the marker ``@pytest.mark.wanspec_cassette("name")`` naming the cassette (default: the
  test's name), and ``@pytest.mark.wanspec_cassette(metadata={...})`` for its metadata;
- ``--wanspec-record-mode none|once|new_episodes|all`` (default ``none``: replay only, with
  the network blocked: any connection to a host other than the loopback fails the test),
  ``--wanspec-cassette-dir DIR`` (default: ``cassettes`` beside the test file);
- verification of every interaction the test recorded or replayed (the same checks as
  ``wanspec cassettes verify``): a finding fails the test, at teardown.

Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from .records import Severity

RECORD_MODES = ("none", "once", "new_episodes", "all")
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wanspec", "wanspec contract cassettes")
    group.addoption(
        "--wanspec-record-mode",
        choices=RECORD_MODES,
        default=None,
        help="none (default): replay only, network blocked; once: record missing cassettes; "
        "new_episodes: record new requests; all: re-record everything.",
    )
    group.addoption(
        "--wanspec-cassette-dir",
        default=None,
        metavar="DIR",
        help="Where cassettes live (default: 'cassettes' beside each test file).",
    )
    group.addoption("--wanspec-no-verify", action="store_true", help="Do not verify recorded interactions.")
    group.addoption(
        "--wanspec-poll-interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="First delay between polls while recording (then x1.5, at most 10 s).",
    )
    parser.addini("wanspec_record_mode", "Default record mode for wanspec cassettes.", default="none")
    parser.addini("wanspec_cassette_dir", "Default cassette directory for wanspec.", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "wanspec_cassette(name=None, metadata=None): name the wanspec cassette of this test and its metadata.",
    )


class NetworkBlocked(RuntimeError):
    """Raised for a connection attempt while replaying: the cassette is missing a request."""


@contextmanager
def _network_blocked() -> Iterator[None]:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def host_of(address: Any) -> str:
        return str(address[0]) if isinstance(address, tuple) else str(address)

    def check(address: Any) -> None:
        host = host_of(address)
        if host not in _LOOPBACK and not host.startswith("/"):
            raise NetworkBlocked(
                f"network access to {host} is blocked in record mode 'none'; the request is not in the "
                "cassette. Record it with --wanspec-record-mode=once (needs the API key), or fix the request."
            )

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            check(address)
        return real_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]


def _mode(config: pytest.Config) -> str:
    value = config.getoption("--wanspec-record-mode") or config.getini("wanspec_record_mode") or "none"
    if value not in RECORD_MODES:
        raise pytest.UsageError(f"wanspec_record_mode = {value!r}; choose from {', '.join(RECORD_MODES)}")
    return str(value)


def _cassette_path(request: pytest.FixtureRequest, provider: str) -> str:
    config = request.config
    root = config.getoption("--wanspec-cassette-dir") or config.getini("wanspec_cassette_dir")
    if not root:
        root = os.path.join(os.path.dirname(str(request.node.path)), "cassettes")
    elif not os.path.isabs(root):
        root = os.path.join(str(config.rootpath), root)
    marker = request.node.get_closest_marker("wanspec_cassette")
    name = None
    if marker is not None:
        name = marker.args[0] if marker.args else marker.kwargs.get("name")
    if not name:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")[:120]
    return os.path.join(root, provider, f"{name}.yaml")


def _verify(path: str) -> list[str]:
    # deferred: only tests using it pay
    from .contract.checks.verify import verify_paths

    if not os.path.exists(path):
        return []
    result = verify_paths([path])
    return [
        f"{d.file}:{d.line or ''}: {d.code} {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR
    ]


def _client(request: pytest.FixtureRequest, provider: str) -> Iterator[Any]:
    # deferred: only tests using it pay
    from wanspec.contract._factory import client_for

    # deferred: only tests using it pay
    from wanspec.contract._recording import recording

    mode = _mode(request.config)
    path = _cassette_path(request, provider)
    marker = request.node.get_closest_marker("wanspec_cassette")
    metadata = dict(marker.kwargs.get("metadata") or {}) if marker is not None else {}
    env = dict(os.environ)
    if mode == "none":
        env.setdefault(client_key_variable(provider), "wanspec-replay-no-key")
    with recording(path, provider=provider, record_mode=mode, metadata=metadata) as cassette:
        # deferred: only tests using it pay
        from wanspec.contract.clients import PollPolicy

        # replaying: answers are on disk, so polls need not wait
        interval = float(request.config.getoption("--wanspec-poll-interval"))
        if cassette.write_protected:
            policy = PollPolicy(sleep=lambda _: None)
        else:
            policy = PollPolicy(initial=interval, max_delay=max(10.0, interval))
        client = client_for(provider, env=env, policy=policy)
        blocked = _network_blocked() if mode == "none" else _nothing()
        with blocked:
            try:
                yield client
            finally:
                client.close()
    if not request.config.getoption("--wanspec-no-verify") and cassette.play_count + len(cassette.data) > 0:
        problems = _verify(path)
        if problems:
            pytest.fail("wanspec verification failed:\n" + "\n".join(problems), pytrace=False)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def client_key_variable(provider: str) -> str:
    # deferred: only tests using it pay
    from wanspec.contract._protocol import key_variable

    return key_variable(provider)


@pytest.fixture
def runware_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A RunwareClient recording to / replaying from ``cassettes/runware/<test>.yaml``."""
    yield from _client(request, "runware")


@pytest.fixture
def wavespeed_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A WaveSpeedClient recording to / replaying from ``cassettes/wavespeed/<test>.yaml``."""
    yield from _client(request, "wavespeed")


@pytest.fixture
def toapis_client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A ToAPIsClient recording to / replaying from ``cassettes/toapis/<test>.yaml``."""
    yield from _client(request, "toapis")
