"""The public Python API: small, typed, documented."""

from __future__ import annotations

import json
import pkgutil
from pathlib import Path

import pytest

import wanspec
from wanspec import Diagnostic, LintOptions, Severity, lint_file, lint_paths, lint_payload

FLASH = {
    "taskType": "videoInference",
    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "Steam curls from a teacup",
    "inputs": {"frameImages": [{"image": "https://example.com/tea.jpg", "frame": "first"}]},
    "width": 1280,
    "height": 720,
    "duration": 6,
}


def test_all_lists_exactly_the_public_names():
    # "@py_builtins": pytest rewrites the asserts of a package that provides a pytest11 plugin
    public = {n for n in dir(wanspec) if not n.startswith(("_", "@"))}
    # submodules and subpackages appear as attributes once imported
    modules = {m.name for m in pkgutil.iter_modules(wanspec.__path__)} | {"annotations"}
    assert public - modules == set(wanspec.__all__) - {"__version__"}
    assert wanspec.__all__ == sorted(wanspec.__all__)


def test_lint_payload_returns_diagnostics_without_positions():
    found = lint_payload({**FLASH, "width": 1281})
    assert [(d.code, d.severity, d.pointer, d.task, d.line) for d in found] == [("WS401", Severity.ERROR, "", 0, None)]
    assert found[0].schema == "runware/alibaba:wan@2.6-flash"


def test_lint_payload_takes_a_list_and_a_forced_schema():
    other = {**FLASH, "model": "alibaba:wan@2.6", "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b"}
    found = lint_payload([FLASH, other], schema="runware/alibaba:wan@2.6-flash")
    assert [(d.task, d.code) for d in found] == [(1, "WS202")]


def test_clean_payload_is_an_empty_list():
    assert lint_payload(FLASH) == []


def test_file_api(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps([FLASH, {**FLASH, "duration": 1, "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b"}]))
    result = lint_file(str(path))
    assert result.summary() == {"files": 1, "tasks": 2, "errors": 1, "warnings": 0}
    assert not result.ok
    assert result.diagnostics[0].line is not None
    assert lint_paths([str(tmp_path)], LintOptions(ignore=("WS500",))).ok


def test_paths_may_be_path_objects_bytes_or_one_path_alone(tmp_path, monkeypatch):
    """What Python code has at hand: ``pathlib.Path``, ``os.fsencode``'d bytes, a single
    path not wrapped in a list. Each is the file it names, with the name as given."""
    bad = tmp_path / "a.json"
    bad.write_text(json.dumps({**FLASH, "duration": 40}))
    monkeypatch.chdir(tmp_path)
    expected = lint_paths(["a.json"]).diagnostics
    assert [d.code for d in expected] == ["WS500"] and expected[0].file == "a.json"
    for given in ([Path("a.json")], [b"a.json"], "a.json", Path("a.json"), (p for p in [Path("a.json")])):
        assert lint_paths(given).diagnostics == expected, given
    assert lint_file(Path("a.json")).diagnostics == lint_file(b"a.json").diagnostics == expected
    for paths in ((Path("a.json"),), ("a.json",)):
        run = wanspec.lint_project(wanspec.ProjectSettings(paths=paths, isolated=True))
        assert run.result.diagnostics == expected
    run = wanspec.lint_project(wanspec.ProjectSettings(paths="a.json", isolated=True))  # type: ignore[arg-type]
    assert run.result.diagnostics == expected


@pytest.mark.parametrize("given", [[3], [None], 3, [["a.json"]]])
def test_something_that_is_not_a_path_is_a_type_error_naming_it(given):
    with pytest.raises(TypeError, match=r"path must be a str, bytes or os\.PathLike"):
        lint_paths(given)


