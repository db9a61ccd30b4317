"""``wanspec cassettes audit|verify``, ``wanspec record`` and ``wanspec drift``: the contract commands.

Callbacks only build settings; ``contract_settings.py`` does the work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from ..contract._protocol import list_protocols
from .commands import ReportSettings, system_streams
from .contract_settings import (
    AuditSettings,
    CheckSettings,
    CoverageSettings,
    DriftSettings,
    RecordSettings,
    VerifySettings,
    execute_audit,
    execute_coverage,
    execute_drift,
    execute_record,
    execute_verify,
)
from .options import Finite, config_options, report_options, selection_options

_streams = system_streams


def _check_options(f: Callable[..., None]) -> Callable[..., None]:
    """The options every cassette check shares with ``wanspec lint``."""
    return report_options(selection_options(config_options(f)))


def _check(**shared: Any) -> CheckSettings:
    report = ReportSettings.from_options(shared)
    return CheckSettings(
        select=shared["select"],
        ignore=shared["ignore"],
        config=shared["config"],
        isolated=shared["isolated"],
        report=report,
    )


@click.group()
def cassettes() -> None:
    """Check recorded HTTP cassettes (vcrpy YAML) offline."""


@cassettes.command("audit")
@click.argument("paths", nargs=-1, type=str)
@_check_options
@click.option(
    "--secret-env",
    multiple=True,
    metavar="NAME",
    help="Look for the value of this environment variable in every encoding (default: the provider key "
    "variables and every *_API_KEY, *_TOKEN, *_SECRET, *_PASSWORD).",
)
def audit(paths: tuple[str, ...], secret_env: tuple[str, ...], **shared: Any) -> None:
    """Fail on anything in PATHS (default: cassettes/) that looks like a credential.

    Exit status: 0 nothing found, 1 something found, 2 usage error.
    """
    sys.exit(execute_audit(AuditSettings(paths, secret_env, _check(**shared)), _streams()))


@cassettes.command("verify")
@click.argument("paths", nargs=-1, type=str)
@_check_options
def verify(paths: tuple[str, ...], **shared: Any) -> None:
    """Check every interaction in PATHS (default: cassettes/) against the docs and the linter.

    Requests lint clean (or, when the API rejected one, the linter flags the same parameter);
    responses match the provider's response schema; each job is acknowledged, polled, and
    ends in one terminal state. Exit status: 0 clean, 1 findings, 2 usage error or a
    cassette that cannot be read.
    """
    sys.exit(execute_verify(VerifySettings(paths, _check(**shared)), _streams()))


@cassettes.command("coverage")
@click.argument("paths", nargs=-1, type=str)
@report_options
@click.option(
    "--min-coverage",
    type=Finite(0, 100),
    metavar="PERCENT",
    help="Fail (exit 1, WS819) when less than this share of the items is backed by recorded evidence.",
)
def coverage(paths: tuple[str, ...], min_coverage: float | None, **shown: Any) -> None:
    """Report which schema ids, workflows, rule codes and provider error codes the cassettes
    in PATHS (default: cassettes/) back with evidence.

    An item is backed by an accepted request that exercises it or by a rejection the
    provider gave for it. Backed items are WS820 (info), gaps WS818 (warning), the shares
    WS821. Exit status: 0, or 1 below --min-coverage; 2 usage error.
    """
    check = _check(select=(), ignore=(), config=None, isolated=False, **shown)
    sys.exit(execute_coverage(CoverageSettings(paths, min_coverage, check), _streams()))


@click.command()
@click.option("--provider", required=True, type=click.Choice(list_protocols()))
@click.option("--scenarios", "names", multiple=True, metavar="NAMES", help="Only these scenarios (comma-separated).")
@click.option(
    "--from",
    "source",
    default="cassettes",
    show_default=True,
    metavar="DIR",
    help="Where the scenarios (committed cassettes) are.",
)
@click.option("--out", required=True, metavar="DIR", help="A fresh directory for the new cassettes.")
@click.option(
    "--max-cost",
    type=Finite(min=0),
    default=0.0,
    show_default=True,
    metavar="USD",
    help="Refuse to start if the estimated total exceeds this (0: only free scenarios, e.g. rejected ones).",
)
@click.option("--base-url", metavar="URL", help="The provider's API base URL (default: the documented one).")
@click.option("--allow-unpriced", is_flag=True, help="Run scenarios whose cost cannot be estimated.")
@click.option("--dry-run", is_flag=True, help="Show the plan and the estimates; send nothing.")
@click.option(
    "--poll-interval",
    type=Finite(min=0),
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="First delay between polls (then ×1.5, at most 10 s).",
)
@click.option(
    "--timeout",
    type=Finite(min=0, min_open=True),
    default=1200.0,
    show_default=True,
    metavar="SECONDS",
    help="Wall-clock deadline for each job (submit to result), whatever the server does.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=16 * 1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Refuse a response body larger than this.",
)
def record(
    provider: str,
    names: tuple[str, ...],
    source: str,
    out: str,
    max_cost: float,
    base_url: str | None,
    allow_unpriced: bool,
    dry_run: bool,
    poll_interval: float,
    timeout: float,
    max_body: int,
) -> None:
    """Re-record scenarios against the live API into a fresh directory, within a budget.

    The API key comes from RUNWARE_API_KEY, WAVESPEED_API_KEY or TOAPIS_API_KEY.
    Exit status: 0 recorded, 2 refused (budget, unknown price, missing key) or failed.
    """
    settings = RecordSettings(
        provider, names, source, out, max_cost, base_url, allow_unpriced, dry_run, poll_interval, timeout, max_body
    )
    sys.exit(execute_record(settings, _streams()))


@click.command()
@click.argument("old", type=str)
@click.argument("new", type=str)
@_check_options
@click.option(
    "--cost-tolerance",
    type=Finite(min=0),
    default=0.05,
    show_default=True,
    help="Relative cost change that is not reported (0.05 = 5%).",
)
@click.option(
    "--missing-breaking",
    is_flag=True,
    help="A scenario of OLD with no cassette in NEW is breaking (WS913); by default it is listed as not compared.",
)
def drift(old: str, new: str, cost_tolerance: float, missing_breaking: bool, **shared: Any) -> None:
    """Compare two cassette sets (OLD and NEW directories) and classify every change.

    Only the scenarios both sides recorded are compared; the others are listed (WS918,
    WS914). Errors are breaking changes, warnings non-breaking ones. Exit status: 0
    nothing breaking, 1 breaking changes found, 2 usage error.
    """
    settings = DriftSettings(old, new, cost_tolerance, missing_breaking, _check(**shared))
    sys.exit(execute_drift(settings, _streams()))


def register(group: click.Group) -> None:
    """Add this module's commands to the ``wanspec`` group (main.py does it when one is named)."""
    group.add_command(cassettes)
    group.add_command(record)
    group.add_command(drift)
