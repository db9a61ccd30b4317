"""Typed settings built from the command line, and the one path every command exits through.

Each command's callback builds a settings object and calls ``run_command`` with what to
do; the work itself is done by the core (``wanspec.project``, ``wanspec.contract``, the
catalogue). ``run_command`` turns every error the core raises on purpose into one line on
stderr and exit status 2, and a finished result into the exit status its counts come to;
Ctrl-C and an exception nobody raised on purpose end as ``_exit`` says (130; 2).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import IO, Any, TextIO

from ..errors import CatalogError, UsageError, WanspecError
from ..project.run import ProjectSettings, lint_project
from ..records import ExitStatus, LintResult, Severity, exit_status
from ..recordtype import KW_ONLY, field, recordclass
from ._exit import crashed, environment_error, interrupted, said

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = ExitStatus.OK, ExitStatus.FINDINGS, ExitStatus.USAGE


def shows_source(show_source: bool, output_format: str | None) -> bool:
    """``--show-source`` or ``--output-format full``."""
    return show_source or output_format == "full"


@recordclass(frozen=False, slots=False)
class Streams:
    out: TextIO
    err: TextIO
    stdin: IO[bytes] | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def system_streams() -> Streams:
    """The process's streams, looked up at call time (click's CliRunner swaps them in tests).
    Standard output escapes what its encoding cannot show (``PYTHONIOENCODING=ascii``, a
    Windows code page on a pipe) instead of failing on the first "×"; a command that writes
    a machine format switches it to UTF-8 (``_output.encoded_for``)."""
    from ._output import encoded_for  # deferred, as everywhere in this module: _output loads the lint events

    encoded_for(sys.stdout, "text")
    return Streams(sys.stdout, sys.stderr, sys.stdin.buffer)


@recordclass(kw_only=True)
class ReportSettings:
    """How a command shows its findings and what fails it: shared by every checking command."""

    format: str = "text"
    colour: bool | None = None  # None: decide from the stream and NO_COLOR
    statistics: bool = False  # counts per rule instead of the findings
    exit_zero: bool = False  # exit 0 even with findings (2 still means usage/environment)
    fail_on: str = "error"  # "warning": warnings fail the run too
    progress: bool = True  # a progress bar on a terminal (never in pipes or CI)
    show_source: bool = False  # the citation under each finding (text output)

    @classmethod
    def from_options(cls, shared: dict[str, Any]) -> ReportSettings:
        """From the values of ``options.report_options`` (as a callback receives them)."""
        return cls(
            format=shared["fmt"],
            colour=shared["colour"],
            statistics=shared["statistics"],
            exit_zero=shared["exit_zero"],
            fail_on=shared["fail_on"],
            show_source=shows_source(shared["show_source"], shared["output_format"]),
        )


@recordclass
class LintSettings:
    """Everything ``wanspec lint`` was asked; ``project()`` and ``report()`` split it for the layers."""

    paths: tuple[str, ...]
    _: KW_ONLY
    schema: str | None = None
    format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    engine: str = "fast"
    colour: bool | None = None
    jobs: int = 0  # 0: one process per available core, for inputs large enough to pay
    statistics: bool = False
    exit_zero: bool = False
    fail_on: str = "error"
    progress: bool = True
    config: str | None = None  # None: discovered from the working directory upwards
    isolated: bool = False  # ignore every config file
    extend_select: tuple[str, ...] = ()
    baseline: str | None = None
    write_baseline: bool = False
    fix: bool = False
    diff: bool = False
    respect_ignore: bool = True
    force_exclude: bool = False
    verbose: bool = False  # list the skipped files
    show_source: bool = False
    show_fixes: bool = False  # list what --fix repaired, per file and rule

    def project(self) -> ProjectSettings:
        """The core's settings: what to lint and with which project choices."""
        return ProjectSettings(
            paths=self.paths,
            schema=self.schema,
            select=split(self.select),
            ignore=split(self.ignore),
            extend_select=split(self.extend_select),
            engine=self.engine,
            jobs=self.jobs,
            config=self.config,
            isolated=self.isolated,
            baseline=self.baseline,
            write_baseline=self.write_baseline,
            fix=self.fix,
            diff=self.diff,
            respect_ignore=self.respect_ignore,
            force_exclude=self.force_exclude,
        )

    def report(self) -> ReportSettings:
        return ReportSettings(
            format=self.format,
            colour=self.colour,
            statistics=self.statistics,
            exit_zero=self.exit_zero,
            fail_on=self.fail_on,
            progress=self.progress,
            show_source=self.show_source,
        )


