"""Lint a partitioned JSON Lines data set with Ray tasks (the Dask example's twin).

    pip install wanspec ray
    python examples/distributed/lint_ray.py DATA_DIR [--address auto] [--out findings.jsonl]

Each ``*.jsonl`` partition of ``DATA_DIR`` is one Ray task running ``wanspec.lint_records``
over its lines (``lint_partition`` of ``lint_dask.py``), so the diagnostics are exactly
those of ``wanspec lint --format json-lines PARTITION``; they are written in partition
order. Without ``--address`` Ray starts locally with one worker per core.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Iterator

from lint_dask import lint_partition  # beside this file; imports no Dask

import wanspec
from wanspec.reporters import get_reporter


def lint_dataset(paths: list[str], options: wanspec.LintOptions) -> Iterator[wanspec.Diagnostic]:
    """Diagnostics of every partition, in partition order, computed as Ray tasks."""
    import ray

    remote = ray.remote(lint_partition)
    refs = [remote.remote(p, options) for p in paths]
    for ref in refs:  # in order; later partitions keep running meanwhile
        yield from ray.get(ref)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="directory of *.jsonl partitions")
    ap.add_argument("--address", help="a running Ray cluster (default: start one locally)")
    ap.add_argument("--schema", help="check every task against this schema id")
    ap.add_argument("--out", help="write the diagnostics here (JSON Lines; default stdout)")
    args = ap.parse_args(argv)

    import ray

    paths = sorted(glob.glob(os.path.join(args.data, "*.jsonl")))
    if not paths:
        print(f"no *.jsonl partitions in {args.data}", file=sys.stderr)
        return 2
    ray.init(address=args.address, include_dashboard=False, log_to_driver=False)
    errors = 0
    try:
        with open(args.out, "w", encoding="utf-8") if args.out else sys.stdout as out:
            report = get_reporter("json-lines")(out)
            for d in lint_dataset(paths, wanspec.LintOptions(schema=args.schema)):
                errors += d.severity is wanspec.Severity.ERROR
                report.emit(d)  # the CLI's own json-lines reporter: identical lines
    finally:
        ray.shutdown()
    print(f"{errors} errors in {len(paths)} partitions", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
