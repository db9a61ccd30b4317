"""Model schemas as the fast engine runs them, built once when the wheel is built.

Every run used to read each schema file of the catalogue and then dereference and guard
the one it needs (about 5 ms of CPU per process, measured in docs/performance.md, when
checking one file takes about 100 ms). The wheel's build hook (``hatch_build.py``) calls
``write`` and ships the output as ``wanspec/schemas/_prebuilt/``:

* ``index.json``: what the catalogue needs to know of each model schema (id, provider,
  title, models, docs, detect), so a run reads one small file instead of all of them;
* ``<provider>/<file>.json``: the schema dereferenced and guarded (``engine._guarded``),
  read only when a task needs it;
* ``checkers/<module>.py``: the schema's checker as ``wanspec.lint.compiler`` writes it,
  imported when the engine first needs it (pip byte-compiles it at install, so loading
  it costs about 1 ms where generating and compiling it costs about 12).

A source checkout or an editable install has no such folder and builds both at run time
from the same functions, so the two cannot disagree; tests/test_schemas.py checks the
wheel's copies against the sources.
"""

from __future__ import annotations

import json
import os
from typing import Any

from ..catalog import store
from . import compiler, keywords
from .engine import _guarded

INDEX = "index.json"


def documents() -> dict[str, Any]:
    """Relative file name → document (a JSON value, or the text of a checker module), for
    every file of the prebuilt folder."""
    cat = store.catalog()
    out: dict[str, Any] = {INDEX: {"entries": [store.entry_record(e) for e in cat.entries.values()]}}
    for entry in cat.entries.values():
        out[entry.path] = schema = _guarded(store.dereferenced(entry.id))
        try:
            source = compiler.module_source(schema, keywords.CHECKS, keywords.SEP)
        except compiler.Unsupported:  # left to jsonschema-rs at run time too
            continue
        name = f"checkers/{store.checker_module_name(entry.path)}.py"
        if name in out:
            raise RuntimeError(f"two schema files share the checker module {name}")
        out[name] = source
    return out


def write(folder: str) -> list[str]:
    """Write the prebuilt folder; returns the relative names written."""
    names = []
    for name, document in sorted(documents().items()):
        path = os.path.join(folder, *name.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            if isinstance(document, str):  # a checker module
                f.write(document)
            else:
                json.dump(document, f, ensure_ascii=False, separators=(",", ":"))
        names.append(name)
    return names