def split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``("WS1,WS2", "WS3")`` -> ``("WS1", "WS2", "WS3")``: comma-separated or repeated."""
    return tuple(v.strip() for chunk in values for v in chunk.split(",") if v.strip())


def wants_colour(setting: bool | None, stream: TextIO, env: dict[str, str]) -> bool:
    if "NO_COLOR" in env and env["NO_COLOR"] != "":
        return False
    if setting is not None:
        return setting
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def run_command(io: Streams, body: Callable[[], int]) -> int:
    """The one exit path: run ``body``; a usage, configuration, catalogue or contract error
    it raises becomes one ``wanspec: error: ...`` line on stderr and exit status 2.

    What nobody raised on purpose ends here too, never as a traceback or as exit status 1
    ("findings"): an error of the system (a full disk, a closed descriptor) is an
    environment error, 2; any other exception is a bug in wanspec, 2, said as one; Ctrl-C
    is 130. A reader that went away (``wanspec lint | head``) is left to the entry point.
    """
    try:
        return int(body())
    except CatalogError as exc:
        io.err.write(f"wanspec: installation error: {said(exc)}\n")
    except WanspecError as exc:
        io.err.write(f"wanspec: error: {said(exc)}\n")
    except KeyboardInterrupt:
        return interrupted(io.err)
    except BrokenPipeError:
        raise
    except OSError as exc:
        return environment_error(io.err, exc)
    except Exception as exc:
        return crashed(io.err, exc, io.env)
    return EXIT_USAGE


Checker = Callable[[Callable[..., None]], LintResult]


def report(check: Checker, settings: ReportSettings, io: Streams) -> int:
    """Run a check that streams diagnostics to a sink, show them as ``settings`` say, and
    return the exit status the counts come to (the shared ``--format``, ``--statistics``,
    ``--exit-zero`` and ``--fail-on`` of every checking command)."""
    from ._output import Output  # deferred: only the command that needs it pays for the import

    output = Output(
        settings.format,
        io.out,
        wants_colour(settings.colour, io.out, io.env),
        statistics=settings.statistics,
        bar=None,
        show_source=settings.show_source,
    )
    result = check(output.emit)
    output.finish(result)
    return exit_status(result, fail_on=Severity(settings.fail_on), exit_zero=settings.exit_zero)


def execute_lint(settings: LintSettings, io: Streams) -> int:
    return run_command(io, lambda: _lint(settings, io))


def _lint(settings: LintSettings, io: Streams) -> int:
    from ._output import Output, encoded_for  # deferred: only the command that needs it pays for the import
    from ._progress import ProgressBar, wants_progress  # deferred: only the command that needs it pays for the import

    shown = settings.report()
    bar = ProgressBar(io.err) if wants_progress(shown.progress, io.err, io.env) else None
    colour = wants_colour(shown.colour, io.out, io.env)
    output = Output(shown.format, io.out, colour, statistics=shown.statistics, bar=bar, show_source=shown.show_source)
    try:
        # reporters write nothing before the first finding, so a usage error leaves stdout empty
        run = lint_project(settings.project(), sink=output.emit, events=output.events, stdin=io.stdin)
    except BaseException:
        output.close()  # wipe the progress bar before saying anything
        raise
    if settings.diff:  # show what --fix would change, and nothing else (like ruff --diff)
        output.close()
        encoded_for(io.out, "diff")  # a patch carries the files' bytes: UTF-8, never escaped
        io.out.write(run.diff)
        io.err.write(f"wanspec: would apply {run.fixed} fixes\n")
        return EXIT_FINDINGS if run.fixed else EXIT_OK
    if run.recorded is not None and shown.format == "text" and not shown.statistics:
        # the findings went into the baseline, not to the screen: say so rather than "All checks passed"
        output.close()
        errors, warnings = run.recorded["error"], run.recorded["warning"]
        io.out.write(f"Recorded {errors} errors and {warnings} warnings in the baseline {settings.baseline}.\n")
    else:
        output.finish(run.result)
    from ..reporters._paths import printable  # a name in a note is shown as the report shows it

    for note in run.notes:
        io.err.write(f"wanspec: {printable(note)}\n")
    if settings.verbose:
        for skipped in run.skipped:
            io.err.write(f"wanspec: skipped {printable(skipped.path)}: {skipped.reason}\n")
    if settings.show_fixes and shown.format == "text":
        _show_fixes(run.fixes, io.out)
    return exit_status(run.result, fail_on=Severity(shown.fail_on), exit_zero=shown.exit_zero)


def _show_fixes(fixes: list[tuple[str, dict[str, int]]], out: TextIO) -> None:
    """What --fix repaired, as ruff's --show-fixes lists it."""
    from ..catalog import store  # deferred: only --show-fixes pays
    from ..reporters._paths import printable  # deferred with it: names shown as the report shows them

    if not fixes:
        out.write("No fixes applied.\n")
        return
    total = sum(n for _, codes in fixes for n in codes.values())
    out.write(f"Fixed {total} {'finding' if total == 1 else 'findings'}:\n")
    rules = store.rules()
    for path, codes in fixes:
        out.write(f"- {printable(path)}:\n")
        for code, n in sorted(codes.items()):
            name = rules[code].name if code in rules else ""
            out.write(f"    {n} × {code} ({name})\n")


