#!/usr/bin/env python3
"""Throughput of ``wanspec.lint_records`` on one process and on a local Dask (or Ray) cluster.

    python benchmarks/cluster_throughput.py [--corpus benchmarks/.corpus] [--partitions 8] [--engines dask,ray]

The corpora's ``all.jsonl`` (clean and messy, 20,000 lines each; run ``run.py`` once to make
them) are cut into partitions in a temporary folder. Measured, in tasks per second and CPU
seconds (this process and its children):

* ``single``: this process runs ``lint_records`` over every partition in turn;
* ``dask``: ``examples/distributed/lint_dask.py``'s ``lint_dataset`` on a ``LocalCluster``
  with one single-threaded worker process per core (cluster start-up reported apart);
* ``ray``: the same partitions as Ray tasks (when ``ray`` is installed).

Every engine's diagnostics are compared with the single-process ones before any timing is
reported. Needs ``wanspec[distributed]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def split(source: Path, folder: Path, parts: int) -> list[str]:
    lines = source.read_bytes().splitlines(keepends=True)
    size = -(-len(lines) // parts)
    paths = []
    for i in range(parts):
        path = folder / f"part-{i:03d}.jsonl"
        path.write_bytes(b"".join(lines[i * size : (i + 1) * size]))
        paths.append(str(path))
    return paths


def _example() -> Any:
    spec = importlib.util.spec_from_file_location(
        "lint_dask", HERE.parent / "examples" / "distributed" / "lint_dask.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=HERE / ".corpus")
    ap.add_argument("--partitions", type=int, default=8)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engines", default="dask,ray")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import wanspec

    example = _example()
    options = wanspec.LintOptions()
    engines = [e for e in args.engines.split(",") if e]
    rows = []
    for profile in ("clean", "messy"):
        source = args.corpus / profile / "all.jsonl"
        if not source.exists():
            print(f"# {source} missing: run benchmarks/run.py once", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix="wanspec-dist-") as tmp:
            paths = split(source, Path(tmp), args.partitions)
            n = sum(1 for line in source.open("rb") if line.strip())

            def single(paths: list[str] = paths) -> list[dict[str, Any]]:
                return [d for p in paths for d in example.lint_partition(p, options)]

            expected = single()  # also compiles the schemas, as a warm worker has them
            runs: dict[str, list[tuple[float, float]]] = {"single": []}
            for _ in range(args.repeat):
                t, c = time.perf_counter(), _cpu()
                single()
                runs["single"].append((time.perf_counter() - t, _cpu() - c))
            if "dask" in engines:
                import dask
                from dask.distributed import Client, LocalCluster

                dask.config.set({"distributed.worker.profile.enabled": False})  # as the example does
                t0 = time.perf_counter()
                cluster = LocalCluster(
                    n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                client = Client(cluster)
                start = time.perf_counter() - t0
                try:
                    assert list(example.lint_dataset(client, paths, options)) == expected, "dask differs"
                    runs["dask"] = []
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        list(example.lint_dataset(client, paths, options))
                        runs["dask"].append((time.perf_counter() - t, float("nan")))
                finally:
                    client.close()
                    cluster.close()
                print(f"# dask LocalCluster start-up: {start:.2f} s", file=sys.stderr)
            if "ray" in engines and importlib.util.find_spec("ray") is not None:
                import ray

                t0 = time.perf_counter()
                ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
                remote = ray.remote(example.lint_partition)
                start = time.perf_counter() - t0
                try:

                    def on_ray(remote: Any = remote, paths: list[str] = paths) -> list[dict[str, Any]]:
                        refs = [remote.remote(p, options) for p in paths]
                        return [d for r in refs for d in ray.get(r)]

                    assert on_ray() == expected, "ray differs"
                    runs["ray"] = []
                    for _ in range(args.repeat):
                        t = time.perf_counter()
                        on_ray()
                        runs["ray"].append((time.perf_counter() - t, float("nan")))
                finally:
                    ray.shutdown()
                print(f"# ray start-up: {start:.2f} s", file=sys.stderr)
            base = statistics.median(w for w, _ in runs["single"])
            for engine, samples in runs.items():
                wall = statistics.median(w for w, _ in samples)
                rows.append((profile, engine, n, wall, n / wall, base / wall, len(expected)))
    print(f"load average at the end: {os.getloadavg()}")
    print("| corpus | engine | tasks | wall s (median) | tasks/s | speed-up vs single | diagnostics (identical) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for profile, engine, n, wall, rate, speed, diags in rows:
        print(f"| {profile} | {engine} | {n:,} | {wall:.2f} | {rate:,.0f} | {speed:.2f}× | {diags:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
