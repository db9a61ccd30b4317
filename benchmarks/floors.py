#!/usr/bin/env python3
"""Where a JSON Lines run's time goes, layer by layer, against the floors under it.

    python benchmarks/floors.py                   # both corpora of run.py (benchmarks/.corpus)
    python benchmarks/floors.py --jsonl FILE ...  # any JSON Lines files
    python benchmarks/floors.py --quick           # smoke test: tiny corpora, one round

``run.py`` says how wanspec compares with other tools; this says what is left to gain
inside wanspec. In one process, over the same file, each row runs one more layer of the
lint than the row above, and the table gives each row's time a line and what that layer
added:

* ``read``: the lines, as bytes, through the buffer wanspec reads with;
* ``+ parse``: decoded and parsed with the duplicate-key and non-finite checks that
  wanspec needs (``json.loads`` without them is printed beside it, for reference);
* ``+ engine``: jsonschema-rs' errors for each task, as its Python objects, and nothing
  done with them: what any linter built on jsonschema-rs pays at least;
* ``(compiled checker)``: for reference, the same errors from the Python code wanspec
  compiles from the schema (``wanspec.lint.compiler``), which the engine switches to
  when a third of the tasks have errors;
* ``+ findings``: the same errors turned into coded findings with messages
  (``check_task``);
* ``lint, no output``: ``lint_file`` with a sink that drops every diagnostic (adds the
  per-line records, positions and diagnostics);
* ``lint, text report``: the same, writing the text report to ``/dev/null``.

Rows up to ``+ engine`` are floors: with the engine and the parser wanspec uses, no
linter can run below them. The gap between ``+ engine`` and the last row is wanspec's
own code. Timings are the best of ``--rounds`` passes (the floor of each, on a machine
where other jobs run). Nothing is written; standard library and wanspec only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / ".corpus"


def _best(rounds: int, run: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def layers(path: str) -> list[tuple[str, Callable[[], None]]]:
    """The passes over ``path``, each one layer more than the one before."""
    from wanspec import inputs
    from wanspec.lint import source
    from wanspec.lint.engine import compiled
    from wanspec.lint.run import LintOptions, check_task, choose_schema, lint_file
    from wanspec.reporters import get_reporter

    options = LintOptions()
    parse = source._decode_json  # the parser wanspec runs, with its hooks

    def lines() -> Iterator[bytes]:
        with open(path, "rb", buffering=inputs.LINE_BUFFER) as f:
            for raw in iter(f.readline, b""):
                if not raw.isspace():
                    yield raw

    def read() -> None:
        for _ in lines():
            pass

    def plain_parse() -> None:
        for raw in lines():
            json.loads(raw.decode())

    def parsed() -> None:
        for raw in lines():
            parse(raw.decode())

    def engine() -> None:
        for raw in lines():
            task = parse(raw.decode())
            schema_id, _ = choose_schema(task, None) if isinstance(task, dict) else (None, None)
            if schema_id is not None:
                list(compiled(schema_id, options.engine)._rs.iter_errors(task))

    def compiled_checker() -> None:
        used = set()
        for raw in lines():
            task = parse(raw.decode())
            schema_id, _ = choose_schema(task, None) if isinstance(task, dict) else (None, None)
            if schema_id is not None:
                checker = compiled(schema_id, options.engine)
                if checker not in used:
                    used.add(checker)
                    checker.use_compiled(True)
                checker._raw_errors(task, True)
        for checker in used:  # the layers below start as a run does, and choose by window
            checker.use_compiled(False)

    def findings() -> None:
        for raw in lines():
            task = parse(raw.decode())
            if isinstance(task, dict):
                check_task(task, options, plain=True)

    def quiet() -> None:
        lint_file(path, options, sink=lambda d: None)

    def reported() -> None:
        with open(os.devnull, "w") as out:
            lint_file(path, options, sink=get_reporter("text")(out).emit)

    return [
        ("read", read),
        ("(json.loads, no checks)", plain_parse),
        ("+ parse", parsed),
        ("+ engine", engine),
        ("(compiled checker)", compiled_checker),
        ("+ findings", findings),
        ("lint, no output", quiet),
        ("lint, text report", reported),
    ]


def profile_file(path: str, rounds: int) -> dict[str, object]:
    from wanspec.lint.run import lint_file

    result = lint_file(path)  # also warms up: the schema compiled, the file in the page cache
    rows = {name: _best(rounds, run) for name, run in layers(path)}
    return {
        "file": path,
        "bytes": os.path.getsize(path),
        "tasks": result.tasks,
        "findings": len(result.diagnostics),
        "seconds": rows,
    }


def table(report: dict[str, object]) -> str:
    seconds: dict[str, float] = report["seconds"]  # type: ignore[assignment]
    tasks = max(int(report["tasks"]), 1)  # type: ignore[call-overload]
    out = [
        f"{report['file']}: {report['tasks']:,} lines, {int(report['bytes']) / 1e6:.1f} MB, "  # type: ignore[call-overload]
        f"{report['findings']:,} findings",
        "",
        "| layer | µs a line | added by the layer | share of the lint |",
        "|---|---:|---:|---:|",
    ]
    total = seconds["lint, text report"]
    before = 0.0
    for name, value in seconds.items():
        if name.startswith("("):
            out.append(f"| {name} | {value / tasks * 1e6:.1f} | | |")
            continue
        added = value - before
        out.append(f"| {name} | {value / tasks * 1e6:.1f} | {added / tasks * 1e6:+.1f} | {added / total:.0%} |")
        before = value
    return "\n".join(out)


#: the corpora of ``--quick``: 300 lines each (and the two files the generator always writes)
_QUICK = ("--files", "2", "--jsonl-lines", "300")


def _quick_corpora(folder: Path) -> list[str]:
    paths = []
    for profile in ("clean", "messy"):
        out = folder / profile
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), "--out", str(out), "--profile", profile, *_QUICK],
            check=True,
            capture_output=True,
        )
        paths.append(str(out / "all.jsonl"))
    return paths


def corpus_arguments(ap: argparse.ArgumentParser) -> None:
    """The options that choose the JSON Lines files (shared with ``mypyc_probe.py``)."""
    ap.add_argument("--jsonl", nargs="+", help="JSON Lines files (default: run.py's corpora)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="smoke test: tiny corpora, one round")


def corpus_paths(args: argparse.Namespace, tmp: Path) -> list[str]:
    """The files ``corpus_arguments`` chose (quick corpora are written in ``tmp``); exits 2
    when run.py's corpora are not there."""
    if args.jsonl:
        return list(args.jsonl)
    if args.quick:
        return _quick_corpora(tmp)
    paths = [str(DEFAULT_CORPUS / p / "all.jsonl") for p in ("clean", "messy")]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        print(f"{Path(sys.argv[0]).name}: no corpus at {missing[0]}; run benchmarks/run.py once first", file=sys.stderr)
        raise SystemExit(2)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus_arguments(ap)
    ap.add_argument("--results", type=Path, help="also write the raw seconds (JSON)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wanspec-floors-") as tmp:
        paths = corpus_paths(args, Path(tmp))
        rounds = 1 if args.quick else args.rounds
        reports = [profile_file(p, rounds) for p in paths]
    for report in reports:
        print(table(report), end="\n\n")
    if args.results:
        args.results.write_text(json.dumps(reports, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
