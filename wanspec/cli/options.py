"""The option vocabulary every checking command shares, declared once.

``--format``, ``--statistics``, ``--exit-zero``, ``--fail-on`` and ``--color`` (how findings
are shown and what fails the run), ``--select``/``--ignore`` (which rules), and
``--config``/``--isolated`` (the project configuration). ``lint``, ``cassettes verify``,
``cassettes audit`` and ``drift`` take them with the same meaning.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..reporters import FORMATS
from ._output import FAIL_ON, OUTPUT_FORMATS
from .commands import shows_source

__all__ = ["OUTPUT_FORMATS", "Finite", "config_options", "report_options", "selection_options", "shows_source"]

F = TypeVar("F", bound=Callable[..., Any])


class Finite(click.FloatRange):
    """``click.FloatRange`` that also refuses NaN and infinity. NaN passes a range check
    (it compares false both ways), so ``--max-cost nan`` was a budget no total exceeds,
    and ``--timeout nan`` a deadline that never comes."""

    name = "finite float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def _stack(f: F, *decorators: Callable[[F], F]) -> F:
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def report_options(f: F) -> F:
    """``--format``, ``--color``, ``--show-source``/``--output-format``, ``--statistics``,
    ``--exit-zero``, ``--fail-on``."""
    return _stack(
        f,
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Output format (json-lines: a diagnostic a line; sarif: code scanning; github: Actions "
            "annotations; junit: a test case per file; html: a self-contained page to read in a browser).",
        ),
        click.option(
            "--color/--no-color",
            "colour",
            default=None,
            help="Colour the text output (default: on a terminal, unless NO_COLOR is set).",
        ),
        click.option(
            "--show-source",
            is_flag=True,
            help="After each finding, where the docs say so: the quote and the provider page's address.",
        ),
        click.option(
            "--output-format",
            "output_format",
            type=click.Choice(OUTPUT_FORMATS),
            default=None,
            help="Text output: concise (default) or full (as --show-source).",
        ),
        click.option("--statistics", is_flag=True, help="Print how often each rule fired instead of the findings."),
        click.option(
            "--exit-zero", is_flag=True, help="Exit 0 even with findings (usage and environment errors still exit 2)."
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON),
            default="error",
            show_default=True,
            help="Lowest severity that fails the run.",
        ),
    )


def selection_options(f: F) -> F:
    """``--select`` and ``--ignore``: codes, prefixes or names, comma-separated or repeated."""
    return _stack(
        f,
        click.option(
            "--select",
            multiple=True,
            metavar="CODES",
            help="Only these rules: codes, prefixes (WS4) or names; comma-separated or repeated.",
        ),
        click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (same forms as --select)."),
    )


def config_options(f: F) -> F:
    """``--config FILE`` and ``--isolated``."""
    return _stack(
        f,
        click.option(
            "--config",
            "config",
            metavar="FILE",
            help="Read this config file (wanspec.toml or pyproject.toml) instead of looking for one upwards.",
        ),
        click.option("--isolated", "--no-config", "isolated", is_flag=True, help="Ignore every config file."),
    )
