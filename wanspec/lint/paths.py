"""Lint files and directory trees: the serial loop, or ``parallel`` for large inputs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, cast

from ..inputs import PathArg, paths_of
from ..records import LintResult
from .events import LintEvents
from .run import (
    STDIN,
    Collector,
    Keep,
    LintOptions,
    Sink,
    check_jobs,
    discover,
    lint_one,
    raising_what_the_sink_raised,
    validate_options,
)

#: One ``.json`` file smaller than this is linted here without a look at the pool (the
#: pre-commit case); a larger one may be an array worth cutting (``parallel.MIN_ARRAY_BYTES``).
ONE_FILE_POOL_BYTES = 2 << 20


def lint_paths(
    paths: Iterable[PathArg] | PathArg,
    options: LintOptions | None = None,
    *,
    stdin: Any = None,
    sink: Sink | None = None,
    keep: Keep | None = None,
    jobs: int = 1,
    events: LintEvents | None = None,
    discovered: bool = False,
    sizes: Mapping[str, int] | None = None,
) -> LintResult:
    """Lint files and directories (recursively), in input order. A path is a ``str``,
    ``bytes`` or ``pathlib.Path``; one path may be given alone.

    Without ``sink`` the result holds every diagnostic; with it, each diagnostic goes to
    the sink as soon as it is final and the result holds only the counts. ``keep``, when
    given, decides which findings are handed on and counted (a baseline's filter);
    problems reading the input are always handed on. ``jobs`` > 1 lints large inputs on
    that many processes (``0``: one per available core; they are forked, so call it from a
    process with one thread); the output is the same as a serial run's, and a worker that
    fails raises ``WorkerError``. ``events`` hears which file is being linted and how many
    bytes are done (for per-file reports and progress displays). ``discovered`` says ``paths`` are
    already the files to lint, chosen by ``wanspec.project.discovery``: they are linted
    as given, neither expanded nor filtered again; ``sizes`` are their sizes as discovery
    saw them, so that planning the run does not stat every file again.
    """
    with raising_what_the_sink_raised():
        named = cast("Iterable[str]", paths) if discovered else paths_of(paths)  # discovery's are str
        return _lint_paths(named, options, stdin, sink, keep, jobs, events, discovered, sizes)


def _lint_paths(
    paths: Iterable[str],
    options: LintOptions | None,
    stdin: Any,
    sink: Sink | None,
    keep: Keep | None,
    jobs: int,
    events: LintEvents | None,
    discovered: bool,
    sizes: Mapping[str, int] | None,
) -> LintResult:
    opts = options or LintOptions()
    validate_options(opts)
    check_jobs(jobs)
    total = LintResult()
    out = Collector(total, sink or total.diagnostics.append, keep)
    if discovered:
        files = list(paths)
    else:
        files = discover(list(paths))
        if opts.policy is not None:  # include/exclude apply to named files too (pre-commit names them)
            files = [f for f in files if opts.policy.keeps(f)]
    if events is not None:
        events.started(files, sum(_size(f, sizes) for f in files))
    if jobs != 1 and (
        len(files) > 1 or (files and (files[0].endswith(".jsonl") or _size(files[0], sizes) >= ONE_FILE_POOL_BYTES))
    ):
        # one small .json file is one unit of work: the pre-commit case never loads the pool's module
        from . import parallel

        workers = parallel.available_jobs() if jobs == 0 else jobs
        work = parallel.plan(files, sizes, workers) if workers > 1 and parallel.can_fork() else None
        if work is not None:
            parallel.run(work, opts, workers, out, total, events)
            return total
    for path in files:
        total.files += 1
        if events is not None:
            events.file("<stdin>" if path == STDIN else path)
        lint_one(path, opts, stdin, out, events)
    return total


def _size(path: str, sizes: Mapping[str, int] | None = None) -> int:
    if path == STDIN:
        return 0
    if sizes is not None and path in sizes:
        return sizes[path]
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
