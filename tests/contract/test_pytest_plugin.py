"""The pytest plugin, used the way a user's suite uses it (pytester runs a real pytest)."""

from __future__ import annotations

import re

import pytest
from conftest import FLASH_TASK, ROOT

from wanspec.contract import LoopbackServer

pytest_plugins = ["pytester"]

RECORD = ("--wanspec-record-mode=once", "--wanspec-poll-interval=0.01", "-p", "no:cacheprovider")
REPLAY = ("-p", "no:cacheprovider")
KEY = "plugin-sentinel-5a4b3c2d1e0f9a8b7c6d"


def _readme_example() -> str:
    """The README's complete example test: what users copy is what is tested."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Contract testing", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.+?)```", section, flags=re.S)
    return next(b for b in blocks if "wanspec_cassette" in b)


USER_TEST = _readme_example()


@pytest.fixture
def user_suite(pytester):
    def write(duration: int = 5) -> None:
        pytester.makepyfile(test_user=USER_TEST.replace('"duration": 5', f'"duration": {duration}'))

    write()
    return write


@pytest.fixture
def recorded(pytester, user_suite, monkeypatch):
    """The README example recorded once against a loopback server, which keeps running."""
    with LoopbackServer("runware", api_key=KEY) as srv:
        monkeypatch.setenv("RUNWARE_API_KEY", KEY)
        monkeypatch.setenv("RUNWARE_BASE_URL", srv.base_url)
        pytester.runpytest_subprocess(*RECORD).assert_outcomes(passed=1)
        yield srv


def test_record_once_then_replay_offline_without_a_key(pytester, recorded, monkeypatch):
    assert len(recorded.requests) >= 3  # submit, at least one poll, the result
    cassette = pytester.path / "cassettes" / "runware" / "flash-job.yaml"
    text = cassette.read_text(encoding="utf-8")
    assert KEY not in text and "Bearer <REDACTED>" in text and "expect: accepted" in text

    # no key, and a base URL nothing answers at: the default mode replays from the cassette
    monkeypatch.delenv("RUNWARE_API_KEY")
    monkeypatch.setenv("RUNWARE_BASE_URL", "http://192.0.2.1/v1")
    replayed = pytester.runpytest_subprocess(*REPLAY)
    replayed.assert_outcomes(passed=1)


def test_a_request_missing_from_the_cassette_fails_fast_in_mode_none(pytester, user_suite, recorded):
    user_suite(duration=10)  # a different request: not in the cassette
    result = pytester.runpytest_subprocess(*REPLAY)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CannotOverwriteExistingCassetteException*"])
    # and what to do about it, in wanspec's terms
    result.stdout.fnmatch_lines(
        ["*- wanspec -*", "No recorded interaction matches this request (wanspec record mode 'none'*"]
    )
    result.stdout.fnmatch_lines(["*pytest --wanspec-record-mode=once*"])
    assert not [r for r in recorded.requests if r.body and '"duration": 10' in str(r.body)]


def test_the_network_is_blocked_while_replaying(pytester):
    pytester.makepyfile(
        """
        import socket

        def test_escapes(runware_client):
            socket.create_connection(("203.0.113.7", 80), timeout=1)
        """
    )
    result = pytester.runpytest_subprocess(*REPLAY)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NetworkBlocked: network access to 203.0.113.7 is blocked*"])


def test_replayed_interactions_are_verified(pytester, recorded):
    cassette = pytester.path / "cassettes" / "runware" / "flash-job.yaml"
    text = cassette.read_text(encoding="utf-8")
    cassette.write_text(text.replace('"cost": 0.25', '"cost": "0.25"'), encoding="utf-8")
    result = pytester.runpytest_subprocess(*REPLAY)
    # the client refuses the drifted success (the test fails) and teardown verification says why
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(["*success response breaks its schema*"])
    result.stdout.fnmatch_lines(["*wanspec verification failed*", "*WS812*cost*"])


def test_record_mode_is_validated(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess("--wanspec-record-mode=sometimes")
    assert result.ret == 4  # usage error
    result.stderr.fnmatch_lines(["*invalid choice: 'sometimes'*"])


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--wanspec-timeout", "nan"),
        ("--wanspec-timeout", "inf"),
        ("--wanspec-timeout", "0"),
        ("--wanspec-poll-interval", "nan"),
        ("--wanspec-poll-interval", "inf"),
        ("--wanspec-poll-interval", "-1"),
    ],
)
def test_the_recording_times_must_be_finite_and_positive(pytester, option, value):
    """A NaN deadline never comes (a server that never finishes a job held the test for
    ever); a NaN or negative poll interval crashed the sleep inside the test. Each is a
    usage error at start-up, before any test runs."""
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_subprocess(f"{option}={value}")
    assert result.ret == 4, result.stdout.str() + result.stderr.str()  # usage error
    result.stderr.fnmatch_lines([f"*{option}*must be a finite number of seconds above 0*"])


HOSTILE_SUITE = """
import os

