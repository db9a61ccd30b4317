"""Project configuration: discovery, every key, the CLI's precedence, and clear mistakes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FLASH_TASK, ROOT
from hypothesis import given
from hypothesis import strategies as st

from wanspec.lint import parallel
from wanspec.project.config import find_config, load_config
from wanspec.project.globs import GlobSet, translate

BAD = {**FLASH_TASK, "duration": "5", "outputQuality": 10}  # WS112 numeric string, WS114 range
WAVESPEED_ID = "wavespeed/alibaba/wan-2.6/image-to-video-flash"
# A WaveSpeedAI body too incomplete to be recognised by its shape: only a config can name its schema.
WAVESPEED_BODY = {"duration": 5, "resolution": "720p"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project directory (the working directory) with a writer for its files."""
    monkeypatch.chdir(tmp_path)

    def put(name: str, content: object) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    return put


def codes(run) -> list[str]:
    return [d["code"] for d in run.json()["diagnostics"]]


# -- discovery -----------------------------------------------------------------------------
def test_no_config_changes_nothing(run_cli, project):
    project("p/bad.json", BAD)
    assert codes(run_cli("lint", "--format", "json", "p")) == ["WS112", "WS114"]


def test_pyproject_table_is_found_walking_up_from_the_working_directory(run_cli, project, monkeypatch, tmp_path):
    project("pyproject.toml", '[project]\nname = "x"\n\n[tool.wanspec]\nignore = ["WS114"]\n')
    project("deep/er/bad.json", BAD)
    monkeypatch.chdir(tmp_path / "deep" / "er")
    assert codes(run_cli("lint", "--format", "json", "bad.json")) == ["WS112"]


