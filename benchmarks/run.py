#!/usr/bin/env python3
"""Whole-process benchmark: wanspec against check-jsonschema and Ajv, on a clean and a messy corpus.

    python benchmarks/run.py [--quick] [--write-readme]

By default wanspec is measured as users install it: a wheel built from this checkout and
installed (not editable) into a venv of its own under ``benchmarks/.cache``, and check-jsonschema
likewise in a venv of its own, as ``pipx install check-jsonschema`` would. ``--wanspec CMD`` and
``--check-jsonschema CMD`` measure given commands instead.

Every command runs as a separate process; wall time is ``time.perf_counter`` around the child,
CPU time (user + system) comes from ``os.wait4`` and peak RSS from ``/usr/bin/time``;
stdout/stderr go to /dev/null. On a shared machine the CPU ratios are the steadier figures.
One warm-up run per command, then R rounds in which every command runs once, the order rotated
each round, so a slow phase of the VM hits all commands alike. Before every run the files the
command names are read, untimed (``warm_inputs``): this VM's kernel pages out idle file pages
within seconds, and every tool should find its input in the page cache. ``PYTHONDONTWRITEBYTECODE`` is
removed from the children's environment so that .pyc files are written once and then reused.
Clean and messy commands of one scenario share the rounds, so messy/clean is a paired ratio too.

Scenarios (``--scenarios``, default all; each is one function, ``scenario_<name>``):
  one         1 file (the pre-commit case)                        wanspec, check-jsonschema, Ajv
  many        2,000 paths on one command line                     wanspec, check-jsonschema, Ajv
  many-large  20,000 paths on one command line                    wanspec, check-jsonschema, Ajv
              and wanspec walking their directory (`wanspec lint DIR`: the walk, the ignore
              files, the payload check), as walked / named and walked / Ajv
  jsonl       20,000-line JSONL, wanspec -j 1 and default         wanspec, Ajv
  jsonl-big   200,000-line JSONL (clean), -j 1 and default; peak RSS against 20,000 lines

Corpora (``gen_corpus.py --profile``): clean (~20% invalid, one violation each) and messy (long
prompts up to the 1,500-character limit, inline base64 images, ~72% invalid with 1-4 violations).

Before timing, a sanity pass runs each tool once with machine-readable output and checks that all
of them, and the generator's labels, agree on which files (JSONL lines) are invalid; for a
folder of files, wanspec walking the folder must agree too (every file found a payload).

``--quick`` is the smoke test CI runs (tests/test_benchmarks.py): tiny corpora in a temporary
folder, one round, no installs; it proves the harness works, its timings mean nothing.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIME_BIN = "/usr/bin/time"
DEFAULT_CORPUS = HERE / ".corpus"
CACHE = HERE / ".cache"
SCHEMA_REL = Path("runware") / "alibaba-wan-2.6-flash.json"
README_START = "<!-- results:start -->"
README_END = "<!-- results:end -->"
PROFILES = ("clean", "messy")
#: corpus sizes: full run and --quick
SIZES = {
    "full": {"files": 2000, "large_files": 20000, "lines": 20000, "big_lines": 200000},
    "quick": {"files": 20, "large_files": 60, "lines": 200, "big_lines": 1000},
}
DEFAULT_ROUNDS = {"one": 20, "many": 11, "many-large": 3, "jsonl": 7, "jsonl-big": 3}
QUICK_ROUNDS = 1

# Targets (issue 14): ratio of medians, wanspec / other; messy / clean for wanspec; RSS big / small.
TARGETS: dict[str, dict[str, float]] = {
    "one": {"check-jsonschema": 0.25, "ajv": 1.0},
    "many": {"check-jsonschema": 0.15, "ajv": 0.7},
    "many-large": {"ajv": 1.0},
    "jsonl": {"ajv -j1": 1.0, "ajv": 0.6},
    "jsonl-big": {"ajv -j1": 1.0, "ajv": 0.6, "rss": 1.2},
}
MESSY_OVER_CLEAN = 2.0


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
    cpu_ms: float = 0.0


@dataclass
class Series:
    label: str
    tool: str
    argv_display: str
    samples: list[Sample] = field(default_factory=list)
    warmup: Sample | None = None
    profile: str = "clean"
    files: list[str] = field(default_factory=list)
    cwd: Path | None = None

    def walls(self) -> list[float]:
        return [s.wall_ms for s in self.samples]

    def cpus(self) -> list[float]:
        return [s.cpu_ms for s in self.samples]

    def rss(self) -> list[int]:
        return [s.rss_kb for s in self.samples if s.rss_kb is not None]

    def summary(self) -> dict[str, Any]:
        w = self.walls()
        r = self.rss()
        return {
            "label": self.label,
            "tool": self.tool,
            "profile": self.profile,
            "command": self.argv_display,
            "n": len(w),
            "wall_median_ms": statistics.median(w) if w else None,
            "wall_min_ms": min(w) if w else None,
            "wall_max_ms": max(w) if w else None,
            "cpu_median_ms": statistics.median(self.cpus()) if w else None,
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


def warm_inputs(argv: list[str], cwd: Path) -> None:
    """Read every file the command names (each file under a folder it names), untimed.

    The kernel of the machine these numbers come from pages out file pages that stay idle
    for a few seconds (DAMON reclaim, ``pageout`` at a minimum age): 20,000 small files
    idle for 30 s read in 269 ms instead of 60 ms, a 72 MB file idle for 20 s in 76 ms
    instead of 14 ms. Without this, the first command of a round to read a corpus would
    read it from disk for the others, and which command that is rotates with the rounds.
    """
    for arg in argv[1:]:
        path = Path(arg) if os.path.isabs(arg) else cwd / arg
        if path.is_dir():
            targets = (Path(root) / name for root, _, names in os.walk(path) for name in names)
        elif path.is_file():
            targets = iter((path,))
        else:
            continue
        for target in targets:
            try:
                with open(target, "rb") as f:
                    while f.read(1 << 20):
                        pass
            except OSError:
                pass


def measure(argv: list[str], cwd: Path) -> Sample:
    """One whole-process run: wall time from perf_counter, CPU time from wait4(), peak RSS
    from ``/usr/bin/time``. The command's input files are read first, untimed
    (``warm_inputs``), so every command finds them in the page cache.

    The CPU time (user + system of the child and the processes it waited for, at
    microsecond resolution) is the figure least moved by other work on a shared machine;
    wall time is what a user waits. Peak RSS must come from a small intermediate process:
    Linux counts the pages a child had before ``exec`` in its peak, so a child forked
    straight from this harness (which holds the sanity outputs) would report the
    harness's size.
    """
    warm_inputs(argv, cwd)
    with tempfile.NamedTemporaryFile(prefix="bench-rss-", suffix=".txt") as rss:
        wrapped = [TIME_BIN, "-f", "%M", "-o", rss.name, *argv] if os.access(TIME_BIN, os.X_OK) else argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            wrapped,
            cwd=cwd,
            env=child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, ru = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - t0) * 1000
        text = Path(rss.name).read_text(errors="replace").split()
    # GNU time exits with the command's status (128 + N for a signal)
    rc = os.waitstatus_to_exitcode(status)
    peak = int(text[-1]) if text and text[-1].isdigit() else None
    return Sample(wall, peak, rc, (ru.ru_utime + ru.ru_stime) * 1000)


# --------------------------------------------------------------------------- corpus & schema


# --------------------------------------------------------------------------- tools as users install them


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _ensure_venv(venv: Path) -> Path:
    py = _venv_python(venv)
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    return py


def _compile(venv: Path) -> None:
    # the sandbox sets PYTHONDONTWRITEBYTECODE; users' installs have .pyc files
    subprocess.run(
        [str(_venv_python(venv)), "-m", "compileall", "-q", str(venv / "lib")],
        env=child_env(),
        check=False,
        stdout=subprocess.DEVNULL,
    )


def install_wanspec() -> list[str]:
    """Build a wheel of this checkout and install it, not editable, into a venv of its own."""
    venv = CACHE / "venv-wanspec"
    py = _ensure_venv(venv)
    wheels = CACHE / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    print("# building the wanspec wheel and installing it into", rel(venv), flush=True)
    subprocess.run(
        [str(py), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wheel = next(wheels.glob("wanspec-*.whl"))
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(wheel)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    _compile(venv)
    return [str(venv / "bin" / "wanspec")]


def install_check_jsonschema() -> list[str]:
    """check-jsonschema in a venv of its own, as ``pipx install check-jsonschema`` makes it."""
    venv = CACHE / "venv-check-jsonschema"
    script = venv / "bin" / "check-jsonschema"
    if not script.exists():
        py = _ensure_venv(venv)
        print("# installing check-jsonschema into", rel(venv), flush=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "check-jsonschema"], check=True)
        _compile(venv)
    return [str(script)]


# --------------------------------------------------------------------------- corpus & schema


def ensure_corpus(root: Path, profile: str, sizes: dict[str, int], need: set[str]) -> Path:
    """The corpus of one profile under ``root/profile``, generated where missing or of another size."""
    corpus = root / profile
    meta_path = corpus / "corpus.json"
    gen = [sys.executable, str(HERE / "gen_corpus.py"), "--out", str(corpus), "--profile", profile]
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    version = re.search(r"^GENERATOR_VERSION = (\d+)", (HERE / "gen_corpus.py").read_text(), re.M)
    if version and meta.get("generator_version") != int(version.group(1)):
        meta = {}  # written by another version of the generator: every part is rewritten
    if meta.get("many", {}).get("files") != sizes["files"] or meta.get("all", {}).get("lines") != sizes["lines"]:
        print(f"# {profile} corpus missing in {corpus}: running gen_corpus.py", flush=True)
        subprocess.run([*gen, "--files", str(sizes["files"]), "--jsonl-lines", str(sizes["lines"])], check=True)
        meta = json.loads(meta_path.read_text())
    extra: list[str] = []
    if "many-large" in need and meta.get("many-large", {}).get("files") != sizes["large_files"]:
        extra += ["--large-files", str(sizes["large_files"])]
    if "jsonl-big" in need and meta.get("big", {}).get("lines") != sizes["big_lines"]:
        extra += ["--lines", str(sizes["big_lines"])]
    if extra:
        print(f"# {profile}: writing {' '.join(extra)}", flush=True)
        subprocess.run([*gen, *extra, "--only-big"], check=True)
    return corpus


def export_schema(wanspec: Tool, root: Path) -> Path:
    out = root / "export"
    if out.exists():
        shutil.rmtree(out)
    p = capture([*wanspec.argv, "schemas", "export", str(out)])
    if p.returncode != 0:
        raise SystemExit(f"`{' '.join(wanspec.argv)} schemas export {out}` failed ({p.returncode}):\n{p.stderr}")
    path = out / SCHEMA_REL
    if not path.exists():
        raise SystemExit(f"wanspec export did not write {path}; pass --schema PATH")
    return path


# --------------------------------------------------------------------------- scenarios


@dataclass
class Cmd:
    label: str
    tool: str  # "wanspec" | "wanspec -j1" | "check-jsonschema" | "ajv"
    profile: str
    argv: list[str]
    cwd: Path


@dataclass
class Scenario:
    name: str
    title: str
    cmds: list[Cmd]
    sanity_files: dict[str, list[str]] = field(default_factory=dict)  # profile -> files to cross-check


@dataclass
class Ctx:
    tools: dict[str, Tool]
    corpora: dict[str, Path]
    schema: Path
    sizes: dict[str, int]

    def command(self, tool: str, files: list[str], *, jobs: int | None = None) -> list[str]:
        t = self.tools[tool]
        if tool == "wanspec":
            return [*t.argv, "lint", "--format", "json", *(["-j", str(jobs)] if jobs else []), *files]
        if tool == "check-jsonschema":
            return [*t.argv, "--schemafile", str(self.schema), *files]
        return [*t.argv, str(self.schema), *files]

    def files_of(self, folder: str) -> list[str]:
        # the same names in both profiles (payload-NNNNN.json)
        return sorted(f"{folder}/{p.name}" for p in (self.corpora[PROFILES[0]] / folder).glob("*.json"))


LABELS = {
    "wanspec": "wanspec lint --format json",
    "wanspec -j1": "wanspec lint --format json -j 1",
    "wanspec walk": "wanspec lint --format json DIR (walked)",
    "check-jsonschema": "check-jsonschema --schemafile",
    "ajv": "node lint_ajv.js (Ajv2020, allErrors)",
}


def _tree_cmds(ctx: Ctx, files: list[str], tools: tuple[str, ...]) -> list[Cmd]:
    return [
        Cmd(f"{LABELS[t]} [{p}]", t, p, ctx.command(t, files), ctx.corpora[p])
        for p in ctx.corpora
        for t in tools
        if t in ctx.tools
    ]


def scenario_one(ctx: Ctx) -> Scenario:
    files = ["one/payload.json"]
    cmds = _tree_cmds(ctx, files, ("wanspec", "check-jsonschema", "ajv"))
    return Scenario("one", "One file (pre-commit case)", cmds, {p: files for p in ctx.corpora})


def scenario_many(ctx: Ctx) -> Scenario:
    files = ctx.files_of("many")
    cmds = _tree_cmds(ctx, files, ("wanspec", "check-jsonschema", "ajv"))
    return Scenario("many", f"{len(files):,} files on one command line", cmds, {p: files for p in ctx.corpora})


def scenario_many_large(ctx: Ctx) -> Scenario:
    files = ctx.files_of("many-large")
    cmds = _tree_cmds(ctx, files, ("wanspec", "check-jsonschema", "ajv"))
    if "wanspec" in ctx.tools:  # what `wanspec lint .` costs: the walk, ignore files, the payload check
        walked = [*ctx.tools["wanspec"].argv, "lint", "--format", "json", "many-large"]
        cmds += [Cmd(f"{LABELS['wanspec walk']} [{p}]", "wanspec walk", p, walked, ctx.corpora[p]) for p in ctx.corpora]
    title = f"{len(files):,} files on one command line (and wanspec walking their directory)"
    return Scenario("many-large", title, cmds, {p: files for p in ctx.corpora})


def _jsonl_cmds(ctx: Ctx, file: str, profiles: tuple[str, ...]) -> list[Cmd]:
    cmds = []
    for p in profiles:
        if "wanspec" in ctx.tools:
            cmds.append(
                Cmd(
                    f"{LABELS['wanspec -j1']} [{p}]",
                    "wanspec -j1",
                    p,
                    ctx.command("wanspec", [file], jobs=1),
                    ctx.corpora[p],
                )
            )
            cmds.append(Cmd(f"{LABELS['wanspec']} [{p}]", "wanspec", p, ctx.command("wanspec", [file]), ctx.corpora[p]))
        if "ajv" in ctx.tools:
            cmds.append(Cmd(f"{LABELS['ajv']} [{p}]", "ajv", p, ctx.command("ajv", [file]), ctx.corpora[p]))
    return cmds


def scenario_jsonl(ctx: Ctx) -> Scenario:
    cmds = _jsonl_cmds(ctx, "all.jsonl", tuple(ctx.corpora))
    title = f"JSONL, {ctx.sizes['lines']:,} lines in one file"
    return Scenario("jsonl", title, cmds, {p: ["all.jsonl"] for p in ctx.corpora})


def scenario_jsonl_big(ctx: Ctx) -> Scenario:
    # clean only: the messy corpus at 200,000 lines would be about 740 MB
    cmds = _jsonl_cmds(ctx, "big.jsonl", ("clean",))
    if "wanspec" in ctx.tools:  # the 20,000-line run whose peak RSS the big one is compared with
        small = Cmd(
            f"{LABELS['wanspec -j1']} all.jsonl [clean]",
            "rss-small",
            "clean",
            ctx.command("wanspec", ["all.jsonl"], jobs=1),
            ctx.corpora["clean"],
        )
        cmds.append(small)
    title = (
        f"JSONL, {ctx.sizes['big_lines']:,} lines in one file (clean); peak RSS against {ctx.sizes['lines']:,} lines"
    )
    return Scenario("jsonl-big", title, cmds)


def _bytes(series: list[Series], profile: str) -> int:
    """Input bytes of the scenario's wanspec command on one corpus (the files it names)."""
    for s in series:
        if s.profile == profile and s.tool.startswith("wanspec") and s.files and s.cwd:
            return sum(_size(s.cwd, f) for f in s.files)
    return 0