import pytest

GOOD = GOOD_TASK


@pytest.mark.wanspec_cassette("rejected")
def test_rejected(runware_client):
    runware_client.run({**GOOD, "duration": 99})  # the provider's message echoes the key


@pytest.mark.wanspec_cassette("succeeded")
def test_result_url(runware_client):
    result = runware_client.run(GOOD)
    print("got", result)  # captured output: the result URL carries ?token=<key>
    assert result.video_url is None, result.video_url


def test_locals_and_messages():
    headers = {"Authorization": "Bearer " + os.environ["RUNWARE_API_KEY"]}  # shown by -l
    raise AssertionError(f"failed with {headers}")
"""


def test_failure_reports_never_show_the_key(pytester, monkeypatch):
    from wanspec.contract import Behaviour
    from wanspec.contract.loopback.hostile import Hostile

    from ._leaks import leaks, tree_leaks

    key = "plugin-hostile-9Zq4Lm7Wx2Rt5Vb8Nc3K"
    good = {k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}
    pytester.makepyfile(test_hostile=HOSTILE_SUITE.replace("GOOD_TASK", repr(good)))
    with LoopbackServer("runware", api_key=key, behaviour=Behaviour(hostile=Hostile(echo_key=True))) as srv:
        monkeypatch.setenv("RUNWARE_API_KEY", key)
        monkeypatch.setenv("RUNWARE_BASE_URL", srv.base_url)
        result = pytester.runpytest_subprocess(*RECORD, "-l", "--tb=long", "-rA", "--junitxml=report.xml")
    # the recorded success has <REDACTED> in its URL: teardown verification flags it too
    result.assert_outcomes(failed=3, errors=1)
    output = "\n".join(result.outlines + result.errlines)
    assert "Invalid API key <REDACTED>" in output and "token=<REDACTED>" in output  # it was there, and is gone
    assert "'Authorization': 'Bearer <REDACTED>'" in output
    assert leaks(output, key) == []
    assert tree_leaks(pytester.path, key) == {}  # cassettes and the JUnit report


SLOW_SUITE = """
import pytest

from wanspec.contract import ContractError

GOOD = GOOD_TASK


@pytest.mark.wanspec_cassette("slow")
def test_slow(runware_client):
    with pytest.raises(ContractError) as caught:
        runware_client.run(GOOD)
    print("RAISED", type(caught.value).__name__)
"""


@pytest.mark.parametrize("hostile", ["drip", "silent", "html", "huge"])
def test_recording_against_a_hostile_provider_ends_with_a_typed_error(pytester, monkeypatch, hostile):
    import time

    from wanspec.contract import Behaviour, Hostile

    knobs = {"drip": Hostile(drip=0.5), "silent": Hostile(silent=True), "html": Hostile(answer="html")}
    knobs["huge"] = Hostile(huge=256 * 1024 * 1024)
    good = {k: v for k, v in FLASH_TASK.items() if k != "taskUUID"}
    pytester.makepyfile(test_slow=SLOW_SUITE.replace("GOOD_TASK", repr(good)))
    with LoopbackServer("runware", api_key=KEY, behaviour=Behaviour(hostile=knobs[hostile])) as srv:
        monkeypatch.setenv("RUNWARE_API_KEY", KEY)
        monkeypatch.setenv("RUNWARE_BASE_URL", srv.base_url)
        start = time.monotonic()
        result = pytester.runpytest_subprocess(*RECORD, "--wanspec-timeout=2", "--wanspec-no-verify", "-s")
        elapsed = time.monotonic() - start
    result.assert_outcomes(passed=1)
    expected = {"drip": "PollTimeout", "silent": "PollTimeout", "html": "UnexpectedResponse"}
    result.stdout.fnmatch_lines([f"*RAISED {expected.get(hostile, 'ResponseTooLarge')}*"])
    assert elapsed < 2 + 10  # pytest's own start-up included; without the deadline: minutes, or never
