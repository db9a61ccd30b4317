"""One whole lint run, the way ``wanspec lint`` performs it: config, fixes, the run, baseline.

``lint_project(ProjectSettings(...))`` finds (or is given) the project configuration,
merges it with the settings, applies ``--fix`` (or computes ``--diff``), lints, filters
the findings through the baseline and the config's suppressions, reports unused
suppressions, and writes the baseline when asked. It returns what the command line
prints: the result (with its diagnostics, or only counts when a ``sink`` streams them),
the notes said after the report, and the diff. The command line is a shell around it.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ..errors import UsageError
from ..files import write_atomic
from ..lint.events import LintEvents
from ..lint.paths import lint_paths
from ..lint.run import STDIN, LintOptions, Sink, discover, validate_options
from ..lint.source import MAX_JSON_BYTES
from ..records import Diagnostic, LintResult
from .config_lookup import find_config

if TYPE_CHECKING:
    from .baseline import Accepted
    from .config import ProjectConfig

__all__ = ["ProjectRun", "ProjectSettings", "lint_project", "project_options"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectSettings:
    """What to lint, and with which project choices (the options of ``wanspec lint``)."""

    paths: tuple[str, ...] = ()  # () means the working directory
    schema: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    engine: str = "fast"
    jobs: int = 1  # 0: one process per available core, for inputs large enough to pay
    config: str | None = None  # None: discovered from the working directory upwards
    isolated: bool = False  # ignore every config file
    baseline: str | None = None
    write_baseline: bool = False
    fix: bool = False
    diff: bool = False  # compute the fixes as a unified diff, change nothing, lint nothing


@dataclass(slots=True)
class ProjectRun:
    """What one run produced: the result, the options in force, and what to say after it."""

    result: LintResult
    options: LintOptions
    notes: list[str] = field(default_factory=list)
    diff: str = ""
    fixed: int = 0


def lint_project(
    settings: ProjectSettings,
    *,
    sink: Sink | None = None,
    events: LintEvents | None = None,
    stdin: IO[bytes] | None = None,
) -> ProjectRun:
    """Lint as ``wanspec lint`` would; raise ``UsageError`` (or a subclass) for mistakes.

    With ``sink``, each diagnostic goes to it as soon as it is final (in file order) and
    ``result.diagnostics`` stays empty; without it, the result holds them all.
    """
    config = load_config_for(settings)
    options = merged_options(settings, config)
    if settings.write_baseline and settings.baseline is None:
        raise UsageError("--write-baseline needs --baseline FILE (the file to write)")
    paths = settings.paths or (".",)
    run = ProjectRun(LintResult(), options)
    if settings.fix or settings.diff:
        run.fixed, run.diff = _fix(paths, options, diff=settings.diff)
        if settings.diff:
            return run
    accepted = accepted_findings(settings, config, paths, options)
    recorded: list[Diagnostic] = []
    keep: Callable[[Diagnostic], bool] | None = accepted.keep if accepted is not None else None
    if settings.write_baseline:  # everything found today (not suppressed) goes into the baseline

        def keep(d: Diagnostic) -> bool:
            if accepted is None or accepted.keep(d):
                recorded.append(d)
            return False

    result = lint_paths(paths, options, stdin=stdin, sink=sink, keep=keep, jobs=settings.jobs, events=events)
    run.result = result
    result.fixed = run.fixed
    if settings.write_baseline and settings.baseline is not None:
        _write_baseline(settings.baseline, recorded, run)
    elif accepted is not None:
        _finish(accepted, run, sink or result.diagnostics.append)
    return run


def project_options(
    *, select: tuple[str, ...] = (), ignore: tuple[str, ...] = (), config: str | None = None, isolated: bool = False
) -> LintOptions:
    """The selection and per-file choices a project's configuration (found upwards from the
    working directory, or ``config``) gives any check, merged with ``select``/``ignore``:
    what ``cassettes verify``, ``cassettes audit`` and ``drift`` apply to their findings."""
    settings = ProjectSettings(select=select, ignore=ignore, config=config, isolated=isolated)
    return merged_options(settings, load_config_for(settings))


def merged_options(settings: ProjectSettings, config: ProjectConfig | None) -> LintOptions:
    """The command line's choices merged with the config's (the command line wins)."""
    options = LintOptions(settings.schema, settings.select, settings.ignore, settings.engine)
    if config is not None:
        select = options.select or config.select
        if select:
            select = (*select, *config.extend_select, *settings.extend_select)
        ignore = (*config.ignore, *options.ignore)
        options = dataclasses.replace(options, select=tuple(select), ignore=ignore, policy=config.policy)
    elif settings.extend_select and options.select:
        options = dataclasses.replace(options, select=(*options.select, *settings.extend_select))
    validate_options(options)
    return options


def load_config_for(settings: ProjectSettings) -> ProjectConfig | None:
    """The config the settings name, or the nearest one upwards from the working directory."""
    if settings.isolated:
        if settings.config is not None:
            raise UsageError("--config and --isolated contradict each other")
        return None
    path = settings.config
    if path is None:
        path = find_config(os.getcwd())
        if path is None:
            return None
    elif not os.path.isfile(path):
        raise UsageError(f"config file {path} does not exist")
    from .config import load_config  # deferred: most pre-commit runs have no config file to parse

    return load_config(path)


def accepted_findings(
    settings: ProjectSettings, config: ProjectConfig | None, paths: tuple[str, ...], options: LintOptions
) -> Accepted | None:
    """The baseline's and the suppressions' filter for a run over ``paths``, or None."""
    if settings.baseline is None and (config is None or not config.suppressions):
        return None
    from .baseline import Accepted, read_baseline  # deferred: only runs with a baseline or suppressions pay

    baseline = None
    if settings.baseline is not None and not settings.write_baseline:
        baseline = read_baseline(settings.baseline)
    if baseline is None and (config is None or not config.suppressions):
        return None
    return Accepted(
        baseline=baseline or Counter(),
        baseline_base=os.path.dirname(os.path.abspath(settings.baseline or ".")),
        suppressions=config.suppressions if config else (),
        suppressions_base=config.base if config else ".",
        config_path=_shown(config.path) if config else None,
        linted=_in_run(paths, options),
    )


def _finish(accepted: Accepted, run: ProjectRun, emit: Sink) -> None:
    """Report unused suppressions (counted like any finding) and say what was hidden."""
    for found in accepted.finish():
        if (d := run.options.apply(found)) is not None:
            run.result.count(d)
            emit(d)
    if accepted.suppressed:
        run.notes.append(f"{_plural(accepted.suppressed, 'finding')} hidden by the baseline or suppressions")
    if accepted.stale:
        run.notes.append(
            f"{_plural(accepted.stale, 'baseline entry', 'baseline entries')} matched nothing "
            "(fixed since?): refresh the baseline with --write-baseline"
        )


def _write_baseline(path: str, recorded: list[Diagnostic], run: ProjectRun) -> None:
    from .baseline import baseline_text, record  # deferred: only --write-baseline pays

    counts = record(recorded, os.path.dirname(os.path.abspath(path)))
    try:
        write_atomic(path, baseline_text(counts))
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    run.notes.append(f"recorded {sum(counts.values())} findings in {path}")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _in_run(paths: tuple[str, ...], options: LintOptions) -> Callable[[str], bool]:
    targets = [os.path.abspath(p) for p in paths if p != STDIN]

    def linted(path: str) -> bool:
        full = os.path.abspath(path)
        inside = any(full == t or full.startswith(t.rstrip(os.sep) + os.sep) for t in targets)
        return inside and (options.policy is None or options.policy.keeps(full))

    return linted


def _fix(paths: tuple[str, ...], options: LintOptions, *, diff: bool) -> tuple[int, str]:
    """Fix every file in the run (or, with ``diff``, describe the changes); return the
    number of fixes and the diff."""
    from .fix import fix_bytes  # deferred: only --fix and --diff pay

    if STDIN in paths:
        raise UsageError("--fix and --diff rewrite files; they cannot take standard input (-)")
    files = discover(list(paths))
    if options.policy is not None:
        files = [f for f in files if options.policy.keeps(f)]
    applied, diffs = 0, []
    for path in files:
        try:
            if os.path.getsize(path) > MAX_JSON_BYTES:
                continue
            with open(path, "rb") as f:
                data = f.read()
                mode = os.fstat(f.fileno()).st_mode & 0o7777
        except OSError:
            continue  # the lint run reports it as unreadable
        outcome = fix_bytes(path, data, options)
        if outcome.text is None:
            continue
        applied += outcome.applied
        if diff:
            diffs.append(_unified_diff(data.decode("utf-8"), outcome.text, path))
            continue
        try:
            write_atomic(path, outcome.text, mode=mode)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return applied, "".join(diffs)


def _unified_diff(old: str, new: str, path: str) -> str:
    """A ``git apply``-able diff, with git's marker for a last line without a newline."""
    import difflib  # only --diff pays for it

    def lines(text: str) -> list[str]:
        out = text.splitlines(True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), f"a/{path}", f"b/{path}"))
