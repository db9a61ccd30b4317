"""``wanspec cassettes coverage``: what recorded evidence backs, per schema id, workflow, rule and error code."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT

from wanspec.catalog.store import catalog
from wanspec.contract.checks.coverage import coverage_paths
from wanspec.reporters import REPORTERS

CASSETTES = ROOT / "cassettes"


def _items(diagnostics, code):
    """The items named by the diagnostics of one code ("schema runware/alibaba:wan@2.6", ...)."""
    return {re.split(r": (?:backed|no recorded)", d["message"])[0] for d in diagnostics if d["code"] == code}


def test_the_committed_cassettes_back_every_schema_id(run_cli):
    run = run_cli("cassettes", "coverage", str(CASSETTES), "--format", "json")
    assert run.exit_code == 0, run
    diagnostics = run.json()["diagnostics"]
    assert _items(diagnostics, "WS820") >= {f"schema {i}" for i in catalog().ids()}
    assert not any(m.startswith("schema ") for m in _items(diagnostics, "WS818"))
    summary = [d["message"] for d in diagnostics if d["code"] == "WS821"]
    assert len(summary) == 1 and "schemas 11/11" in summary[0], summary
    # the gaps are listed, each once, and every item is either backed or a gap
    backed, gaps = _items(diagnostics, "WS820"), _items(diagnostics, "WS818")
    assert gaps and not backed & gaps
    _, cov = coverage_paths([str(CASSETTES)])
    assert len(backed) + len(gaps) == len(cov.items)


def test_min_coverage_gates_the_exit_status(run_cli):
    _, cov = coverage_paths([str(CASSETTES)])
    backed, total = cov.share()
    share = 100 * backed / total
    low = run_cli("cassettes", "coverage", str(CASSETTES), "--min-coverage", f"{share - 1:.2f}")
    assert low.exit_code == 0 and "WS819" not in low.stdout, low
    high = run_cli("cassettes", "coverage", str(CASSETTES), "--min-coverage", f"{min(share + 1, 100):.2f}")
    assert high.exit_code == 1 and "WS819" in high.stdout, high
    assert run_cli("cassettes", "coverage", str(CASSETTES), "--min-coverage", "101").exit_code == 2


def test_one_rejection_backs_its_schema_rule_and_error_code(tmp_path, run_cli):
    shutil.copy(CASSETTES / "runware" / "wan2.6-unsupported-duration.yaml", tmp_path)
    run = run_cli("cassettes", "coverage", str(tmp_path), "--format", "json")
    backed = _items(run.json()["diagnostics"], "WS820")
    assert backed == {
        "schema runware/alibaba:wan@2.6",
        "workflow runware/alibaba:wan@2.6 › image-to-video",  # the moonlit market example has a frame
        "rule WS500",
        "error code runware › unsupportedDuration",
    }, backed


def test_an_accepted_image_request_backs_its_workflow_and_the_fields_it_carries(tmp_path):
    shutil.copy(CASSETTES / "runware" / "wan2.6-image-reference-to-image-with-three-references.yaml", tmp_path)
    result, cov = coverage_paths([str(tmp_path)])
    backed = {(i.kind, i.name) for i in cov.items.values() if i.backed}
    assert ("workflow", "runware/alibaba:wan@2.6-image › reference-to-image") in backed
    assert ("workflow", "runware/alibaba:wan@2.6-image › text-to-image") not in backed
    assert ("schema", "runware/alibaba:wan@2.6") not in backed
    assert not any(kind == "error code" for kind, _ in backed)  # nothing was rejected
    assert result.errors == 0


def test_an_unreadable_or_foreign_cassette_backs_nothing(tmp_path, run_cli):
    (tmp_path / "broken.yaml").write_text("interactions: [\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("interactions: []\n", encoding="utf-8")
    run = run_cli("cassettes", "coverage", str(tmp_path), "--format", "json")
    assert run.exit_code == 0
    assert _items(run.json()["diagnostics"], "WS820") == set()
    assert "0 of" in next(d["message"] for d in run.json()["diagnostics"] if d["code"] == "WS821")


@pytest.mark.parametrize("fmt", sorted(REPORTERS))
def test_every_report_format_carries_the_gaps_and_the_summary(run_cli, fmt):
    run = run_cli("cassettes", "coverage", str(CASSETTES), "--format", fmt)
    assert run.exit_code == 0, run
    assert "WS818" in run.stdout and "WS821" in run.stdout
    if fmt == "json":
        assert json.loads(run.stdout)["summary"]["warnings"] == len(_items(run.json()["diagnostics"], "WS818"))
