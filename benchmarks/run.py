#!/usr/bin/env python3
"""Whole-process benchmark: wanspec against check-jsonschema and Ajv on the same corpus files.

    python benchmarks/gen_corpus.py && python benchmarks/run.py [--quick] [--write-readme]

Run it with the Python of the venv that has ``wanspec`` and ``check-jsonschema`` installed (the
console scripts are looked up beside ``sys.executable`` first, then on PATH).

Every command runs as a separate process under ``/usr/bin/time -v`` (peak RSS = "Maximum resident
set size"), wall time is ``time.perf_counter`` around the child, stdout/stderr go to /dev/null.
One warm-up run per command, then R rounds in which every command runs once, the order rotated
each round, so a slow phase of the VM hits all commands alike. ``PYTHONDONTWRITEBYTECODE`` is
removed from the children's environment so that .pyc files are written once and then reused.

Scenarios (``--scenarios``, default all):
  one     1 file (the pre-commit case)                         wanspec, check-jsonschema, Ajv
  many    2,000 paths on one command line                      wanspec, check-jsonschema, Ajv
  jsonl   20,000-line JSONL (check-jsonschema cannot read it)  wanspec, Ajv
  memory  wanspec peak RSS on all.jsonl vs big.jsonl (200,000 lines)

Before timing, a sanity pass runs each tool once with machine-readable output and checks that all
of them, and the generator's labels, agree on which files (JSONL lines) are invalid.

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = HERE / ".corpus"
SCHEMA_REL = Path("runware") / "alibaba-wan-2.6-flash.json"
TIME_BIN = "/usr/bin/time"
README_START = "<!-- results:start -->"
README_END = "<!-- results:end -->"
SCENARIOS = ("one", "many", "jsonl", "memory")
DEFAULT_ROUNDS = {"one": 20, "many": 11, "jsonl": 7, "memory": 5}
QUICK_ROUNDS = 3
BIG_LINES = 200_000

# Targets: ratio of medians (wanspec / other); memory: big / small peak RSS.
TARGETS: dict[str, dict[str, float]] = {
    "one": {"check-jsonschema": 0.4, "ajv": 1.0},
    "many": {"check-jsonschema": 0.25, "ajv": 1.0},
    "jsonl": {"ajv": 1.0},
    "memory": {"rss_big_over_small": 1.2},
}


# --------------------------------------------------------------------------- tools


@dataclass
class Tool:
    name: str  # "wanspec" | "check-jsonschema" | "ajv"
    argv: list[str]  # the command up to (not including) the files
    version: str = ""


@dataclass
class Sample:
    wall_ms: float
    rss_kb: int | None
    rc: int


@dataclass
class Series:
    label: str
    tool: str
    argv_display: str
    samples: list[Sample] = field(default_factory=list)
    warmup: Sample | None = None

    def walls(self) -> list[float]:
        return [s.wall_ms for s in self.samples]

    def rss(self) -> list[int]:
        return [s.rss_kb for s in self.samples if s.rss_kb is not None]

    def summary(self) -> dict[str, Any]:
        w = self.walls()
        r = self.rss()
        return {
            "label": self.label,
            "tool": self.tool,
            "command": self.argv_display,
            "n": len(w),
            "wall_median_ms": statistics.median(w) if w else None,
            "wall_min_ms": min(w) if w else None,
            "wall_max_ms": max(w) if w else None,
            "rss_median_mb": statistics.median(r) / 1024 if r else None,
            "rss_max_mb": max(r) / 1024 if r else None,
            "exit_codes": sorted({s.rc for s in self.samples}),
            "wall_ms": [round(x, 3) for x in w],
            "rss_kb": r,
            "warmup": None if self.warmup is None else vars(self.warmup),
        }


def rel(path: Path) -> str:
    """A path relative to the repository when it is inside it (for notes and the README)."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("NO_COLOR", "1")
    return env


