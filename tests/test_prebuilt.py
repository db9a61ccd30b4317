"""Schemas prebuilt at wheel-build time (wanspec/lint/prebuilt.py, hatch_build.py).

The wheel test in test_schemas.py checks the wheel's copies equal ``documents()``; here
a schemas folder with a ``_prebuilt`` subfolder is read the way an installed wheel reads
it, and every golden example lints the same as from the sources.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GOLDEN, ROOT

from wanspec import lint_paths
from wanspec.catalog import store
from wanspec.lint import engine, prebuilt, run

EXAMPLES = sorted(str(p) for p in GOLDEN.glob("*/*/*.json") if not p.name.endswith(".expected.json"))


def _clear() -> None:
    for f in (
        store.schemas_root,
        store.catalog,
        store._document,
        store._shared,
        store._checker_file,
        engine.compiled_as,
        run._detectors,
        run._no_schema_for,
    ):
        if hasattr(f, "cache_clear"):  # schemas_root is replaced while the fixture runs
            f.cache_clear()


@pytest.fixture
def installed_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of schemas/ with the prebuilt folder in it, used as the package's schemas."""
    root = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", root)
    prebuilt.write(str(root / store.PREBUILT))
    _clear()
    monkeypatch.setattr(store, "schemas_root", lambda **_: store._Dir(str(root)))
    yield root
    monkeypatch.undo()
    _clear()


def test_golden_examples_lint_the_same_from_prebuilt_schemas(installed_layout: Path):
    lint_paths([p for p in EXAMPLES if "/valid/" in p], jobs=1)
    flash = engine.compiled("runware/alibaba:wan@2.6-flash")
    assert flash.validation_schema == store.prebuilt(flash.entry.path)  # read, not rebuilt
    # a prebuilt run of known models reads neither the shared definitions nor the model files
    assert store.catalog().entries
    assert not store._shared.cache_info().currsize and not store._document.cache_info().currsize
    with_prebuilt = lint_paths(EXAMPLES, jobs=1).diagnostics
    _clear()
    shutil.rmtree(installed_layout / store.PREBUILT)
    assert lint_paths(EXAMPLES, jobs=1).diagnostics == with_prebuilt
    assert len(with_prebuilt) > 50


def test_prebuilt_index_describes_the_catalogue():
    index = prebuilt.documents()[prebuilt.INDEX]
    assert [store._entry(r) for r in index["entries"]] == list(store.catalog().entries.values())


def test_the_reference_engine_and_the_raw_schema_stay_available(installed_layout: Path):
    entry = store.catalog().get("runware/alibaba:wan@2.6-flash")
    assert entry.raw["x-wanspec"]["id"] == entry.id
    assert "$ref" not in repr(engine.compiled(entry.id).schema)


def _errors(raws: list) -> list:
    return sorted(repr((r.keyword, r.schema_path, r.instance_path, r.message, len(r.branches))) for r in raws)


def test_every_schema_ships_a_checker_that_reports_what_jsonschema_rs_reports(installed_layout: Path):
    """The wheel's checker modules (written by the compiler at build time) are loaded from
    the file, not generated again, and give jsonschema-rs' errors on every golden task."""
    import json

    from wanspec.lint import compiler, keywords

    files = sorted((installed_layout / store.PREBUILT / "checkers").glob("*.py"))
    assert len(files) == len(store.catalog().entries) == len({f.name for f in files})
    tasks = []
    for path in EXAMPLES:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
        tasks += [t for t in (value if isinstance(value, list) else [value]) if isinstance(t, dict)]
    compared = 0
    for entry in store.catalog().entries.values():
        module = store.prebuilt_checker(entry.path)
        assert module is not None and Path(module.__file__).read_text(encoding="utf-8") == compiler.module_source(
            store.prebuilt(entry.path), keywords.CHECKS, keywords.SEP
        )
        c = engine.compiled(entry.id)
        assert c.use_compiled(True, native=False)  # the Python checker: what the wheel ships
        assert c._py.__code__.co_filename == module.__file__  # loaded, not generated
        for task in tasks:
            if run.choose_schema(task, None)[0] == entry.id:
                expected = _errors([engine._from_rs(e) for e in c._rs.iter_errors(task)])
                assert _errors(c._py(task)) == expected, (entry.id, task)
                compared += 1
        c.use_compiled(False)
    assert compared > 50
