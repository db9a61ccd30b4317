"""Typed settings for the contract commands, and the code that carries them out."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..contract._cassette import find_cassettes
from ..errors import UsageError, WanspecError
from ..lint.run import LintOptions
from ..project.run import project_options
from ..recordtype import field, recordclass
from .commands import EXIT_OK, ReportSettings, Streams, report, run_command, split

DEFAULT_CASSETTES = "cassettes"


@recordclass(kw_only=True)
class CheckSettings:
    """What every cassette check shares: the rules, the project config, the report."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config: str | None = None
    isolated: bool = False
    report: ReportSettings = field(default_factory=ReportSettings)

    def options(self) -> LintOptions:
        return project_options(
            select=split(self.select), ignore=split(self.ignore), config=self.config, isolated=self.isolated
        )


@recordclass
class AuditSettings:
    paths: tuple[str, ...]
    secret_env: tuple[str, ...] = ()
    check: CheckSettings = field(default_factory=CheckSettings)


@recordclass
class VerifySettings:
    paths: tuple[str, ...]
    check: CheckSettings = field(default_factory=CheckSettings)


@recordclass
class CoverageSettings:
    paths: tuple[str, ...]
    min_coverage: float | None = None  # percent, 0-100
    check: CheckSettings = field(default_factory=CheckSettings)


@recordclass
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


@recordclass
class DriftSettings:
    old: str
    new: str
    cost_tolerance: float = 0.05
    missing_breaking: bool = False
    check: CheckSettings = field(default_factory=CheckSettings)


def _cassettes(paths: tuple[str, ...]) -> tuple[str, ...]:
    paths = paths or (DEFAULT_CASSETTES,)
    gone = [p for p in paths if not os.path.exists(p)]
    if gone:
        raise UsageError("no such file or directory: " + ", ".join(gone))
    return paths


def _redacting(io: Streams) -> Streams:
    """The streams with every line passed through the redaction choke point."""
    from ..contract._secrets import RedactingStream, environment_secrets  # deferred: only contract commands pay

    secrets = environment_secrets(io.env)
    return Streams(RedactingStream(io.out, secrets), RedactingStream(io.err, secrets), io.stdin, io.env)  # type: ignore[arg-type]


def _redacted(io: Streams, command: Callable[[Streams], int]) -> int:
    """Run a contract command with everything it prints passing the redaction choke point."""
    safe = _redacting(io)
    try:
        return command(safe)
    finally:
        safe.out.flush()
        safe.err.flush()


def _check_command(io: Streams, body: Callable[[Streams], int]) -> int:
    """A cassette check: its output redacted, its errors and exit status through run_command."""
    return _redacted(io, lambda safe: run_command(safe, lambda: body(safe)))


def _some_cassettes(paths: tuple[str, ...]) -> tuple[str, ...]:
    """The paths to check, holding at least one cassette: a check of nothing is no pass."""
    paths = _cassettes(paths)
    if not any(True for _ in find_cassettes(paths)):
        raise UsageError(f"no cassettes (.yaml, .yml) under {', '.join(paths)}")
    return paths


def execute_audit(settings: AuditSettings, io: Streams) -> int:
    from ..contract._secrets import environment_secrets  # deferred: only the command that needs it pays
    from ..contract.checks.audit import audit_paths  # deferred: only the command that needs it pays for the import

    def body(io: Streams) -> int:
        paths = _cassettes(settings.paths)
        options = settings.check.options()
        if settings.secret_env:
            secrets = tuple(v for n in settings.secret_env if (v := io.env.get(n)))
        else:  # the providers' key variables and every *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD
            secrets = environment_secrets(io.env)
        return report(lambda sink: audit_paths(paths, secrets, sink, options=options), settings.check.report, io)

    return _check_command(io, body)


def execute_verify(settings: VerifySettings, io: Streams) -> int:
    from ..contract.checks.verify import verify_paths  # deferred: only the command that needs it pays for the import

    def body(io: Streams) -> int:
        paths = _some_cassettes(settings.paths)
        options = settings.check.options()
        return report(lambda sink: verify_paths(paths, sink, options=options), settings.check.report, io)

    return _check_command(io, body)


