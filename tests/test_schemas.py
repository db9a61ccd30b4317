"""The bundled schemas: valid draft 2020-12, disciplined tagging, shipped in the wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from wanspec import list_schemas, load_schema
from wanspec.catalog import store
from wanspec.catalog.store import schemas_root

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "schemas").rglob("*.json"))
IDS = [e.id for e in list_schemas()]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(ROOT / "schemas").as_posix())
def test_schema_files_are_valid_2020_12(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    if path.name == "rules.json":
        return
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(doc)


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            if not k.startswith("x-") and k not in ("const", "enum", "default"):
                yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


@pytest.mark.parametrize("schema_id", IDS)
def test_cross_field_rules_carry_a_code_and_a_message(schema_id):
    """A failing `not` or `anyOf` says nothing useful by itself: each one must be tagged."""
    schema = load_schema(schema_id)
    tagged = {path for path, node in _walk(schema) if "x-rule" in node}
    for path, node in _walk(schema):
        if not ({"not", "anyOf", "oneOf"} & set(node)):
            continue
        in_condition = "if" in path or "not" in path  # evaluated for a verdict, never reported
        in_rule = any(path[:i] in tagged for i in range(len(path) + 1))
        assert in_condition or in_rule, (schema_id, "/".join(map(str, path)))


@pytest.mark.parametrize("schema_id", IDS)
def test_every_property_cites_the_docs(schema_id):
    schema = load_schema(schema_id)
    for name, prop in schema["properties"].items():
        assert "x-doc" in prop or "$ref" in prop, (schema_id, name)


@pytest.mark.parametrize("schema_id", IDS)
def test_standard_export_is_plain_2020_12(schema_id):
    exported = load_schema(schema_id, standard=True)
    Draft202012Validator.check_schema(exported)
    assert "x-" not in "".join(k for _, n in _walk(exported) for k in n if isinstance(k, str) and k.startswith("x-"))


def test_export_command_writes_every_schema_atomically(run_cli, tmp_path):
    run = run_cli("schemas", "export", str(tmp_path / "out"))
    assert run.exit_code == 0, run
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.json"))
    extras = ["index.json", *sorted(f"{p}/payload.json" for p in {e.provider for e in list_schemas()})]
    assert written == sorted([e.path for e in list_schemas()] + extras)
    assert not list((tmp_path / "out").rglob("*.tmp"))
    flash = json.loads((tmp_path / "out" / "runware" / "alibaba-wan-2.6-flash.json").read_text())
    assert flash["$id"].endswith("/runware/alibaba-wan-2.6-flash.json")


def test_exported_schema_agrees_with_wanspec_on_errors_it_can_express(tmp_path):
    """check-jsonschema/Ajv users get the same verdict for pairs, ranges, workflows."""
    from wanspec import lint_payload

    schema = load_schema("runware/alibaba:wan@2.6", standard=True)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    base = {
        "taskType": "videoInference",
        "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b",
        "model": "alibaba:wan@2.6",
        "positivePrompt": "A lighthouse",
        "width": 1920,
        "height": 1080,
        "duration": 10,
    }
    cases = [
        base,
        {**base, "height": 1920},
        {**base, "duration": 7},
        {**base, "resolution": "720p"},
        {**base, "inputs": {"referenceVideos": ["https://e.com/v.mp4"]}, "duration": 8},
        {**base, "inputs": {"frameImages": ["https://e.com/a.jpg"], "referenceImages": ["https://e.com/b.jpg"]}},
    ]
    for case in cases:
        errors = [d for d in lint_payload(case) if d.severity.value == "error"]
        assert validator.is_valid(case) == (not errors), (case, [str(e) for e in errors])


@pytest.mark.slow
def test_wheel_ships_every_schema(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("wanspec-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in FILES:
        assert "wanspec/schemas/" + path.relative_to(ROOT / "schemas").as_posix() in names
    assert "wanspec/py.typed" in names
    # the prebuilt schemas (hatch_build.py) are exactly what the sources give
    from wanspec.lint import prebuilt

    with zipfile.ZipFile(wheel) as z:
        shipped = {
            n.removeprefix("wanspec/schemas/_prebuilt/"): (
                z.read(n).decode("utf-8") if n.endswith(".py") else json.loads(z.read(n))  # checkers: module text
            )
            for n in names
            if n.startswith("wanspec/schemas/_prebuilt/")
        }
    assert shipped == prebuilt.documents()
    assert sum(name.startswith("checkers/") for name in shipped) == len(store.catalog().entries)
    # the compiled JSON reader, for this interpreter, where a compiler is found; never its sources
    compiled = [n for n in names if n.startswith("wanspec/lint/_fastjson")]
    assert not [n for n in compiled if n.endswith((".c", ".h"))]
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(cc) and not os.environ.get("WANSPEC_PURE_PYTHON"):
        assert compiled == [f"wanspec/lint/_fastjson{sysconfig.get_config_var('EXT_SUFFIX')}"]
        assert "-none-any" not in wheel.name  # tagged for this interpreter and platform


def _build_wheel(out: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [{"WANSPEC_PURE_PYTHON": "1"}, {"CC": "/nonexistent/cc"}],
    ids=["switched-off", "no-compiler"],
)
def test_a_wheel_built_without_the_compiled_reader_is_pure_python(tmp_path, env):
    """``WANSPEC_PURE_PYTHON=1`` at build time, or a machine whose C compiler is missing: a
    wheel for any platform, which lints the same (tests/test_fastjson.py compares reports),
    and the build says why."""
    built = _build_wheel(tmp_path, **env)
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("wanspec-*.whl"))
    assert wheel.name.endswith("-py3-none-any.whl")
    assert not [n for n in zipfile.ZipFile(wheel).namelist() if "_fastjson" in n]
    assert "wanspec: " in built.stderr + built.stdout and "compiled JSON reader" in built.stderr + built.stdout


@pytest.mark.slow
def test_a_release_build_without_a_compiler_fails(tmp_path):
    """``WANSPEC_REQUIRE_EXTENSIONS=1``: a build that cannot compile the reader fails,
    saying why, and writes no wheel."""
    built = _build_wheel(tmp_path, CC="/nonexistent/cc", WANSPEC_REQUIRE_EXTENSIONS="1")
    assert built.returncode != 0
    assert "WANSPEC_REQUIRE_EXTENSIONS is set" in built.stderr + built.stdout
    assert not list(tmp_path.glob("*.whl"))


def test_schemas_are_read_through_importlib_resources():
    root = schemas_root()
    assert root.joinpath("rules.json").is_file()


def test_fast_path_reads_what_importlib_resources_reads():
    fast = schemas_root()
    via = schemas_root(via_resources=True)
    if not via.is_dir():  # a source checkout: the wheel test covers the packaged layout
        pytest.skip("package data is not installed (editable or source checkout)")

    def listing(root, prefix=()):
        """Every file under ``root`` (the prebuilt schemas sit one level deeper), with its text."""
        out = []
        for node in root.iterdir():
            if node.name == "__pycache__":  # the byte code pip compiles the checkers to
                continue
            if node.is_dir():
                out += listing(node, (*prefix, node.name))
            elif prefix:
                out.append(((*prefix, node.name), node.read_text(encoding="utf-8")))
        return sorted(out)

    assert listing(fast) == listing(via)
    assert fast.joinpath("rules.json").read_text(encoding="utf-8") == via.joinpath("rules.json").read_text(
        encoding="utf-8"
    )
