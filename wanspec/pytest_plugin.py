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
  ``wanspec cassettes verify``): a finding fails the test, at teardown;
- redaction of every failure report (tracebacks, ``pytest -l`` locals, captured output)
  through the same choke point as cassettes and the command line.

Nothing heavy is imported until a fixture is used.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from .records import Severity

RECORD_MODES = ("none", "once", "new_episodes", "all")


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
    group.addoption(
        "--wanspec-timeout",
        type=float,
        default=1200.0,
        metavar="SECONDS",
        help="Wall-clock deadline for each job while recording (a server that drips or never answers cannot "
        "stretch it); also the longest a single request may take, up to 30 s.",
    )
    parser.addini("wanspec_record_mode", "Default record mode for wanspec cassettes.", default="none")
    parser.addini("wanspec_cassette_dir", "Default cassette directory for wanspec.", default="")


def pytest_configure(config: pytest.Config) -> None:
    for option in ("--wanspec-timeout", "--wanspec-poll-interval"):
        seconds = config.getoption(option)
        # NaN passes any comparison test: a NaN deadline would never come
        if not (isinstance(seconds, float) and math.isfinite(seconds) and seconds > 0):
            raise pytest.UsageError(f"{option} must be a finite number of seconds above 0, not {seconds!r}")
    config.addinivalue_line(
        "markers",
        "wanspec_cassette(name=None, metadata=None): name the wanspec cassette of this test and its metadata.",
    )


_RECORD_HINT = (
    "the request is not in the cassette (record mode 'none' replays only). Record it with "
    "--wanspec-record-mode=once and the provider's API key in the environment, or fix the request."
)


def _explain_replay_miss(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """A replay miss explained in wanspec's terms: vcrpy's own message speaks of its
    ``record_mode='once'`` default, which is not wanspec's (``none``, network blocked)."""
    clients = {"runware_client", "wavespeed_client", "toapis_client"}
    if call.excinfo is None or not clients & set(getattr(item, "fixturenames", ())):
        return
    exc: BaseException | None = call.excinfo.value
    while exc is not None and type(exc).__name__ != "CannotOverwriteExistingCassetteException":
        exc = exc.__cause__ or exc.__context__
    if exc is None:
        return
    mode = _mode(item.config)
    report.sections.append(
        (
            "wanspec",
            f"No recorded interaction matches this request (wanspec record mode {mode!r}: "
            + ("replay only, network blocked" if mode == "none" else "new requests are not recorded here")
            + "). Ignore vcrpy's mention of record_mode='once' above: wanspec's default is 'none'.\n"
            "Record the missing interaction with `pytest --wanspec-record-mode=once` (it needs the "
            "provider's API key), or change the request back to the one the cassette holds.",
        )
    )


def _network_blocked() -> Any:
    from wanspec.contract._netblock import network_blocked  # deferred: only replaying tests pay

    return network_blocked(_RECORD_HINT)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Pass every failure report (traceback, ``-l`` locals, captured output) through the
    redaction choke point before any reporter, JUnit XML included, sees it."""
    report = yield
    if report.passed:
        return report
    _explain_replay_miss(item, call, report)
    from wanspec.contract._secrets import redact_text  # deferred: only failure reports pay

    if report.longrepr is not None:
        text = str(report.longrepr)
        cleaned = redact_text(text)
        if cleaned != text:
            report.longrepr = cleaned
    report.sections = [(title, redact_text(body)) for title, body in report.sections]
    return report


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


def _readable(path: str) -> None:
    """Fail the test, with the reason and line, when its cassette exists but cannot be read
    (broken, or hostile: aliases that expand without end, Python tags), before vcrpy loads it."""
    from wanspec.contract._cassette import CassetteError, read_cassette  # a plugin loads nothing until used

    if not os.path.exists(path):
        return
    try:
        read_cassette(path)
    except CassetteError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        pytest.fail(f"wanspec: cannot read cassette {path}{where}: {exc}", pytrace=False)


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
    _readable(path)
    with recording(path, provider=provider, record_mode=mode, metadata=metadata) as cassette:
        # deferred: only tests using it pay
        from wanspec.contract.clients import PollPolicy

        # replaying: answers are on disk, so polls need not wait
        interval = float(request.config.getoption("--wanspec-poll-interval"))
        deadline = float(request.config.getoption("--wanspec-timeout"))
        if cassette.write_protected:
            policy = PollPolicy(sleep=lambda _: None, timeout=deadline)
        else:
            policy = PollPolicy(initial=interval, max_delay=max(10.0, interval), timeout=deadline)
        client = client_for(provider, env=env, policy=policy, timeout=min(30.0, deadline))
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


def __getattr__(name: str) -> Any:
    # NetworkBlocked lives with the block itself; importing it here lazily keeps plugin start-up light
    if name == "NetworkBlocked":
        from wanspec.contract._netblock import NetworkBlocked  # deferred: see the comment above

        return NetworkBlocked
    raise AttributeError(name)