def execute_coverage(settings: CoverageSettings, io: Streams) -> int:
    from ..contract.checks.coverage import coverage_paths  # deferred: only the command that needs it pays

    def body(io: Streams) -> int:
        paths = _some_cassettes(settings.paths)
        minimum = None if settings.min_coverage is None else settings.min_coverage / 100
        return report(lambda sink: coverage_paths(paths, sink, minimum)[0], settings.check.report, io)

    return _check_command(io, body)


def execute_drift(settings: DriftSettings, io: Streams) -> int:
    from ..contract.checks.drift import (  # deferred: only the command that needs it pays for the import
        DriftOptions,
        drift,
    )

    def body(io: Streams) -> int:
        _cassettes((settings.old, settings.new))
        chosen = settings.check.options()
        options = DriftOptions(
            settings.cost_tolerance,
            chosen.select,
            chosen.ignore,
            missing_breaking=settings.missing_breaking,
            policy=chosen.policy,
        )
        return report(lambda sink: drift(settings.old, settings.new, options, sink), settings.check.report, io)

    return _check_command(io, body)


def execute_record(settings: RecordSettings, io: Streams) -> int:
    """Plan, price and record; every line printed passes the redaction choke point, and
    SIGTERM/SIGINT end the run through its cleanup (exit 128 + the signal's number)."""

    def interruptible(safe: Streams) -> int:
        try:
            with _signals_as_exceptions():
                return run_command(safe, lambda: _record(settings, safe))
        except _Interrupted as exc:
            safe.err.write(f"wanspec: interrupted by {exc.name}: nothing was written to {settings.out}\n")
            return 128 + exc.signum

    return _redacted(io, interruptible)


def _record(settings: RecordSettings, io: Streams) -> int:
    from ..contract._factory import client_for  # the clients import httpx: only `record` pays for it
    from ..contract._record import (  # deferred: only the command that needs it pays for the import
        Budget,
        check_budget,
        plan,
        record,
        scenario_env,
        stale_staging,
    )
    from ..contract._secrets import environment_secrets  # deferred: only the command that needs it pays
    from ..contract.clients import PollPolicy  # deferred: only the command that needs it pays for the import

    if not settings.out:  # `--out "$DIR"` with DIR unset: not a directory beside the working one
        raise UsageError("--out needs a directory name (a fresh directory for the new cassettes)")
    _cassettes((settings.source,))
    removed, left = stale_staging(os.path.dirname(os.path.abspath(settings.out)) or ".")
    for note in (*removed, *left):
        io.err.write(f"wanspec: {note}\n")
    try:
        p = plan(settings.source, settings.provider, split(settings.scenarios))
        width = max((len(s.name) for s in p.scenarios), default=10)
        for s in p.scenarios:
            est = s.estimate
            amount = f"{est.amount:9.4f} USD" if est is not None and est.amount is not None else "   unknown   "
            io.out.write(f"{s.name:<{width}}  {amount}  {est.basis if est else ''}\n")
        for name, why in p.skipped:
            io.out.write(f"{name:<{width}}  skipped: {why}\n")
        io.out.write(f"{'total':<{width}}  {p.total:9.4f} USD (budget {settings.max_cost:g} USD)\n")
        if settings.dry_run:  # the plan is the answer: say what a real run would decide, exit 0
            try:
                check_budget(p, settings.max_cost, settings.allow_unpriced)
                verdict = "a real run would start"
            except WanspecError as exc:
                verdict = f"a real run would refuse: {exc}"
            io.out.write(f"dry run: nothing sent; {verdict}\n")
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
            secrets=environment_secrets(io.env),
            progress=lambda o: print(f"recorded {o.scenario}: {o.state} {o.detail}", file=io.out),
        )
    except OSError as exc:
        raise UsageError(f"cannot write to {settings.out}: {exc.strerror or exc}") from None
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
