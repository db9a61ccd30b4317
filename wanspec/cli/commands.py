"""Typed settings built from the command line, and the code that carries them out."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import IO, TextIO

from ..catalog import store
from ..lint.run import LintOptions, UsageError, lint_paths

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class LintSettings:
    paths: tuple[str, ...]
    schema: str | None = None
    format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    engine: str = "fast"
    colour: bool | None = None  # None: decide from the stream and NO_COLOR
    jobs: int = 0  # 0: one process per available core, for inputs large enough to pay
    statistics: bool = False  # counts per rule instead of the findings
    exit_zero: bool = False  # exit 0 even with findings (2 still means usage/environment)
    fail_on: str = "error"  # "warning": warnings fail the run too
    progress: bool = True  # a progress bar on a terminal (never in pipes or CI)
    # project config, baseline, suppressions and fixes (cli/project.py)
    config: str | None = None  # None: discovered from the working directory upwards
    isolated: bool = False  # ignore every config file
    extend_select: tuple[str, ...] = ()
    baseline: str | None = None
    write_baseline: bool = False
    fix: bool = False
    diff: bool = False


@dataclass
class Streams:
    out: TextIO
    err: TextIO
    stdin: IO[bytes] | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for chunk in values for v in chunk.split(",") if v.strip())


def wants_colour(setting: bool | None, stream: TextIO, env: dict[str, str]) -> bool:
    if "NO_COLOR" in env and env["NO_COLOR"] != "":
        return False
    if setting is not None:
        return setting
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def execute_lint(settings: LintSettings, io: Streams) -> int:
    from ..project.run import prepare
    from ._output import Output, exit_status
    from ._progress import ProgressBar, wants_progress

    options = LintOptions(settings.schema, _split(settings.select), _split(settings.ignore), settings.engine)
    settings = replace(settings, extend_select=_split(settings.extend_select))
    bar = ProgressBar(io.err) if wants_progress(settings.progress, io.err, io.env) else None
    output = None
    try:
        colour = wants_colour(settings.colour, io.out, io.env)
        output = Output(settings.format, io.out, colour, statistics=settings.statistics, bar=bar)
        project = prepare(settings, options, io.out)
        if settings.diff:  # show what --fix would change, and nothing else (like ruff --diff)
            output.close()
            io.err.write(f"wanspec: would apply {project.fixed} fixes\n")
            return EXIT_FINDINGS if project.fixed else EXIT_OK
        # reporters write nothing before the first finding, so a usage error leaves stdout empty
        result = lint_paths(
            settings.paths or (".",),
            project.options,
            stdin=io.stdin,
            sink=project.sink(output.emit),
            jobs=settings.jobs,
            events=output.events,
        )
        project.finish(result, output.emit)
    except (UsageError, KeyError, store.CatalogError, KeyboardInterrupt) as exc:
        if output is not None:
            output.close()  # wipe the progress bar before saying anything
        if isinstance(exc, KeyboardInterrupt):
            raise
        if isinstance(exc, store.CatalogError):
            io.err.write(f"wanspec: installation error: {exc}\n")
        else:
            io.err.write(f"wanspec: error: {exc.args[0]}\n")
        return EXIT_USAGE
    output.finish(result)
    project.write_notes(io.err)
    # after project.finish: the counts no longer include findings the baseline or suppressions hide
    return exit_status(result, fail_on=settings.fail_on, exit_zero=settings.exit_zero)


def execute_schemas(fmt: str, io: Streams) -> int:
    from ..catalog.views import list_schemas

    entries = list_schemas()
    if fmt == "json":
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
    from pathlib import Path

    from ..catalog.export import INDEX, export_documents, vscode_settings
    from ..files import write_atomic

    root = Path(directory)
    documents = export_documents()
    ids = {s["path"]: s["id"] for s in documents[INDEX]["schemas"]}
    try:
        for path, doc in documents.items():
            target = root / path
            write_atomic(target, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
            if not vscode:  # with --vscode, stdout is the settings snippet alone
                io.out.write(f"{ids.get(path, path)} -> {target}\n")
    except OSError as exc:
        io.err.write(f"wanspec: error: cannot write to {directory}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    if vscode:
        providers = [p["provider"] for p in documents[INDEX]["payloads"]]
        io.out.write(json.dumps(vscode_settings(directory, providers), indent=2) + "\n")
    return EXIT_OK


def execute_explain(code: str, io: Streams) -> int:
    from ..lint.explain import explain

    try:
        io.out.write(explain(code))
    except KeyError:
        io.err.write(f"wanspec: error: unknown rule {code!r}; `wanspec explain --list` lists them\n")
        return EXIT_USAGE
    return EXIT_OK


def execute_rule_list(io: Streams) -> int:
    from ..catalog.views import list_rules

    for r in list_rules():
        io.out.write(f"{r.code}  {r.name:<34} {r.severity:<8} {r.summary}\n")
    return EXIT_OK
