"""The project side of ``wanspec lint``: config, fixes before the run, baseline and suppressions around it.

``execute_lint`` (settings.py) calls ``prepare`` before linting, wraps the reporter's sink
with ``Project.sink``, and calls ``Project.finish`` after; the logic itself lives in the
core modules ``_config``, ``_fix`` and ``_baseline``.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from ..lint.run import STDIN, LintOptions, UsageError, discover, validate_options
from ..records import Diagnostic, LintResult, Severity

if TYPE_CHECKING:
    from pathlib import Path

    from ..cli.commands import LintSettings
    from .baseline import Accepted
    from .config import ProjectConfig

Sink = Callable[[Diagnostic], None]


@dataclass
class Project:
    """What the config, the baseline and --fix add to one lint run."""

    options: LintOptions
    config: ProjectConfig | None = None
    accepted: Accepted | None = None
    baseline: str | None = None
    write_baseline: bool = False
    recorded: list[Diagnostic] = field(default_factory=list)
    fixed: int = 0
    notes: list[str] = field(default_factory=list)  # said on stderr after the report

    def sink(self, downstream: Sink) -> Sink:
        if self.write_baseline:
            downstream = self.recorded.append  # everything found today (not suppressed) goes into the baseline
        return self.accepted.sink(downstream) if self.accepted is not None else downstream

    def finish(self, result: LintResult, emit: Sink) -> None:
        """Adjust the counts for hidden findings, report unused suppressions, write the baseline."""
        result.fixed = self.fixed
        if self.write_baseline and self.baseline is not None:
            from ..files import write_atomic
            from .baseline import baseline_text, record

            counts = record(self.recorded, os.path.dirname(os.path.abspath(self.baseline)))
            try:
                write_atomic(_path(self.baseline), baseline_text(counts))
            except OSError as exc:
                raise UsageError(f"cannot write baseline {self.baseline}: {exc.strerror or exc}") from None
            result.errors = result.warnings = 0
            self.notes.append(f"recorded {sum(counts.values())} findings in {self.baseline}")
            return
        if self.accepted is None:
            return
        extra = self.accepted.finish(result)
        for d in extra:
            if self.options.wants(d.code):
                severity = self._severity(d)
                d = dataclasses.replace(d, severity=severity)
                result.count(d)
                emit(d)
        if self.accepted.suppressed:
            self.notes.append(f"{_plural(self.accepted.suppressed, 'finding')} hidden by the baseline or suppressions")
        if self.accepted.stale:
            self.notes.append(
                f"{_plural(self.accepted.stale, 'baseline entry', 'baseline entries')} matched nothing "
                "(fixed since?): refresh the baseline with --write-baseline"
            )

    def _severity(self, d: Diagnostic) -> Severity:
        policy = self.options.policy
        return d.severity if policy is None else Severity(policy.severity_of(d.code, d.severity.value))

    def write_notes(self, err: TextIO) -> None:
        for note in self.notes:
            err.write(f"wanspec: {note}\n")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _path(name: str) -> Path:
    from pathlib import Path  # not at the top: pathlib costs start-up (ARCHITECTURE.md)

    return Path(name)


def prepare(settings: LintSettings, options: LintOptions, out: TextIO) -> Project:
    """Load the config, merge it with the command line, apply --fix; raise UsageError on mistakes."""
    config = _load(settings)
    if config is not None:
        select = options.select or config.select
        if select:
            select = (*select, *config.extend_select, *settings.extend_select)
        ignore = (*config.ignore, *options.ignore)
        options = dataclasses.replace(options, select=tuple(select), ignore=ignore, policy=config.policy)
    elif settings.extend_select and options.select:
        options = dataclasses.replace(options, select=(*options.select, *settings.extend_select))
    validate_options(options)
    project = Project(options, config, baseline=settings.baseline, write_baseline=settings.write_baseline)
    if settings.write_baseline and settings.baseline is None:
        raise UsageError("--write-baseline needs --baseline FILE (the file to write)")
    paths = settings.paths or (".",)
    if settings.fix or settings.diff:
        project.fixed = _fix(paths, options, out, diff=settings.diff)
    baseline = None
    if settings.baseline is not None and not settings.write_baseline:
        from .baseline import read_baseline

        baseline = read_baseline(settings.baseline)
    if baseline is not None or (config is not None and config.suppressions):
        from collections import Counter

        from .baseline import Accepted

        project.accepted = Accepted(
            baseline=baseline or Counter(),
            baseline_base=os.path.dirname(os.path.abspath(settings.baseline or ".")),
            suppressions=config.suppressions if config else (),
            suppressions_base=config.base if config else ".",
            config_path=_shown(config.path) if config else None,
            linted=_in_run(paths, options),
        )
    return project


def _load(settings: LintSettings) -> ProjectConfig | None:
    from .config_lookup import find_config

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
    from .config import load_config

    return load_config(path)


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


def _fix(paths: tuple[str, ...], options: LintOptions, out: TextIO, *, diff: bool) -> int:
    """Fix every file in the run (or, with ``diff``, show the changes); return the fixes made."""
    from ..inputs import open_input, read_capped
    from ..lint.source import MAX_JSON_BYTES
    from .fix import fix_bytes

    if STDIN in paths:
        raise UsageError("--fix and --diff rewrite files; they cannot take standard input (-)")
    files = discover(list(paths))
    if options.policy is not None:
        files = [f for f in files if options.policy.keeps(f)]
    applied = 0
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
        if diff:
            out.write(_unified_diff(data.decode("utf-8"), outcome.text, path))
        else:
            from ..files import write_atomic

            try:
                write_atomic(_path(path), outcome.text, mode=mode)
            except OSError as exc:
                raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    return applied


def _unified_diff(old: str, new: str, path: str) -> str:
    """A ``git apply``-able diff, with git's marker for a last line without a newline."""
    import difflib

    def lines(text: str) -> list[str]:
        out = text.splitlines(True)
        if out and not out[-1].endswith("\n"):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), f"a/{path}", f"b/{path}"))
