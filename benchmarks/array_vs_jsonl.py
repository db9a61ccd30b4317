"""Array vs JSON Lines: the same tasks as one .json array and as .jsonl, with a finding
each and without any.

The Runware wire format is a JSON array of tasks. Positions in such a file used to be
found by rescanning it from the start for every finding (2,000 tasks: 17.7 s and 2 GB;
8,000: killed at 24 GB). This scenario times ``wanspec lint --format json`` on 8,000 and
100,000 tasks in both shapes, whole process: once with a finding in every task
(``duration: 40``, rule WS500) and once with the same tasks valid (``duration: 5``). It
reports the median wall time, the peak resident memory and the array/JSONL ratio
(target: the array within 1.2x of JSON Lines, with or without findings; memory at most
3x the file). The two shapes run in turn within each round, the order alternating, and
the ratio is the median of the rounds' ratios: on a shared machine a slow phase then hits
both.

    python benchmarks/array_vs_jsonl.py                 # 8,000 and 100,000 tasks, both kinds, 5 rounds
    python benchmarks/array_vs_jsonl.py --tasks 8000 --findings without --rounds 3
    python benchmarks/array_vs_jsonl.py --write-readme  # refresh the block in benchmarks/README.md

Files go to ``benchmarks/.corpus/arrays`` (git-ignored); the timing harness is run.py's.
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import statistics
import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_corpus import DEFAULT_SEED, build_valid  # noqa: E402  # the corpus' own tasks
from run import capture, find_console_script, measure  # noqa: E402  # the one harness: same timing as run.py

#: One valid task from the corpus generator, made to break one rule (WS500: duration 40),
#: with a short prompt (under 500 bytes a task), so that 100,000 tasks stay under the
#: 64 MiB a .json file may have.
TASK = {
    **build_valid(random.Random(DEFAULT_SEED), mode="i2v", dims="resolution"),
    "positivePrompt": "A paper boat drifts down a rain gutter",
    "duration": 40,
}
TASK.pop("negativePrompt", None)
START, END = "<!-- arrays:start -->", "<!-- arrays:end -->"


#: What each kind of run changes in TASK, and the findings it expects per task.
KINDS = {"with": ({}, 1), "without": ({"duration": 5}, 0)}


def write_corpus(out: Path, n: int, kind: str = "with") -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"tasks-{n}" if kind == "with" else f"tasks-{n}-{kind}-findings"
    array, lines = out / f"{stem}.json", out / f"{stem}.jsonl"
    # each task its own taskUUID: the tasks of one array are one batch, which may not repeat one
    change = KINDS[kind][0]
    tasks = [json.dumps({**TASK, **change, "taskUUID": str(uuid.UUID(int=i, version=4))}) for i in range(n)]
    if not array.exists():
        # one task a line inside the brackets: 100,000 tasks stay under the 64 MiB cap
        array.write_text("[\n" + ",\n".join(tasks) + "\n]\n")
    if not lines.exists():
        lines.write_text("".join(task + "\n" for task in tasks))
    return array, lines


def run(wanspec: list[str], paths: dict[str, Path], rounds: int, n: int, each: int = 1) -> dict[str, dict[str, float]]:
    """Both shapes, interleaved: each round runs the array and the JSON Lines file one
    after the other (the order alternating), so a slow phase of a shared machine hits both;
    the ratio is the median of each round's array / JSON Lines ratio. ``each``: the
    findings every task must have (checked before timing)."""
    for path in paths.values():
        check = capture([*wanspec, "lint", "--format", "json", str(path)])
        summary = json.loads(check.stdout)["summary"]
        if summary["errors"] != n * each or summary["tasks"] != n:
            raise SystemExit(f"{path.name}: {summary} (expected {n} tasks with {each} error(s) each)")
    samples: dict[str, list[Any]] = {shape: [] for shape in paths}
    for r in range(rounds):
        for shape in list(paths) if r % 2 == 0 else list(reversed(paths)):
            samples[shape].append(measure([*wanspec, "lint", "--format", "json", str(paths[shape])], HERE))
    out: dict[str, dict[str, float]] = {}
    for shape, got in samples.items():
        bad = [s.rc for s in got if s.rc != (1 if each else 0)]
        if bad:
            raise SystemExit(f"{paths[shape].name}: exit status {bad[0]} (expected {1 if each else 0})")
        rss = [s.rss_kb for s in got if s.rss_kb is not None]
        out[shape] = {
            "median_s": statistics.median(s.wall_ms for s in got) / 1000,
            "min_s": min(s.wall_ms for s in got) / 1000,
            "peak_mb": max(rss) / 1024 if rss else float("nan"),
            "bytes": paths[shape].stat().st_size,
        }
    paired = [a.wall_ms / b.wall_ms for a, b in zip(samples["array"], samples["jsonl"], strict=True)]
    out["array"]["paired_ratio"] = statistics.median(paired)
    return out


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    rows = [
        "| tasks | findings | shape | file size | median time | peak memory | memory / file "
        "| array / JSONL time (median of rounds) |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for key, shapes in results.items():
        n, _, kind = key.partition(" ")
        ratio = shapes["array"].get("paired_ratio", shapes["array"]["median_s"] / shapes["jsonl"]["median_s"])
        for shape, r in shapes.items():
            rows.append(
                f"| {int(n):,} | {kind or 'with'} | {shape} | {r['bytes'] / 1048576:.1f} MB | {r['median_s']:.2f} s | "
                f"{r['peak_mb']:.0f} MB | {r['peak_mb'] * 1048576 / r['bytes']:.1f}x | "
                f"{f'{ratio:.2f}x' if shape == 'array' else ''} |"
            )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", default="8000,100000", help="comma-separated task counts")
    ap.add_argument("--findings", default="with,without", help="with (one finding a task), without, or both")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--wanspec", help="wanspec command (default: the console script beside this Python)")
    ap.add_argument("--corpus", type=Path, default=HERE / ".corpus" / "arrays")
    ap.add_argument("--results", type=Path, default=HERE / "results-arrays.json")
    ap.add_argument("--write-readme", action="store_true")
    args = ap.parse_args(argv)
    wanspec = shlex.split(args.wanspec) if args.wanspec else [find_console_script("wanspec") or "wanspec"]
    results: dict[str, dict[str, dict[str, float]]] = {}
    kinds = args.findings.split(",")
    if not set(kinds) <= set(KINDS):
        ap.error(f"--findings: choose from {', '.join(KINDS)}")
    for n in (int(t) for t in args.tasks.split(",")):
        for kind in kinds:
            array, lines = write_corpus(args.corpus, n, kind)
            key = f"{n} {kind}"
            results[key] = run(wanspec, {"array": array, "jsonl": lines}, args.rounds, n, KINDS[kind][1])
            print(json.dumps({key: results[key]}), flush=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    text = table(results)
    print(text)
    if args.write_readme:
        readme = HERE / "README.md"
        body = readme.read_text()
        head, _, rest = body.partition(START)
        _, _, tail = rest.partition(END)
        readme.write_text(f"{head}{START}\n{text}\n{END}{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
