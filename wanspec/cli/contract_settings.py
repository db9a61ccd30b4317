"""Typed settings for the contract commands, and the code that carries them out."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..records import Diagnostic, LintResult
from ._output import exit_status
from .commands import EXIT_OK, EXIT_USAGE, Streams, _split, wants_colour

DEFAULT_CASSETTES = "cassettes"


def key_variables() -> tuple[str, ...]:
    """The providers' API key variables, as their protocol files name them."""
    from ..contract._protocol import list_protocols, load_protocol

    return tuple(v for p in list_protocols() if (v := str(load_protocol(p).env.get("apiKey", ""))))


@dataclass(frozen=True, slots=True)
class AuditSettings:
    paths: tuple[str, ...]
    format: str = "text"
    secret_env: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VerifySettings:
    paths: tuple[str, ...]
    format: str = "text"


@dataclass(frozen=True, slots=True)
class RecordSettings:
    provider: str
    scenarios: tuple[str, ...]
    source: str
    out: str
    max_cost: float = 0.0
    base_url: str | None = None
    allow_unpriced: bool = False
    dry_run: bool = False
    poll_interval: float = 1.0


@dataclass(frozen=True, slots=True)
class DriftSettings:
    old: str
    new: str
    format: str = "text"
    cost_tolerance: float = 0.05
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def _missing(paths: tuple[str, ...], io: Streams) -> bool:
    gone = [p for p in paths if not os.path.exists(p)]
    for p in gone:
        io.err.write(f"wanspec: error: no such file or directory: {p}\n")
    return bool(gone)


def _report(result_of, fmt: str, io: Streams) -> tuple[LintResult, int] | None:  # type: ignore[no-untyped-def]
    from ..reporters import get_reporter

    try:
        reporter = get_reporter(fmt)(io.out, wants_colour(None, io.out, io.env))
    except KeyError as exc:
        io.err.write(f"wanspec: error: {exc.args[0]}\n")
        return None
    result: LintResult = result_of(reporter.emit)
    reporter.finish(result)
    return result, exit_status(result)  # 2 when a pipe or an unlistable directory was met


def execute_audit(settings: AuditSettings, io: Streams) -> int:
    from ..contract.checks.audit import audit_paths

    paths = settings.paths or (DEFAULT_CASSETTES,)
    if _missing(paths, io):
        return EXIT_USAGE
    names = settings.secret_env or key_variables()
    secrets = tuple(v for n in names if (v := io.env.get(n)))
    done = _report(lambda sink: audit_paths(paths, secrets, sink), settings.format, io)
    return EXIT_USAGE if done is None else done[1]


def execute_verify(settings: VerifySettings, io: Streams) -> int:
    from ..contract.checks.verify import verify_paths

    paths = settings.paths or (DEFAULT_CASSETTES,)
    if _missing(paths, io):
        return EXIT_USAGE
    done = _report(lambda sink: verify_paths(paths, sink), settings.format, io)
    if done is None:
        return EXIT_USAGE
    result, status = done
    if result.files == 0:
        io.err.write(f"wanspec: error: no cassettes (.yaml, .yml) under {', '.join(paths)}\n")
        return EXIT_USAGE
    return status


def execute_drift(settings: DriftSettings, io: Streams) -> int:
    from ..contract.checks.drift import DriftOptions, drift
    from ..lint.run import LintOptions, UsageError, validate_options

    if _missing((settings.old, settings.new), io):
        return EXIT_USAGE
    select, ignore = _split(settings.select), _split(settings.ignore)
    try:
        validate_options(LintOptions(select=select, ignore=ignore))
    except UsageError as exc:
        io.err.write(f"wanspec: error: {exc}\n")
        return EXIT_USAGE
    options = DriftOptions(settings.cost_tolerance, select, ignore)
    done = _report(lambda sink: drift(settings.old, settings.new, options, sink), settings.format, io)
    return EXIT_USAGE if done is None else done[1]


def _describe(d: Diagnostic) -> str:
    return f"{d.code} {d.message}"


def execute_record(settings: RecordSettings, io: Streams) -> int:
    from ..contract._errors import ContractError
    from ..contract._factory import client_for
    from ..contract._record import RecordError, check_budget, plan, record, scenario_env
    from ..contract.clients import PollPolicy

    if _missing((settings.source,), io):
        return EXIT_USAGE
    try:
        p = plan(settings.source, settings.provider, _split(settings.scenarios))
        width = max((len(s.name) for s in p.scenarios), default=10)
        for s in p.scenarios:
            est = s.estimate
            amount = f"{est.amount:9.4f} USD" if est is not None and est.amount is not None else "   unknown   "
            io.out.write(f"{s.name:<{width}}  {amount}  {est.basis if est else ''}\n")
        for name, why in p.skipped:
            io.out.write(f"{name:<{width}}  skipped: {why}\n")
        io.out.write(f"{'total':<{width}}  {p.total:9.4f} USD (budget {settings.max_cost:g} USD)\n")
        check_budget(p, settings.max_cost, settings.allow_unpriced)
        if settings.dry_run:
            io.out.write("dry run: nothing sent\n")
            return EXIT_OK

        policy = PollPolicy(initial=settings.poll_interval, max_delay=max(10.0, settings.poll_interval))

        def factory(s):  # type: ignore[no-untyped-def]
            env = scenario_env(s, io.env)
            return client_for(s.provider, base_url=settings.base_url, endpoint=s.endpoint, env=env, policy=policy)

        secrets = tuple(v for n in key_variables() if (v := io.env.get(n)))
        outcomes = record(
            p,
            settings.out,
            factory,
            secrets=secrets,
            progress=lambda o: print(f"recorded {o.scenario}: {o.state} {o.detail}", file=io.out),
        )
    except (RecordError, ContractError) as exc:
        io.err.write(f"wanspec: error: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:
        io.err.write(f"wanspec: error: cannot write to {settings.out}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    io.out.write(f"{len(outcomes)} cassettes written to {settings.out}\n")
    return EXIT_OK