def _size(cwd: Path, name: str) -> int:
    path = cwd / name
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size if path.exists() else 0


SCENARIOS: dict[str, Callable[[Ctx], Scenario]] = {
    "one": scenario_one,
    "many": scenario_many,
    "many-large": scenario_many_large,
    "jsonl": scenario_jsonl,
    "jsonl-big": scenario_jsonl_big,
}


# --------------------------------------------------------------------------- timing


def round_robin(cmds: list[Cmd], rounds: int, progress: str) -> list[Series]:
    series = [
        Series(c.label, c.tool, " ".join(shlex.quote(a) for a in c.argv[:6]) + (" …" if len(c.argv) > 6 else ""))
        for c in cmds
    ]
    for s, c in zip(series, cmds, strict=True):
        s.profile, s.cwd = c.profile, c.cwd
        s.files = [a for a in c.argv if a.endswith((".json", ".jsonl")) and not a.startswith("/")]
        s.warmup = measure(c.argv, c.cwd)
    k = len(cmds)
    for r in range(rounds):
        for i in [(i + r) % k for i in range(k)]:
            series[i].samples.append(measure(cmds[i].argv, cmds[i].cwd))
        if sys.stderr.isatty():
            print(f"\r# {progress}: round {r + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    print(f"\r# {progress}: {rounds} rounds done", file=sys.stderr, flush=True)
    return series


def paired_ratio(a: Series, b: Series, *, cpu: bool = False) -> float | None:
    """Median over rounds of a/b, both measured in the same round (robust to slow phases)."""
    key = (lambda s: s.cpu_ms) if cpu else (lambda s: s.wall_ms)
    pairs = [key(x) / key(y) for x, y in zip(a.samples, b.samples, strict=False) if key(y) > 0]
    return statistics.median(pairs) if pairs else None


def fmt(x: float | None, nd: int = 0) -> str:
    return "–" if x is None else f"{x:,.{nd}f}"


def verdict(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "✅ meets" if value <= target else "❌ misses"


def _ratio(a: Series, b: Series) -> dict[str, float | None]:
    am, bm = a.summary()["wall_median_ms"], b.summary()["wall_median_ms"]
    return {
        "median": am / bm if am and bm else None,
        "min": min(a.walls()) / min(b.walls()) if a.walls() and b.walls() else None,
        "paired_median": paired_ratio(a, b),
        "cpu_paired_median": paired_ratio(a, b, cpu=True),
    }


def scenario_tables(sc: Scenario, series: list[Series]) -> tuple[str, dict[str, Any]]:
    rows = [s.summary() for s in series]
    lines = [
        f"### {sc.title}",
        "",
        "| command | n | median wall ms | min ms | median CPU ms | median peak RSS MB | exit |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for s in rows:
        lines.append(
            f"| {s['label']} | {s['n']} | {fmt(s['wall_median_ms'])} | {fmt(s['wall_min_ms'])} | "
            f"{fmt(s['cpu_median_ms'])} | {fmt(s['rss_median_mb'], 1)} | {','.join(map(str, s['exit_codes']))} |"
        )
    find = {(s.tool, s.profile): s for s in series}
    targets = TARGETS.get(sc.name, {})
    ratios: dict[str, Any] = {}
    notes: list[str] = []
    rlines = [
        "",
        "| ratio | wall: ratio of medians | wall: ratio of mins | wall: median of per-round ratios "
        "| CPU: median of per-round ratios | target | |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]

    def add(name: str, a: Series | None, b: Series | None, target: float | None) -> None:
        if a is None or b is None:
            return
        r = _ratio(a, b)
        ratios[name] = {**r, "target": target}
        rlines.append(
            f"| {name} | {fmt(r['median'], 2)}× | {fmt(r['min'], 2)}× | {fmt(r['paired_median'], 2)}× | "
            f"{fmt(r['cpu_paired_median'], 2)}× | "
            f"{'≤ ' + str(target) + '×' if target else ''} | {verdict(r['median'], target)} |"
        )

    profiles = sorted({s.profile for s in series}, key=PROFILES.index)
    for p in profiles:
        for other in ("check-jsonschema", "ajv"):
            add(f"wanspec / {other} [{p}]", find.get(("wanspec", p)), find.get((other, p)), targets.get(other))
        add(f"wanspec -j 1 / ajv [{p}]", find.get(("wanspec -j1", p)), find.get(("ajv", p)), targets.get("ajv -j1"))
        add(f"wanspec walked / named [{p}]", find.get(("wanspec walk", p)), find.get(("wanspec", p)), None)
        add(f"wanspec walked / ajv [{p}]", find.get(("wanspec walk", p)), find.get(("ajv", p)), None)
    if "messy" in profiles and "clean" in profiles:
        for tool in ("wanspec", "wanspec -j1", "check-jsonschema", "ajv"):
            target = MESSY_OVER_CLEAN if tool.startswith("wanspec") else None
            add(f"{tool} messy / clean", find.get((tool, "messy")), find.get((tool, "clean")), target)
        sizes = {p: _bytes(series, p) for p in ("clean", "messy")}
        if all(sizes.values()):
            per_byte = sizes["clean"] / sizes["messy"]
            ratios["messy bytes / clean bytes"] = {"value": 1 / per_byte}
            lines_note = (
                f"The messy input is {1 / per_byte:.2f}× the clean one in bytes; per byte, "
                "wanspec's messy / clean ratio is the one above × "
                f"{per_byte:.2f}."
            )
            rlines.append(f"| messy / clean input bytes | {1 / per_byte:.2f}× | | | | | |")
            notes.append(lines_note)
    if len(rlines) > 3:
        lines += rlines
    if notes:
        lines += ["", *notes]
    small, big = find.get(("rss-small", "clean")), find.get(("wanspec -j1", "clean"))
    if sc.name == "jsonl-big" and small is not None and big is not None:
        rs, rb = small.summary()["rss_median_mb"], big.summary()["rss_median_mb"]
        value = rb / rs if rs and rb else None
        ratios["rss big / small (-j 1)"] = {"value": value, "target": targets.get("rss")}
        lines += [
            "",
            "| ratio | value | target | |",
            "|---|---:|---:|---|",
            f"| peak RSS, -j 1, big / small | {fmt(value, 2)}× | ≤ {targets.get('rss')}× | "
            f"{verdict(value, targets.get('rss'))} |",
        ]
    bad = [s["label"] for s in rows if any(rc not in (0, 1) for rc in s["exit_codes"])]
    if bad:
        lines += ["", f"⚠️ crashed or failed (exit code not 0/1), timings meaningless: {', '.join(bad)}"]
    return "\n".join(lines) + "\n", {"series": rows, "ratios": ratios}


# --------------------------------------------------------------------------- main


def _find_tools(args: argparse.Namespace, notes: list[str]) -> dict[str, Tool]:
    tools: dict[str, Tool] = {}
    if not args.no_wanspec:
        if args.wanspec:
            cmd: list[str] | None = shlex.split(args.wanspec)
        elif args.quick:
            cmd = [p] if (p := find_console_script("wanspec")) else None
        else:
            cmd = install_wanspec()
        if cmd:
            tools["wanspec"] = Tool("wanspec", cmd, tool_version([*cmd, "--version"]))
        else:
            notes.append("wanspec not found (pass --wanspec CMD): wanspec rows skipped")
    if args.cjs:
        cmd = shlex.split(args.cjs)
    elif args.quick:
        cmd = [p] if (p := find_console_script("check-jsonschema")) else None
    else:
        cmd = install_check_jsonschema()
    if cmd:
        tools["check-jsonschema"] = Tool("check-jsonschema", cmd, tool_version([*cmd, "--version"]))
    else:
        notes.append("check-jsonschema not found: its rows are skipped")
    node = args.node or shutil.which("node")
    script = HERE / "node" / "lint_ajv.js"
    if node:
        if not (HERE / "node" / "node_modules" / "ajv").exists() and not args.quick:
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
    return tools


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    ap.add_argument("--corpus", type=Path, help="corpora folder (default benchmarks/.corpus; --quick: a temp folder)")
    ap.add_argument("--wanspec", help="wanspec command (default: a wheel of this checkout in its own venv)")
    ap.add_argument("--check-jsonschema", dest="cjs", help="check-jsonschema command (default: its own venv)")
    ap.add_argument("--node", help="node binary (default: node on PATH; Ajv rows are skipped without it)")
    ap.add_argument("--no-wanspec", action="store_true", help="benchmark only check-jsonschema and Ajv")
    ap.add_argument("--schema", type=Path, help="JSON Schema for check-jsonschema and Ajv (default: wanspec's export)")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated subset of " + ",".join(SCENARIOS))
    ap.add_argument("--profiles", default=",".join(PROFILES), help="comma-separated subset of " + ",".join(PROFILES))
    ap.add_argument(
        "--rounds",
        type=int,
        help="rounds for every scenario (defaults: " + ", ".join(f"{k} {v}" for k, v in DEFAULT_ROUNDS.items()) + ")",
    )
    ap.add_argument("--quick", action="store_true", help="smoke test: tiny corpora, 1 round, no installs")
    ap.add_argument("--no-sanity", action="store_true", help="skip the verdict cross-check")
    ap.add_argument("--results", type=Path, help="raw numbers (JSON; default benchmarks/results.json)")
    ap.add_argument("--write-readme", action="store_true", help="replace the results block in benchmarks/README.md")
    args = ap.parse_args(argv)

    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    for s in scenarios:
        if s not in SCENARIOS:
            ap.error(f"unknown scenario {s!r}")
    for p in profiles:
        if p not in PROFILES:
            ap.error(f"unknown profile {p!r}")
    if "jsonl-big" in scenarios and "clean" not in profiles:
        profiles.insert(0, "clean")
    rounds = {k: (args.rounds or (QUICK_ROUNDS if args.quick else v)) for k, v in DEFAULT_ROUNDS.items()}
    sizes = SIZES["quick" if args.quick else "full"]
    tmp = tempfile.TemporaryDirectory(prefix="wanspec-bench-") if args.quick and not args.corpus else None
    root: Path = (Path(tmp.name) if tmp else (args.corpus or DEFAULT_CORPUS)).resolve()
    results_path: Path = args.results or (root / "results.json" if tmp else HERE / "results.json")

    notes: list[str] = []
    tools = _find_tools(args, notes)
    for n in notes:
        print(f"# {n}")
    if not tools:
        print("nothing to benchmark", file=sys.stderr)
        return 2

    # the 200,000-line JSONL is clean only (messy at that size would be about 740 MB)
    corpora = {
        p: ensure_corpus(root, p, sizes, set(scenarios) - ({"jsonl-big"} if p != "clean" else set())) for p in profiles
    }
    if args.schema:
        schema = args.schema.resolve()
    elif "wanspec" in tools:
        schema = export_schema(tools["wanspec"], root)
    else:
        schema = corpora[profiles[0]] / "reference-schema.json"
        notes.append(f"no wanspec: check-jsonschema and Ajv use the generator's reference schema {rel(schema)}")
    ctx = Ctx(tools, corpora, schema, sizes)

    started = _dt.datetime.now(_dt.UTC)
    results: dict[str, Any] = {
        "started_utc": started.isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "python_executable": sys.executable,
        },
        "tools": {n: {"command": t.argv, "version": t.version} for n, t in tools.items()},
        "schema": rel(schema),
        "corpora": {p: json.loads((c / "corpus.json").read_text()) for p, c in corpora.items()},
        "rounds": {s: rounds[s] for s in scenarios},
        "quick": args.quick,
        "notes": notes,
        "sanity": {},
        "scenarios": {},
    }
    for p in results["corpora"].values():
        p.pop("invalid_kinds", None)
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        results["git_head"] = rev.stdout.strip() or None
    except OSError:
        results["git_head"] = None

    print(f"# schema: {schema}")
    for n, t in tools.items():
        print(f"# {n}: {' '.join(t.argv)}  ({t.version})")

    md: list[str] = []
    for name in scenarios:
        sc = SCENARIOS[name](ctx)
        if not args.no_sanity:
            for p, files in sc.sanity_files.items():
                rep = sanity(files, corpora[p], schema, tools)
                results["sanity"][f"{name} [{p}]"] = rep
                print_sanity(f"{name} [{p}]", rep)
        if not sc.cmds:
            continue
        series = round_robin(sc.cmds, rounds[name], name)
        table, data = scenario_tables(sc, series)
        results["scenarios"][name] = data
        md.append(table)
        print()
        print(table, flush=True)

    results["finished_utc"] = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    results["load_average_end"] = os.getloadavg()
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"# raw numbers: {results_path}")

    if args.write_readme:
        write_readme(results, md)
    if tmp is not None:
        tmp.cleanup()
    return 0


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


def expected_labels(corpus: Path, files: list[str]) -> tuple[set[str], dict[str, str]]:
    """(invalid keys, key -> kind) from the generator's labels for these files."""
    kinds: dict[str, str] = {}
    for f in files:
        if f.endswith(".jsonl"):
            for row in (corpus / f.replace(".jsonl", ".expected.txt")).read_text().splitlines():
                line, _verdict, kind = row.split("\t")
                kinds[f"{f}:{line}"] = kind
        elif "/" in f and f.split("/")[0] != "one":
            folder = f.split("/")[0]
            if not any(k.startswith(folder + "/") for k in kinds):
                for k, v in json.loads((corpus / f"{folder}.expected.json").read_text()).items():
                    kinds[k] = v["kind"]
        else:
            kinds[f] = "valid"
    invalid = {k for k, kind in kinds.items() if not (kind == "valid" or kind.startswith("warn_"))}
    return invalid, kinds


def sanity(files: list[str], corpus: Path, schema: Path, tools: dict[str, Tool]) -> dict[str, Any]:
    jsonl = files[0].endswith(".jsonl")
    expected, kinds = expected_labels(corpus, files)
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
        folders = {f.split("/")[0] for f in files}
        if name == "wanspec" and not jsonl and len(folders) == 1 and "/" in files[0]:
            # the directory walked instead of named: every file a payload, the same verdicts
            walked = capture([*tool.argv, "lint", "--format", "json", folders.pop()], cwd=corpus)
            verdicts["wanspec (walked)"] = invalid_keys_wanspec(walked.stdout, jsonl)
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
        f"Load average at the start {', '.join(f'{x:.2f}' for x in results['load_average'])} "
        + (
            "(the machine was otherwise quiet)."
            if results["load_average"][0] < 1.5
            else f"({m['cpus']} cores; other work was running on the machine: prefer the CPU ratios)."
        ),
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
