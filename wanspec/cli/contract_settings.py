"""Typed settings for the contract commands, and the code that carries them out."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..contract._cassette import find_cassettes
from ..contract._protocol import key_variables
from ..errors import UsageError
from ..lint.run import LintOptions
from ..project.run import project_options
from ..records import Diagnostic
from .commands import EXIT_OK, ReportSettings, Streams, report, run_command, split

DEFAULT_CASSETTES = "cassettes"


@dataclass(frozen=True, slots=True, kw_only=True)
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


@dataclass(frozen=True, slots=True)
class AuditSettings:
    paths: tuple[str, ...]
    secret_env: tuple[str, ...] = ()
    check: CheckSettings = field(default_factory=CheckSettings)


@dataclass(frozen=True, slots=True)
class VerifySettings:
    paths: tuple[str, ...]
    check: CheckSettings = field(default_factory=CheckSettings)


@dataclass(frozen=True, slots=True)
class CoverageSettings:
    paths: tuple[str, ...]
    min_coverage: float | None = None  # percent, 0-100
    check: CheckSettings = field(default_factory=CheckSettings)


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
    cost_tolerance: float = 0.05
    missing_breaking: bool = False
    check: CheckSettings = field(default_factory=CheckSettings)


def _cassettes(paths: tuple[str, ...]) -> tuple[str, ...]:
    paths = paths or (DEFAULT_CASSETTES,)
    gone = [p for p in paths if not os.path.exists(p)]
    if gone:
        raise UsageError("no such file or directory: " + ", ".join(gone))
    return paths


def execute_audit(settings: AuditSettings, io: Streams) -> int:
    from ..contract.checks.audit import audit_paths  # deferred: only the command that needs it pays for the import

    def body() -> int:
        paths = _cassettes(settings.paths)
        options = settings.check.options()
        names = settings.secret_env or key_variables()
        secrets = tuple(v for n in names if (v := io.env.get(n)))
        return report(lambda sink: audit_paths(paths, secrets, sink, options=options), settings.check.report, io)

    return run_command(io, body)


def execute_verify(settings: VerifySettings, io: Streams) -> int:
    from ..contract.checks.verify import verify_paths  # deferred: only the command that needs it pays for the import

    def body() -> int:
        paths = _cassettes(settings.paths)
        options = settings.check.options()
        if not any(True for _ in find_cassettes(paths)):
            raise UsageError(f"no cassettes (.yaml, .yml) under {', '.join(paths)}")
        return report(lambda sink: verify_paths(paths, sink, options=options), settings.check.report, io)

    return run_command(io, body)


def execute_coverage(settings: CoverageSettings, io: Streams) -> int:
    from ..contract.checks.coverage import coverage_paths  # deferred: only the command that needs it pays

    def body() -> int:
        paths = _cassettes(settings.paths)
        if not any(True for _ in find_cassettes(paths)):
            raise UsageError(f"no cassettes (.yaml, .yml) under {', '.join(paths)}")
        minimum = None if settings.min_coverage is None else settings.min_coverage / 100
        return report(lambda sink: coverage_paths(paths, sink, minimum)[0], settings.check.report, io)

    return run_command(io, body)


def execute_drift(settings: DriftSettings, io: Streams) -> int:
    from ..contract.checks.drift import (  # deferred: only the command that needs it pays for the import
        DriftOptions,
        drift,
    )

    def body() -> int:
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

    return run_command(io, body)


def _describe(d: Diagnostic) -> str:
    return f"{d.code} {d.message}"


def execute_record(settings: RecordSettings, io: Streams) -> int:
    return run_command(io, lambda: _record(settings, io))


def _record(settings: RecordSettings, io: Streams) -> int:
    from ..contract._factory import client_for  # the clients import httpx: only `record` pays for it
    from ..contract._record import (  # deferred: only the command that needs it pays for the import
        check_budget,
        plan,
        record,
        scenario_env,
    )
    from ..contract.clients import PollPolicy  # deferred: only the command that needs it pays for the import

    _cassettes((settings.source,))
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
    except OSError as exc:
        raise UsageError(f"cannot write to {settings.out}: {exc.strerror or exc}") from None
    io.out.write(f"{len(outcomes)} cassettes written to {settings.out}\n")
    return EXIT_OK
