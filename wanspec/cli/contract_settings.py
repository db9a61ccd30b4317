"""Typed settings for the contract commands, and the code that carries them out."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..records import Diagnostic, LintResult
from .commands import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Streams, _split, wants_colour

DEFAULT_CASSETTES = "cassettes"


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
    timeout: float = 1200.0
    max_body: int = 16 * 1024 * 1024


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
    return result, EXIT_OK if result.ok else EXIT_FINDINGS


def _redacting(io: Streams) -> Streams:
    """The streams with every line passed through the redaction choke point."""
    from ..contract._secrets import RedactingStream, environment_secrets

    secrets = environment_secrets(io.env)
    return Streams(RedactingStream(io.out, secrets), RedactingStream(io.err, secrets), io.stdin, io.env)  # type: ignore[arg-type]


def _flushed(io: Streams, status: int) -> int:
    io.out.flush()
    io.err.flush()
    return status


def execute_audit(settings: AuditSettings, io: Streams) -> int:
    io = _redacting(io)
    return _flushed(io, _audit(settings, io))


def _audit(settings: AuditSettings, io: Streams) -> int:
    from ..contract._secrets import environment_secrets
    from ..contract.checks.audit import audit_paths

    paths = settings.paths or (DEFAULT_CASSETTES,)
    if _missing(paths, io):
        return EXIT_USAGE
    if settings.secret_env:
        secrets = tuple(v for n in settings.secret_env if (v := io.env.get(n)))
    else:  # the providers' key variables and every *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD
        secrets = environment_secrets(io.env)
    done = _report(lambda sink: audit_paths(paths, secrets, sink), settings.format, io)
    return EXIT_USAGE if done is None else done[1]


def execute_verify(settings: VerifySettings, io: Streams) -> int:
    io = _redacting(io)
    return _flushed(io, _verify(settings, io))


def _verify(settings: VerifySettings, io: Streams) -> int:
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
    io = _redacting(io)
    return _flushed(io, _drift(settings, io))


def _drift(settings: DriftSettings, io: Streams) -> int:
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
    """Plan, price and record; every line printed passes the redaction choke point."""
    from ..contract._secrets import RedactingStream, environment_secrets

    secrets = environment_secrets(io.env)
    out, err = RedactingStream(io.out, secrets), RedactingStream(io.err, secrets)
    try:
        with _signals_as_exceptions():
            return _record(settings, Streams(out, err, io.stdin, io.env), secrets)  # type: ignore[arg-type]
    except _Interrupted as exc:
        err.write(f"wanspec: interrupted by {exc.name}: nothing was written to {settings.out}\n")
        return 128 + exc.signum
    finally:
        out.flush()
        err.flush()


def _record(settings: RecordSettings, io: Streams, secrets: tuple[str, ...]) -> int:
    from ..contract._errors import ContractError
    from ..contract._factory import client_for
    from ..contract._record import Budget, RecordError, check_budget, plan, record, scenario_env, stale_staging
    from ..contract.clients import PollPolicy

    if _missing((settings.source,), io):
        return EXIT_USAGE
    try:
        removed, left = stale_staging(os.path.dirname(os.path.abspath(settings.out)) or ".")
        for note in (*removed, *left):
            io.err.write(f"wanspec: {note}\n")
        p = plan(settings.source, settings.provider, _split(settings.scenarios))
        width = max((len(s.name) for s in p.scenarios), default=10)
        for s in p.scenarios:
            est = s.estimate
            amount = f"{est.amount:9.4f} USD" if est is not None and est.amount is not None else "   unknown   "
            io.out.write(f"{s.name:<{width}}  {amount}  {est.basis if est else ''}\n")
        for name, why in p.skipped:
            io.out.write(f"{name:<{width}}  skipped: {why}\n")
        io.out.write(f"{'total':<{width}}  {p.total:9.4f} USD (budget {settings.max_cost:g} USD)\n")
        if settings.dry_run:
            try:
                check_budget(p, settings.max_cost, settings.allow_unpriced)
            except RecordError as exc:
                io.out.write(f"dry run: nothing sent; a real run would refuse: {exc}\n")
            else:
                io.out.write("dry run: nothing sent\n")
            return EXIT_OK
        check_budget(p, settings.max_cost, settings.allow_unpriced)

        policy = PollPolicy(
            initial=settings.poll_interval, max_delay=max(10.0, settings.poll_interval), timeout=settings.timeout
        )
        budget = Budget(settings.max_cost, settings.allow_unpriced)

        def factory(s):  # type: ignore[no-untyped-def]
            env = scenario_env(s, io.env)
            schema = s.metadata.get("schema") if isinstance(s.metadata.get("schema"), str) else None
            guard = budget.guard(s.provider, schema, free=s.metadata.get("credentials") == "invalid")
            return client_for(
                s.provider,
                base_url=settings.base_url,
                endpoint=s.endpoint,
                env=env,
                policy=policy,
                on_send=guard,
                max_body=settings.max_body,
            )

        outcomes = record(
            p,
            settings.out,
            factory,
            secrets=secrets,
            progress=lambda o: print(f"recorded {o.scenario}: {o.state} {o.detail}", file=io.out),
        )
    except ContractError as exc:
        io.err.write(f"wanspec: error: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:
        io.err.write(f"wanspec: error: cannot write to {settings.out}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    io.out.write(f"{len(outcomes)} cassettes written to {settings.out} ({budget.spent:.4f} USD estimated)\n")
    return EXIT_OK


class _Interrupted(BaseException):
    """SIGTERM or SIGINT, raised where the run is, so every ``finally`` and cleanup runs."""

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)


@contextmanager
def _signals_as_exceptions() -> Iterator[None]:
    """Turn SIGTERM (what ``timeout`` and CI cancellation send) and SIGINT into _Interrupted
    for the duration of a run, in the main thread (signal handlers can only be set there)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        for other in previous:  # a second signal must not cut the cleanup the first one starts
            signal.signal(other, signal.SIG_IGN)
        raise _Interrupted(signum)

    previous: dict[int, Any] = {}
    for number in (signal.SIGTERM, signal.SIGINT):
        previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for signum, h in previous.items():
            signal.signal(signum, h)
