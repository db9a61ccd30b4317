"""``wanspec schemas export`` for editors: stable $ids, an index, payload schemas, VS Code settings.

The exported files are read back from disk and used the way an editor or another
validator would: python-jsonschema, a registry keyed by the published $ids, no network.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from conftest import GOLDEN
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from wanspec import list_schemas

BASE = "https://wanspec.dev/schemas/"
PROVIDER_OF = {e.id: e.provider for e in list_schemas()}


def _golden_valid() -> list[tuple[str, Path]]:
    out = []
    for folder in sorted(GOLDEN.iterdir()):
        if (folder / "_schema.txt").exists():
            schema_id = (folder / "_schema.txt").read_text().strip()
            out += [(schema_id, p) for p in sorted((folder / "valid").glob("*.json")) if ".expected" not in p.name]
    return out


GOLDEN_VALID = _golden_valid()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from wanspec.cli.main import cli

    out = tmp_path_factory.mktemp("export") / "schemas"
    result = CliRunner().invoke(cli, ["schemas", "export", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _load(path: Path) -> dict:
    doc: dict = json.loads(path.read_text(encoding="utf-8"))
    return doc


def test_ids_are_the_published_urls_of_the_files(exported):
    for path in exported.rglob("*.json"):
        rel = path.relative_to(exported).as_posix()
        if rel != "index.json":
            assert _load(path)["$id"] == BASE + rel
            Draft202012Validator.check_schema(_load(path))


def test_export_is_byte_identical_across_runs_and_directories(run_cli, exported, tmp_path):
    assert run_cli("schemas", "export", str(tmp_path / "again")).exit_code == 0
    first = {p.relative_to(exported).as_posix(): p.read_bytes() for p in exported.rglob("*.json")}
    again = {p.relative_to(tmp_path / "again").as_posix(): p.read_bytes() for p in (tmp_path / "again").rglob("*.json")}
    assert first == again


def test_index_lists_every_file_with_its_id(exported):
    index = _load(exported / "index.json")
    listed = {s["path"] for s in index["schemas"]} | {p["path"] for p in index["payloads"]}
    on_disk = {p.relative_to(exported).as_posix() for p in exported.rglob("*.json")} - {"index.json"}
    assert listed == on_disk
    assert {s["id"] for s in index["schemas"]} == set(PROVIDER_OF)
    for entry in index["schemas"] + index["payloads"]:
        assert _load(exported / entry["path"])["$id"] == entry["$id"]


@pytest.fixture(scope="module")
def registry(exported) -> Registry:
    """The exported files, found by their $id only (as a validator with a schema store would)."""
    resources = [Resource.from_contents(_load(p)) for p in exported.rglob("*.json") if p.name != "index.json"]
    return Registry().with_resources((r.id(), r) for r in resources)


@pytest.mark.parametrize(("schema_id", "path"), GOLDEN_VALID, ids=[f"{s}:{p.name}" for s, p in GOLDEN_VALID])
def test_payload_schema_accepts_golden_valid_and_rejects_it_broken(exported, registry, schema_id, path):
    task = _load(path)
    payload_id = f"{BASE}{PROVIDER_OF[schema_id]}/payload.json"
    payload = Draft202012Validator({"$ref": payload_id}, registry=registry)
    model_id = next(s["$id"] for s in _load(exported / "index.json")["schemas"] if s["id"] == schema_id)
    model = Draft202012Validator({"$ref": model_id}, registry=registry)
    assert model.is_valid(task), [e.message for e in model.iter_errors(task)]
    assert payload.is_valid(task) and payload.is_valid([task, task])
    broken = {**task, "notARealParameter": 1}
    assert not model.is_valid(broken)
    assert not payload.is_valid(broken) and not payload.is_valid([task, broken])


def test_payload_schema_dispatches_on_model(exported):
    runware = Draft202012Validator(_load(exported / "runware" / "payload.json"))
    flash = {"taskType": "videoInference", "model": "alibaba:wan@2.6-flash", "duration": 40}
    qwen = {**flash, "model": "runware:qwen-image@2.0"}
    assert not runware.is_valid(flash)
    flash_errors = {e.message for e in runware.iter_errors(flash)}
    assert flash_errors != {e.message for e in runware.iter_errors(qwen)}  # each model its own rules
    assert runware.is_valid([{"taskType": "authentication", "apiKey": "k"}])  # not a model task: not checked


def test_vscode_settings_point_at_files_that_exist(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = run_cli("schemas", "export", "schemas", "--vscode")
    assert run.exit_code == 0 and run.stderr == ""
    settings = json.loads(run.stdout)  # stdout is the snippet alone
    entries = settings["json.schemas"]
    assert {e["url"] for e in entries} == {f"./schemas/{p}/payload.json" for p in set(PROVIDER_OF.values())}
    for entry in entries:
        assert (tmp_path / entry["url"]).is_file()
        assert entry["fileMatch"] and all(isinstance(g, str) for g in entry["fileMatch"])


def test_vscode_settings_outside_the_workspace_use_file_urls(run_cli, tmp_path, monkeypatch):
    (tmp_path / "workspace").mkdir()
    monkeypatch.chdir(tmp_path / "workspace")
    run = run_cli("schemas", "export", str(tmp_path / "elsewhere"), "--vscode")
    for entry in json.loads(run.stdout)["json.schemas"]:
        assert entry["url"].startswith("file:///") and entry["url"].endswith("/payload.json")


# -- the real VS Code JSON language service on the exported schemas ------------------------------
# Editors without `wanspec server` validate with the exported schemas. The VS Code JSON
# language service (npm vscode-json-languageservice, the code inside VS Code) is run over
# payloads next to `wanspec lint`; where the two must differ is documented in docs/editors.md,
# whose table this test checks row by row.

VJLS = Path(__file__).resolve().parent / "data" / "vjls"
GOLDEN_IMAGE = GOLDEN / "runware-alibaba-wan-2.6-image" / "invalid"


def _flash(**changes: object) -> dict:
    from conftest import FLASH_TASK

    task = {**FLASH_TASK, **changes}
    return {k: v for k, v in task.items() if v is not None}


def _png(width: int, height: int) -> str:
    """A data URI whose PNG header says ``width``×``height`` (what wanspec reads of inline media)."""
    import base64
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk).decode()


def _text(task: object) -> str:
    return json.dumps(task, indent=2, ensure_ascii=False) + "\n"


#: (case, payload text). Each row of docs/editors.md's agreement table names one case.
AGREEMENT_CASES: list[tuple[str, str]] = [
    ("clean Wan2.6 Flash task", _text(_flash())),
    ("size not in the model's list (1920×1920)", _text(_flash(resolution=None, width=1920, height=1920))),
    ("misspelt key", _text(_flash(durtion=5))),
    ("unknown model id", _text({"model": "alibaba:wan@2.6-flsh", "duration": 99, "bogus": True})),
    ("no model", _text({"taskType": "videoInference", "duration": 5})),
    ("`settings` on Wan2.6 (belongs to Qwen)", _text(_flash(settings={"promptExtend": True}))),
    ("taskUUID not a UUID v4", _text(_flash(taskUUID="6ba7b834-9dad-11d1-80b4-00c04fd430c8"))),
    ("duration above the workflow's maximum", _text(_flash(duration=16))),
    ("number sent as a string", _text(_flash(duration="5"))),
    (
        "frame images with reference images",
        _text(_flash(inputs={"frameImages": ["https://e.com/a.jpg"], "referenceImages": ["https://e.com/b.jpg"]})),
    ),
    ("prompt of 1,500 emoji (characters, not bytes)", _text(_flash(positivePrompt="🦊" * 1500))),
    ("authentication task in an array", _text([{"taskType": "authentication", "apiKey": "k"}, _flash()])),
    ("duplicate key", _text(_flash()).replace('"duration": 5', '"duration": 5,\n  "duration": 10')),
    ("string width in a bad size", _text(_flash(resolution=None, width="1920", height=1920))),
    ("image pixel area above the maximum", (GOLDEN_IMAGE / "area-above-max.json").read_text(encoding="utf-8")),
    ("image aspect ratio too wide", (GOLDEN_IMAGE / "aspect-ratio-too-wide.json").read_text(encoding="utf-8")),
    (
        "shotType without promptExtend (a warning)",
        _text(_flash(providerSettings={"alibaba": {"shotType": "multi", "promptExtend": False}})),
    ),
    ("number as a string above the maximum", _text(_flash(duration="16"))),
    ("inline frame image of 100×100 px", _text(_flash(inputs={"frameImages": [_png(100, 100)]}))),
]


@pytest.fixture(scope="session")
def vscode_json(tmp_path_factory):
    """Run the pinned vscode-json-languageservice (installed with npm into a temporary directory)."""
    import shutil
    import subprocess

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        reason = "node and npm are needed to run the VS Code JSON language service"
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    where = tmp_path_factory.mktemp("vjls")
    for name in ("package.json", "harness.js"):
        shutil.copy(VJLS / name, where / name)
    install = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if install.returncode != 0:
        reason = f"npm install vscode-json-languageservice failed (offline?): {install.stderr.strip()[:300]}"
        print(f"SKIP: {reason}")
        pytest.skip(reason)

    def run(schemas: dict[str, dict], cases: list[dict]) -> dict:
        done = subprocess.run(
            [node, str(where / "harness.js")],
            input=json.dumps({"schemas": schemas, "cases": cases}),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


_SEVERITY = {1: "error", 2: "warning"}


def _wanspec(text: str) -> list:
    from wanspec.lint.run import lint_bytes

    return lint_bytes("case.json", text.encode("utf-8")).diagnostics


def _agreement(exported: Path, vscode_json) -> list[dict]:
    schema = _load(exported / "runware" / "payload.json")
    cases = [{"name": f"c{i}", "schema": schema["$id"], "text": text} for i, (_, text) in enumerate(AGREEMENT_CASES)]
    editor = vscode_json({schema["$id"]: schema}, cases)
    rows = []
    for i, (name, text) in enumerate(AGREEMENT_CASES):
        found = _wanspec(text)
        seen = editor[f"c{i}"]["diagnostics"]
        rows.append(
            {
                "case": name,
                "wanspec": [(d.code, d.severity.value, d.line) for d in found],
                "editor": [(d["message"], _SEVERITY.get(d["severity"], "info"), d["line"] + 1) for d in seen],
            }
        )
    return rows


#: Why the editor cannot do what wanspec does, for rows where they differ (docs/editors.md says the same).
LIMITS = {
    "string width in a bad size": "wanspec re-checks a numeric string as the number; a schema cannot convert",
    "number as a string above the maximum": "wanspec re-checks a numeric string as the number; a schema cannot convert",
    "image pixel area above the maximum": "a product of two fields (`x-area`) has no JSON Schema form",
    "image aspect ratio too wide": "a ratio of two fields (`x-aspectRatio`) has no JSON Schema form",
    "inline frame image of 100×100 px": "a schema cannot decode base64 and read an image header (`x-media`)",
    "shotType without promptExtend (a warning)": "JSON Schema has no warnings: warning rules are not exported",
    "duplicate key": "the JSON parser, not the schema, reports duplicates; VS Code makes them warnings on both keys",
    "size not in the model's list (1920×1920)": "same verdict; the editor marks the width to change, wanspec the task",
    "frame images with reference images": "same verdicts; a rule about the whole task is marked on its first line",
}


def _verdict(row: dict) -> str:
    w_err = [line for _, sev, line in row["wanspec"] if sev == "error"]
    e_err = [line for _, sev, line in row["editor"] if sev == "error"]
    if not row["wanspec"] and not row["editor"]:
        return "agree (clean)"
    if len(w_err) == len(e_err) and len(row["wanspec"]) == len(w_err):
        return "agree" if sorted(w_err) == sorted(e_err) else "agree (other line)"
    if not row["editor"]:
        return "limit: editor silent"
    if not e_err:
        return "partly: editor warns"
    return f"limit: editor finds {len(e_err)} of {len(w_err)}"


def agreement_table(rows: list[dict]) -> str:
    """The markdown table docs/editors.md shows between its agreement-table markers."""
    out = [
        "| payload | `wanspec lint` | VS Code JSON language service | verdict | why they differ |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        codes = ", ".join(f"{c}:{line}" + ("" if sev == "error" else f" ({sev})") for c, sev, line in row["wanspec"])
        seen = "; ".join(
            f"{line}: {message[:60] + ('…' if len(message) > 60 else '')}" + ("" if sev == "error" else f" ({sev})")
            for message, sev, line in row["editor"]
        )
        out.append(
            f"| {row['case']} | {codes or 'clean'} | {seen.replace('|', '/') or 'clean'} | {_verdict(row)} | "
            f"{LIMITS.get(row['case'], '')} |"
        )
    return "\n".join(out) + "\n"


DOCS = Path(__file__).resolve().parent.parent / "docs" / "editors.md"
BEGIN, END = "<!-- agreement-table: begin (tests/test_editors.py) -->\n", "<!-- agreement-table: end -->"


def test_editor_and_linter_agree_where_docs_say_and_the_docs_table_is_measured(exported, vscode_json):
    rows = _agreement(exported, vscode_json)
    table = agreement_table(rows)
    documented = DOCS.read_text(encoding="utf-8")
    assert BEGIN in documented, "docs/editors.md lost its agreement table markers"
    shown = documented.split(BEGIN, 1)[1].split(END, 1)[0]
    assert shown == table, "docs/editors.md's agreement table is not what the editor and wanspec do:\n" + table
    verdicts = {row["case"]: _verdict(row) for row in rows}
    # every difference is explained, and everything not explained agrees exactly
    for case, verdict in verdicts.items():
        assert verdict.startswith("agree") or case in LIMITS, (case, verdict)
    # the complaints: an unknown or missing model is an error; one finding for a string width
    assert verdicts["unknown model id"] == verdicts["no model"] == "agree"
    assert verdicts["number sent as a string"] == "agree"


def test_editor_completion_leaves_out_keys_the_model_rejects(exported, vscode_json):
    from conftest import FLASH_TASK

    schema = _load(exported / "runware" / "payload.json")
    qwen = {"taskType": "imageInference", "model": "runware:qwen-image@2.0", "positivePrompt": "x", "k": 1}
    cases = []
    for name, task in (("flash", FLASH_TASK), ("qwen", qwen)):
        text = _text({**task, "k": 1})
        cases.append({"name": name, "schema": schema["$id"], "text": text, "completions": [text.index('"k"') + 1]})
    got = vscode_json({schema["$id"]: schema}, cases)
    flash = set(next(iter(got["flash"]["completions"].values())))
    qwen_keys = set(next(iter(got["qwen"]["completions"].values())))
    assert {"providerSettings", "seed", "outputFormat"} <= flash and "settings" not in flash
    assert "settings" in qwen_keys and "providerSettings" not in qwen_keys


def test_exported_schemas_carry_markdown_docs_and_readable_messages(exported):
    flash = _load(exported / "runware" / "alibaba-wan-2.6-flash.json")
    duration = flash["properties"]["duration"]
    assert duration["markdownDescription"].startswith("**Source:** runware-wan2.6-flash.txt")
    assert "(https://runware.ai/docs/models/alibaba-wan2-6-flash.md)" in duration["markdownDescription"]
    uuid = flash["properties"]["taskUUID"]
    assert uuid["patternErrorMessage"].startswith("taskUUID must be a UUID v4")
    assert flash["properties"]["settings"]["doNotSuggest"] is True
    assert not [k for k in _keys(flash) if k.startswith("x-")]  # no wanspec annotation left


def _keys(node: object) -> list[str]:
    if isinstance(node, dict):
        return [*node, *(k for v in node.values() for k in _keys(v))]
    if isinstance(node, list):
        return [k for v in node for k in _keys(v)]
    return []


def test_export_into_an_empty_directory_name_is_refused(run_cli, tmp_path, monkeypatch):
    """``wanspec schemas export "$OUT"`` with OUT unset wrote every schema into the working
    directory; an empty name is now a usage error and nothing is written."""
    monkeypatch.chdir(tmp_path)
    run = run_cli("schemas", "export", "")
    assert run.exit_code == 2 and "an empty directory name" in run.stderr, run
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes")
def test_export_names_its_files_as_the_report_names_files(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = run_cli("schemas", "export", os.fsdecode(b"out\xff\nx"))
    assert run.exit_code == 0, run
    lines = run.stdout.splitlines()
    assert lines and all(" -> out\\xff\\nx/" in line for line in lines), lines
