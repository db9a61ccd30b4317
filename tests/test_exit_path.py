"""Every command exits through one path, with one option vocabulary and one error style.

0 clean, 1 findings at or above ``--fail-on``, 2 usage or environment errors (an input
that could not be read at all), whatever the command: ``lint``, ``cassettes verify``,
``cassettes audit`` and ``drift`` share ``--format``, ``--statistics``, ``--exit-zero``,
``--fail-on``, ``--select``, ``--ignore``, ``--config`` and ``--isolated``.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import FLASH_TASK, ROOT

FLASH = ROOT / "cassettes" / "runware" / "wan2.6-flash-clockwork-teahouse-rain-atrium.yaml"


@pytest.fixture
def broken_links(tmp_path):
    """A payload and a cassette that exist as names but cannot be opened (dangling links)."""
    (tmp_path / "gone.json").symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    return tmp_path


def test_an_unreadable_cassette_exits_2_like_an_unreadable_payload(run_cli, broken_links):
    payload = run_cli("lint", str(broken_links / "gone.json"))
    cassette = run_cli("cassettes", "verify", str(broken_links / "cassettes"))
    assert (payload.exit_code, cassette.exit_code) == (2, 2), (payload, cassette)
    assert "WS012" in payload.stdout and "WS809" in cassette.stdout, cassette
    # --exit-zero never hides that nothing was checked
    assert run_cli("cassettes", "verify", "--exit-zero", str(broken_links / "cassettes")).exit_code == 2
    assert run_cli("cassettes", "audit", str(broken_links / "cassettes")).exit_code == 2


@pytest.fixture
def broken_cassette(tmp_path):
    """A cassette set with one finding (a response field of the wrong type: WS812)."""
    target = tmp_path / "set" / "runware" / FLASH.name
    target.parent.mkdir(parents=True)
    target.write_text(FLASH.read_text(encoding="utf-8").replace('"cost":0.3015', '"cost":"0.3015"'))
    return tmp_path / "set"


def test_verify_takes_exit_zero_fail_on_select_ignore_and_statistics(run_cli, broken_cassette):
    where = str(broken_cassette)
    assert run_cli("cassettes", "verify", where).exit_code == 1
    assert run_cli("cassettes", "verify", "--exit-zero", where).exit_code == 0
    assert run_cli("cassettes", "verify", "--ignore", "WS812", where).exit_code == 0
    assert run_cli("cassettes", "verify", "--select", "WS810", where).exit_code == 0
    stats = run_cli("cassettes", "verify", "--statistics", where)
    assert stats.exit_code == 1 and "WS812" in stats.stdout and "response-shape" in stats.stdout, stats


def test_verify_applies_the_project_config(run_cli, broken_cassette, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wanspec.toml").write_text('[severity]\nWS812 = "warning"\n')
    warned = run_cli("cassettes", "verify", "--format", "json", str(broken_cassette))
    assert warned.exit_code == 0 and {d["severity"] for d in warned.json()["diagnostics"]} == {"warning"}, warned
    assert run_cli("cassettes", "verify", "--fail-on", "warning", str(broken_cassette)).exit_code == 1
    assert run_cli("cassettes", "verify", "--isolated", str(broken_cassette)).exit_code == 1
    (tmp_path / "other.toml").write_text('[per-file-ignores]\n"set/runware/*.yaml" = ["WS812"]\n')
    assert run_cli("cassettes", "verify", "--config", "other.toml", str(broken_cassette)).exit_code == 0


@pytest.fixture
def cheaper(tmp_path):
    """Two recordings of one scenario; the new one costs less (WS912, a warning)."""
    for side, cost in (("old", "0.3015"), ("new", "0.1")):
        target = tmp_path / side / "runware" / FLASH.name
        target.parent.mkdir(parents=True)
        target.write_text(FLASH.read_text(encoding="utf-8").replace('"cost":0.3015', f'"cost":{cost}'))
    return str(tmp_path / "old"), str(tmp_path / "new")


def test_drift_takes_fail_on_exit_zero_and_statistics(run_cli, cheaper):
    old, new = cheaper
    assert run_cli("drift", old, new).exit_code == 0  # a warning does not fail by default
    assert run_cli("drift", "--fail-on", "warning", old, new).exit_code == 1
    assert run_cli("drift", "--fail-on", "warning", "--exit-zero", old, new).exit_code == 0
    dearer = run_cli("drift", new, old, "--format", "json")
    assert dearer.exit_code == 1 and "WS911" in {d["code"] for d in dearer.json()["diagnostics"]}, dearer
    assert run_cli("drift", "--exit-zero", new, old).exit_code == 0
    stats = run_cli("drift", "--statistics", "--format", "json", new, old)
    assert json.loads(stats.stdout)[0]["code"] == "WS911", stats


@pytest.mark.parametrize(
    "args",
    [
        ("lint", "--bogus"),
        ("cassettes", "verify", "--bogus"),
        ("cassettes", "audit", "--bogus"),
        ("drift", "--bogus", "a", "b"),
        ("record", "--bogus"),
        ("schemas", "--bogus"),
    ],
)
def test_click_mistakes_speak_in_wanspecs_voice_and_exit_2(run_cli, args):
    run = run_cli(*args)
    assert run.exit_code == 2, run
    assert run.stderr.startswith("wanspec: error: No such option '--bogus'"), run
    assert "--help' for help." in run.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="a working directory cannot be removed on Windows")
@pytest.mark.parametrize("args", [("lint", "{p}"), ("lint", "{p}", "{p}"), ("cassettes", "verify", "{p}")])
def test_a_working_directory_that_was_removed_is_named_as_the_problem(tmp_path, args):
    """Run from a directory deleted under the shell, every command said only "No such file
    or directory", of no file."""
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps(FLASH_TASK))
    gone = tmp_path / "gone"
    gone.mkdir()
    code = "import os, sys; os.rmdir(os.getcwd()); from wanspec.cli.fast import main; sys.argv[0] = 'wanspec'; main()"
    argv = [sys.executable, "-c", code, *(a.format(p=payload) for a in args)]
    proc = subprocess.run(argv, cwd=gone, capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stdout == "", proc
    assert proc.stderr == (
        "wanspec: error: the working directory no longer exists (deleted or moved away); cd into one that does\n"
    ), proc


NOT_ASCII = {  # WS401's message has "×"; its citation "›"
    **FLASH_TASK,
    "width": 1281,
    "height": 720,
}


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
@pytest.mark.parametrize("fmt", ["text", "json", "json-lines", "sarif", "github", "junit", "html"])
def test_a_stdout_that_is_not_utf8_gets_the_report_not_a_crash(tmp_path, encoding, fmt):
    """With ``PYTHONIOENCODING=ascii`` (or a Windows code page on a pipe) the first "×" or
    "›" of a report ended the run in an internal error. The machine formats are UTF-8
    whatever the locale says (JSON, SARIF, JUnit and HTML declare it, the Actions runner
    reads it); text keeps the stream's encoding and escapes what it cannot show."""
    path = tmp_path / "dim.json"
    path.write_text(json.dumps(NOT_ASCII), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    argv = [sys.executable, "-m", "wanspec", "lint", "--format", fmt, "--show-source", str(path)]
    if fmt != "text":
        argv.remove("--show-source")
    proc = subprocess.run(argv, capture_output=True, env=env, check=False)
    assert proc.returncode == 1, proc.stderr.decode(encoding, "replace")
    if fmt == "text":
        out = proc.stdout.decode(encoding)
        assert "WS401" in out and "1281" in out, out
        if encoding == "ascii":  # what the stream cannot show, escaped: "×" and "›"
            assert "\\xd7" in out and "\\u203a" in out, out
    else:
        out = proc.stdout.decode("utf-8")
        assert "×" in out, out
        if fmt in ("json", "sarif"):
            json.loads(out)


def test_a_diff_to_a_stdout_that_is_not_utf8_carries_the_files_bytes(tmp_path):
    """A patch is the files' text, UTF-8: escaping what ASCII cannot show would corrupt it."""
    path = tmp_path / "fix.json"
    task = {**FLASH_TASK, "positivePrompt": "café ×2", "duration": "5"}
    path.write_text(json.dumps(task, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    argv = [sys.executable, "-m", "wanspec", "lint", "--diff", str(path)]
    proc = subprocess.run(argv, capture_output=True, env=env, check=False)
    assert proc.returncode == 1, proc
    assert "café ×2" in proc.stdout.decode("utf-8")


HOSTILE = "\x1b[2J\x1b]0;pwned\x07" + os.fsdecode(b"\xff") + "x"  # clears the screen, retitles the window


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
@pytest.mark.parametrize(
    "args",
    [
        ("lint", f"{HOSTILE}.json"),  # no such file
        ("lint", "--config", f"{HOSTILE}.toml", "."),
        ("lint", "--baseline", f"{HOSTILE}.json", "."),
        ("cassettes", "verify", f"{HOSTILE}.yaml"),
        ("lint", "--format", HOSTILE, "."),  # click's message shows the value as Python's repr
    ],
)
def test_an_error_message_shows_a_name_as_the_report_would(args):
    """A name in an error line went out raw: terminal escape sequences (clear the screen,
    set the window title) reached the terminal, and a byte that was not UTF-8 printed as
    ``\\udcff``. Every error line now shows them as the report shows names."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "wanspec", *args], capture_output=True, env=env, check=False)
    assert proc.returncode == 2, proc
    err = proc.stderr.decode("utf-8")
    assert err.startswith("wanspec: error:") and "\x1b" not in err and "\x07" not in err, err
    if "--format" not in args:
        assert "\\x1b[2J\\x1b]0;pwned\\x07\\xffx" in err and "\\udc" not in err, err


@pytest.mark.parametrize("command", [("lint",), ("cassettes", "verify"), ("cassettes", "audit")])
def test_unknown_rule_selectors_get_a_suggestion_everywhere(run_cli, command, tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))
    shutil.copy(FLASH, tmp_path / "a.yaml")
    target = str(tmp_path / ("a.json" if command == ("lint",) else "a.yaml"))
    run = run_cli(*command, "--select", "WS4O1", target)
    assert run.exit_code == 2, run
    assert run.stderr == (
        "wanspec: error: unknown rule selector 'WS4O1': did you mean 'WS401'? "
        "use a code (WS401), a prefix (WS4) or a name (dimension-pair)\n"
    ), run
    assert run.stdout == ""


def test_an_unknown_rule_to_explain_gets_a_suggestion(run_cli):
    run = run_cli("explain", "dimension-piar")
    assert run.exit_code == 2
    assert run.stderr == "wanspec: error: unknown rule 'dimension-piar'; did you mean 'dimension-pair'?\n"


def test_a_broken_catalogue_is_an_installation_error_not_a_traceback(run_cli, monkeypatch, tmp_path):
    from wanspec.catalog import store

    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))

    def broken() -> None:
        raise store.CatalogError("cannot read bundled schema file rules.json: gone")

    monkeypatch.setattr(store, "catalog", broken)
    run = run_cli("lint", str(tmp_path / "a.json"))
    assert run.exit_code == 2 and run.stderr.startswith("wanspec: installation error: "), run


BUGS = [  # (command line, module, function that raises a bug in that command's work)
    (("lint", "{payload}"), "wanspec.project.run", "lint_paths"),
    (("lint", "--format", "sarif", "-j", "2", "{payload}"), "wanspec.project.run", "lint_paths"),
    (("schemas",), "wanspec.catalog.views", "list_schemas"),
    (("explain", "--list"), "wanspec.catalog.views", "list_rules"),
    (("explain", "WS401"), "wanspec.lint.explain", "explain"),
    (("schemas", "export", "{tmp}/out"), "wanspec.catalog.export", "export_documents"),
    (("cassettes", "verify", "{cassettes}"), "wanspec.contract.checks.verify", "verify_paths"),
    (("cassettes", "audit", "{cassettes}"), "wanspec.contract.checks.audit", "audit_paths"),
    (("cassettes", "coverage", "{cassettes}"), "wanspec.contract.checks.coverage", "coverage_paths"),
    (("drift", "{cassettes}", "{cassettes}"), "wanspec.contract.checks.drift", "drift"),
]


def _bug(*args, **kwargs):
    return {}["missing"]


@pytest.fixture
def places(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(FLASH_TASK))
    (tmp_path / "cassettes").mkdir()
    shutil.copy(FLASH, tmp_path / "cassettes" / FLASH.name)
    return {"payload": str(tmp_path / "a.json"), "cassettes": str(tmp_path / "cassettes"), "tmp": str(tmp_path)}


@pytest.mark.parametrize(("args", "module", "name"), BUGS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_a_bug_exits_2_and_says_it_is_a_bug_in_two_lines_without_a_traceback(
    run_cli, monkeypatch, places, args, module, name
):
    """Exit status 1 means findings: a crash must not look like them (nor like a pass)."""
    import importlib

    monkeypatch.setattr(importlib.import_module(module), name, _bug)
    monkeypatch.delenv("WANSPEC_TRACEBACK")
    run = run_cli(*(a.format(**places) for a in args), crash_ok=True)
    assert run.exit_code == 2, run
    assert run.stdout == "", run
    first, second = run.stderr.splitlines()
    assert first.startswith("wanspec: internal error: KeyError: 'missing' (at wanspec/"), run
    assert second.startswith("wanspec: this is a bug in wanspec ") and "WANSPEC_TRACEBACK=1" in second, run


def test_the_traceback_is_there_when_asked_for(run_cli, monkeypatch, places):
    from wanspec.project import run as project_run

    monkeypatch.setattr(project_run, "lint_paths", _bug)
    monkeypatch.setenv("WANSPEC_TRACEBACK", "1")
    run = run_cli("lint", places["payload"], crash_ok=True)
    assert run.exit_code == 2 and "Traceback (most recent call last)" in run.stderr, run
    assert run.stderr.rstrip().endswith("KeyError: 'missing'"), run


@pytest.mark.parametrize("traceback", ["", "1"])
def test_a_crash_in_a_contract_command_passes_the_redaction_choke_point(run_cli, monkeypatch, places, traceback):
    """The exception's message and the traceback's lines quote the key; neither prints it."""
    import base64

    from wanspec.contract.checks import verify

    key = "rw-live-7Qm2Zp9Xc4Vb8Nn1Lk5Jh3Gf6Ds0Aa"

    def leaky(*args, **kwargs):
        raise ValueError(f"token rejected: {key} (Basic {base64.b64encode(f'u:{key}'.encode()).decode()})")

    monkeypatch.setattr(verify, "verify_paths", leaky)
    monkeypatch.setenv("RUNWARE_API_KEY", key)
    monkeypatch.setenv("WANSPEC_TRACEBACK", traceback)
    run = run_cli("cassettes", "verify", places["cassettes"], crash_ok=True)
    assert run.exit_code == 2 and "wanspec: internal error: ValueError: token rejected: <REDACTED>" in run.stderr, run
    assert ("Traceback" in run.stderr) == bool(traceback), run
    printed = run.stdout + run.stderr
    assert key not in printed and key[:12] not in printed, run
    assert base64.b64encode(f"u:{key}".encode()).decode() not in printed, run


# -- real processes: the console script's two fronts (no click for plain `lint`; click for the rest)

FRONTS = {
    "lint front": [sys.executable, "-m", "wanspec"],
    "click front": [sys.executable, "-c", "from wanspec.cli.main import main; main()"],
}


@pytest.fixture
def batch(tmp_path):
    """A payload with findings, a clean one, and 40,000 JSON Lines with a finding each."""
    (tmp_path / "bad.json").write_text(json.dumps({**FLASH_TASK, "duration": 40}))
    (tmp_path / "good.json").write_text(json.dumps(FLASH_TASK))
    line = json.dumps({**FLASH_TASK, "duration": 40}) + "\n"
    (tmp_path / "big.jsonl").write_text(line * 40_000)
    return tmp_path


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("front", FRONTS)
@pytest.mark.parametrize(
    "args",
    [
        ("lint", "{d}/bad.json"),
        ("lint", "{d}/good.json"),
        ("lint", "--format", "json", "{d}/bad.json"),
        ("lint", "-j", "1", "{d}/big.jsonl"),
        ("lint", "-j", "2", "--format", "sarif", "{d}/big.jsonl"),
        ("--version",),
        ("--help",),
        ("schemas",),
        ("explain", "WS401"),
    ],
    ids=" ".join,
)
def test_no_space_for_the_report_is_an_environment_error_not_an_unreadable_payload(batch, front, args):
    """Before: a traceback and exit 1 ("findings"); the lint blamed the payload (WS012 "cannot read")."""
    env = {k: v for k, v in os.environ.items() if k != "WANSPEC_TRACEBACK"}
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [*FRONTS[front], *(a.format(d=batch) for a in args)], stdout=full, stderr=subprocess.PIPE, env=env
        )
    assert (run.returncode, run.stderr) == (2, b"wanspec: error: No space left on device\n")


def _interrupt(command: list[str]) -> tuple[int, bytes, bytes]:
    """Start ``command``, send SIGINT once its report has begun, and return what it left."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    head = proc.stdout.read(4096)  # the run is under way: tasks are being linted and reported
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, head + out, err


@pytest.mark.parametrize("front", FRONTS)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_and_says_so_once(batch, front, jobs):
    """Before: "Aborted!" and exit 1, which a CI step reads as "findings"."""
    code, out, err = _interrupt([*FRONTS[front], "lint", "-j", jobs, "--no-progress", str(batch / "big.jsonl")])
    assert (code, err) == (130, b"wanspec: interrupted\n"), out[-300:]
    assert b"Found" not in out  # no summary: the run did not finish


def test_a_sink_that_fails_is_the_callers_error_not_an_unreadable_payload(batch):
    """The core hands the sink's own exception back as it was raised, at once.

    Before: the handler for a payload that cannot be read caught it, and the sink's next
    call was a WS012 "cannot read" about a file that was read and linted.
    """
    from wanspec import ProjectSettings, lint_file, lint_paths, lint_project

    def calls():
        yield "lint_file", lambda p, sink: lint_file(p, sink=sink)
        for jobs in (1, 2):
            yield f"lint_paths -j{jobs}", lambda p, sink, jobs=jobs: lint_paths([p], sink=sink, jobs=jobs)
            settings = lambda p, jobs=jobs: ProjectSettings(paths=(p,), jobs=jobs, isolated=True)  # noqa: E731
            yield f"lint_project -j{jobs}", lambda p, sink, s=settings: lint_project(s(p), sink=sink)

    for path in ("bad.json", "big.jsonl"):
        for name, call in calls():
            received = []

            def once_full(d, received=received):  # the disk is full for one write, then freed
                received.append(d)
                if len(received) == 1:
                    raise OSError(errno.ENOSPC, "No space left on device")

            with pytest.raises(OSError) as raised:
                call(str(batch / path), once_full)
            assert raised.value.errno == errno.ENOSPC, name
            assert [d.code for d in received] == ["WS500"], (name, path)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_fix_stopped_midway_leaves_each_file_old_or_new_and_no_temporary(tmp_path, signum):
    """A CI runner's cancel (SIGTERM) or Ctrl-C while --fix rewrites 600 files: every file
    reads as it was or as fixed, whole, and no temporary file is left beside them."""
    originals = {}
    for i in range(600):
        path = tmp_path / f"p{i:03}.json"
        task = {**FLASH_TASK, "taskUUID": f"8f6a3c2e-1b4d-4e5f-9a8b-{i:012d}", "duration": "5"}
        originals[path] = json.dumps(task, indent=2)
        path.write_text(originals[path])
    proc = subprocess.Popen(
        [*FRONTS["lint front"], "lint", "--fix", "-j", "1", "--no-progress", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and all(p.read_text() == t for p, t in originals.items()):
        time.sleep(0.005)  # until the first file is rewritten
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    fixed = 0
    for path, text in originals.items():
        now = path.read_text()
        if now != text:
            assert json.loads(now) == {**json.loads(text), "duration": 5}, path
            fixed += 1
    assert fixed > 0, "nothing was rewritten"
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".json"] == []
    if fixed < len(originals):  # stopped midway (not after the last file)
        expected = (-signal.SIGTERM, b"") if signum == signal.SIGTERM else (130, b"wanspec: interrupted\n")
        assert (proc.returncode, err) == expected
