"""Any input, every command: no traceback, no hang, the documented exit status.

A hostile corpus is generated here at test time (nothing large is committed) and run
through ``lint`` in every format, ``cassettes verify`` and ``audit``, ``drift``,
``record --dry-run``, baseline and config reading, and pytest replay. The in-process CLI
fixture turns any exception into a test failure; every run has a deadline (an interval
timer, so a blocking read of a pipe is interrupted too).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FLASH_TASK, ROOT
from hypothesis import given
from hypothesis import strategies as st

from wanspec.reporters import FORMATS

#: Seconds any one input may take; far above what each takes (well under one).
DEADLINE = 30
TASK = json.dumps(FLASH_TASK)
DEEP = 100_000


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float = DEADLINE) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the body takes longer than ``seconds``."""

    def expired(_signum: int, _frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _with(field: str, literal: str) -> str:
    return TASK[:-1] + f', "{field}": {literal}}}'


#: name → file content; every one is a payload with something wrong (exit status 1)
PAYLOADS: dict[str, bytes] = {
    "int-5000-digits.json": _with("seed", "1" + "0" * 5000).encode(),
    "int-5000-digits.jsonl": (_with("seed", "-" + "9" * 5000) + "\n" + TASK + "\n").encode(),
    "float-1e400.json": _with("duration", "1e400").encode(),
    "float-minus-1e400.jsonl": (_with("duration", "-1e400") + "\n").encode(),
    "nan-in-array.json": f"[{_with('duration', 'NaN')}, {TASK}]".encode(),
    "deep-brackets.json": b"[" * DEEP,
    "deep-objects.jsonl": b'{"a":' * DEEP + b"\n",
    "deep-valid.json": (b"[" * 3000 + b"]" * 3000),
    "array-of-ints.json": json.dumps(list(range(5000))).encode(),
    "array-of-mixed.json": json.dumps([None, True, "x", [], {}, 1.5, [[]]] * 200).encode(),
    "array-of-bad-tasks.json": json.dumps([{**FLASH_TASK, "duration": 40}] * 500, indent=1).encode(),
    "empty.json": b"",
    "spaces.jsonl": b" \n\t\n \n",
    "bom-utf16.json": "\ufeff{}".encode("utf-16"),
    "binary.json": bytes(range(256)) * 8,
    "invalid-utf8.jsonl": b'{"a": "\xff\xfe"}\n' + TASK.encode() + b"\n",
    "truncated.json": TASK[: len(TASK) // 2].encode(),
    "controls-in-strings.json": json.dumps(
        {**FLASH_TASK, "duration": 40, "positivePrompt": "\x1b[31m\nfake.json:1:1: WS000 x"}
    ).encode(),
    "surrogate-key.json": TASK[:-1].encode() + b', "\\udcff\\n": 1, "x": "\\ud800"}',
    "duplicate-keys.json": (TASK[:-1] + ', "duration": 3, "duration": 4}').encode(),
    "top-level-scalar.jsonl": b'42\n"x"\nnull\ntrue\n[]\n',
    "many-findings-one-task.json": json.dumps(
        {**FLASH_TASK, "inputs": {"frameImages": [f"nope{i}" for i in range(3000)]}}
    ).encode(),
    "long-key.json": json.dumps({**FLASH_TASK, "k" * 100_000: 1}).encode(),
}


def _documented(run, expected: set[int]) -> None:  # type: ignore[no-untyped-def]
    assert run.exit_code in expected, run
    assert "Traceback" not in run.stdout + run.stderr, run


def _parses(fmt: str, text: str, prefix: str = "") -> None:
    """The output is well formed: JSON, XML, or one finding a line naming its file."""
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "json-lines":
        for line in text.splitlines():
            json.loads(line)
    elif fmt == "junit":
        import xml.etree.ElementTree as ET

        ET.fromstring(text.encode("utf-8"))
    elif fmt == "text" and prefix:
        for line in text.splitlines()[:-1]:  # one finding a line, each naming the file
            assert line.startswith(prefix), line


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "payloads"
    root.mkdir()
    for name, data in PAYLOADS.items():
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("name", sorted(PAYLOADS))
@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_any_payload_in_any_format(run_cli, corpus, monkeypatch, name, fmt):
    monkeypatch.chdir(corpus.parent)
    with deadline():
        run = run_cli("lint", "--format", fmt, os.path.join("payloads", name))
    _documented(run, {1})
    _parses(fmt, run.stdout, "payloads/")


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_lint_any_payload_on_stdin(run_cli, name):
    with deadline():
        run = run_cli("lint", "--format", "json", "-", input=PAYLOADS[name])
    _documented(run, {1})
    json.loads(run.stdout)


def test_numbers_beyond_any_range_are_findings_where_they_are(run_cli, corpus, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    run = run_cli("lint", "--format", "json", "payloads/float-1e400.json", "payloads/int-5000-digits.jsonl")
    found = [d for d in run.json()["diagnostics"] if d["code"] == "WS016"]
    assert [(d["file"], d["line"], d["column"], d["pointer"]) for d in found] == [
        ("payloads/float-1e400.json", 1, len(TASK[:-1] + ', "duration": ') + 1, "/duration"),
        ("payloads/int-5000-digits.jsonl", 1, len(TASK[:-1] + ', "seed": ') + 1, "/seed"),
    ], run
    # the literal was read as null; no second finding about that null ("got null null")
    assert "got null" not in " ".join(d["message"] for d in run.json()["diagnostics"])


def test_the_whole_corpus_at_once_in_parallel_is_the_serial_output(run_cli, corpus, monkeypatch):
    from wanspec.lint import parallel as _parallel

    monkeypatch.setattr(_parallel, "MIN_BATCH_FILES", 2)
    monkeypatch.setattr(_parallel, "MAX_BATCH_FILES", 2)
    monkeypatch.setattr(_parallel, "MIN_PARALLEL_SECONDS", 0)
    with deadline(2 * DEADLINE):
        serial = run_cli("lint", "--format", "json", "-j", "1", str(corpus))
        parallel = run_cli("lint", "--format", "json", "-j", "2", str(corpus))
    _documented(serial, {1})
    assert parallel.stdout == serial.stdout


# -- what a directory walk may find -------------------------------------------------------
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@needs_fifo
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_pipe_named_json_in_a_directory_is_an_environment_error(run_cli, tmp_path, fmt):
    (tmp_path / "a.json").write_text(TASK)
    os.mkfifo(tmp_path / "b.json")  # nothing will ever write to it
    os.mkfifo(tmp_path / "c.jsonl")
    with deadline():
        run = run_cli("lint", "--format", fmt, str(tmp_path))
    _documented(run, {2})
    if fmt == "json":
        found = [(Path(d["file"]).name, d["code"]) for d in run.json()["diagnostics"]]
        assert found == [("b.json", "WS012"), ("c.jsonl", "WS012")], run
        assert "named pipe" in run.json()["diagnostics"][0]["message"]


@needs_fifo
@pytest.mark.parametrize("name", [".gitignore", ".ignore", "pyproject.toml"])
def test_a_pipe_in_place_of_a_file_wanspec_only_consults_is_passed_over(run_cli, tmp_path, monkeypatch, name):
    """Ignore files and a pyproject.toml are read to decide what to lint, not linted: a pipe
    in their place is passed over (nothing will ever write to it), the run goes on."""
    (tmp_path / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": 40}))
    os.mkfifo(tmp_path / name)
    monkeypatch.chdir(tmp_path)
    with deadline():
        run = run_cli("lint", "--format", "json", ".")
    _documented(run, {1})
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS500"], run


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_spec_file_that_never_ends_is_refused_at_the_cap(run_cli):
    with deadline():
        run = run_cli("schemas", "check", "--spec", "/dev/zero", "--model", "alibaba:wan@2.6")
    _documented(run, {2})
    assert "not read" in run.stderr and "Traceback" not in run.stderr, run


@needs_fifo
def test_a_pipe_found_in_a_directory_is_refused_on_forked_workers_too(run_cli, tmp_path, monkeypatch):
    from wanspec.lint import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_SECONDS", 0)
    monkeypatch.setattr(parallel, "MIN_BATCH_FILES", 1)
    monkeypatch.setattr(parallel, "MAX_BATCH_FILES", 1)
    for i in range(4):
        (tmp_path / f"a{i}.json").write_text(_with("duration", "40"))
    os.mkfifo(tmp_path / "b.json")  # the marker travels with the path to the worker
    with deadline():
        serial = run_cli("lint", "--format", "json", "-j", "1", str(tmp_path))
        forked = run_cli("lint", "--format", "json", "-j", "2", str(tmp_path))
    _documented(forked, {2})
    assert forked.stdout == serial.stdout


@needs_fifo
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_named_file_that_becomes_a_pipe_during_the_run_is_refused_not_waited_on(tmp_path, monkeypatch, jobs):
    """A file named on the command line, regular when the run began, replaced by a pipe
    before it is opened (a probe did it under a running lint): a worker's open blocked for
    ever, and the parent with it. A file the run saw as regular is opened without blocking
    and refused if it is no longer one; a pipe named as one is still read (``<(cmd)``)."""
    from wanspec import lint_paths
    from wanspec.inputs import Found
    from wanspec.lint import parallel
    from wanspec.project.discovery import discover_files

    monkeypatch.setattr(parallel, "MIN_PARALLEL_SECONDS", 0)
    monkeypatch.setattr(parallel, "MIN_BATCH_FILES", 1)
    monkeypatch.setattr(parallel, "MAX_BATCH_FILES", 1)
    names = [tmp_path / f"{n}.json" for n in ("a", "b", "c")]
    for path in names:
        path.write_text(_with("duration", "40"))
    found = discover_files([str(p) for p in names])
    assert all(isinstance(f, Found) for f in found.files)
    names[1].unlink()
    os.mkfifo(names[1])  # nothing will ever write to it
    with deadline():
        result = lint_paths(found.files, jobs=jobs, discovered=True, sizes=found.sizes)
    refused = [d for d in result.diagnostics if d.code == "WS012"]
    assert [d.file for d in refused] == [str(names[1])] and "named pipe" in refused[0].message, result


@needs_fifo
def test_a_chunk_of_a_file_that_became_a_pipe_is_refused_by_its_worker(tmp_path):
    from wanspec.inputs import Found
    from wanspec.lint import parallel
    from wanspec.lint.run import LintOptions

    path = tmp_path / "big.jsonl"
    os.mkfifo(path)
    with deadline():
        unit = parallel._lint_chunk(parallel.Chunk(Found(str(path)), 0, 4096), LintOptions())
    [d] = parallel._unpacked(unit.diagnostics)
    assert d.code == "WS012" and "named pipe" in d.message, d


@needs_fifo
@pytest.mark.parametrize("mode", ["--fix", "--diff"])
def test_fix_skips_pipes_and_devices(run_cli, tmp_path, mode):
    (tmp_path / "a.json").write_text(json.dumps({**FLASH_TASK, "duration": 5.0}))
    os.mkfifo(tmp_path / "b.json")
    with deadline():
        run = run_cli("lint", mode, "--format", "json", str(tmp_path), "/dev/zero")
    _documented(run, {2} if mode == "--fix" else {0})  # --diff only shows what --fix would change
    codes = {(Path(d["file"]).name, d["code"]) for d in run.json()["diagnostics"]} if mode == "--fix" else set()
    assert mode == "--diff" or {("b.json", "WS012"), ("zero", "WS007")} <= codes, run


def test_an_unreadable_directory_is_an_environment_error_naming_it(run_cli, tmp_path, monkeypatch):
    (tmp_path / "ok.json").write_text(TASK)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "bad.json").write_text(_with("duration", "40"))
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]  # root reads everything: refuse like chmod 000 would
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = run_cli("lint", "--format", "json", str(tmp_path))
    _documented(run, {2})
    [d] = run.json()["diagnostics"]
    assert d["code"] == "WS012" and d["file"] == str(locked) and "Permission denied" in d["message"], run
    assert "All checks passed" not in run_cli("lint", str(tmp_path)).stdout


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads everything")
def test_a_directory_without_read_permission(run_cli, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "bad.json").write_text(_with("duration", "40"))
    locked.chmod(0)
    try:
        run = run_cli("lint", str(tmp_path))
    finally:
        locked.chmod(stat.S_IRWXU)
    _documented(run, {2})
    assert str(locked) in run.stdout


def test_a_device_named_on_the_command_line_stops_at_the_cap(run_cli, monkeypatch):
    import wanspec.lint.source as source

    monkeypatch.setattr(source, "MAX_JSON_BYTES", 1 << 20)
    with deadline():
        run = run_cli("lint", "--format", "json", "/dev/zero")
    _documented(run, {1})
    assert [d["code"] for d in run.json()["diagnostics"]] == ["WS007"]


@pytest.mark.parametrize("name", ["payload.json", "payload.jsonl"])
def test_a_named_pipe_named_on_the_command_line_is_read_once_to_its_end(run_cli, tmp_path, name):
    """``wanspec lint <(generate)``: a pipe the user names is read, capped, not refused. Its
    finding is one ``--fix`` repairs in a file, but asking whether it is fixable must not
    open the pipe again (that open would wait for a writer forever); --fix skips pipes."""
    import threading

    fifo = tmp_path / name
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as w:
            w.write(json.dumps({**FLASH_TASK, "duration": "5"}) + "\n")

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with deadline():
        run = run_cli("lint", "--format", "json", str(fifo))
    writer.join(5)
    _documented(run, {1})
    [d] = run.json()["diagnostics"]
    assert d["pointer"] == "/duration" and d["fixable"] is False
    assert run.json()["summary"]["tasks"] == 1


def test_short_reads_and_a_file_that_grows_while_read_lose_nothing(run_cli, write, monkeypatch):
    """A regular file is read with one fstat and one read; a read that returns less (a
    signal, a network file system) or a file longer than its fstat said must still be
    read whole, never linted half-read."""
    path = str(write("task.json", json.dumps({**FLASH_TASK, "duration": 40})))
    real_read, real_fstat = os.read, os.fstat

    def dribble(fd: int, n: int) -> bytes:
        return real_read(fd, min(n, 7))  # seven bytes at a time

    def stale(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return st
        fields = list(st)
        fields[stat.ST_SIZE] = max(0, st.st_size - 40)  # it grew by 40 bytes since the stat
        return os.stat_result(fields)

    whole = run_cli("lint", "--format", "json", path)
    assert [d["pointer"] for d in whole.json()["diagnostics"]] == ["/duration"]
    for patch in ((os, "read", dribble), (os, "fstat", stale)):
        with monkeypatch.context() as m:
            m.setattr(*patch)
            run = run_cli("lint", "--format", "json", path)
        _documented(run, {1})
        assert run.stdout == whole.stdout, patch[1]


def test_stdin_from_dev_zero_stops_at_the_cap():
    # the real console script, the real 64 MiB cap, the real /dev/zero
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            [sys.executable, "-m", "wanspec", "lint", "--format", "json", "-"],
            stdin=zero,
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    [d] = json.loads(done.stdout)["diagnostics"]
    assert d["code"] == "WS007" and "over 64 MiB" in d["message"]


# -- names no stream can print -------------------------------------------------------------
@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
@pytest.mark.parametrize("fmt", FORMATS)
def test_any_file_name_in_any_format(run_cli, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)
    os.mkdir(b"d")
    for raw in (b"d/x\nforged.json:9:9: WS999 forged.json", b"d/\xff\xfe.json", b"d/\x1b[2Jclear.json"):
        with open(raw, "wb") as f:
            f.write(json.dumps({**FLASH_TASK, "duration": 40}).encode())
    run = run_cli("lint", "--format", fmt, "d")
    _documented(run, {1})
    _parses(fmt, run.stdout, "d/")
    assert "WS999" not in "".join(line.split(":", 1)[0] for line in run.stdout.splitlines())
    if fmt == "text":
        lines = run.stdout.splitlines()
        assert len(lines) == 3 + 1  # one finding a file, one line each, and the summary
        assert all(line.startswith("d/") for line in lines[:-1]), lines
        assert any(line.startswith("d/\\xff\\xfe.json:") for line in lines)
        assert not any("\x1b" in line for line in lines)
    if fmt == "sarif":
        uris = {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(run.stdout)["runs"][0]["results"]
        }
        assert "d/%FF%FE.json" in uris and "d/x%0Aforged.json%3A9%3A9%3A%20WS999%20forged.json" in uris


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
@pytest.mark.parametrize("mode", [("--fix", "--show-fixes"), ("--diff",), ("-v",), ("--force-exclude",)])
@pytest.mark.parametrize("more", [0, 2], ids=["a-note-each", "one-note-for-all"])
def test_any_file_name_in_what_is_said_beside_the_report(run_cli, tmp_path, monkeypatch, mode, more):
    """The fixes listed, the diff's headers, the notes and the skipped files name files
    too: they printed names raw (a newline in one forged a line, a byte that was not UTF-8
    came out as "\\udcff" or "?"). They now show names as the report does, in a note of
    their own or named in the one note that sums up more than three."""
    monkeypatch.chdir(tmp_path)
    os.makedirs(b"d/.hidden")
    fixable = json.dumps({**FLASH_TASK, "duration": "5"}).encode()
    names = (b"d/x\nforged.json:9:9: WS999 forged.json", b"d/\xff\xfe.json", b"d/\x1b[2Jclear.json")
    for raw in names:
        with open(raw, "wb") as f:
            f.write(fixable)
        with open(raw.replace(b"d/", b"d/not-a-payload-"), "wb") as f:
            f.write(b'{"name": "app"}')
        with open(raw.replace(b"d/", b"d/.hidden/"), "wb") as f:  # named: a note says why it is linted
            f.write(fixable)
    hidden = [os.fsdecode(raw.replace(b"d/", b"d/.hidden/")) for raw in names]
    for i in range(more):  # plain names after the odd ones: the odd ones are those the summing note names
        hidden.append(f"d/.hidden/plain-{i}.json")
        with open(hidden[-1], "wb") as f:
            f.write(fixable)
    run = run_cli("lint", *mode, "d", *hidden)
    said = run.stdout + run.stderr
    for line in said.splitlines():
        assert not line.startswith("forged.json") and "WS999 forged.json:" not in line.split(" ")[0], line
    assert "\x1b" not in said and "\\udc" not in said and "\ufffd" not in said, said
    assert not any(0xDC80 <= ord(c) <= 0xDCFF for c in said), said
    if mode == ("--diff",):  # as git writes such names in a diff's headers: quoted, bytes in octal
        assert '--- "a/d/\\377\\376.json"' in said and '+++ "b/d/x\\nforged.json:9:9: WS999 forged.json"' in said
    else:
        assert "\\xff\\xfe.json" in said and "x\\nforged.json" in said, said
    if mode != ("--diff",):  # the diff alone goes out, without notes (as ruff's --diff)
        assert ("5 named files" in run.stderr) == bool(more), run.stderr


# -- cassettes ---------------------------------------------------------------------------
def _interaction(uri: str = "https://api.runware.ai/v1", code: str = "200", body: str = "'[]'") -> str:
    return (
        f"- request:\n    body: '[]'\n    headers: {{}}\n    method: POST\n    uri: {uri}\n"
        f"  response:\n    body:\n      string: {body}\n    headers: {{}}\n    status:\n      code: {code}\n"
    )


META = "metadata:\n  wanspec:\n    provider: runware\n    scenario: hostile\n"


def _laughs(levels: int = 9) -> str:
    out = ["metadata:", "  wanspec:", "    provider: runware", "  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    out += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(out) + f"\n  bomb: *a{levels}\ninteractions:\n" + _interaction() + "version: 1\n"


#: name → cassette text; each must be a finding (WS800) or pass, never a traceback or hang
CASSETTES: dict[str, str] = {
    "billion-laughs.yaml": _laughs(),
    "alias-in-body.yaml": "x: &b '"
    + "[" * 50
    + "'\n"
    + META
    + "interactions:\n"
    + _interaction(body="*b")
    + "version: 1\n",
    "self-reference.yaml": META + "interactions: &i\n- *i\nversion: 1\n",
    "self-reference-map.yaml": META
    + "interactions:\n- &m {request: *m, response: {status: {code: 200}}}\nversion: 1\n",
    "many-aliases.yaml": "v: &v 1\nl: [" + ", ".join(["*v"] * 500) + "]\n" + META + "interactions: []\nversion: 1\n",
    "merge-keys.yaml": "b: &b {x: 1}\nc: &c {<<: *b}\n" + META + "interactions:\n" + _interaction() + "version: 1\n",
    "body-100000-brackets.yaml": META + "interactions:\n" + _interaction(body="'" + "[" * DEEP + "'") + "version: 1\n",
    "request-body-brackets.yaml": META
    + "interactions:\n"
    + _interaction().replace("body: '[]'", "body: '" + "[" * DEEP + "'", 1)
    + "version: 1\n",
    "uri-bad-ipv6.yaml": META + "interactions:\n" + _interaction(uri="'http://[::1'") + "version: 1\n",
    "uri-bad-port.yaml": META + "interactions:\n" + _interaction(uri="'http://host:99999999/x'") + "version: 1\n",
    "code-5000-digits.yaml": META + "interactions:\n" + _interaction(code="1" * 5000) + "version: 1\n",
    "code-1e400.yaml": META + "interactions:\n" + _interaction(code="1e400") + "version: 1\n",
    "code-bool.yaml": META + "interactions:\n" + _interaction(code="true") + "version: 1\n",
    "code-99.yaml": META + "interactions:\n" + _interaction(code="99") + "version: 1\n",
    "python-object.yaml": "interactions: !!python/object/apply:os.system ['echo pwned']\nversion: 1\n",
    "python-name.yaml": "interactions: !!python/name:os.system\nversion: 1\n",
    "timestamp-year-99999.yaml": META + "when: !!timestamp 99999-01-01\ninteractions: []\nversion: 1\n",
    "bad-binary.yaml": META + "blob: !!binary '%%%'\ninteractions: []\nversion: 1\n",
    "deep-flow.yaml": "x: " + "[" * DEEP + "\n",
    "deep-block.yaml": "".join("  " * i + "- \n" for i in range(2000)) + "x\n",
    "deep-valid-flow.yaml": META + "x: " + "[" * 500 + "]" * 500 + "\ninteractions: []\nversion: 1\n",
    "not-a-mapping.yaml": "- 1\n- 2\n",
    "interactions-not-a-list.yaml": META + "interactions: 5\nversion: 1\n",
    "no-response.yaml": META + "interactions:\n- request: {uri: 'https://api.runware.ai/v1'}\nversion: 1\n",
    "empty.yaml": "",
    "tabs.yaml": "\tinteractions:\n\t- x\n",
    "binary.yaml": "\x00\x01\x02",
    "huge-string.yaml": META + "x: '" + "y" * 2_000_000 + "'\ninteractions: []\nversion: 1\n",
    "json-body-1e400.yaml": META + "interactions:\n" + _interaction(body="'{\"cost\": 1e400}'") + "version: 1\n",
}
CASSETTE_BYTES = {"invalid-utf8.yaml": b"interactions: ['\xff\xfe']\n"}


@pytest.fixture(scope="module")
def cassettes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cassettes") / "hostile"
    (root / "runware").mkdir(parents=True)
    for name, text in CASSETTES.items():
        (root / "runware" / name).write_text(text, encoding="utf-8")
    for name, data in CASSETTE_BYTES.items():
        (root / "runware" / name).write_bytes(data)
    # and one good scenario among them, so record has something to plan
    good = ROOT / "cassettes" / "runware" / "wan2.6-unsupported-duration.yaml"
    (root / "runware" / good.name).write_bytes(good.read_bytes())
    return root


ALL_CASSETTES = sorted([*CASSETTES, *CASSETTE_BYTES])


@pytest.mark.parametrize("name", ALL_CASSETTES)
def test_verify_any_cassette(run_cli, cassettes, name):
    with deadline():
        run = run_cli("cassettes", "verify", "--format", "json", str(cassettes / "runware" / name))
    _documented(run, {0, 1})
    assert run.json()["summary"]["files"] == 1


def test_hostile_yaml_is_refused_with_its_line(run_cli, cassettes):
    run = run_cli("cassettes", "verify", "--format", "json", str(cassettes / "runware"))
    by_file = {Path(d["file"]).name: d for d in run.json()["diagnostics"] if d["code"] == "WS800"}
    assert "expand" in by_file["billion-laughs.yaml"]["message"]
    assert "refers to itself" in by_file["self-reference.yaml"]["message"]
    assert "more than 100 aliases" in by_file["many-aliases.yaml"]["message"]
    assert "python/object" in by_file["python-object.yaml"]["message"]
    assert "not a URL" in by_file["uri-bad-ipv6.yaml"]["message"] and by_file["uri-bad-ipv6.yaml"]["line"] == 6
    assert (
        by_file["code-5000-digits.yaml"]["line"] == 16
        and "cannot be read" in by_file["code-5000-digits.yaml"]["message"]
    )
    assert "status code" in by_file["code-99.yaml"]["message"]
    assert "cannot be read" in by_file["timestamp-year-99999.yaml"]["message"]
    assert "nested" in by_file["deep-flow.yaml"]["message"] or "depth" in by_file["deep-flow.yaml"]["message"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_verify_the_corpus_in_every_format(run_cli, cassettes, fmt):
    with deadline(2 * DEADLINE):
        run = run_cli("cassettes", "verify", "--format", fmt, str(cassettes))
    _documented(run, {1})
    _parses(fmt, run.stdout, str(cassettes))


def test_audit_drift_and_record_planning_take_the_corpus(run_cli, cassettes, tmp_path):
    with deadline(4 * DEADLINE):
        audit = run_cli("cassettes", "audit", "--format", "json", str(cassettes))
        drift = run_cli("drift", "--format", "json", str(cassettes), str(cassettes))
        plan = run_cli(
            "record", "--provider", "runware", "--from", str(cassettes), "--out", str(tmp_path / "out"),
            "--dry-run", "--max-cost", "1000",
        )  # fmt: skip
    _documented(audit, {0})
    _documented(drift, {1})
    _documented(plan, {0})
    assert len(audit.json()["diagnostics"]) == 0
    assert {Path(d["file"]).name for d in drift.json()["diagnostics"] if d["code"] == "WS800"} >= {
        "billion-laughs.yaml",
        "self-reference.yaml",
        "code-5000-digits.yaml",
    }
    assert "billion-laughs.yaml" in plan.stdout and "unreadable" in plan.stdout
    assert not (tmp_path / "out").exists()


@needs_fifo
def test_pipes_and_devices_among_cassettes(run_cli, tmp_path):
    (tmp_path / "runware").mkdir()
    os.mkfifo(tmp_path / "runware" / "pipe.yaml")
    (tmp_path / "runware" / "ok.yaml").write_text(META + "interactions:\n" + _interaction() + "version: 1\n")
    new = tmp_path / "new"
    new.mkdir()
    os.mkfifo(new / "pipe.yaml")
    with deadline(2 * DEADLINE):
        verify = run_cli("cassettes", "verify", "--format", "json", str(tmp_path / "runware"))
        audit = run_cli("cassettes", "audit", "--format", "json", str(tmp_path / "runware"))
        drift = run_cli("drift", "--format", "json", str(tmp_path / "runware"), str(new))
        zero = run_cli("cassettes", "verify", "--format", "json", "/dev/zero")
        plan = run_cli(
            "record", "--provider", "runware", "--from", str(tmp_path / "runware"), "--out", str(tmp_path / "o"),
            "--dry-run",
        )  # fmt: skip
    for run in (verify, audit, drift):
        _documented(run, {2})
        assert any(d["code"] == "WS809" and "named pipe" in d["message"] for d in run.json()["diagnostics"]), run
    _documented(zero, {1})
    assert "not read" in zero.json()["diagnostics"][0]["message"]
    _documented(plan, {0, 2})
    assert "pipe.yaml" in plan.stdout


@pytest.mark.parametrize(
    "name", ["billion-laughs.yaml", "self-reference.yaml", "python-object.yaml", "code-5000-digits.yaml"]
)
def test_pytest_replay_fails_cleanly_on_a_hostile_cassette(pytester, name):
    (pytester.path / "cassettes" / "runware").mkdir(parents=True)
    (pytester.path / "cassettes" / "runware" / "test_replay.yaml").write_text(CASSETTES[name])
    pytester.makepyfile(
        test_user="""
def test_replay(runware_client):
    raise AssertionError("the cassette was accepted")
"""
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--wanspec-cassette-dir", "cassettes", timeout=DEADLINE * 4
    )
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert "wanspec: cannot read cassette" in out and "Traceback" not in out and "INTERNALERROR" not in out, out


pytest_plugins = ["pytester"]


# -- baselines and configs ---------------------------------------------------------------
BASELINES = {
    "count-1e400": '{"version": 1, "entries": [{"file": "p.json", "pointer": "", "code": "WS500", "count": 1e400}]}',
    "count-5000-digits": '{"version": 1, "entries": [{"file": "p.json", "pointer": "", "code": "WS500", "count": '
    + "9" * 5000
    + "}]}",
    "count-true": '{"version": 1, "entries": [{"file": "p.json", "pointer": "", "code": "WS500", "count": true}]}',
    "count-negative": '{"version": 1, "entries": [{"file": "p.json", "pointer": "", "code": "WS500", "count": -1}]}',
    "deep": "[" * DEEP,
    "deep-entries": '{"version": 1, "entries": ' + "[" * DEEP + "}",
    "nan": '{"version": NaN, "entries": []}',
    "not-utf8": '{"version": 1, "entries": ["\udcff"]}',
    "entries-of-ints": '{"version": 1, "entries": [1, 2, 3]}',
    "file-not-a-string": '{"version": 1, "entries": [{"file": [], "pointer": "", "code": "WS500"}]}',
    "empty": "",
    "binary": "\x00\x01",
}


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_any_baseline_is_a_usage_error_with_a_reason(run_cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(_with("duration", "40"))
    Path("b.json").write_bytes(BASELINES[name].encode("utf-8", "surrogateescape"))
    with deadline():
        run = run_cli("lint", "--baseline", "b.json", "p.json")
    _documented(run, {2})
    assert "b.json" in run.stderr and "wanspec: error:" in run.stderr, run


CONFIGS = {
    "deep-array": "select = " + "[" * DEEP,
    "deep-inline-table": "x = " + "{a = " * 5000,
    "int-5000-digits": "[[suppress]]\nfile = 'p.json'\ncode = 'WS500'\nreason = 'r'\ntask = " + "1" * 5000,
    "inf-task": "[[suppress]]\nfile = 'p.json'\ncode = 'WS500'\nreason = 'r'\ntask = inf",
    "nul": "select = ['WS5']\x00",
    "depth-300": "select = " + "[" * 300 + "]" * 300,
    "date-as-file": "[[suppress]]\nfile = 1979-05-27T07:32:00Z\ncode = 'WS500'\nreason = 'r'",
    "not-utf8": "select = ['\udcff']",
    "wrong-types": "select = 5\nignore = {a = 1}\nschemas = [1]",
    "many-suppressions": "".join(
        f"[[suppress]]\nfile = 'p{i}.json'\ncode = 'WSX'\nreason = 'r'\n" for i in range(3000)
    ),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_any_config_is_a_usage_error_with_a_reason(run_cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(TASK)
    Path("wanspec.toml").write_bytes(CONFIGS[name].encode("utf-8", "surrogateescape"))
    with deadline():
        run = run_cli("lint", "p.json")
    _documented(run, {2})
    assert "wanspec.toml" in run.stderr, run


@pytest.mark.parametrize("limit", [0, 4300, 10_000])
@pytest.mark.parametrize("name", ["seed.json", "seed.jsonl", "batch.json"])
def test_an_integer_of_5000_digits_is_reported_whatever_the_interpreters_digit_limit(monkeypatch, limit, name):
    """The parser lets the C scanner convert integers only under Python's default digit
    limit (4,300), where a longer literal raises and is read again through the hook that
    reports it; a process that set another limit gets the hooked read from the start.
    An array's validating pass does the same: such an array is read whole."""
    from wanspec.lint.run import lint_bytes

    monkeypatch.setattr(sys, "get_int_max_str_digits", lambda: limit)
    text = _with("seed", "9" * 5000)
    if name == "batch.json":
        text = f"[{TASK},\n{text}]"
    result = lint_bytes(name, (text + "\n").encode())
    expected = ("/seed", 2 if name == "batch.json" else 1)
    assert [(d.pointer, d.line) for d in result.diagnostics if d.code == _code("number-out-of-range")] == [expected]


def _code(rule_name: str) -> str:
    from wanspec.catalog.store import rule_codes_by_name

    return rule_codes_by_name()[rule_name]


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1}',
        '{"a": 1}\n',
        ' \t{"a": 1}',  # white space first: the scanner alone would not start there
        '{"a": 1} \r\n ',
        '{"a": 1} x',  # extra data
        '{"a": 1}{"b": 2}',
        '{"a": }',
        "",
        "   ",
        '{"a": 1, "a": 2}',  # a duplicate key: the flags say so, whichever read found it
        '{"a": NaN}',
        '{"a": 1e400}',
        '{"a": ' + "7" * 5000 + "}",  # past the digit limit: read again through the hook
        '{"a": ' + "7" * 5000 + ", }",  # past the limit, then a syntax error
        "[" * 50 + "]" * 50,
    ],
)
def test_the_parser_reads_and_rejects_each_text_as_the_decoder_does(text):
    import json

    from wanspec.lint import source

    def outcome(read):
        source._FLAGS.duplicate = source._FLAGS.non_finite = False
        try:
            value = read(text)
        except json.JSONDecodeError as exc:
            return ("error", exc.msg, exc.pos)
        except ValueError as exc:
            return ("error", type(exc).__name__)
        return ("value", json.dumps(value), source._FLAGS.duplicate, source._FLAGS.non_finite)

    assert outcome(source._decode_json) == outcome(source._DECODER.decode)


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@given(
    items=st.lists(_JSON_VALUES, min_size=1, max_size=6),
    indent=st.sampled_from([None, 0, 2]),
    ascii=st.booleans(),
)
def test_a_clean_arrays_items_are_built_as_the_hooked_decoder_builds_them(items, indent, ascii):
    """Once the validating pass finds an array clean (no duplicate key, NaN, infinity or
    integer past the digit limit), its items are built by the C scanner without hooks,
    serially and in a worker's slice: the same values, types included (1 and 1.0 differ)."""
    from wanspec.lint import source
    from wanspec.lint.positions import Window

    text = json.dumps(items, indent=indent, ensure_ascii=ascii)
    array = source.checked_array(text.encode())
    assert array is not None
    hooked = [source._DECODER.decode(json.dumps(item)) for item in items]

    def typed(value):  # json.dumps tells 1 from 1.0 and keeps key order
        return json.dumps(value)

    serial = [t.value if isinstance(t, source.Task) else None for t in source.array_tasks(array)]
    end = source.SliceEnd()
    whole = source.ArrayText(array.text, [], array.items[0])
    sliced = {t.index: t.value for t in source.slice_tasks(whole, Window(0, len(text), 0, 0), len(text), end)}
    assert end.clean and end.count == len(items)
    for i, value in enumerate(hooked):
        if isinstance(value, dict):
            assert typed(serial[i]) == typed(value) == typed(sliced[i])
