"""``wanspec`` command line. Callbacks only build settings; ``commands.py`` runs them through one exit path."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Any, ClassVar

import click

from .. import __version__
from ..lint import speedups
from ._exit import crashed, environment_error, interrupted, said
from .commands import (
    LintSettings,
    ReportSettings,
    execute_explain,
    execute_export,
    execute_lint,
    execute_rule_list,
    execute_schemas,
    system_streams,
)
from .options import config_options, report_options, selection_options, shows_source

_streams = system_streams


class _Commands(click.Group):
    """The command group; commands kept in other modules are imported when named.

    `wanspec lint` in a pre-commit hook should not pay for the contract commands'
    module (about 7 ms of imports and dataclass set-up); `wanspec --help` still lists them.
    """

    LAZY: ClassVar[dict[str, str]] = {"cassettes": "contract", "record": "contract", "drift": "contract"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY and name not in self.commands:
            import_module(f"{__package__}.{self.LAZY[name]}").register(self)
        return super().get_command(ctx, name)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> object:
        """Click's own mistakes (an unknown option, a bad choice) in wanspec's style, exit 2."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            sys.stderr.write(f"wanspec: error: {said(exc.format_message())}\n")
            ctx = getattr(exc, "ctx", None)
            if isinstance(exc, click.UsageError) and ctx is not None:
                sys.stderr.write(f"Try '{ctx.command_path} --help' for help.\n")
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C while click read the command line or a prompt
            sys.exit(interrupted(sys.stderr))
        sys.exit(status if isinstance(status, int) else 0)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="wanspec", message=f"%(prog)s, version %(version)s ({speedups.describe()})"
)
def cli() -> None:
    """Lint request payloads for the Alibaba Wan models against their documentation."""


@cli.command()
@click.argument("paths", nargs=-1, type=str)
@click.option(
    "--schema", "schema", metavar="ID", help="Check every task against this schema id (see `wanspec schemas`)."
)
@report_options
@selection_options
@click.option(
    "--engine",
    type=click.Choice(["fast", "reference"]),
    default="fast",
    show_default=True,
    help="fast: jsonschema-rs; reference: python-jsonschema (slow; for cross-checking).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes for large inputs (0: one per core; 1: never fork). Output is identical either way.",
)
@config_options
@click.option(
    "--extend-select", multiple=True, metavar="CODES", help="Add rules to the selection (config's or --select)."
)
@click.option(
    "--baseline",
    metavar="FILE",
    help="Hide the findings recorded in FILE (keyed by file, pointer and code); report only new ones.",
)
@click.option("--write-baseline", is_flag=True, help="Record today's findings in the --baseline FILE and exit 0.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes (numeric strings, a missing UUID v4 taskUUID).")
@click.option("--diff", is_flag=True, help="Print the changes --fix would make, write nothing (exit 1 if any).")
@click.option(
    "--no-progress", "no_progress", is_flag=True, help="Never draw the progress bar (drawn only on a terminal)."
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    "respect_ignore",
    default=True,
    show_default=True,
    help="Leave out what .gitignore, .ignore and .git/info/exclude ignore when walking directories.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Choose files named on the command line as a directory walk would: config include/exclude, "
    "ignore files, payloads only (for pre-commit, which names every changed file).",
)
@click.option("-v", "--verbose", is_flag=True, help="List the JSON files skipped because they are not payloads.")
@click.option("--show-fixes", is_flag=True, help="With --fix, list what was repaired, per file and rule.")
def lint(
    paths: tuple[str, ...],
    schema: str | None,
    fmt: str,
    colour: bool | None,
    statistics: bool,
    exit_zero: bool,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    engine: str,
    jobs: int,
    config: str | None,
    isolated: bool,
    extend_select: tuple[str, ...],
    baseline: str | None,
    write_baseline: bool,
    fix: bool,
    diff: bool,
    no_progress: bool,
    respect_ignore: bool,
    force_exclude: bool,
    verbose: bool,
    show_fixes: bool,
    show_source: bool,
    output_format: str | None,
) -> None:
    """Lint payload files and directories (.json: a task or an array of tasks; .jsonl: a task a line; - for stdin).

    Exit status: 0 no errors (warnings allowed unless --fail-on warning), 1 findings that fail
    the run, 2 usage or environment error.
    """
    settings = LintSettings(
        paths,
        schema=schema,
        format=fmt,
        select=select,
        ignore=ignore,
        engine=engine,
        colour=colour,
        jobs=jobs,
        statistics=statistics,
        exit_zero=exit_zero,
        fail_on=fail_on,
        progress=not no_progress,
        config=config,
        isolated=isolated,
        extend_select=extend_select,
        baseline=baseline,
        write_baseline=write_baseline,
        fix=fix,
        diff=diff,
        respect_ignore=respect_ignore,
        force_exclude=force_exclude,
        verbose=verbose,
        show_source=shows_source(show_source, output_format),
        show_fixes=show_fixes,
    )
    sys.exit(execute_lint(settings, _streams()))


@cli.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def schemas(ctx: click.Context, fmt: str) -> None:
    """List the bundled schemas (ids, models, source docs)."""
    if ctx.invoked_subcommand is None:
        sys.exit(execute_schemas(fmt, _streams()))


