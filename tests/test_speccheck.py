"""``wanspec schemas check``: the bundled schemas against published specs.

Sources: the real runware-sdk wheel (a test extra), small committed spec fixtures
(tests/data/specs/: each changes one thing in a copy of Wan2.6's fields), task maps written
here, and documents served by a loopback HTTP server for ``--fetch``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from wanspec import get_rule, list_rules
from wanspec.specs.sources import find_runware_sdk, read_runware_sdk

SPECS = ROOT / "tests" / "data" / "specs"
SDK_VERSION = metadata.version("runware-sdk")


def keys(run, *, codes_only: bool = False) -> list[tuple[str, ...]]:
    rows = run.json()["diagnostics"]
    if codes_only:
        return sorted((d["code"],) for d in rows)
    return sorted((d["code"], d["file"].rsplit("/", 1)[-1], d["pointer"]) for d in rows)


# -- the real runware-sdk ---------------------------------------------------------------
# What remains after this branch applied the live drift (docs/doc-discrepancies.md D29-D35):
# real disagreements between the captured docs and runware-sdk 1.8.0, none of them resolved.
REMAINING_1_8_0 = sorted(
    [
        ("WS920", "alibaba-wan-2.5-image.json", "/model"),  # the documented id, not in the SDK (D32)
        ("WS923", "alibaba-wan-2.5-image.json", "/seed"),
        ("WS924", "alibaba-wan-2.5-image.json", "/advancedFeatures"),
        ("WS920", "alibaba-wan-2.5-preview.json", "/model"),  # docs id; the SDK has runware:201@1 only
        ("WS927", "alibaba-wan-2.6.json", "/duration"),  # r2v 2-10 s vs Literal[5, 10, 15] (D33)
        ("WS929", "alibaba-wan-2.6.json", "/duration"),  # "float" in the docs, int in the SDK
        ("WS923", "alibaba-wan-2.6-image.json", "/seed"),
        ("WS924", "alibaba-wan-2.6-image.json", "/advancedFeatures"),
        ("WS925", "alibaba-wan-2.6-image.json", "/height"),
        ("WS925", "alibaba-wan-2.6-image.json", "/width"),
        ("WS920", "runware-200-8.json", "/model"),  # Animate is not among the SDK's curated models
        ("WS920", "runware-200-9.json", "/model"),
        ("WS923", "runware-qwen-image-2.0.json", "/seed"),
        ("WS924", "runware-qwen-image-2.0.json", "/advancedFeatures"),
        ("WS923", "runware-qwen-image-2.0-pro.json", "/seed"),
        ("WS924", "runware-qwen-image-2.0-pro.json", "/advancedFeatures"),
        ("WS922", "rules.json", "/providers/runware/knownModels/alibaba:qwen-image@2512"),
        ("WS922", "rules.json", "/providers/runware/knownModels/alibaba:qwen-image@layered"),
    ]
)


def test_the_installed_sdk_is_found_without_importing_it() -> None:
    code = (
        "import sys\n"
        "from wanspec.specs.sources import find_runware_sdk, read_runware_sdk\n"
        "path, version = find_runware_sdk()\n"
        "spec = read_runware_sdk(path, version)\n"
        "assert 'alibaba:wan@2.6' in spec.models, sorted(spec.models)[:5]\n"
        "print(version, spec.version, [m for m in sys.modules if m == 'runware' or m.startswith('runware.')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == SDK_VERSION
    assert out[1].isdigit() and len(out[1]) == 14  # SCHEMAS_VERSION, a timestamp
    assert out[2] == "[]"  # nothing of the SDK was imported


def test_the_sdk_task_map_reads_fields_requiredness_literals_and_results() -> None:
    spec = read_runware_sdk(*find_runware_sdk())
    wan = spec.models["alibaba:wan@2.6"]
    assert wan.task_type == "videoInference" and wan.slug == "alibaba-wan2-6"
    assert wan.params["positivePrompt"].required and not wan.params["duration"].required
    assert wan.params["duration"].values == {"5", "10", "15"} and wan.params["duration"].types == {"integer"}
    assert wan.params["inputs"].types == {"object"} and wan.params["inputs"].children is None
    assert wan.result is not None and {"videoUUID", "videoURL", "cost"} <= set(wan.result)
    assert wan.result["videoUUID"].required and not wan.result["videoURL"].required
    assert spec.catalogue["alibaba:qwen-image@2.0"] == "alibaba-qwen-image-2-0"


@pytest.mark.skipif(SDK_VERSION != "1.8.0", reason="the pinned report is for runware-sdk 1.8.0")
def test_check_against_runware_sdk_1_8_0_reports_only_the_remaining_disagreements(run_cli) -> None:
    run = run_cli("schemas", "check", "--format", "json")
    assert run.exit_code == 1, run  # the Wan2.6 duration set is breaking
    assert keys(run) == REMAINING_1_8_0, run
    assert "runware-sdk 1.8.0" in run.stderr and "schemas 20261012233936" in run.stderr
    text = run_cli("schemas", "check").stdout
    assert "alibaba:wan@2.6: `duration`: wanspec accepts 2–4, 6–9, which the published spec does not allow" in text


def test_what_this_branch_resolved_is_not_reported(run_cli) -> None:
    rows = run_cli("schemas", "check", "--format", "json").json()["diagnostics"]
    assert not [d for d in rows if d["code"] == "WS921"]  # the Qwen ids and Wan2.5 Image's SDK id
    assert not [d for d in rows if d["pointer"] == "/routing"]
    assert not [d for d in rows if d["file"].endswith("2.6-flash.json")]  # inputs required (WS600)
    assert not [
        d for d in rows if d["pointer"] in ("/negativePrompt", "/width", "/height") and "2.5-image" in d["file"]
    ]


def test_every_finding_cites_its_source_and_points_into_the_bundled_schema(run_cli) -> None:
    run = run_cli("schemas", "check", "--format", "sarif")
    sarif = run.json()
    results = sarif["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] > 0 for r in results)
    rows = run_cli("schemas", "check", "--format", "json-lines").stdout.splitlines()
    assert len(rows) == len(results)
    from wanspec.specs.check import check_specs
    from wanspec.specs.sources import find_runware_sdk as find

    found: list = []
    check_specs([read_runware_sdk(*find())], found.append)
    assert all(d.doc and d.doc.startswith(f"runware-sdk {SDK_VERSION}") for d in found)
    duration = next(d for d in found if d.code == "WS927")
    assert "AlibabaWan26Params.duration" in duration.doc


def test_select_ignore_and_exit_zero(run_cli) -> None:
    assert keys(run_cli("schemas", "check", "--format", "json", "--select", "WS925"), codes_only=True) == [
        ("WS925",),
        ("WS925",),
    ]
    only_warnings = run_cli("schemas", "check", "--ignore", "spec-values-narrowed,WS929,WS923,WS925")
    assert only_warnings.exit_code == 0, only_warnings  # loosening differences do not fail the run
    assert "WS927" not in only_warnings.stdout and "WS924 (warning)" in only_warnings.stdout
    assert run_cli("schemas", "check", "--exit-zero").exit_code == 0
    bad = run_cli("schemas", "check", "--select", "WS99")
    assert bad.exit_code == 2 and bad.stdout == "" and "unknown rule selector" in bad.stderr


def test_baseline_hides_known_differences_and_reports_new_ones(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "spec-baseline.json"
    wrote = run_cli("schemas", "check", "--baseline", str(base), "--write-baseline")
    assert wrote.exit_code == 0 and base.exists(), wrote
    entries = json.loads(base.read_text())["entries"]
    assert {e["code"] for e in entries} >= {"WS927", "WS920"}
    again = run_cli("schemas", "check", "--baseline", str(base))
    assert again.exit_code == 0 and "All checks passed" in again.stdout, again
    assert "hidden by the baseline" in again.stderr
    # a new difference (a spec for one model) is reported through the same baseline
    new = run_cli("schemas", "check", "--baseline", str(base), "--spec", str(SPECS / "wan26-removed-field.json"))
    assert new.exit_code == 1 and "WS923" in new.stdout and "baseline entries matched nothing" in new.stderr


# -- a task map given as a path -------------------------------------------------------------
TASK_MAP = '''"""AUTO-GENERATED from runware schemas v20990101000000 — do not edit manually."""
from typing import Literal, NotRequired, TypedDict

SCHEMAS_VERSION = "20990101000000"

class AlibabaWan26Params(TypedDict, total=False):
    """Inference params for curated model `alibaba:wan@2.6` (slug: alibaba-wan2-6)."""

    model: Literal['alibaba:wan@2.6']
    positivePrompt: str
    duration: NotRequired[Literal[5, 10]]
    seed: NotRequired[int | None]
    taskType: Literal['videoInference']
    taskUUID: str

class AlibabaWan26Result(TypedDict, total=False):
    """Inference result for curated model `alibaba:wan@2.6` (slug: alibaba-wan2-6)."""

    taskType: Literal['videoInference']
    taskUUID: str
    videoURL: str
    cost: NotRequired[str]

class AlibabaQwenImage30Params(TypedDict, total=False):
    """Inference params for curated model `alibaba:qwen-image@3.5` (slug: alibaba-qwen-image-3-5)."""

    model: Literal['alibaba:qwen-image@3.5']

class ModelEntry: ...

models = {
    "alibaba:wan@2.6": ModelEntry(task_type="videoInference", id="alibaba-wan2-6"),
    "alibaba:wan@2.6-flash-v2": ModelEntry(task_type="videoInference", id="alibaba-wan2-6-flash"),
    "alibaba:qwen-image@3.5": ModelEntry(task_type="imageInference", id="alibaba-qwen-image-3-5"),
}
'''


def test_a_task_map_given_by_path(run_cli, tmp_path) -> None:
    sdk = tmp_path / "sdk" / "runware" / "types"
    sdk.mkdir(parents=True)
    (sdk / "task_map.py").write_text(TASK_MAP, encoding="utf-8")
    run = run_cli("schemas", "check", "--runware-sdk", str(tmp_path / "sdk"), "--format", "json")
    assert run.exit_code == 1, run
    got = keys(run)
    wan26 = {(k[0], k[2]) for k in got if k[1] == "alibaba-wan-2.6.json"}
    assert ("WS927", "/duration") in wan26  # wanspec accepts 2-4, 6-9, 15 too
    assert ("WS923", "/resolution") in wan26  # removed from this spec
    assert ("WS929", "/seed") not in wan26  # `int | None`: integers are fine
    assert ("WS921", "alibaba-wan-2.6-flash.json", "/model") in got  # same slug, new id
    assert ("WS922", "rules.json", "/providers/runware/knownModels/alibaba:qwen-image@3.5") in got
    # results: a field wanspec's response schema requires is gone, another changed type; the
    # optional ones wanspec lists but this map lacks (seed, NSFWContent) are not differences
    result = {(k[0], k[1], k[2]) for k in got if k[0] in ("WS931", "WS932", "WS933")}
    assert ("WS931", "_protocol.json", "/videoUUID") in result and ("WS933", "_protocol.json", "/cost") in result
    assert not {k for k in result if k[2] in ("/seed", "/NSFWContent")}
    assert "schemas 20990101000000" in run.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("def f(:\n", "is not Python source"),
        ("x = 1\n", "not a runware-sdk task map"),
        (b"\xff\xfe\x00garbage", "is not Python source"),
    ],
)
def test_a_broken_task_map_is_a_usage_error(run_cli, tmp_path, content, message) -> None:
    path = tmp_path / "task_map.py"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    run = run_cli("schemas", "check", "--runware-sdk", str(path))
    assert run.exit_code == 2 and run.stdout == "" and message in run.stderr, run


def test_a_missing_task_map_is_a_usage_error(run_cli, tmp_path) -> None:
    run = run_cli("schemas", "check", "--runware-sdk", str(tmp_path))
    assert run.exit_code == 2 and "no runware/types/task_map.py" in run.stderr


# -- committed spec fixtures ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fixture", "expected", "status"),
    [
        ("wan26-clean.json", [], 0),
        ("wan26-renamed-id.json", [("WS921", "/model")], 1),
        ("wan26-removed-field.json", [("WS923", "/seed")], 1),
        ("wan26-narrowed-literal.json", [("WS927", "/resolution")], 1),
        ("wan26-required-change.json", [("WS925", "/height"), ("WS925", "/width")], 1),
        ("wan26-type-change.json", [("WS929", "/seed"), ("WS930", "/seed")], 1),
    ],
)
def test_spec_fixtures(run_cli, fixture, expected, status) -> None:
    run = run_cli("schemas", "check", "--spec", str(SPECS / fixture), "--model", "alibaba:wan@2.6", "--format", "json")
    assert run.exit_code == status, run
    assert [(d["code"], d["pointer"]) for d in run.json()["diagnostics"]] == expected
    assert f"sha256 {__import__('hashlib').sha256((SPECS / fixture).read_bytes()).hexdigest()}" in run.stderr


def test_a_spec_naming_its_model_needs_no_model_option(run_cli) -> None:
    run = run_cli("schemas", "check", "--spec", str(SPECS / "wan26-narrowed-literal.json"))
    assert run.exit_code == 1 and "WS927" in run.stdout, run
    mapped = run_cli("schemas", "check", "--spec", f"runware/alibaba:wan@2.6={SPECS / 'wan26-clean.json'}")
    assert mapped.exit_code == 0, mapped


def test_a_loosening_only_difference_exits_0(run_cli, tmp_path) -> None:
    doc = json.loads((SPECS / "wan26-clean.json").read_text())
    doc["properties"]["resolution"]["enum"].append("480p")
    doc["properties"]["fps"] = {"type": "integer"}
    path = tmp_path / "wider.json"
    path.write_text(json.dumps(doc))
    run = run_cli("schemas", "check", "--spec", str(path), "--format", "json")
    assert run.exit_code == 0, run
    assert [(d["code"], d["severity"], d["pointer"]) for d in run.json()["diagnostics"]] == [
        ("WS924", "warning", "/fps"),
        ("WS928", "warning", "/resolution"),
    ]


def test_an_openapi_document(run_cli) -> None:
    run = run_cli("schemas", "check", "--spec", f"alibaba:wan@2.6={SPECS / 'wan26-openapi.json'}", "--format", "json")
    rows = {(d["code"], d["pointer"]) for d in run.json()["diagnostics"]}
    assert ("WS924", "/extraKnob") in rows  # from the allOf member, through a $ref
    assert ("WS927", "/duration") in rows  # enum [5, 10]
    assert ("WS923", "/seed") not in rows and ("WS925", "/positivePrompt") not in rows  # merged from Base
    assert ("WS931", "/videoUUID") in rows  # the 200 response lists only videoURL


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--spec", "nope.json", "--model", "alibaba:wan@2.6"], "cannot read nope.json"),
        (["--spec", str(SPECS / "wan26-clean.json"), "--model", "alibaba:wan@2.6-flsh"], "did you mean"),
        (["--spec", str(SPECS / "wan26-openapi.json")], "does not name its model"),
        (["--write-baseline"], "--write-baseline needs --baseline"),
    ],
)
def test_usage_errors(run_cli, args, message) -> None:
    run = run_cli("schemas", "check", *args)
    assert run.exit_code == 2 and run.stdout == "" and message in run.stderr, run


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json: [", b'{"type": "object"}'])
def test_a_spec_that_is_not_a_request_schema_is_a_usage_error(run_cli, tmp_path, body) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(body)
    run = run_cli("schemas", "check", "--spec", str(path), "--model", "alibaba:wan@2.6")
    assert run.exit_code == 2 and run.stdout == "", run


def test_the_spec_rules_are_catalogued() -> None:
    spec_rules = [r for r in list_rules() if r.category == "spec"]
    assert {r.severity for r in spec_rules} == {"error", "warning", "info"}
    assert all(r.summary.startswith("Breaking") for r in spec_rules if r.severity == "error")
    loosening = {"spec-field-added", "spec-field-now-optional", "spec-values-widened", "spec-type-widened"}
    assert all(r.summary.startswith("Loosening") for r in spec_rules if r.name in loosening)
    assert get_rule("spec-values-narrowed").code == "WS927"


# -- --fetch, against a loopback server only ----------------------------------------------------
class _Spec(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the handler instances of one test

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/clean"):
            body = (SPECS / "wan26-clean.json").read_bytes()
        elif self.path.startswith("/renamed"):
            body = (SPECS / "wan26-renamed-id.json").read_bytes()
        elif self.path == "/stream":  # no Content-Length: the body ends when the connection does
            self.send_response(200)
            self.end_headers()
            self.wfile.write((SPECS / "wan26-clean.json").read_bytes())
            return
        elif self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Length", str(1 << 40))
            self.end_headers()
            return
        elif self.path == "/latin1":
            body = b'{"title": "caf\xe9"}'
        elif self.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"type": "obj')
            return
        else:
            self.send_error(500 if self.path == "/boom" else 404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Spec.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Spec)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_fetch_downloads_once_caches_and_records_provenance(run_cli, tmp_path, server) -> None:
    cache = tmp_path / "cache"
    url = f"{server}/clean?model=1"
    first = run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
    assert first.exit_code == 0, first
    assert _Spec.hits == ["/clean?model=1"]
    metas = list(cache.glob("*.meta.json"))
    assert len(metas) == 1
    meta = json.loads(metas[0].read_text())
    body = (SPECS / "wan26-clean.json").read_bytes()
    assert meta["url"] == f"{server}/clean?model=…" and meta["sha256"] == __import__("hashlib").sha256(body).hexdigest()
    assert meta["fetched"].endswith("Z") and meta["bytes"] == len(body)
    assert (
        meta["url"] in first.stderr and f"fetched {meta['fetched']}" in first.stderr and meta["sha256"] in first.stderr
    )
    # the second run reads the cache: no request
    second = run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
    assert second.exit_code == 0 and len(_Spec.hits) == 1, second
    # --refresh downloads again; a cache entry whose bytes changed is not trusted either
    run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache), "--refresh")
    assert len(_Spec.hits) == 2
    next(cache.glob("*.spec")).write_text("{}")
    run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
    assert len(_Spec.hits) == 3
    assert sorted(p.name.split(".", 1)[1] for p in cache.iterdir()) == ["meta.json", "spec"]  # no temporaries


def test_fetched_findings_cite_the_url(run_cli, tmp_path, server) -> None:
    url = f"{server}/renamed"
    run = run_cli(
        "schemas", "check", "--fetch", f"alibaba:wan@2.6={url}", "--cache-dir", str(tmp_path), "--format", "json"
    )
    assert run.exit_code == 1 and [d["code"] for d in run.json()["diagnostics"]] == ["WS921"], run
    from wanspec.specs.sources import read_spec_document

    spec = read_spec_document(str(SPECS / "wan26-renamed-id.json"), "alibaba:wan@2.6", source=url)
    assert spec.cite("x").startswith(url)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/boom", "HTTP 500"),
        ("/missing", "HTTP 404"),
        ("/huge", "MiB"),
        ("/latin1", "UTF-8"),
        ("/cut", "cannot fetch"),
    ],
)
def test_a_hostile_or_broken_server_is_a_usage_error(run_cli, tmp_path, server, path, message) -> None:
    cache = tmp_path / "cache"
    run = run_cli("schemas", "check", "--fetch", server + path, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
    assert run.exit_code == 2 and run.stdout == "" and message in run.stderr, run
    assert not cache.exists() or not any(cache.iterdir())  # nothing half-written


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x.json", "http:///nohost"])
def test_fetch_takes_only_http_urls(run_cli, tmp_path, url) -> None:
    run = run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(tmp_path))
    assert run.exit_code == 2 and "http(s) URL" in run.stderr, run


def test_offline_by_default(run_cli, monkeypatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("schemas check opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert run_cli("schemas", "check", "--format", "json").exit_code in (0, 1)


def test_the_task_map_path_in_reports_is_stable() -> None:
    spec = read_runware_sdk(*find_runware_sdk())
    assert spec.source == f"runware-sdk {SDK_VERSION} runware/types/task_map.py"
    assert Path(spec.path).name == "task_map.py"


# -- hostile specs, hostile servers, secrets in URLs ---------------------------------------------
def _deep_any_of(depth: int) -> str:
    """JSON text nested ``depth`` anyOfs deep (json.dumps itself cannot nest this deep)."""
    return '{"anyOf": [' * depth + '{"type": "string"}' + "]}" * depth


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "object", "properties": {"model": {"const": "alibaba:wan@2.6"}, "seed": "_deep_"}},
        {
            "type": "object",
            "properties": {"model": {"const": "alibaba:wan@2.6"}, "seed": {"$ref": "#/properties/seed"}},
        },
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "properties": {"x": {"$ref": "#/$defs/a"}}},
        {"openapi": "3.1.0", "paths": ["not", "a", "map"]},
        {"openapi": "3.1.0", "paths": {"/x": {"post": {"requestBody": {"content": ["application/json"]}}}}},
        {
            "openapi": "3.1.0",
            "paths": {
                "/x": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {"schema": {"allOf": [{"properties": ["seed"]}, {"required": 5}]}}
                            }
                        },
                        "responses": "200",
                    }
                }
            },
        },
        {"type": "object", "required": [{"a": 1}], "properties": {"seed": {"type": [1, {}], "enum": [{"a": [1]}]}}},
    ],
    ids=["deep-anyOf", "self-ref", "ref-cycle", "paths-list", "content-list", "allOf-junk", "odd-types"],
)
def test_a_hostile_spec_document_is_a_finding_or_a_usage_error_never_a_traceback(run_cli, tmp_path, doc) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc).replace('"_deep_"', _deep_any_of(900)))
    run = run_cli("schemas", "check", "--spec", str(path), "--model", "alibaba:wan@2.6")
    assert run.exit_code in (0, 1, 2), run
    assert (run.exit_code == 2) == (run.stdout == ""), run
    if run.exit_code == 2:
        assert run.stderr.startswith("wanspec: error:") and "Traceback" not in run.stderr, run


def test_a_deeply_nested_spec_file_is_a_usage_error(run_cli, tmp_path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    run = run_cli("schemas", "check", "--spec", str(path), "--model", "alibaba:wan@2.6")
    assert run.exit_code == 2 and "nests too deeply" in run.stderr, run


def test_a_deeply_nested_task_map_is_a_usage_error(run_cli, tmp_path) -> None:
    path = tmp_path / "task_map.py"
    union = " | ".join(["int"] * 20_000)
    path.write_text(
        "class P(TypedDict):\n"
        '    """Inference params for curated model `alibaba:wan@2.6` (slug: s)."""\n\n'
        f"    seed: {union}\n"
    )
    run = run_cli("schemas", "check", "--runware-sdk", str(path))
    assert run.exit_code in (1, 2) and "Traceback" not in run.stderr, run


def test_an_endless_body_stops_at_the_limit(run_cli, tmp_path, server, monkeypatch) -> None:
    from wanspec.specs import fetch as spec_fetch

    monkeypatch.setattr(spec_fetch, "MAX_BYTES", 100)  # /stream sends about 2 KB, with no length
    run = run_cli(
        "schemas", "check", "--fetch", f"{server}/stream", "--model", "alibaba:wan@2.6", "--cache-dir", str(tmp_path)
    )
    assert run.exit_code == 2 and "more than" in run.stderr, run
    assert list(tmp_path.iterdir()) == []


def test_a_secret_in_the_url_reaches_no_file_and_no_output(run_cli, tmp_path, server) -> None:
    secret = "sk-live-0123456789abcdef"
    url = f"{server}/clean?token={secret}&v=2"
    cache = tmp_path / "cache"
    run = run_cli("schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
    assert run.exit_code == 0, run
    assert _Spec.hits == [f"/clean?token={secret}&v=2"]  # the request itself carries it, as asked
    assert secret not in run.stdout + run.stderr
    for path in cache.iterdir():
        assert secret.encode() not in path.read_bytes(), path.name
    assert "token=…" in run.stderr
    json_run = run_cli(
        "schemas", "check", "--fetch", url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache), "--format", "sarif"
    )
    assert secret not in json_run.stdout + json_run.stderr
    for bad_url in (f"ftp://u:{secret}@h/x", f"http://user:{secret}@127.0.0.1:9/x", f"http://h:{secret}/x"):
        bad = run_cli("schemas", "check", "--fetch", bad_url, "--model", "alibaba:wan@2.6", "--cache-dir", str(cache))
        assert bad.exit_code == 2 and secret not in bad.stderr, bad


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.sampled_from(
        ["object", "string", "integer", "#/properties/seed", "model", "alibaba:wan@2.6", "application/json"]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "properties",
                    "required",
                    "enum",
                    "const",
                    "anyOf",
                    "allOf",
                    "$ref",
                    "minimum",
                    "maximum",
                    "openapi",
                    "paths",
                    "post",
                    "requestBody",
                    "content",
                    "application/json",
                    "schema",
                    "responses",
                    "200",
                    "model",
                    "seed",
                    "duration",
                    "request_schema",
                    "items",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@given(
    doc=st.dictionaries(st.sampled_from(["type", "properties", "openapi", "paths", "request_schema", "$defs"]), _json)
)
def test_any_json_object_is_read_or_refused_cleanly(tmp_path_factory, doc) -> None:
    from wanspec.specs.check import check_specs
    from wanspec.specs.sources import SpecError, read_spec_document

    path = tmp_path_factory.mktemp("fuzz") / "spec.json"
    path.write_text(json.dumps(doc))
    try:
        spec = read_spec_document(str(path), "alibaba:wan@2.6")
    except SpecError:
        return
    found: list = []
    check_specs([spec], found.append)
    assert all(d.code.startswith("WS9") for d in found)


def test_every_spec_rule_is_reachable(run_cli, tmp_path) -> None:
    """Each WS92x/WS93x code comes out of some source; the ones the fixtures do not reach come
    from one OpenAPI document here: a required field made optional, a value added, a result
    field added."""
    clean = json.loads((SPECS / "wan26-clean.json").read_text())
    clean["required"] = [r for r in clean["required"] if r != "positivePrompt"]
    clean["properties"]["resolution"]["enum"].append("480p")
    doc = {
        "openapi": "3.1.0",
        "paths": {
            "/wan": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": clean}}},
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["taskUUID", "videoUUID"],
                                        "properties": {
                                            "taskUUID": {"type": "string"},
                                            "videoUUID": {"type": "string"},
                                            "videoURL": {"type": "string"},
                                            "thumbnailURL": {"type": "string"},
                                        },
                                    }
                                }
                            }
                        }
                    },
                }
            }
        },
    }
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(doc))
    run = run_cli("schemas", "check", "--spec", str(path), "--format", "json")
    rows = {(d["code"], d["severity"], d["pointer"], d["file"].rsplit("/", 1)[-1]) for d in run.json()["diagnostics"]}
    assert rows == {
        ("WS926", "warning", "/positivePrompt", "alibaba-wan-2.6.json"),
        ("WS928", "warning", "/resolution", "alibaba-wan-2.6.json"),
        ("WS932", "info", "/thumbnailURL", "_protocol.json"),
    }, run
    assert run.exit_code == 0  # loosening and informational only
    reached = {"WS926", "WS928", "WS932"}
    for fixture in SPECS.glob("*.json"):
        reached |= {
            d["code"]
            for d in run_cli("schemas", "check", "--spec", f"alibaba:wan@2.6={fixture}", "--format", "json").json()[
                "diagnostics"
            ]
        }
    sdk = tmp_path / "task_map.py"
    sdk.write_text(TASK_MAP)
    reached |= {
        d["code"]
        for d in run_cli("schemas", "check", "--runware-sdk", str(sdk), "--format", "json").json()["diagnostics"]
    }
    reached |= {d["code"] for d in run_cli("schemas", "check", "--format", "json").json()["diagnostics"]}
    assert reached >= {r.code for r in list_rules() if r.category == "spec"}


def test_the_project_config_applies_as_for_lint(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wanspec.toml").write_text('ignore = ["WS927", "spec-type-narrowed"]\n')
    run = run_cli("schemas", "check", "--format", "json")
    codes = {d["code"] for d in run.json()["diagnostics"]}
    assert "WS927" not in codes and "WS929" not in codes and "WS923" in codes, run
    isolated = run_cli("schemas", "check", "--format", "json", "--isolated")
    assert "WS927" in {d["code"] for d in isolated.json()["diagnostics"]}
