"""``wanspec schemas check``: typed settings and the code that carries them out.

The comparison is in the core (``wanspec.specs``); this module turns options into sources,
runs the check through the shared reporting path (``commands.report``), and applies
``--select``/``--ignore``, the project config's selection and severities, and the baseline
as ``wanspec lint`` does.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable

from ..errors import UsageError
from ..project.baseline import Accepted, baseline_text, read_baseline, record
from ..project.run import project_options
from ..records import Diagnostic, LintResult
from ..recordtype import field, recordclass, replace
from ..specs.check import check_specs, describe
from ..specs.fetch import default_cache_dir, fetch
from ..specs.sources import Published, find_runware_sdk, read_runware_sdk, read_spec_document
from .commands import ReportSettings, Streams, report, run_command, split


@recordclass(kw_only=True)
class SpecCheckSettings:
    runware_sdk: str | None = None  # a task_map.py or an SDK directory; None: the installed SDK
    specs: tuple[str, ...] = ()  # [ID=]FILE
    fetch: tuple[str, ...] = ()  # [ID=]URL
    model: str | None = None  # the model (or schema) id for a spec that names none
    cache_dir: str | None = None
    refresh: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config: str | None = None
    isolated: bool = False
    baseline: str | None = None
    write_baseline: bool = False
    report: ReportSettings = field(default_factory=ReportSettings)


def _split_id(value: str, default: str | None) -> tuple[str | None, str]:
    """``ID=WHERE`` → (ID, WHERE); a bare WHERE takes ``default`` (an id never holds ``=``,
    while a URL's query may: so split only when the left side looks like no URL)."""
    head, sep, tail = value.partition("=")
    if sep and "://" not in head and not os.path.exists(value):
        return head, tail
    return default, value


def load_sources(settings: SpecCheckSettings, env: dict[str, str]) -> list[Published]:
    """The published specs the settings name (the installed runware-sdk when they name none)."""
    out = []
    if settings.runware_sdk is not None:
        out.append(read_runware_sdk(settings.runware_sdk))
    for value in settings.specs:
        model, path = _split_id(value, settings.model)
        out.append(read_spec_document(path, model))
    cache = settings.cache_dir or default_cache_dir(env)
    for value in settings.fetch:
        model, url = _split_id(value, settings.model)
        got = fetch(url, cache, refresh=settings.refresh)
        spec = read_spec_document(got.path, model, source=got.url)
        out.append(replace(spec, fetched=got.fetched))
    if not out:
        path, version = find_runware_sdk()
        out.append(read_runware_sdk(path, version))
    return out


def execute_spec_check(settings: SpecCheckSettings, io: Streams) -> int:
    return run_command(io, lambda: _spec_check(settings, io))


def _spec_check(settings: SpecCheckSettings, io: Streams) -> int:
    if settings.write_baseline and settings.baseline is None:
        raise UsageError("--write-baseline needs --baseline FILE (the file to write)")
    options = project_options(
        select=split(settings.select), ignore=split(settings.ignore), config=settings.config, isolated=settings.isolated
    )
    sources = load_sources(settings, io.env)
    accepted = None
    if settings.baseline is not None and not settings.write_baseline:
        accepted = Accepted(baseline=read_baseline(settings.baseline), baseline_base=_dir_of(settings.baseline))
    notes = [describe(s) for s in sources]
    recorded: list[Diagnostic] = []

    def check(sink: Callable[[Diagnostic], None]) -> LintResult:
        if settings.write_baseline:
            sink = recorded.append  # today's differences go into the baseline, not the report
        result = check_specs(sources, sink, options, keep=accepted.keep if accepted is not None else None)
        if accepted is not None:
            if accepted.suppressed:
                notes.append(f"{accepted.suppressed} differences hidden by the baseline")
            if accepted.stale:
                notes.append(f"{accepted.stale} baseline entries matched nothing: refresh it with --write-baseline")
        if settings.write_baseline and settings.baseline is not None:
            _write_baseline(settings.baseline, recorded)
            notes.append(f"recorded {len(recorded)} differences in {settings.baseline}")
            result.errors = result.warnings = 0
        return result

    status = report(check, settings.report, io)
    for note in notes:
        io.err.write(f"wanspec: {note}\n")
    return status


def _write_baseline(path: str, recorded: list[Diagnostic]) -> None:
    from pathlib import Path  # not at the top: pathlib costs start-up (ARCHITECTURE.md)

    from ..files import write_atomic  # deferred: only --write-baseline writes a file

    counts: Counter[tuple[str, str, str]] = record(recorded, _dir_of(path))
    try:
        write_atomic(Path(path), baseline_text(counts))
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


def _dir_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))
