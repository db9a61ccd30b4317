"""What ``wanspec schemas export`` writes for editors and other validators.

* One standard schema per model at ``<provider>/<file>.json``, whose ``$id`` is the one
  in the bundled schema (``https://wanspec.dev/schemas/<provider>/<file>.json``): the
  same on every run and every machine, so other schemas and tools can refer to it.
* One ``<provider>/payload.json`` per provider for whole payload files: a task or an
  array of tasks (the Runware wire format), each checked by the schema of its ``model``
  (or, for providers whose bodies name no model, by that provider's schemas). It is
  self-contained (the model schemas are embedded under ``$defs``), so an editor needs
  no network and no ``$ref`` resolution across files.
* ``index.json``: every file written, with its ``$id`` and what it is for.
* On request, the ``json.schemas`` settings for VS Code that associate payload files
  with the provider schemas (docs/editors.md).

Pure functions returning documents; the CLI writes them.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import CatalogError
from . import store
from .views import list_schemas, load_schema

DRAFT = "https://json-schema.org/draft/2020-12/schema"
INDEX = "index.json"
PAYLOAD = "payload.json"


def _base(entry: store.SchemaEntry) -> str:
    """``https://wanspec.dev/schemas/`` from an entry whose ``$id`` ends with its path."""
    schema_id = str(entry.raw.get("$id", ""))
    if not schema_id.endswith("/" + entry.path):
        raise CatalogError(f"{entry.path}: $id {schema_id!r} does not end with the file's path")
    return schema_id[: -len(entry.path)]


def _slug(entry: store.SchemaEntry) -> str:
    return os.path.splitext(os.path.basename(entry.path))[0]


def payload_schema(
    provider: str, entries: list[store.SchemaEntry], standard: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """A self-contained schema for a payload file of ``provider``: a task or a list of tasks."""
    defs: dict[str, Any] = {}
    branches: list[dict[str, Any]] = []
    unmodelled: list[dict[str, Any]] = []
    for entry in entries:
        body = {k: v for k, v in standard[entry.id].items() if k not in ("$id", "$schema")}
        defs[_slug(entry)] = body
        ref = {"$ref": f"#/$defs/{_slug(entry)}"}
        if entry.models:
            model = {"enum": list(entry.models)} if len(entry.models) > 1 else {"const": entry.models[0]}
            branches.append(
                {"if": {"type": "object", "required": ["model"], "properties": {"model": model}}, "then": ref}
            )
        else:
            unmodelled.append(ref)
    if unmodelled:
        either = unmodelled[0] if len(unmodelled) == 1 else {"anyOf": unmodelled}
        branches.append({"if": {"type": "object", "not": {"required": ["model"]}}, "then": either})
    else:  # every schema is chosen by its model: a missing or unknown model is an error, not a silent pass
        branches.insert(0, _known_model(provider, [m for e in entries for m in e.models]))
    branches.insert(0, {"type": "object", "errorMessage": "a task is a JSON object"})
    defs["task"] = _unless_skipped(provider, {"allOf": branches})
    titles = ", ".join(e.title for e in entries)
    return {
        "$schema": DRAFT,
        "$id": _base(entries[0]) + f"{provider}/{PAYLOAD}",
        "title": f"{provider} request payload checked by wanspec",
        "description": f"A task or an array of tasks; each is checked by the schema of its model: {titles}.",
        "if": {"type": "array"},
        "then": {"items": {"$ref": "#/$defs/task"}},
        "else": {"$ref": "#/$defs/task"},
        "$defs": defs,
    }


def _known_model(provider: str, models: list[str]) -> dict[str, Any]:
    listing = ", ".join(models)
    return {
        "required": ["model"],
        "properties": {
            "model": {
                "enum": models,
                "errorMessage": f"no wanspec schema for this model; the {provider} models are: {listing}",
                "markdownDescription": f"The model id; its schema checks the rest of the task. One of: {listing}",
            }
        },
    }


def _unless_skipped(provider: str, task: dict[str, Any]) -> dict[str, Any]:
    """``task`` for every task but those the provider's ``skip`` patterns describe (rules.json),
    which carry no request to check (Runware's ``authentication`` task)."""
    skips = [
        {"type": "object", "required": list(p), "properties": {k: {"const": v} for k, v in p.items()}}
        for p in store.providers().get(provider, {}).get("skip", ())
    ]
    if not skips:
        return task
    return {"if": skips[0] if len(skips) == 1 else {"anyOf": skips}, "else": task}


def export_documents() -> dict[str, dict[str, Any]]:
    """Every file ``schemas export`` writes, by path relative to the export directory."""
    entries = list_schemas()
    standard = {e.id: load_schema(e.id, standard=True) for e in entries}
    docs: dict[str, dict[str, Any]] = {e.path: standard[e.id] for e in entries}
    by_provider: dict[str, list[store.SchemaEntry]] = {}
    for e in entries:
        by_provider.setdefault(e.provider, []).append(e)
    payloads = {p: payload_schema(p, es, standard) for p, es in sorted(by_provider.items())}
    for provider, doc in payloads.items():
        docs[f"{provider}/{PAYLOAD}"] = doc
    docs[INDEX] = {
        "$comment": "Written by `wanspec schemas export`; $ids are stable across runs and versions of a schema.",
        "payloads": [
            {"provider": p, "$id": doc["$id"], "path": f"{p}/{PAYLOAD}", "schemas": [e.id for e in by_provider[p]]}
            for p, doc in payloads.items()
        ],
        "schemas": [
            {
                "id": e.id,
                "$id": standard[e.id]["$id"],
                "path": e.path,
                "provider": e.provider,
                "title": e.title,
                "models": list(e.models),
            }
            for e in entries
        ],
    }
    return docs


def default_globs(provider: str) -> list[str]:
    """The file names the VS Code snippet associates with a provider: ``*.<provider>.json``
    anywhere, and any ``.json`` under a ``<provider>/`` payload folder."""
    return [f"**/*.{provider}.json", f"**/payloads/{provider}/**/*.json"]


def vscode_settings(directory: str, providers: list[str], cwd: str | None = None) -> dict[str, Any]:
    """The ``json.schemas`` setting pointing VS Code at the exported payload schemas.

    URLs are relative to ``cwd`` (the workspace folder) when the export lies under it
    (``./schemas/runware/payload.json``), else absolute ``file://`` URLs.
    """
    from pathlib import Path

    root = os.path.abspath(cwd or os.getcwd())
    out = []
    for provider in providers:
        target = os.path.abspath(os.path.join(directory, provider, PAYLOAD))
        rel = os.path.relpath(target, root)
        url = Path(target).as_uri() if rel.startswith("..") else "./" + rel.replace(os.sep, "/")
        out.append({"fileMatch": default_globs(provider), "url": url})
    return {"json.schemas": out}