def find_console_script(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def capture(argv: list[str], cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=child_env(), capture_output=True, text=True, timeout=timeout)


def tool_version(argv: list[str]) -> str:
    try:
        p = capture(argv, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (p.stdout.strip() or p.stderr.strip()).splitlines()[0] if (p.stdout or p.stderr) else "?"


def measure(argv: list[str], cwd: Path) -> Sample:
    """One whole-process run: wall time from perf_counter, peak RSS from /usr/bin/time -v."""
    env = child_env()
    if os.access(TIME_BIN, os.X_OK):
        fd, tpath = tempfile.mkstemp(prefix="bench-time-", suffix=".txt")
        os.close(fd)
        try:
            t0 = time.perf_counter()
            p = subprocess.run(
                [TIME_BIN, "-v", "-o", tpath, *argv],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wall = (time.perf_counter() - t0) * 1000
            text = Path(tpath).read_text(errors="replace")
        finally:
            os.unlink(tpath)
        m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
        rc_m = re.search(r"Exit status:\s*(-?\d+)", text)
        rc = int(rc_m.group(1)) if rc_m else p.returncode
        if "Command terminated by signal" in text:
            rc = -1
        return Sample(wall, int(m.group(1)) if m else None, rc)
    # Fallback without GNU time: wait4() gives the child's own rusage.
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, ru = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, int(ru.ru_maxrss), proc.returncode)


# --------------------------------------------------------------------------- corpus & schema


def ensure_corpus(corpus: Path, need_big: bool, big_lines: int) -> dict[str, Any]:
    meta_path = corpus / "corpus.json"
    gen = [sys.executable, str(HERE / "gen_corpus.py"), "--out", str(corpus)]
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if not ("many" in meta and "all" in meta and (corpus / "one" / "payload.json").exists()):
        print(f"# corpus missing in {corpus}: running gen_corpus.py", flush=True)
        subprocess.run(gen, check=True)
        meta = json.loads(meta_path.read_text())
    if need_big and (meta.get("big", {}).get("lines") != big_lines or not (corpus / "big.jsonl").exists()):
        print(
            f"# big.jsonl ({big_lines} lines) missing: running gen_corpus.py --lines {big_lines} --only-big", flush=True
        )
        subprocess.run([*gen, "--lines", str(big_lines), "--only-big"], check=True)
        meta = json.loads(meta_path.read_text())
    return meta


def export_schema(wanspec: Tool, corpus: Path) -> Path:
    out = corpus / "export"
    if out.exists():
        shutil.rmtree(out)
    p = capture([*wanspec.argv, "schemas", "export", str(out)])
    if p.returncode != 0:
        raise SystemExit(f"`{' '.join(wanspec.argv)} schemas export {out}` failed ({p.returncode}):\n{p.stderr}")
    path = out / SCHEMA_REL
    if not path.exists():
        raise SystemExit(f"wanspec export did not write {path}; pass --schema PATH")
    return path


# --------------------------------------------------------------------------- sanity check


def _walk_diagnostics(node: Any, inherited_file: str | None, out: list[tuple[str | None, dict[str, Any]]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_diagnostics(item, inherited_file, out)
    elif isinstance(node, dict):
        f = node.get("file", node.get("path", node.get("filename", inherited_file)))
        if not isinstance(f, str):
            f = inherited_file
        if "severity" in node:
            out.append((f, node))
        for v in node.values():
            if isinstance(v, (list, dict)):
                _walk_diagnostics(v, f, out)


def _norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def invalid_keys_wanspec(stdout: str, jsonl: bool) -> set[str]:
    """Keys ("many/x.json" or "all.jsonl:LINE") with at least one error-severity diagnostic."""
    data = json.loads(stdout) if stdout.strip() else []
    found: list[tuple[str | None, dict[str, Any]]] = []
    _walk_diagnostics(data, None, found)
    keys: set[str] = set()
    for f, d in found:
        if str(d.get("severity", "")).lower() not in ("error", "fatal"):
            continue
        if f is None:
            raise ValueError(f"wanspec diagnostic without a file: {d}")
        if jsonl:
            line = d.get("line")
            if not isinstance(line, int):
                task = d.get("task", d.get("task_index", d.get("index")))
                if not isinstance(task, int):
                    raise ValueError(f"wanspec JSONL diagnostic without line or task index: {d}")
                line = task + 1  # task index is 0-based; the corpus has no blank lines
            keys.add(f"{_norm(f)}:{line}")
        else:
            keys.add(_norm(f))
    return keys


def invalid_keys_cjs(stdout: str) -> set[str]:
    data = json.loads(stdout)
    keys = {_norm(e["filename"]) for e in data.get("errors", [])}
    keys |= {_norm(e.get("filename", "?")) for e in data.get("parse_errors", [])}
    return keys


def invalid_keys_ajv(stdout: str, jsonl: bool) -> set[str]:
    keys: set[str] = set()
    pat = re.compile(r"^(.+?\.jsonl):(\d+): ") if jsonl else re.compile(r"^(.+?\.json): ")
    for line in stdout.splitlines():
        m = pat.match(line)
        if m:
            keys.add(_norm(m.group(1)) + (f":{m.group(2)}" if jsonl else ""))
    return keys


def expected_labels(corpus: Path, scenario: str) -> tuple[set[str], dict[str, str]]:
    """(invalid keys, key -> kind) from the generator's labels."""
    kinds: dict[str, str] = {}
    if scenario == "one":
        kinds["one/payload.json"] = "valid"
    elif scenario == "many":
        for k, v in json.loads((corpus / "many.expected.json").read_text()).items():
            kinds[k] = v["kind"]
    else:
        for row in (corpus / "all.expected.txt").read_text().splitlines():
            line, _verdict, kind = row.split("\t")
            kinds[f"all.jsonl:{line}"] = kind
    invalid = {k for k, kind in kinds.items() if not (kind == "valid" or kind.startswith("warn_"))}
    return invalid, kinds


def sanity(scenario: str, files: list[str], corpus: Path, schema: Path, tools: dict[str, Tool]) -> dict[str, Any]:
    jsonl = scenario == "jsonl"
    expected, kinds = expected_labels(corpus, scenario)
    verdicts: dict[str, set[str]] = {"labels": expected}
    problems: list[str] = []
    for name, tool in tools.items():
        if name == "check-jsonschema" and jsonl:
            continue
        if name == "wanspec":
            argv = [*tool.argv, "lint", "--format", "json", *files]
        elif name == "check-jsonschema":
            argv = [*tool.argv, "-o", "json", "--schemafile", str(schema), *files]
        else:
            argv = [*tool.argv, str(schema), *files]
        p = capture(argv, cwd=corpus)
        try:
            if name == "wanspec":
                keys = invalid_keys_wanspec(p.stdout, jsonl)
            elif name == "check-jsonschema":
                keys = invalid_keys_cjs(p.stdout)
            else:
                keys = invalid_keys_ajv(p.stdout, jsonl)
        except (ValueError, KeyError, TypeError) as e:
            problems.append(f"{name}: cannot read its output ({e}); rc={p.returncode}; stderr: {p.stderr[-400:]}")
            continue
        want_rc = 1 if keys else 0
        if p.returncode != want_rc:
            problems.append(
                f"{name}: exit code {p.returncode}, expected {want_rc} ({len(keys)} invalid)"
                + (f"; stderr: {p.stderr.strip()[-300:]}" if p.returncode not in (0, 1) else "")
            )
        verdicts[name] = keys
    report: dict[str, Any] = {
        "invalid_counts": {k: len(v) for k, v in verdicts.items()},
        "problems": problems,
        "disagreements": {},
    }
    names = list(verdicts)
    agree = not problems
    for name in names[1:]:
        diff = verdicts[name] ^ verdicts["labels"]
        if diff:
            agree = False
            by_kind: dict[str, int] = {}
            for k in diff:
                by_kind[kinds.get(k, "?")] = by_kind.get(kinds.get(k, "?"), 0) + 1
            report["disagreements"][name] = {
                "count": len(diff),
                "only_tool_says_invalid": len(verdicts[name] - verdicts["labels"]),
                "only_labels_say_invalid": len(verdicts["labels"] - verdicts[name]),
                "by_kind": dict(sorted(by_kind.items(), key=lambda kv: -kv[1])),
                "examples": sorted(diff)[:5],
            }
    report["agree"] = agree
    return report


def print_sanity(scenario: str, rep: dict[str, Any]) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in rep["invalid_counts"].items())
    status = "OK, all agree" if rep["agree"] else "MISMATCH"
    print(f"sanity [{scenario}]: invalid: {counts} -> {status}")
    for p in rep["problems"]:
        print(f"  ! {p}")
    for name, d in rep["disagreements"].items():
        print(
            f"  ! {name} vs labels: {d['count']} differ (tool-only invalid {d['only_tool_says_invalid']}, "
            f"labels-only invalid {d['only_labels_say_invalid']}); by kind {d['by_kind']}; e.g. {d['examples']}"
        )


# --------------------------------------------------------------------------- timing


def round_robin(cmds: list[tuple[str, str, list[str]]], rounds: int, cwd: Path, progress: str) -> list[Series]:
    series = [
        Series(label, tool, " ".join(shlex.quote(a) for a in argv[:6]) + (" …" if len(argv) > 6 else ""))
        for label, tool, argv in cmds
    ]
    for s, (_, _, argv) in zip(series, cmds, strict=True):
        s.warmup = measure(argv, cwd)
    k = len(cmds)
    for r in range(rounds):
        order = [(i + r) % k for i in range(k)]
        for i in order:
            series[i].samples.append(measure(cmds[i][2], cwd))
        if sys.stderr.isatty():
            print(f"\r# {progress}: round {r + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    print(f"\r# {progress}: {rounds} rounds done", file=sys.stderr, flush=True)
    return series


def paired_ratio(a: Series, b: Series) -> float | None:
    """Median over rounds of a/b, both measured in the same round (robust to slow phases)."""
    pairs = [x.wall_ms / y.wall_ms for x, y in zip(a.samples, b.samples, strict=False) if y.wall_ms > 0]
    return statistics.median(pairs) if pairs else None


def fmt(x: float | None, nd: int = 0) -> str:
    return "–" if x is None else f"{x:,.{nd}f}"


def verdict(value: float | None, target: float) -> str:
    if value is None:
        return "n/a"
    return "✅ meets" if value <= target else "❌ misses"


def scenario_tables(name: str, title: str, series: list[Series]) -> tuple[str, dict[str, Any]]:
    rows = [s.summary() for s in series]
    lines = [
        f"### {title}",
        "",
        "| command | n | median wall ms | min ms | median peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s['label']} | {s['n']} | {fmt(s['wall_median_ms'])} | {fmt(s['wall_min_ms'])} | "
            f"{fmt(s['rss_median_mb'], 1)} | {','.join(map(str, s['exit_codes']))} |"
        )
    ratios: dict[str, Any] = {}
    by_tool = {s.tool: s for s in series}
    if name == "memory":
        small, big = series[0], series[1]
        rs, rb = small.summary()["rss_median_mb"], big.summary()["rss_median_mb"]
        ratio = rb / rs if rs and rb else None
        target = TARGETS["memory"]["rss_big_over_small"]
        ratios["rss_big_over_small"] = {"value": ratio, "target": target}
        lines += [
            "",
            "| ratio | value | target | |",
            "|---|---:|---:|---|",
            f"| peak RSS big / small | {fmt(ratio, 2)}× | ≤ {target}× | {verdict(ratio, target)} |",
        ]
    elif "wanspec" in by_tool:
        w = by_tool["wanspec"]
        wm = w.summary()["wall_median_ms"]
        rlines = [
            "",
            "| ratio (wall time) | ratio of medians | ratio of mins | median of per-round ratios | target | |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for other, target in TARGETS[name].items():
            o = by_tool.get(other)
            if o is None:
                continue
            om = o.summary()["wall_median_ms"]
            rm = wm / om if wm and om else None
            rmin = min(w.walls()) / min(o.walls()) if w.walls() and o.walls() else None
            rp = paired_ratio(w, o)
            ratios[f"wanspec/{other}"] = {"median": rm, "min": rmin, "paired_median": rp, "target": target}
            rlines.append(
                f"| wanspec / {other} | {fmt(rm, 2)}× | {fmt(rmin, 2)}× | {fmt(rp, 2)}× | ≤ {target}× | "
                f"{verdict(rm, target)} |"
            )
        if len(rlines) > 3:
            lines += rlines
    bad = [s["label"] for s in rows if any(rc not in (0, 1) for rc in s["exit_codes"])]
    if bad:
        lines += ["", f"⚠️ crashed or failed (exit code not 0/1), timings meaningless: {', '.join(bad)}"]
    return "\n".join(lines) + "\n", {"series": rows, "ratios": ratios}


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (gen_corpus.py --out)")
    ap.add_argument("--wanspec", help="wanspec command (default: the console script beside this Python, then PATH)")
    ap.add_argument("--check-jsonschema", dest="cjs", help="check-jsonschema command (same lookup)")
    ap.add_argument("--node", help="node binary (default: node on PATH; Ajv rows are skipped without it)")
    ap.add_argument("--no-wanspec", action="store_true", help="benchmark only check-jsonschema and Ajv")
    ap.add_argument(
        "--schema",
        type=Path,
        help="JSON Schema for check-jsonschema and Ajv (default: "
        f"`wanspec schemas export`'s {SCHEMA_REL}; without wanspec: the corpus' reference-schema.json)",
    )
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset of " + ",".join(SCENARIOS))
    ap.add_argument(
        "--rounds",
        type=int,
        help="rounds for every scenario (overrides the defaults "
        + ", ".join(f"{k} {v}" for k, v in DEFAULT_ROUNDS.items())
        + ")",
    )
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_ROUNDS} rounds per scenario")
    ap.add_argument("--big-lines", type=int, default=BIG_LINES, help="lines of big.jsonl for the memory scenario")
    ap.add_argument("--no-sanity", action="store_true", help="skip the verdict cross-check")
    ap.add_argument("--results", type=Path, default=HERE / "results.json", help="raw numbers (JSON)")
    ap.add_argument("--write-readme", action="store_true", help="replace the results block in benchmarks/README.md")
    args = ap.parse_args(argv)

    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    for s in scenarios:
        if s not in SCENARIOS:
            ap.error(f"unknown scenario {s!r}")
    rounds = {k: (args.rounds or (QUICK_ROUNDS if args.quick else v)) for k, v in DEFAULT_ROUNDS.items()}
    corpus: Path = args.corpus.resolve()

    # ---- tools
    tools: dict[str, Tool] = {}
    notes: list[str] = []
    if not args.no_wanspec:
        cmd = shlex.split(args.wanspec) if args.wanspec else ([p] if (p := find_console_script("wanspec")) else None)
        if cmd:
            tools["wanspec"] = Tool("wanspec", cmd, tool_version([*cmd, "--version"]))
        else:
            notes.append("wanspec not found (install it in this venv or pass --wanspec CMD): wanspec rows skipped")
    cmd = shlex.split(args.cjs) if args.cjs else ([p] if (p := find_console_script("check-jsonschema")) else None)
    if cmd:
        tools["check-jsonschema"] = Tool("check-jsonschema", cmd, tool_version([*cmd, "--version"]))
    else:
        notes.append("check-jsonschema not found (pip install check-jsonschema): its rows are skipped")
    node = args.node or shutil.which("node")
    script = HERE / "node" / "lint_ajv.js"
    if node:
        if not (HERE / "node" / "node_modules" / "ajv").exists():
            npm = shutil.which("npm")
            if npm:
                print("# installing Ajv: npm ci in benchmarks/node", flush=True)
                subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE / "node", check=False)
        if (HERE / "node" / "node_modules" / "ajv").exists():
            ajv_v = json.loads((HERE / "node" / "node_modules" / "ajv" / "package.json").read_text())["version"]
            tools["ajv"] = Tool("ajv", [node, str(script)], f"ajv {ajv_v}, node {tool_version([node, '--version'])}")
        else:
            notes.append("Ajv not installed (cd benchmarks/node && npm ci): Ajv rows skipped")
    else:
        notes.append("node not found: Ajv rows skipped")
    for n in notes:
        print(f"# {n}")
    if not tools:
        print("nothing to benchmark", file=sys.stderr)
        return 2

    # ---- corpus and schema
    meta = ensure_corpus(corpus, "memory" in scenarios and "wanspec" in tools, args.big_lines)
    if args.schema:
        schema = args.schema.resolve()
    elif "wanspec" in tools:
        schema = export_schema(tools["wanspec"], corpus)
    else:
        schema = corpus / "reference-schema.json"
        notes.append(f"no wanspec: check-jsonschema and Ajv use the generator's reference schema {rel(schema)}")
        print(f"# {notes[-1]}")

    many_files = sorted(f"many/{p.name}" for p in (corpus / "many").glob("*.json"))
    files_of = {"one": ["one/payload.json"], "many": many_files, "jsonl": ["all.jsonl"]}

    def command(tool: Tool, files: list[str]) -> list[str]:
        if tool.name == "wanspec":
            return [*tool.argv, "lint", "--format", "json", *files]
        if tool.name == "check-jsonschema":
            return [*tool.argv, "--schemafile", str(schema), *files]
        return [*tool.argv, str(schema), *files]

    started = _dt.datetime.now(_dt.UTC)
    results: dict[str, Any] = {
        "started_utc": started.isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "python_executable": sys.executable,
        },
        "tools": {n: {"command": t.argv, "version": t.version} for n, t in tools.items()},
        "schema": rel(schema),
        "corpus": {"dir": str(corpus), **{k: meta.get(k) for k in ("seed", "generator_version", "many", "all", "big")}},
        "rounds": {s: rounds[s] for s in scenarios},
        "notes": notes,
        "sanity": {},
        "scenarios": {},
    }
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        results["git_head"] = rev.stdout.strip() or None
    except OSError:
        results["git_head"] = None

    print(f"# schema: {schema}")
    for n, t in tools.items():
        print(f"# {n}: {' '.join(t.argv)}  ({t.version})")

    # ---- sanity
    if not args.no_sanity:
        for sc in ("one", "many", "jsonl"):
            if sc in scenarios:
                rep = sanity(sc, files_of[sc], corpus, schema, tools)
                results["sanity"][sc] = rep
                print_sanity(sc, rep)

    # ---- timing
    md: list[str] = []
    titles = {
        "one": "One file (pre-commit case)",
        "many": f"{len(many_files):,} files on one command line",
        "jsonl": f"JSONL, {meta['all']['lines']:,} lines in one file",
        "memory": f"wanspec peak RSS: all.jsonl ({meta['all']['lines']:,} lines) vs big.jsonl "
        f"({args.big_lines:,} lines)",
    }
    for sc in scenarios:
        if sc == "memory":
            if "wanspec" not in tools:
                continue
            w = tools["wanspec"]
            cmds = [
                (f"wanspec lint all.jsonl ({meta['all']['lines']:,} lines)", "wanspec", command(w, ["all.jsonl"])),
                (f"wanspec lint big.jsonl ({args.big_lines:,} lines)", "wanspec", command(w, ["big.jsonl"])),
            ]
        else:
            cmds = []
            for n, t in tools.items():
                if n == "check-jsonschema" and sc == "jsonl":
                    continue
                label = {
                    "wanspec": "wanspec lint --format json",
                    "check-jsonschema": "check-jsonschema --schemafile",
                    "ajv": "node lint_ajv.js (Ajv2020, allErrors)",
                }[n]
                cmds.append((label, n, command(t, files_of[sc])))
        if not cmds:
            continue
        series = round_robin(cmds, rounds[sc], corpus, sc)
        table, data = scenario_tables(sc, titles[sc], series)
        results["scenarios"][sc] = data
        md.append(table)
        print()
        print(table, flush=True)

    results["finished_utc"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(f"# raw numbers: {args.results}")

    if args.write_readme:
        write_readme(results, md)
    return 0


def write_readme(results: dict[str, Any], tables: list[str]) -> None:
    readme = HERE / "README.md"
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        raise SystemExit(f"{readme} has no {README_START} … {README_END} block")
    m = results["machine"]
    head = [
        f"Measured {results['started_utc']} (git {results.get('git_head') or 'uncommitted'}), {m['cpus']} CPUs, "
        f"{m['platform']}, Python {m['python']}. Rounds: "
        + ", ".join(f"{k} {v}" for k, v in results["rounds"].items())
        + ".",
        "",
        "Tools: " + "; ".join(f"{n} `{t['version']}`" for n, t in results["tools"].items()) + ".",
        "",
    ]
    san = results.get("sanity", {})
    if san:
        parts = []
        for sc, rep in san.items():
            c = ", ".join(f"{k} {v}" for k, v in rep["invalid_counts"].items())
            parts.append(f"{sc}: {'all agree' if rep['agree'] else '**MISMATCH**'} ({c})")
        head += ["Sanity check, invalid files/lines per tool: " + "; ".join(parts) + ".", ""]
    for n in results.get("notes", []):
        head += [f"Note: {n}", ""]
    block = "\n".join(head) + "\n" + "\n".join(tables)
    new = (
        text[: text.index(README_START) + len(README_START)]
        + "\n"
        + block.rstrip()
        + "\n"
        + text[text.index(README_END) :]
    )
    readme.write_text(new)
    print(f"# updated {readme}")


if __name__ == "__main__":
    sys.exit(main())