def test_a_pyproject_without_wanspec_is_passed_over(project, tmp_path):
    project("wanspec.toml", 'ignore = ["WS114"]\n')
    project("sub/pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(str(tmp_path / "sub")) == str(tmp_path / "wanspec.toml")


@pytest.mark.parametrize(
    "text",
    [
        '[project]\nname = "wanspec-user"\ndependencies = ["wanspec>=0.1"]\n',
        "[tool.wanspec-other]\nx = 1\n# configure [tool.wanspec] later\n",
    ],
)
def test_a_pyproject_that_only_mentions_wanspec_is_passed_over_without_parsing(project, tmp_path, text):
    project("sub/pyproject.toml", text)
    assert find_config(str(tmp_path / "sub")) is None


@pytest.mark.parametrize(
    "text",
    [
        '[tool.wanspec]\nignore = ["WS114"]\n',
        '[tool.wanspec.severity]\nWS114 = "off"\n',
        "[tool]\nwanspec = {ignore = []}\n",
    ],
)
def test_every_spelling_of_the_table_is_found(project, tmp_path, text):
    project("pyproject.toml", text)
    assert find_config(str(tmp_path)) == str(tmp_path / "pyproject.toml")


def test_wanspec_toml_wins_over_pyproject_in_the_same_directory(project, tmp_path):
    project("pyproject.toml", '[tool.wanspec]\nignore = ["WS1"]\n')
    project("wanspec.toml", 'ignore = ["WS4"]\n')
    assert find_config(str(tmp_path)) == str(tmp_path / "wanspec.toml")


def test_the_nearest_config_wins_without_merging(run_cli, project, monkeypatch, tmp_path):
    project("wanspec.toml", 'ignore = ["WS112"]\n')
    project("inner/wanspec.toml", 'ignore = ["WS114"]\n')
    project("inner/bad.json", BAD)
    monkeypatch.chdir(tmp_path / "inner")
    assert codes(run_cli("lint", "--format", "json", "bad.json")) == ["WS112"]


def test_config_option_names_a_file_and_isolated_ignores_them_all(run_cli, project):
    project("wanspec.toml", 'ignore = ["WS112"]\n')
    project("other.toml", 'ignore = ["WS114"]\n')
    project("bad.json", BAD)
    assert codes(run_cli("lint", "--format", "json", "bad.json")) == ["WS114"]
    assert codes(run_cli("lint", "--format", "json", "--config", "other.toml", "bad.json")) == ["WS112"]
    assert codes(run_cli("lint", "--format", "json", "--isolated", "bad.json")) == ["WS112", "WS114"]
    assert codes(run_cli("lint", "--format", "json", "--no-config", "bad.json")) == ["WS112", "WS114"]


# -- keys ----------------------------------------------------------------------------------
def test_include_and_exclude_apply_to_walked_and_named_files(run_cli, project):
    project("wanspec.toml", 'include = ["payloads/**"]\nexclude = ["**/drafts", "*.jsonl"]\n')
    project("payloads/a.json", BAD)
    project("payloads/drafts/b.json", BAD)
    project("payloads/c.jsonl", json.dumps(BAD) + "\n")
    project("package.json", {"name": "not a payload"})
    run = run_cli("lint", "--format", "json", ".")
    assert sorted({d["file"] for d in run.json()["diagnostics"]}) == ["payloads/a.json"]
    # pre-commit names files (with --force-exclude): an excluded one is skipped and said to be,
    # and a run with nothing left linted passes without claiming anything passed
    run = run_cli("lint", "--force-exclude", "package.json", "payloads/drafts/b.json")
    assert run.exit_code == 0, run
    assert run.stdout == "No files linted.\n"
    assert "payloads/drafts/b.json not linted: excluded by wanspec.toml" in run.stderr
    # named without it, an excluded file is linted, with a note
    run = run_cli("lint", "payloads/drafts/b.json")
    assert run.exit_code == 1 and "payloads/drafts/b.json is excluded by wanspec.toml" in run.stderr, run


def test_schemas_table_gives_a_schema_per_glob_and_the_command_line_beats_it(run_cli, project):
    project("wanspec.toml", f'[schemas]\n"wavespeed/**" = "{WAVESPEED_ID}"\n"**" = "toapis/wan2.6-flash"\n')
    project("wavespeed/body.json", WAVESPEED_BODY)
    project("elsewhere/body.json", {"prompt": "x", "duration": 7})
    run = run_cli("lint", "--format", "json", ".")
    found = [(d["file"], d["schema"], d["code"]) for d in run.json()["diagnostics"]]
    assert ("elsewhere/body.json", "toapis/wan2.6-flash", "WS110") in found  # the first matching glob wins
    assert [f for f in found if f[0] == "wavespeed/body.json"] == [
        ("wavespeed/body.json", WAVESPEED_ID, "WS110"),  # image
        ("wavespeed/body.json", WAVESPEED_ID, "WS110"),  # prompt
    ]
    assert codes(run_cli("lint", "--format", "json", "--isolated", "wavespeed/body.json")) == ["WS013"]
    forced = run_cli("lint", "--format", "json", "--schema", "toapis/wan2.6-flash", "wavespeed/body.json")
    assert {d["schema"] for d in forced.json()["diagnostics"]} == {"toapis/wan2.6-flash"}


@pytest.mark.parametrize(
    ("config", "cli", "expected"),
    [
        ('select = ["WS4"]', (), []),
        ('select = ["WS4"]', ("--select", "WS1"), ["WS112", "WS114"]),  # --select replaces select
        ('select = ["WS4"]\nextend-select = ["WS114"]', (), ["WS114"]),
        ('select = ["WS4"]', ("--extend-select", "numeric-string"), ["WS112"]),
        ('ignore = ["WS112"]', (), ["WS114"]),
        ('ignore = ["WS112"]', ("--ignore", "WS114"), []),  # --ignore adds to ignore
        ('ignore = ["numeric-string"]', ("--select", "WS1"), ["WS114"]),
    ],
)
def test_select_and_ignore_precedence(run_cli, project, config, cli, expected):
    project("wanspec.toml", config + "\n")
    project("bad.json", BAD)
    assert codes(run_cli("lint", "--format", "json", *cli, "bad.json")) == expected


def test_severity_overrides_change_the_exit_status(run_cli, project):
    project("wanspec.toml", '[severity]\nWS112 = "warning"\nout-of-range = "off"\n')
    project("bad.json", BAD)
    run = run_cli("lint", "--format", "json", "bad.json")
    assert run.exit_code == 0, run
    assert [(d["code"], d["severity"]) for d in run.json()["diagnostics"]] == [("WS112", "warning")]
    assert run.json()["summary"]["errors"] == 0


def test_severity_can_raise_a_warning_to_an_error(run_cli, project):
    warn = {**FLASH_TASK, "providerSettings": {"alibaba": {"promptExtend": False, "shotType": "multi"}}}
    project("w.json", warn)
    assert run_cli("lint", "w.json").exit_code == 0
    project("wanspec.toml", '[severity]\nshot-type-without-prompt-extend = "error"\n')
    run = run_cli("lint", "w.json")
    assert run.exit_code == 1 and "WS701 " in run.stdout, run


def test_per_file_ignores(run_cli, project):
    project("wanspec.toml", '[per-file-ignores]\n"legacy/*.json" = ["WS112", "WS4"]\n')
    project("legacy/old.json", BAD)
    project("new/bad.json", BAD)
    run = run_cli("lint", "--format", "json", ".")
    assert [(d["file"], d["code"]) for d in run.json()["diagnostics"]] == [
        ("legacy/old.json", "WS114"),
        ("new/bad.json", "WS112"),
        ("new/bad.json", "WS114"),
    ]


def test_config_applies_on_forked_workers_too(run_cli, project, monkeypatch):
    # small chunks, so this file really is split across processes
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    project("wanspec.toml", '[per-file-ignores]\n"*.jsonl" = ["WS114"]\n[severity]\nWS112 = "warning"\n')
    line = json.dumps(BAD)
    path = project("big.jsonl", "\n".join([line] * 40) + "\n")
    assert parallel.plan([str(path)]) is not None
    serial = run_cli("lint", "--format", "json", "-j", "1", "big.jsonl")
    assert set(codes(serial)) == {"WS112"} and serial.exit_code == 0
    assert run_cli("lint", "--format", "json", "-j", "2", "big.jsonl").stdout == serial.stdout


# -- mistakes --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('selct = ["WS1"]', "selct: unknown key 'selct'; did you mean 'select'?"),
        ('exclude = "drafts"', 'exclude: must be an array of strings, not the string "drafts"'),
        ("include = [1]", "include[0]: must be a string, not the number 1"),
        ('ignore = ["WS98"]', "ignore[0]: unknown rule selector 'WS98'"),
        ('select = ["dimension-pear"]', "did you mean 'dimension-pair'?"),
        (
            '[severity]\nWS401 = "fatal"',
            'severity.WS401: must be one of "error", "warning", "info", "off", not the string "fatal"',
        ),
        ('select = ["ws5"]', "select[0]: unknown rule selector 'ws5'; did you mean 'WS5'?"),
        ('[severity]\nnumeric-strin = "off"', "unknown rule 'numeric-strin'; did you mean 'numeric-string'?"),
        (
            f'[schemas]\n"w/**" = "{WAVESPEED_ID[:-2]}"',
            f"schemas.\"w/**\": unknown schema '{WAVESPEED_ID[:-2]}'; did you mean '{WAVESPEED_ID}'?",
        ),
        ('[[suppress]]\nfile = "a.json"\ncode = "WS500"', 'suppress[0]: "reason" is a required property'),
        ('[[suppress]]\nfile = "a.json"\ncode = "WS500"\nreason = "x"\npointr = "/a"', "did you mean 'pointer'?"),
        ("select = [", "not valid TOML"),
    ],
)
def test_config_mistakes_name_file_and_key_and_exit_2(run_cli, project, text, message):
    path = project("wanspec.toml", text + "\n")
    project("ok.json", FLASH_TASK)
    run = run_cli("lint", "ok.json")
    assert run.exit_code == 2, run
    assert run.stdout == ""
    assert str(path) in run.stderr and message in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_pyproject_mistakes_name_the_table(run_cli, project):
    project("pyproject.toml", '[tool.wanspec]\nignor = ["WS1"]\n')
    project("ok.json", FLASH_TASK)
    run = run_cli("lint", "ok.json")
    assert run.exit_code == 2 and "[tool.wanspec].ignor: unknown key 'ignor'; did you mean 'ignore'?" in run.stderr


