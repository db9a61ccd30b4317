#!/usr/bin/env python3
"""Before/after of one change: two wanspec commands, interleaved, on the benchmark corpora.

    python benchmarks/ab.py --a "/venv-before/bin/wanspec" --b "/venv-after/bin/wanspec" [--rounds 15]

Each workload runs both commands once per round, in alternating order, so the machine's slow
phases hit both alike; the paired ratios b/a (medians of per-round ratios) of wall and CPU time are the figures to
quote; on a shared machine, the CPU one.
Workloads (``--workloads``): one, many (a directory), many-named (2,000 paths), many-large,
jsonl-j1, jsonl (default -j), over the clean
and messy corpora that ``run.py`` generates (run it once first, or pass ``--corpus``).

Standard library only; uses ``run.py``'s ``measure``.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DEFAULT_CORPUS, PROFILES, Sample, measure

WORKLOADS = {
    "one": (["one/payload.json"], []),
    "many": (["many"], []),  # the directory: discovery decides which files are payloads
    "many-named": (["many/*.json"], []),  # every path on the command line, as run.py and pre-commit do
    "many-large": (["many-large"], []),
    "many-large-named": (["many-large/*.json"], []),  # run.py's 20,000 files
    "jsonl-j1": (["all.jsonl"], ["-j", "1"]),
    "jsonl": (["all.jsonl"], []),
    "array": (["array.json"], []),  # a corpus folder holding array.json (array_vs_jsonl.py writes them)
}


def _med(samples: list[Sample]) -> str:
    wall = statistics.median(s.wall_ms for s in samples)
    cpu = statistics.median(s.cpu_ms for s in samples)
    return f"{wall:,.0f} / {cpu:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--a", required=True, help="the 'before' wanspec command")
    ap.add_argument("--b", required=True, help="the 'after' wanspec command")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--profiles", default=",".join(PROFILES))
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args(argv)
    a, b = shlex.split(args.a), shlex.split(args.b)
    print(
        "| workload | corpus | before: wall ms / CPU ms | after: wall ms / CPU ms "
        "| after / before, wall (paired) | after / before, CPU (paired) |"
    )
    print("|---|---|---:|---:|---:|---:|")
    for name in args.workloads.split(","):
        paths, extra = WORKLOADS[name]
        for profile in args.profiles.split(","):
            cwd = args.corpus / profile
            named = [str(p.relative_to(cwd)) for pat in paths if "*" in pat for p in sorted(cwd.glob(pat))]
            if not named and not (cwd / paths[0]).exists():
                continue
            tail = ["lint", "--format", "json", *extra, *(named or paths)]
            for cmd in (a, b):  # warm-up, and a check that both commands work
                rc = measure([*cmd, *tail], cwd).rc
                if rc not in (0, 1):
                    raise SystemExit(f"{shlex.join([*cmd, *tail])} exited {rc} in {cwd}")
            sa: list[Sample] = []
            sb: list[Sample] = []
            for r in range(args.rounds):
                pair = [(a, sa), (b, sb)] if r % 2 == 0 else [(b, sb), (a, sa)]
                for cmd, out in pair:
                    out.append(measure([*cmd, *tail], cwd))
            wall = statistics.median(y.wall_ms / x.wall_ms for x, y in zip(sa, sb, strict=True))
            cpu = statistics.median(y.cpu_ms / x.cpu_ms for x, y in zip(sa, sb, strict=True))
            print(
                f"| {name} | {profile} | {_med(sa)} | {_med(sb)} | {wall:.2f}× | {cpu:.2f}× |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
