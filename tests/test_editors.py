"""``wanspec schemas export`` for editors: stable $ids, an index, payload schemas, VS Code settings.

The exported files are read back from disk and used the way an editor or another
validator would: python-jsonschema, a registry keyed by the published $ids, no network.
"""

from __future__ import annotations

import json
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
