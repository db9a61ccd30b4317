#!/usr/bin/env python3
"""What compiling wanspec's hot modules with mypyc would buy, measured, not guessed.

    python benchmarks/mypyc_probe.py                  # both corpora of run.py (benchmarks/.corpus)
    python benchmarks/mypyc_probe.py --jsonl FILE ...
    python benchmarks/mypyc_probe.py --quick          # smoke test: tiny corpora, one round

The code is ``mypy --strict`` clean, so mypyc (which ships with mypy) can compile it to C
extension modules without a second code base: the option a round of issue 14 named after
Cython on the untyped code ran slower (docs/performance.md). This copies the package into
a scratch folder twice, makes the few changes mypyc needs there (and only there),
compiles the modules on the JSON Lines path in one copy, and runs the same measurements
over both, each from its own folder (``python -m`` puts the working directory first on
the path, ahead of ``PYTHONPATH``):

* ``floors.py`` (in one process, µs a line, each layer of the lint);
* whole ``wanspec lint FILE -j 1`` processes, interleaved, wall and CPU time.

The changes, each forced by a mypyc rule:

* records (``@recordclass``) and ``CompiledSchema`` stay Python classes
  (``@mypyc_attr(native_class=False)``): mypyc's native classes take no class decorator
  it does not know and no method assigned per instance;
* ``field(...)`` defaults go through a name typed ``Any``: mypyc checks a call's result
  against its declared type, and ``field`` returns a marker, not the declared default.

Needs mypy (with mypyc) and a C compiler; prints a table, writes nothing in the repository.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: The modules a JSON Lines run spends its time in (``keywords`` holds a class defined in
#: a function, which mypyc does not compile; the generated checkers are ``exec``'d text).
MODULES = (
    "wanspec/jsontools.py",
    "wanspec/lint/source.py",
    "wanspec/lint/positions.py",
    "wanspec/lint/engine.py",
    "wanspec/lint/run.py",
    "wanspec/lint/media.py",
    "wanspec/lint/messages.py",
    "wanspec/lint/runtime.py",
)
_DECORATED = re.compile(r"^(@recordclass\b|class CompiledSchema\b)", re.MULTILINE)
_FIELD_DEFAULT = re.compile(r"^(    \w+): [^=\n]+= field\(", re.MULTILINE)


def prepare(dest: Path) -> None:
    """A copy of the package in ``dest``, changed as mypyc needs (see the module's docstring)."""
    shutil.copytree(ROOT / "wanspec", dest / "wanspec", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    shutil.copytree(ROOT / "schemas", dest / "schemas")  # read from beside the package, as in a checkout
    for name in MODULES:
        path = dest / name
        text = path.read_text()
        text = _DECORATED.sub(r"@mypyc_attr(native_class=False)\n\1", text)
        text = _FIELD_DEFAULT.sub(r"\1: Any = _any_field(", text)
        if "_any_field(" in text:  # right after the import of ``field``
            at = re.search(r"^from \.+recordtype import (\([^)]*\)|.*)$", text, re.MULTILINE)
            assert at is not None, name
            text = f"{text[: at.end()]}\n_any_field: Any = field{text[at.end() :]}"
        header = "from __future__ import annotations\n"
        text = text.replace(header, header + "from mypy_extensions import mypyc_attr\n", 1)
        path.write_text(text)


def compile_copy(dest: Path) -> None:
    mypyc = shutil.which("mypyc") or str(Path(sys.executable).with_name("mypyc"))
    done = subprocess.run([mypyc, *MODULES], cwd=dest, capture_output=True, text=True)
    built = sorted(p.name for p in (dest / "wanspec").rglob("*.so"))
    if done.returncode != 0 or len(built) < len(MODULES):
        sys.exit(f"mypyc failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    # what the measurements import from the copy is the extension modules, not the sources
    names = [m.removesuffix(".py").replace("/", ".") for m in MODULES]
    probe = f"import importlib; print(*(importlib.import_module(n).__file__ for n in {names!r}))"
    env = {**os.environ, "PYTHONPATH": str(dest)}
    files = subprocess.run([sys.executable, "-c", probe], cwd=dest, env=env, capture_output=True, text=True, check=True)
    if not all(f.endswith(".so") for f in files.stdout.split()):
        sys.exit(f"the compiled copy imports Python sources: {files.stdout}")


def floors(tree: Path, paths: list[str], rounds: int) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(HERE / "floors.py"), "--rounds", str(rounds), "--jsonl", *paths]
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"floors.py failed in {tree}:\n{done.stderr[-3000:]}")
    return done.stdout


def _timed(tree: Path, path: str) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # run from the copy: ``-m`` puts the working directory first on the path
    done = subprocess.run(
        [sys.executable, "-m", "wanspec", "lint", path, "-j", "1"],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"wanspec lint {path} exited {done.returncode} in {tree}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def processes(plain: Path, compiled: Path, paths: list[str], rounds: int) -> list[str]:
    rows = ["| file | wall, compiled / source | CPU, compiled / source |", "|---|---:|---:|"]
    for path in paths:
        ratios: dict[str, list[float]] = {"wall": [], "cpu": []}
        _timed(plain, path), _timed(compiled, path)  # warm: the page cache, the .pyc files
        for _ in range(rounds):
            a, b = _timed(plain, path), _timed(compiled, path)
            ratios["wall"].append(b[0] / a[0])
            ratios["cpu"].append(b[1] / a[1])
        rows.append(f"| {path} | {statistics.median(ratios['wall']):.2f}× | {statistics.median(ratios['cpu']):.2f}× |")
    return rows


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE))
    from floors import corpus_arguments, corpus_paths

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    corpus_arguments(ap)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wanspec-mypyc-") as tmp:
        paths = corpus_paths(args, Path(tmp))
        plain, compiled = Path(tmp, "source"), Path(tmp, "compiled")
        prepare(plain)
        prepare(compiled)
        compile_copy(compiled)
        rounds = 1 if args.quick else args.rounds
        print("## floors.py, the copy as Python source\n")
        print(floors(plain, paths, rounds))
        print("## floors.py, the same copy compiled by mypyc\n")
        print(floors(compiled, paths, rounds))
        print("## wanspec lint FILE -j 1, whole processes, median of paired ratios\n")
        print("\n".join(processes(plain, compiled, paths, rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
