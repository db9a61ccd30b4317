"""The benchmark harness runs end to end (``run.py --quick``): a smoke test, no timing assertions.

It generates tiny clean and messy corpora, cross-checks every tool's verdicts against the
generator's labels, times each scenario once and writes the raw numbers; Ajv and
check-jsonschema rows appear when node (with ``benchmarks/node`` installed) and
check-jsonschema are available.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

WANSPEC = shutil.which("wanspec") or str(Path(sys.executable).parent / "wanspec")


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/<name>`` with this environment's wanspec; it must succeed."""
    argv = [sys.executable, str(ROOT / "benchmarks" / name), "--wanspec", WANSPEC, *args]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc


@pytest.mark.slow
def test_quick_benchmark_runs_every_scenario_on_both_corpora(tmp_path: Path):
    results = tmp_path / "results.json"
    _script("run.py", "--quick", "--results", str(results))
    data = json.loads(results.read_text())
    assert data["quick"] and set(data["scenarios"]) == {"one", "many", "many-large", "jsonl", "jsonl-big"}
    assert set(data["corpora"]) == {"clean", "messy"}
    # the messy corpus is messy: most tasks invalid, prompts near the limit, inline images
    assert data["corpora"]["messy"]["all"]["invalid"] > data["corpora"]["messy"]["all"]["lines"] / 2
    assert all(rep["agree"] for rep in data["sanity"].values()), data["sanity"]
    for name, scenario in data["scenarios"].items():
        for series in scenario["series"]:
            assert series["n"] == 1 and set(series["exit_codes"]) <= {0, 1}, (name, series)
            assert series["cpu_median_ms"] > 0 and series["rss_median_mb"] > 0
    jsonl = data["scenarios"]["jsonl"]["ratios"]
    assert "wanspec messy / clean" in jsonl and "wanspec -j1 messy / clean" in jsonl
    assert "rss big / small (-j 1)" in data["scenarios"]["jsonl-big"]["ratios"]
    # the 20,000-file scenario walks the directory too, and the walk finds every file a payload
    walked = {"wanspec walked / named [messy]", "wanspec walked / named [clean]"}
    if "ajv" in data["tools"]:  # only where node and Ajv are installed (not in CI's clone)
        walked |= {"wanspec walked / ajv [messy]", "wanspec walked / ajv [clean]"}
    assert walked <= set(data["scenarios"]["many-large"]["ratios"]), data["scenarios"]["many-large"]["ratios"]
    for p in ("clean", "messy"):
        assert "wanspec (walked)" in data["sanity"][f"many-large [{p}]"]["invalid_counts"], data["sanity"]


def test_messy_generator_is_deterministic_and_labels_every_task(tmp_path: Path):
    gen = [sys.executable, str(ROOT / "benchmarks" / "gen_corpus.py"), "--profile", "messy", "--files", "5"]
    for out in ("a", "b"):
        subprocess.run([*gen, "--out", str(tmp_path / out), "--jsonl-lines", "300"], check=True, capture_output=True)
    a, b = (tmp_path / x / "all.jsonl" for x in ("a", "b"))
    assert a.read_bytes() == b.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    labels = (tmp_path / "a" / "all.expected.txt").read_text().splitlines()
    assert len(lines) == len(labels) == 300
    tasks = [json.loads(line) for line in lines]
    assert max(len(t["positivePrompt"]) for t in tasks) >= 1400
    assert sum("data:image/png;base64," in line for line in lines) > 100
    multi = [row for row in labels if "+" in row.split("\t")[2]]
    assert len(multi) > 50  # many tasks break several rules at once


@pytest.mark.slow
def test_array_benchmark_times_both_shapes_with_and_without_findings(tmp_path: Path):
    """``array_vs_jsonl.py`` on a small corpus: each kind (a finding in every task, and
    none) checks its counts before timing, and the table shows both with their ratios."""
    results = tmp_path / "arrays.json"
    args = ("--tasks", "300", "--rounds", "1", "--corpus", str(tmp_path / "corpus"), "--results", str(results))
    proc = _script("array_vs_jsonl.py", *args)
    data = json.loads(results.read_text())
    assert set(data) == {"300 with", "300 without"}
    for shapes in data.values():
        assert set(shapes) == {"array", "jsonl"} and shapes["array"]["paired_ratio"] > 0
    assert "| 300 | without | array |" in proc.stdout


@pytest.mark.slow
def test_floors_time_each_layer_of_a_json_lines_lint_on_both_corpora(tmp_path: Path):
    """``floors.py --quick``: every layer is timed on a clean and a messy corpus, in the
    order each adds to the one before, and the lint it profiles is the real one (the
    messy corpus has findings, each counted)."""
    results = tmp_path / "floors.json"
    argv = [sys.executable, str(ROOT / "benchmarks" / "floors.py"), "--quick", "--results", str(results)]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    reports = json.loads(results.read_text())
    assert [Path(r["file"]).parent.name for r in reports] == ["clean", "messy"]
    layers = [
        "read",
        "(json.loads, no checks)",
        "+ parse",
        "+ engine",
        "(compiled checker)",
        "+ findings",
        "lint, no output",
    ]
    for report in reports:
        assert list(report["seconds"]) == [*layers, "lint, text report"]
        assert report["tasks"] == 300 and all(s > 0 for s in report["seconds"].values())
    clean, messy = reports
    assert messy["findings"] > messy["tasks"] > clean["findings"] > 0
    assert proc.stdout.count("| lint, text report |") == 2


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("cc") is None or importlib.util.find_spec("mypyc") is None, reason="needs mypyc and a C compiler"
)
def test_the_mypyc_probe_compiles_the_hot_modules_and_times_both_copies():
    """``mypyc_probe.py --quick``: the lint path's modules compile with mypyc (the probe
    checks that the compiled copy imports them as extension modules, and exits otherwise),
    and both copies are timed layer by layer and as whole processes."""
    argv = [sys.executable, str(ROOT / "benchmarks" / "mypyc_probe.py"), "--quick"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert out.index("the copy as Python source") < out.index("compiled by mypyc") < out.index("whole processes")
    assert out.count("| lint, text report |") == 4  # two corpora, two copies
    assert re.search(r"\| \S+/clean/all\.jsonl \| \d+\.\d\d× \| \d+\.\d\d× \|", out), out
