"""Golden payloads: every file under tests/examples/ against its docs-derived expectation.

Layout and sidecar format: tests/examples/README.md. Each payload is linted as a file (the
real path, with the schema from the folder's ``_schema.txt`` forced) by both engines; the
multiset of (code, pointer, severity) must equal the sidecar exactly, and the fast and the
reference engine must agree.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import GOLDEN

import wanspec
from wanspec import LintOptions

Key = tuple[str, str, str]

# Cases where the linter disagrees with the docs. The sidecar keeps what the docs say; these
# are strict xfails so that a fix shows up as XPASS. Keyed by path relative to tests/examples.
KNOWN_BUGS: dict[str, str] = {}


def _schema_of(folder: Path) -> str:
    return (folder / "_schema.txt").read_text(encoding="utf-8").strip()


def _slug(schema_id: str) -> str:
    return schema_id.replace("/", "-").replace(":", "-").replace("@", "-")


def _payloads() -> list[Path]:
    return sorted(p for p in GOLDEN.glob("*/*/*.json") if not p.name.endswith(".expected.json"))


def _sidecar(path: Path) -> dict | None:
    side = path.with_name(path.name[: -len(".json")] + ".expected.json")
    return json.loads(side.read_text(encoding="utf-8")) if side.exists() else None


def _expected(path: Path) -> Counter[Key]:
    side = _sidecar(path) or {"expect": []}
    return Counter((e["code"], e["pointer"], e.get("severity", "error")) for e in side["expect"])


def _lint(path: Path, engine: str, *, forced: bool = True) -> Counter[Key]:
    schema = _schema_of(path.parent.parent) if forced else None
    result = wanspec.lint_paths([str(path)], LintOptions(schema=schema, engine=engine))
    return Counter((d.code, d.pointer, d.severity.value) for d in result.diagnostics)


def _rel(path: Path) -> str:
    return path.relative_to(GOLDEN).as_posix()


def _params(*, bugs: bool = True) -> list:
    out = []
    for path in _payloads():
        rel = _rel(path)
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[rel])] if bugs and rel in KNOWN_BUGS else []
        out.append(pytest.param(path, id=rel, marks=marks))
    return out


def _show(c: Counter[Key]) -> list[Key]:
    return sorted(c.elements())


@pytest.mark.parametrize("engine", ["fast", "reference"])
@pytest.mark.parametrize("path", _params())
def test_golden(path: Path, engine: str) -> None:
    want = _expected(path)
    got = _lint(path, engine)
    assert _show(got) == _show(want), (_sidecar(path) or {}).get("why")


@pytest.mark.parametrize("path", _params(bugs=False))
def test_engines_agree(path: Path) -> None:
    assert _show(_lint(path, "fast")) == _show(_lint(path, "reference"))


@pytest.mark.parametrize("path", [p for p in _params(bugs=False) if "/valid/" in p.id])
def test_valid_files_have_no_errors(path: Path) -> None:
    got = _lint(path, "fast")
    assert [k for k in got.elements() if k[2] == "error"] == []
    side = _sidecar(path)
    if side is not None:  # a valid file may only expect warnings
        assert all(e.get("severity") == "warning" for e in side["expect"]), side


@pytest.mark.parametrize("path", _params())
def test_schema_is_detected_from_the_payload(path: Path) -> None:
    """Without --schema, the payload's own model (or shape) selects the folder's schema."""
    side = _sidecar(path) or {"expect": []}
    if side.get("autodetect") is False or any(e["code"] == "WS202" for e in side["expect"]):
        pytest.skip("meaningful only with the schema forced")
    assert _show(_lint(path, "fast", forced=False)) == _show(_expected(path))


def test_sidecars_are_well_formed() -> None:
    rules = set(json.loads((GOLDEN.parent.parent / "schemas" / "rules.json").read_text(encoding="utf-8"))["rules"])
    for side in GOLDEN.glob("*/*/*.expected.json"):
        data = json.loads(side.read_text(encoding="utf-8"))
        assert set(data) <= {"expect", "why", "autodetect"}, side
        assert data["why"].strip(), side
        assert side.with_name(side.name.replace(".expected.json", ".json")).exists(), f"orphan sidecar {side}"
        if side.parent.name == "invalid":
            assert data["expect"], f"{side}: an invalid file must expect at least one diagnostic"
        for e in data["expect"]:
            assert set(e) <= {"code", "pointer", "severity"}, side
            assert e["code"] in rules, side
            assert e["pointer"] == "" or e["pointer"].startswith("/"), side
            assert e.get("severity", "error") in ("error", "warning"), side
    for path in GOLDEN.glob("*/invalid/*.json"):
        if not path.name.endswith(".expected.json"):
            assert _sidecar(path) is not None, f"{path} has no sidecar"


def test_every_schema_has_a_golden_folder() -> None:
    folders = {_schema_of(d): d for d in GOLDEN.iterdir() if (d / "_schema.txt").exists()}
    schema_ids = [s.id if hasattr(s, "id") else s for s in wanspec.list_schemas()]
    assert sorted(folders) == sorted(schema_ids)
    for sid, folder in folders.items():
        assert folder.name == _slug(sid), f"folder {folder.name} should be named {_slug(sid)}"
        valid = [p for p in (folder / "valid").glob("*.json") if not p.name.endswith(".expected.json")]
        invalid = [p for p in (folder / "invalid").glob("*.json") if not p.name.endswith(".expected.json")]
        assert len(valid) >= 3, f"{sid}: {len(valid)} valid files"
        assert len(invalid) >= 8, f"{sid}: {len(invalid)} invalid files"


def test_known_bugs_name_existing_files() -> None:
    for rel in KNOWN_BUGS:
        assert (GOLDEN / rel).exists(), rel