def test_a_missing_config_file_and_contradictory_options_are_usage_errors(run_cli, project):
    project("ok.json", FLASH_TASK)
    assert "config file nope.toml does not exist" in run_cli("lint", "--config", "nope.toml", "ok.json").stderr
    run = run_cli("lint", "--config", "x.toml", "--isolated", "ok.json")
    assert run.exit_code == 2 and "contradict" in run.stderr


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (".", "config file . is a directory, not a config file (a wanspec.toml or pyproject.toml)"),
        ("/dev/null", "config file /dev/null is a character device, not a config file"),
    ],
)
def test_a_config_that_is_not_a_file_says_what_it_is(run_cli, project, given, says):
    """It said "does not exist" of a directory or a device, which do."""
    project("ok.json", FLASH_TASK)
    run = run_cli("lint", "--config", given, "ok.json")
    assert run.exit_code == 2 and says in run.stderr, run


def test_a_rule_selector_in_lower_case_is_pointed_to_its_upper_case(run_cli, project):
    project("ok.json", FLASH_TASK)
    run = run_cli("lint", "--select", "ws5", "ok.json")
    assert run.exit_code == 2 and "unknown rule selector 'ws5': did you mean 'WS5'?" in run.stderr, run


# -- the README's example --------------------------------------------------------------------
def test_the_readme_configuration_example_loads(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    example = re.search(r"```toml\n(.*?)```", section, re.S)
    assert example, "the README's Configuration section has a ```toml example"
    (tmp_path / "pyproject.toml").write_text(example.group(1), encoding="utf-8")
    config = load_config(str(tmp_path / "pyproject.toml"))
    assert config.policy is not None and config.policy.schemas and config.suppressions


# -- globs -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("*.json", "a.json", True),
        ("*.json", "deep/down/a.json", True),  # no slash: any depth, as in .gitignore
        ("payloads/*.json", "payloads/a.json", True),
        ("payloads/*.json", "payloads/x/a.json", False),  # * stays within a segment
        ("payloads/*.json", "other/payloads/a.json", False),  # a slash anchors the pattern
        ("payloads/**/*.json", "payloads/a.json", True),  # ** is zero or more directories
        ("payloads/**/*.json", "payloads/x/y/a.json", True),
        ("**/drafts", "a/b/drafts/c.json", True),  # a directory matches everything below it
        ("vendor", "vendor/x/y.json", True),
        ("build/", "build/a.json", True),
        ("a?.json", "ab.json", True),
        ("a?.json", "a/.json", False),
        ("[!x]*.json", "x1.json", False),
        ("[!x]*.json", "y1.json", True),
        ("a[!x]b.json", "a/b.json", False),  # a negated class never matches "/", as in git
    ],
)
def test_glob_semantics(tmp_path, pattern, path, matches):
    assert GlobSet.of(str(tmp_path), [pattern]).match(str(tmp_path / path)) is matches