def test_rule_selections_may_be_one_string_or_any_list_of_strings(tmp_path):
    """``select="WS5"`` is one selector (it read as the selectors W, S and 5), a string
    with commas is several, as ``--select`` takes them, and a list is as good as a tuple."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**FLASH, "duration": 40, "width": 1281}))
    both = [d.code for d in lint_paths([path]).diagnostics]
    assert sorted(both) == ["WS401", "WS500"]
    assert LintOptions(select="WS5") == LintOptions(select=("WS5",)) == LintOptions(select=["WS5"])
    assert LintOptions(ignore="WS5, WS4") == LintOptions(ignore=("WS5", "WS4"))
    assert [d.code for d in lint_paths([path], LintOptions(select="WS5")).diagnostics] == ["WS500"]
    assert [d.code for d in lint_paths([path], LintOptions(ignore=["WS5"])).diagnostics] == ["WS401"]
    run = wanspec.lint_project(wanspec.ProjectSettings(paths=(str(path),), select="WS4", isolated=True))
    assert [d.code for d in run.result.diagnostics] == ["WS401"]
    for odd in ([5], (5,), ("WS5", None)):
        with pytest.raises(TypeError, match="rule selector must be a str, not"):
            LintOptions(select=odd)
        with pytest.raises(TypeError, match="rule selector must be a str, not"):
            wanspec.ProjectSettings(ignore=odd)


@pytest.mark.parametrize("jobs", [-1, "2", 1.5, True])
def test_jobs_must_be_a_whole_number_from_zero(tmp_path, jobs):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(FLASH))
    with pytest.raises(wanspec.UsageError, match="jobs must be"):
        lint_paths([path], jobs=jobs)
    with pytest.raises(wanspec.UsageError, match="jobs must be"):
        wanspec.lint_project(wanspec.ProjectSettings(paths=(str(path),), jobs=jobs, isolated=True))


def test_an_unknown_schema_id_is_said_the_same_way_everywhere():
    """``load_schema`` raised a bare ``KeyError('nope')``; every entry point now says what
    ``lint_payload`` says: the id, and the closest one (still a ``KeyError`` too)."""
    with pytest.raises(wanspec.UsageError) as payload:
        lint_payload({}, schema="alibaba:wan@2.6-flash")
    with pytest.raises(KeyError) as loaded:
        wanspec.load_schema("alibaba:wan@2.6-flash")
    assert str(loaded.value) == str(payload.value)
    assert "did you mean 'runware/alibaba:wan@2.6-flash'?" in str(loaded.value)
    assert isinstance(loaded.value, wanspec.UsageError)
    with pytest.raises(wanspec.UsageError, match="`wanspec schemas` lists them"):
        wanspec.load_schema("zzzz")


def test_diagnostic_is_a_frozen_record():
    d = Diagnostic("WS401", Severity.ERROR, "m")
    try:
        d.code = "x"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("Diagnostic must be immutable")
    assert list(d.as_dict()) == [
        "file",
        "task",
        "line",
        "column",
        "pointer",
        "code",
        "severity",
        "message",
        "schema",
        "hint",
        "doc",
        "fixable",
    ]


def test_typed_package():
    from importlib import resources

    assert resources.files("wanspec").joinpath("py.typed").is_file()


class _Recorder(wanspec.LintEvents):
    def __init__(self) -> None:
        self.files: list[str] = []
        self.total = self.done = 0

    def started(self, files: list[str], total_bytes: int) -> None:
        self.total = total_bytes

    def file(self, name: str) -> None:
        self.files.append(name)

    def advanced(self, nbytes: int) -> None:
        self.done += nbytes


@pytest.mark.parametrize("jobs", [1, 2])
def test_lint_events_hear_every_file_in_order_and_every_byte(tmp_path, monkeypatch, jobs):
    from wanspec.lint import parallel

    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    (tmp_path / "a.json").write_text(json.dumps(FLASH))
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps({**FLASH, "duration": i % 20}) for i in range(400)) + "\n")
    (tmp_path / "c.json").write_text(json.dumps([FLASH, FLASH]))
    events = _Recorder()
    result = wanspec.lint_paths([str(tmp_path)], events=events, jobs=jobs)
    assert events.files == [str(tmp_path / n) for n in ("a.json", "b.jsonl", "c.json")]
    size = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert events.total == events.done == size
    assert result.files == 3 and result.errors > 0


def test_render_a_kept_result_in_any_format():
    import io

    from wanspec.reporters import FORMATS, render

    result = wanspec.LintResult(diagnostics=lint_payload({**FLASH, "duration": 40}), files=1, tasks=1, errors=1)
    for fmt in FORMATS:
        out = io.StringIO()
        render(result, fmt, out)
        assert "WS500" in out.getvalue(), fmt