def execute_schemas(fmt: str, io: Streams) -> int:
    return run_command(io, lambda: _schemas(fmt, io))


def _schemas(fmt: str, io: Streams) -> int:
    from ..catalog.views import list_schemas  # deferred: only the command that needs it pays for the import
    from ._output import encoded_for  # deferred with it: the JSON listing is UTF-8 whatever the locale

    entries = list_schemas()
    if fmt == "json":
        encoded_for(io.out, "json")
        rows = [
            {"id": e.id, "provider": e.provider, "title": e.title, "models": list(e.models), "docs": list(e.docs)}
            for e in entries
        ]
        io.out.write(json.dumps({"schemas": rows}, indent=2, ensure_ascii=False) + "\n")
    else:
        width = max(len(e.id) for e in entries)
        for e in entries:
            models = f" (model: {', '.join(e.models)})" if e.models else " (no model field: detected by shape)"
            io.out.write(f"{e.id:<{width}}  {e.title}{models}\n")
    return EXIT_OK


def execute_export(directory: str, io: Streams, *, vscode: bool = False) -> int:
    return run_command(io, lambda: _export(directory, io, vscode=vscode))


def _export(directory: str, io: Streams, *, vscode: bool) -> int:
    from pathlib import Path  # not at the top: pathlib costs start-up (ARCHITECTURE.md)

    from ..catalog.export import (  # deferred: only the command that needs it pays for the import
        INDEX,
        export_documents,
        vscode_settings,
    )
    from ..files import write_atomic  # deferred: only the command that needs it pays for the import
    from ..reporters._paths import printable  # the files named as the report names files

    if not directory:  # `schemas export "$OUT"` with OUT unset: not the working directory
        raise UsageError("an empty directory name: give the directory to export into (`.` for this one)")
    documents = export_documents()
    ids = {s["path"]: s["id"] for s in documents[INDEX]["schemas"]}
    try:
        for path, doc in documents.items():
            target = Path(directory) / path
            write_atomic(target, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            if not vscode:  # with --vscode, stdout is the settings snippet alone
                io.out.write(f"{ids.get(path, path)} -> {printable(str(target))}\n")
    except OSError as exc:
        raise UsageError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    if vscode:
        providers = [p["provider"] for p in documents[INDEX]["payloads"]]
        io.out.write(json.dumps(vscode_settings(directory, providers), indent=2) + "\n")
    return EXIT_OK


def execute_explain(code: str, io: Streams) -> int:
    from ..lint.explain import explain  # deferred: only the command that needs it pays for the import

    def body() -> int:
        io.out.write(explain(code))
        return EXIT_OK

    return run_command(io, body)


def execute_rule_list(io: Streams) -> int:
    from ..catalog.views import list_rules  # deferred: only the command that needs it pays for the import

    def body() -> int:
        for r in list_rules():
            io.out.write(f"{r.code}  {r.name:<34} {r.severity:<8} {r.summary}\n")
        return EXIT_OK

    return run_command(io, body)