def _plain_translate(pattern: str) -> str:
    """The globs' first translation, each wildcard a plain greedy repetition: right, but
    it backtracks without bound on hostile input. The oracle for the guarded one."""
    pat = pattern.strip().replace("\\", "/")
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[" and "]" in pat[i + 1 :]:
            end = pat.index("]", i + 1)
            body = pat[i + 1 : end]
            out.append(f"[^{body[1:]}/]" if body.startswith("!") else f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(pat[i]))
            i += 1
    body = "".join(out)
    return body if anchored else f"(?:[^/]+/)*{body}"


_GLOB_PIECES = st.sampled_from(["a", "b", "ab", "*", "**", "**/", "/", "?", "a*", "*b", "[ab]", "[!a]", "[a/]"])
_PATH_SEGMENTS = st.lists(st.text(alphabet="ab", min_size=1, max_size=6), min_size=1, max_size=5)


@given(pieces=st.lists(_GLOB_PIECES, min_size=1, max_size=8), segments=_PATH_SEGMENTS)
def test_guarded_globs_match_exactly_what_plain_ones_match(pieces, segments):
    pattern = "".join(pieces)
    path = "/".join(segments)
    guarded = re.fullmatch(f"(?:{translate(pattern)})(?:/.*)?", path) is not None
    plain = re.fullmatch(f"(?:{_plain_translate(pattern)})(?:/.*)?", path) is not None
    assert guarded is plain, (pattern, path, translate(pattern))


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        ("*a" * 25 + "b", "a" * 60 + ".json"),  # O(n^25) backtracking with plain stars
        ("**/a/" * 12 + "b.json", "a/" * 80 + "c.json"),  # and with ** over a deep path
    ],
)
def test_a_hostile_ignore_pattern_cannot_hang_the_walk(tmp_path, run_cli, monkeypatch, pattern, name):
    """One line of ``.gitignore`` (or of a config's exclude) with many wildcards, and a
    file whose name almost matches it: matching it never ended (30 s and counting)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(FLASH_TASK))
    (tmp_path / ".gitignore").write_text(pattern + "\n")
    (tmp_path / ".git").mkdir()
    from test_any_input import deadline

    with deadline():
        run = run_cli("lint", ".")
    assert run.exit_code == 0, run  # not ignored: the name ends otherwise


def test_a_config_that_is_not_utf8_is_a_usage_error(run_cli, project, tmp_path):
    (tmp_path / "wanspec.toml").write_bytes(b'select = ["\xff"]\n')
    project("ok.json", FLASH_TASK)
    run = run_cli("lint", "ok.json")
    assert run.exit_code == 2 and "cannot read config file" in run.stderr and "Traceback" not in run.stderr
