"""Every request example printed in the provider docs, linted.

The examples are stored unchanged in tests/data/doc_examples (manifest.json says where
each comes from). Examples that break the docs' own rules are pinned here with what the
linter must say about them; docs/doc-discrepancies.md explains each one.
"""

from __future__ import annotations

import json

import pytest
from conftest import DOC_EXAMPLES

import wanspec
from wanspec import LintOptions

MANIFEST = json.loads((DOC_EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
REQUESTS = [e for e in MANIFEST if e["kind"] == "request" and not e.get("fragment")]

# file stem -> the (code, severity, pointer) the linter must report; absent = clean
PINNED: dict[str, set[tuple[str, str, str]]] = {
    # D02: version-1 UUIDs in the Qwen, Wan2.6 Image, Animate and Wan2.5/2.6 examples
    "runware-alibaba-models--02": {("WS201", "error", "/taskUUID")},
    "runware-alibaba-models--05": {("WS201", "error", "/taskUUID")},
    "runware-alibaba-models--15": {("WS201", "error", "/taskUUID")},
    "runware-alibaba-models--21": {("WS201", "error", "/taskUUID")},
    # D17: Wan2.6 Image recommends sizes below its own minimum area (a warning for those)
    "runware-alibaba-models--10": {("WS201", "error", "/taskUUID"), ("WS402", "warning", "/width")},
    "runware-alibaba-models--11": {("WS402", "warning", "/width")},
    # D14: the Video models example names a model id that is not documented
    "runware-alibaba-models--12": {("WS010", "error", "/model")},
    # D12: Wan2.5-Preview frame image object with the old `inputImage` key
    "runware-alibaba-models--18": {
        ("WS110", "error", "/inputs/frameImages/0"),
        ("WS102", "error", "/inputs/frameImages/0/inputImage"),
        ("WS201", "error", "/taskUUID"),
    },
    # D01: width and height sent as strings
    **{
        f"runware-alibaba-models--{n}": {("WS112", "error", "/width"), ("WS112", "error", "/height")}
        for n in (13, 20, 22, 23, 24, 27, 28)
    },
    "runware-alibaba-models--26": {
        ("WS112", "error", "/width"),
        ("WS112", "error", "/height"),
        ("WS201", "error", "/taskUUID"),
    },
    # D11 and D10: documented no-op combinations in successful examples are warnings
    "runware-wan2.6-flash--05": {("WS702", "warning", "/providerSettings/alibaba/audio")},
    "runware-wan2.6-flash--06": {("WS701", "warning", "/providerSettings/alibaba/shotType")},
    # D25: the WaveSpeed curl body lacks the required image and prompt
    "wavespeed-wan2.6-i2v-flash--01": {("WS110", "error", ""), ("WS110", "error", "")},
}
# D30: the captured Qwen examples use the ids Runware has since replaced (a warning naming the new id)
for n in ("02", "03", "04", "05", "06", "07"):
    PINNED[f"runware-alibaba-models--{n}"] = PINNED.get(f"runware-alibaba-models--{n}", set()) | {
        ("WS203", "warning", "/model")
    }
# D32: the documented Wan2.5 Image id is not in Runware's published types
for n in ("01", "08"):
    PINNED[f"runware-alibaba-models--{n}"] = {("WS204", "warning", "/model")}
# D33: a 7-second reference-to-video (the docs allow 2-10 s, the published types only 5/10/15)
PINNED["runware-alibaba-models--22"] = PINNED["runware-alibaba-models--22"] | {("WS204", "warning", "/duration")}


def _key(entry: dict[str, str]) -> str:
    name = entry["file"].split("/")[-1]
    doc, rest = name.split("--", 1)
    return f"{doc}--{rest[:2]}"


@pytest.mark.parametrize("entry", REQUESTS, ids=lambda e: _key(e))
@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_doc_example(entry, engine):
    payload = json.loads((DOC_EXAMPLES / entry["file"]).read_text(encoding="utf-8"))
    found = wanspec.lint_payload(payload, options=LintOptions(engine=engine))
    got = {(d.code, d.severity.value, d.pointer) for d in found}
    assert got == PINNED.get(_key(entry), set()), [str(d) for d in found]
    if entry["schema"] is not None:  # the schema chosen from the payload is the documented one
        assert {d.schema for d in found} <= {entry["schema"]}


def test_every_pin_names_an_example():
    assert set(PINNED) <= {_key(e) for e in REQUESTS}


def test_manifest_lists_every_file_once():
    files = sorted(
        p.relative_to(DOC_EXAMPLES).as_posix() for p in DOC_EXAMPLES.rglob("*.json") if p.name != "manifest.json"
    )
    assert sorted(e["file"] for e in MANIFEST) == files


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e.get("fragment")], ids=lambda e: _key(e))
def test_fragments_lint_under_their_schema(entry):
    """The bare frameImages snippets are valid inside a task of the page's model."""
    fragment = json.loads((DOC_EXAMPLES / entry["file"]).read_text(encoding="utf-8"))
    model = "alibaba:wan@2.6-flash" if "flash" in entry["doc"] else "alibaba:wan@2.6"
    task = {
        "taskType": "videoInference",
        "taskUUID": "0b5f6a9e-3c1d-4e2f-9a7b-1c2d3e4f5a6b",
        "model": model,
        "positivePrompt": "The scene comes alive",
        "inputs": fragment,
        "resolution": "720p",
        "duration": 5,
    }
    assert wanspec.lint_payload(task) == []
