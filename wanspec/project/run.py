"""One whole lint run, the way ``wanspec lint`` performs it: config, fixes, the run, baseline.

``lint_project(ProjectSettings(...))`` finds (or is given) the project configuration,
merges it with the settings, applies ``--fix`` (or computes ``--diff``), lints, filters
the findings through the baseline and the config's suppressions, reports unused
suppressions, and writes the baseline when asked. It returns what the command line
prints: the result (with its diagnostics, or only counts when a ``sink`` streams them),
the notes said after the report, and the diff. The command line is a shell around it.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from ..errors import UsageError
from ..files import write_atomic
from ..inputs import PathArg, kind_of, open_input, paths_of, read_capped
from ..lint.events import LintEvents
from ..lint.paths import lint_paths
from ..lint.run import STDIN, LintOptions, Sink, check_jobs, problem_diagnostic, selectors, validate_options
from ..lint.source import MAX_JSON_BYTES, Problem
from ..records import Diagnostic, LintResult
from ..recordtype import field, recordclass, replace
from .config_lookup import find_config
from .discovery import Skipped, discover_files

if TYPE_CHECKING:
    from .baseline import Accepted
    from .config import ProjectConfig

__all__ = ["ProjectRun", "ProjectSettings", "lint_project", "project_options"]


@recordclass(kw_only=True)
class ProjectSettings:
    """What to lint, and with which project choices (the options of ``wanspec lint``)."""

    paths: tuple[PathArg, ...] = ()  # () means the working directory; str, bytes or pathlib.Path
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
    respect_ignore: bool = True  # .gitignore, .ignore and .git/info/exclude keep files out of the walk
    force_exclude: bool = False  # choose named files as the walk would (pre-commit names every changed file)

    def __post_init__(self) -> None:
        for name in ("select", "ignore", "extend_select"):  # "WS5" or ["WS5"], as LintOptions takes them
            object.__setattr__(self, name, selectors(getattr(self, name)))


@recordclass(frozen=False)
class ProjectRun:
    """What one run produced: the result, the options in force, and what to say after it."""

    result: LintResult
    options: LintOptions
    notes: list[str] = field(default_factory=list)
    diff: str = ""
    fixed: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # JSON files found that are not payloads
    fixes: list[tuple[str, dict[str, int]]] = field(default_factory=list)  # per file: rule code -> findings fixed
    recorded: Counter[str] | None = None  # --write-baseline: findings recorded, by severity


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
    check_jobs(settings.jobs)
    config = load_config_for(settings)
    options = merged_options(settings, config)
    if settings.write_baseline and settings.baseline is None:
        raise UsageError("--write-baseline needs --baseline FILE (the file to write)")
    paths = tuple(paths_of(settings.paths)) or (".",)  # a pathlib.Path, or one path alone, as lint_paths takes them
    if (settings.fix or settings.diff) and STDIN in paths:
        raise UsageError("--fix and --diff rewrite files; they cannot take standard input (-)")
    found = discover_files(
        paths,
        policy=options.policy,
        respect_ignore=settings.respect_ignore,
        force_exclude=settings.force_exclude,
        config_name=_shown(config.path) if config is not None else "the config",
        jobs=settings.jobs,
    )
    run = ProjectRun(LintResult(), options, notes=list(found.notes), skipped=found.skipped)
    if settings.fix or settings.diff:
        run.fixed, run.diff = _fix(found.files, options, diff=settings.diff, fixes=run.fixes)
        if settings.diff:
            return run
    accepted = accepted_findings(settings, config, found.files, options)
    recorded: list[Diagnostic] = []
    keep: Callable[[Diagnostic], bool] | None = accepted.keep if accepted is not None else None
    if settings.write_baseline:  # everything found today (not suppressed) goes into the baseline

        def keep(d: Diagnostic) -> bool:
            if accepted is None or accepted.keep(d):
                recorded.append(d)
            return False

    result = LintResult()
    collected: list[Diagnostic] = []
    emit = sink or collected.append
    fixable = 0

    def counted(d: Diagnostic) -> None:  # the run's count of what --fix repairs: what was reported
        nonlocal fixable
        fixable += d.fixable
        emit(d)

    if found.files:
        result = lint_paths(
            found.files,
            replace(options, fixable=_FixableCheck()),
            stdin=stdin,
            sink=counted,
            keep=keep,
            jobs=settings.jobs,
            events=events,
            discovered=True,
            sizes=found.sizes,
        )
    for directory, reason in found.unreadable:  # an environment error: exit 2, like an unreadable file
        problem = Problem("unreadable", f"cannot read directory {directory}: {reason}", None, None)
        if (d := problem_diagnostic(problem, directory, options)) is not None:
            result.count(d)
            counted(d)
    if sink is None:
        result.diagnostics = collected
    result.fixable = fixable
    run.result = result
    result.fixed = run.fixed
    result.skipped = len(found.skipped)
    if settings.write_baseline and settings.baseline is not None:
        _write_baseline(settings.baseline, recorded, run)
    elif accepted is not None:
        _finish(accepted, run, sink or result.diagnostics.append)
    return run


class _FixableCheck:
    """Whether ``wanspec lint --fix`` would repair a finding: the linter asks (``LintOptions.fixable``)
    with the text of the finding's task in hand, so no file is read again to answer.

    ``--fix`` rewrites regular files up to the size cap that do not start with a byte order
    mark, and each fix edits the text at its finding; a JSON Lines line is a text of its own
    whose first line is the finding's. What a file allows is asked once per file (a stat,
    and three bytes read from a regular file: never a pipe, which would wait for a writer).
    Picklable without its caches, for the workers of a parallel run.
    """

    def __init__(self) -> None:
        self._file: str | None = None
        self._rewritable = False
        self._text: str | None = None
        self._starts: list[int] = []

    def __getstate__(self) -> dict[str, object]:
        return {}  # what was learnt about a file or a text stays in the process that learnt it

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]

    def __call__(self, d: Diagnostic, text: str, first_line: int) -> bool:
        if d.file != self._file:
            self._file, self._rewritable = d.file, _rewritable(d.file)
        if not self._rewritable or d.line is None:
            return False
        from .fix import edits_for, line_starts  # deferred: only runs with fixable-kind findings pay

        if text is not self._text:
            self._text, self._starts = text, line_starts(text)
        if first_line != 1:
            d = replace(d, line=d.line - first_line + 1)
        return bool(edits_for([d], text, self._starts))


def _rewritable(file: str | None) -> bool:
    """Whether ``--fix`` would rewrite ``file``: a regular file up to the cap, with no byte order mark."""
    if file is None or file == "<stdin>":
        return False
    try:
        st = os.stat(file)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_JSON_BYTES:
            return False
        with open(file, "rb") as f:
            return f.read(3) != b"\xef\xbb\xbf"
    except OSError:
        return False


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
        options = replace(options, select=tuple(select), ignore=ignore, policy=config.policy)
    elif settings.extend_select and options.select:
        options = replace(options, select=(*options.select, *settings.extend_select))
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
    else:
        try:
            kind = kind_of(os.stat(path).st_mode)
        except OSError:
            raise UsageError(f"config file {path} does not exist") from None
        if kind is not None:
            raise UsageError(f"config file {path} is {kind}, not a config file (a wanspec.toml or pyproject.toml)")
    from .config import load_config  # deferred: most pre-commit runs have no config file to parse

    return load_config(path)


def accepted_findings(
    settings: ProjectSettings, config: ProjectConfig | None, files: Sequence[str], options: LintOptions
) -> Accepted | None:
    """The baseline's and the suppressions' filter for a run over ``files`` (the files it
    lints, as discovery chose them), or None."""
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
        linted=_in_run(files),
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
    run.recorded = Counter(d.severity.value for d in recorded)
    files = len({d.file for d in recorded})
    run.notes.append(
        f"recorded {_plural(sum(counts.values()), 'finding')} ({_plural(files, 'file')}) in {path}: "
        "later runs with --baseline report only new ones"
    )


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _in_run(files: Sequence[str]) -> Callable[[str], bool]:
    """Whether a file is one this run lints (the baseline judges only those)."""
    targets = {os.path.abspath(f) for f in files if f != STDIN}

    def linted(path: str) -> bool:
        return os.path.abspath(path) in targets

    return linted


def _fix(
    files: list[str], options: LintOptions, *, diff: bool, fixes: list[tuple[str, dict[str, int]]]
) -> tuple[int, str]:
    """Fix every file in the run (or, with ``diff``, describe the changes); return the
    number of fixes and the diff, and add to ``fixes`` what each file had repaired."""
    from .fix import fix_bytes  # deferred: only --fix and --diff pay

    applied, diffs = 0, []
    for path in files:
        try:
            with open_input(path) as f:  # a pipe found in a directory is refused, a device capped
                data, over = read_capped(f, MAX_JSON_BYTES)
                st = os.fstat(f.fileno())
        except OSError:
            continue  # the lint run reports it as unreadable
        if over is not None or not stat.S_ISREG(st.st_mode):
            continue  # too large, or not a file that can be rewritten (a pipe, a device)
        mode = st.st_mode & 0o7777
        outcome = fix_bytes(path, data, options)
        if outcome.text is None:
            continue
        applied += outcome.applied
        gone = Counter(d.code for d in outcome.before.diagnostics) - Counter(d.code for d in outcome.after.diagnostics)
        fixes.append((path, dict(gone)))
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

    return "".join(difflib.unified_diff(lines(old), lines(new), _git_path("a/", path), _git_path("b/", path)))


def _git_path(prefix: str, path: str) -> str:
    """A diff header's path as git writes it: as it is when it is plain printable ASCII,
    else in double quotes with C escapes and octal bytes (a newline in a name must not
    start a line of the diff; a byte that was not UTF-8 is itself again: ``\\377``)."""
    raw = os.fsencode(prefix + path)
    if all(0x20 <= b < 0x7F and b not in (0x22, 0x5C) for b in raw):
        return prefix + path
    named = {0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r"}
    return '"' + "".join(named.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\{b:03o}") for b in raw) + '"'
