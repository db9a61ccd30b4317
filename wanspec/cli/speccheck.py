"""``wanspec schemas check``: typed settings and the code that carries them out.

The comparison itself is in the core (``catalog.spec_check``, ``spec_sources``, ``spec_fetch``);
this module turns options into sources, runs the check through a reporter, and applies
``--select``/``--ignore`` and the baseline exactly as ``wanspec lint`` does.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from .commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Streams, _split, wants_colour


@dataclass(frozen=True, slots=True)
class SpecCheckSettings:
    runware_sdk: str | None = None  # a task_map.py or an SDK directory; None: the installed SDK
    specs: tuple[str, ...] = ()  # [ID=]FILE
    fetch: tuple[str, ...] = ()  # [ID=]URL
    model: str | None = None  # the model (or schema) id for a spec that names none
    cache_dir: str | None = None
    refresh: bool = False
    format: str = "text"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    baseline: str | None = None
    write_baseline: bool = False
    exit_zero: bool = False


def _split_id(value: str, default: str | None) -> tuple[str | None, str]:
    """``ID=WHERE`` → (ID, WHERE); a bare WHERE takes ``default`` (an id never holds ``=``,
    while a URL's query may: so split only when the left side looks like no URL)."""
    head, sep, tail = value.partition("=")
    if sep and "://" not in head and not os.path.exists(value):
        return head, tail
    return default, value


def load_sources(settings: SpecCheckSettings, env: dict[str, str]) -> list:  # type: ignore[type-arg]
    """The published specs the settings name (the installed runware-sdk when they name none)."""
    from ..catalog.spec_fetch import default_cache_dir, fetch
    from ..catalog.spec_sources import find_runware_sdk, read_runware_sdk, read_spec_document

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
        out.append(dataclasses.replace(spec, fetched=got.fetched))
    if not out:
        path, version = find_runware_sdk()
        out.append(read_runware_sdk(path, version))
    return out


def execute_spec_check(settings: SpecCheckSettings, io: Streams) -> int:
    from collections import Counter

    from ..catalog.spec_check import CheckOptions, check_specs, describe
    from ..catalog.spec_sources import SpecError
    from ..lint.run import LintOptions, UsageError, validate_options
    from ..project.baseline import Accepted, baseline_text, read_baseline, record
    from ..records import Diagnostic
    from ..reporters import get_reporter

    select, ignore = _split(settings.select), _split(settings.ignore)
    try:
        validate_options(LintOptions(select=select, ignore=ignore))
        if settings.write_baseline and settings.baseline is None:
            raise UsageError("--write-baseline needs --baseline FILE (the file to write)")
        sources = load_sources(settings, io.env)
        accepted = None
        if settings.baseline is not None and not settings.write_baseline:
            accepted = Accepted(baseline=read_baseline(settings.baseline), baseline_base=_dir_of(settings.baseline))
        reporter = get_reporter(settings.format)(io.out, wants_colour(None, io.out, io.env))
    except (UsageError, SpecError, KeyError) as exc:
        io.err.write(f"wanspec: error: {exc.args[0]}\n")
        return EXIT_USAGE
    recorded: list[Diagnostic] = []
    sink = recorded.append if settings.write_baseline else reporter.emit
    if accepted is not None:
        sink = accepted.sink(sink)
    try:
        result = check_specs(sources, sink, CheckOptions(select, ignore))
    except SpecError as exc:
        io.err.write(f"wanspec: error: {exc.args[0]}\n")
        return EXIT_USAGE
    notes = [describe(s) for s in sources]
    if settings.write_baseline and settings.baseline is not None:
        from pathlib import Path

        from ..files import write_atomic

        counts: Counter[tuple[str, str, str]] = record(recorded, _dir_of(settings.baseline))
        try:
            write_atomic(Path(settings.baseline), baseline_text(counts))
        except OSError as exc:
            io.err.write(f"wanspec: error: cannot write baseline {settings.baseline}: {exc.strerror or exc}\n")
            return EXIT_USAGE
        result.errors = result.warnings = 0
        notes.append(f"recorded {sum(counts.values())} findings in {settings.baseline}")
    if accepted is not None:
        accepted.finish(result)
        if accepted.suppressed:
            notes.append(f"{accepted.suppressed} findings hidden by the baseline")
        if accepted.stale:
            notes.append(f"{accepted.stale} baseline entries matched nothing: refresh it with --write-baseline")
    reporter.finish(result)
    for note in notes:
        io.err.write(f"wanspec: {note}\n")
    if settings.exit_zero:
        return EXIT_OK
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _dir_of(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))