@schemas.command("export")
@click.argument("directory", type=str)
@click.option(
    "--vscode",
    is_flag=True,
    help="Print VS Code `json.schemas` settings for the exported payload schemas (instead of the file list).",
)
def schemas_export(directory: str, vscode: bool) -> None:
    """Write every schema as standard draft 2020-12 JSON into DIRECTORY/<provider>/<model>.json,
    a DIRECTORY/<provider>/payload.json per provider for whole payload files, and DIRECTORY/index.json.

    The $ids are stable: https://wanspec.dev/schemas/<provider>/<file>.json.
    """
    sys.exit(execute_export(directory, _streams(), vscode=vscode))


@schemas.command("check")
@click.option(
    "--runware-sdk",
    "runware_sdk",
    metavar="PATH",
    help="A runware-sdk task_map.py (or a directory holding runware/types/) instead of the installed one.",
)
@click.option(
    "--spec", "specs", multiple=True, metavar="[ID=]FILE", help="A JSON Schema or OpenAPI document for one model."
)
@click.option("--fetch", "urls", multiple=True, metavar="[ID=]URL", help="Download such a document (cached; opt-in).")
@click.option("--model", metavar="ID", help="The model (or schema) id for --spec/--fetch documents that name none.")
@click.option("--cache-dir", metavar="DIR", help="Where fetched specs are kept (default: ~/.cache/wanspec/specs).")
@click.option("--refresh", is_flag=True, help="Download --fetch URLs again even when cached.")
@click.option("--baseline", metavar="FILE", help="Hide the differences recorded in FILE; report only new ones.")
@click.option("--write-baseline", is_flag=True, help="Record today's differences in the --baseline FILE and exit 0.")
@report_options
@selection_options
@config_options
def schemas_check(
    runware_sdk: str | None,
    specs: tuple[str, ...],
    urls: tuple[str, ...],
    model: str | None,
    cache_dir: str | None,
    refresh: bool,
    baseline: str | None,
    write_baseline: bool,
    **shared: Any,
) -> None:
    """Compare the bundled schemas with the providers' published specs (offline by default).

    Without options: the installed runware-sdk's generated types. Each difference is
    classified for payload authors: error = breaking (a payload that lints clean would be
    rejected), warning = loosening (a rejected one would be accepted), info = neither.
    Exit status: 0 nothing breaking, 1 breaking differences, 2 usage or environment error.
    """
    from .speccheck import SpecCheckSettings, execute_spec_check  # deferred: only this command needs it

    shown = ReportSettings.from_options(shared)
    settings = SpecCheckSettings(
        runware_sdk=runware_sdk,
        specs=specs,
        fetch=urls,
        model=model,
        cache_dir=cache_dir,
        refresh=refresh,
        select=shared["select"],
        ignore=shared["ignore"],
        config=shared["config"],
        isolated=shared["isolated"],
        baseline=baseline,
        write_baseline=write_baseline,
        report=shown,
    )
    sys.exit(execute_spec_check(settings, _streams()))


@cli.command()
@click.argument("code", required=False)
@click.option("--list", "list_all", is_flag=True, help="List every rule.")
def explain(code: str | None, list_all: bool) -> None:
    """Explain a rule: what it checks, where the docs say so, and an example that triggers it."""
    if list_all or code is None:
        sys.exit(execute_rule_list(_streams()))
    sys.exit(execute_explain(code, _streams()))


@cli.command()
@click.option("--schema", metavar="ID", help="Check every document against this schema id.")
@click.option("--select", multiple=True, metavar="CODES", help="Only these rules (as for `wanspec lint`).")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rules (as for `wanspec lint`).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Add rules to the selection.")
@click.option("--config", metavar="FILE", help="Use this config file (default: the nearest one above each document).")
@click.option("--isolated", "--no-config", "isolated", is_flag=True, help="Ignore every config file.")
@click.option("--baseline", metavar="FILE", help="Hide the findings recorded in this baseline.")
@click.option(
    "--debounce-ms", type=click.IntRange(min=0), default=25, show_default=True, help="Quiet time before a re-lint."
)
def server(
    schema: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...],
    config: str | None,
    isolated: bool,
    baseline: str | None,
    debounce_ms: int,
) -> None:
    """Run the language server on standard input and output (the `lsp` extra; docs/editors.md)."""
    from .commands import split as _split  # here, not at the top: only this command needs it

    try:
        from ..server import ProjectSettings, serve  # the lsp extra is optional: pygls only when serving
    except ImportError as exc:
        click.echo(f"wanspec: error: {exc}", err=True)
        sys.exit(2)
    settings = ProjectSettings(
        schema=schema,
        select=_split(select),
        ignore=_split(ignore),
        extend_select=_split(extend_select),
        config=config,
        isolated=isolated,
        baseline=baseline,
    )
    serve(settings, debounce=debounce_ms / 1000)


def main() -> None:
    """Run the command line through click, and exit as ``_exit`` says whatever happens
    around the command (``--help`` or ``--version`` with no space left under them, the
    last flush of standard output, Ctrl-C while click reads the command line)."""
    code: str | int | None = 0
    try:
        try:
            cli(prog_name="wanspec")
        except SystemExit as exc:
            code = exc.code
        sys.stdout.flush()  # here, so that a failing flush is said, not left to the interpreter's exit
    except KeyboardInterrupt:
        code = interrupted(sys.stderr)
    except BrokenPipeError:
        sys.stderr = None  # the reader went away (`wanspec lint | head`): nothing left to say
        code = 1
    except OSError as exc:
        code = environment_error(sys.stderr, exc)
    except Exception as exc:
        code = crashed(sys.stderr, exc, dict(os.environ))
    sys.exit(code)
