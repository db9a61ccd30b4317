"""The console script: ``wanspec lint`` without importing click, everything else through click.

A pre-commit hook starts ``wanspec lint FILE`` once per commit, and importing click (plus
the command group's set-up) costs about as much as checking the file (benchmarks/README.md).
This front parses exactly the ``lint`` command lines whose meaning is plain (known options
with well-formed values) into the same ``LintSettings`` click would build, and hands every
other command line to click unchanged: other commands, ``--help``, ``--version``, unknown
options, malformed values and shell completion, so usage errors and help read the same.
``tests/test_fast_cli.py`` checks the option table against click's ``lint`` command and the
settings of both parsers on a table of command lines.
"""

from __future__ import annotations

import os
import sys

from ..reporters import FORMATS
from ._exit import environment_error, interrupted
from ._output import FAIL_ON, OUTPUT_FORMATS

#: ``lint``'s options: name -> (field of LintSettings, kind). Kinds: "value", "multiple",
#: "int" (>= 0), a tuple of choices, or ("flag", the value it sets).
OPTIONS: dict[str, tuple[str, object]] = {
    "--schema": ("schema", "value"),
    "--format": ("format", FORMATS),
    "--select": ("select", "multiple"),
    "--ignore": ("ignore", "multiple"),
    "--engine": ("engine", ("fast", "reference")),
    "--color": ("colour", ("flag", True)),
    "--no-color": ("colour", ("flag", False)),
    "-j": ("jobs", "int"),
    "--jobs": ("jobs", "int"),
    "--config": ("config", "value"),
    "--isolated": ("isolated", ("flag", True)),
    "--no-config": ("isolated", ("flag", True)),
    "--extend-select": ("extend_select", "multiple"),
    "--baseline": ("baseline", "value"),
    "--write-baseline": ("write_baseline", ("flag", True)),
    "--fix": ("fix", ("flag", True)),
    "--diff": ("diff", ("flag", True)),
    "--statistics": ("statistics", ("flag", True)),
    "--exit-zero": ("exit_zero", ("flag", True)),
    "--fail-on": ("fail_on", FAIL_ON),
    "--no-progress": ("progress", ("flag", False)),
    "--show-source": ("show_source", ("flag", True)),
    "--output-format": ("output_format", OUTPUT_FORMATS),
    "--respect-gitignore": ("respect_ignore", ("flag", True)),
    "--no-respect-gitignore": ("respect_ignore", ("flag", False)),
    "--force-exclude": ("force_exclude", ("flag", True)),
    "-v": ("verbose", ("flag", True)),
    "--verbose": ("verbose", ("flag", True)),
    "--show-fixes": ("show_fixes", ("flag", True)),
}


def parse_lint(args: list[str]) -> dict[str, object] | None:
    """The settings (as LintSettings fields) for ``wanspec lint ARGS``, or None for click to handle."""
    fields: dict[str, object] = {}
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            paths.extend(args[i:])
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        name, eq, attached = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name.startswith("-j") and name != "-j" and not name.startswith("--"):
            name, eq, attached = "-j", "=", name[2:]
        spec = OPTIONS.get(name)
        if spec is None:
            return None  # unknown option, -h, or a combined short option: click says what it means
        dest, kind = spec
        if isinstance(kind, tuple) and kind[0] == "flag":
            if eq:
                return None
            fields[dest] = kind[1]
            continue
        if eq:
            value = attached
        elif i < len(args):
            value = args[i]
            i += 1
        else:
            return None  # missing value: click's error message
        if value.startswith("-") or (not value and kind != "value"):
            return None  # ambiguous to a reader; click decides
        if kind == "multiple":
            fields[dest] = (*fields.get(dest, ()), value)  # type: ignore[misc]
        elif kind == "int":
            if not (value.isascii() and value.isdigit()):
                return None
            fields[dest] = int(value)
        elif isinstance(kind, tuple):
            if value not in kind:
                return None
            fields[dest] = value
        else:
            fields[dest] = value
    fields["paths"] = tuple(paths)
    if "output_format" in fields:  # as click's callback folds it: "full" is --show-source
        full = fields.pop("output_format") == "full"
        fields["show_source"] = bool(fields.get("show_source")) or full
    return fields


def import_engine() -> None:
    """Import jsonschema-rs without the ``email.utils`` it asks for only to date its own build.

    The extension's build metadata (pyo3-built) parses its build time with
    ``email.utils.parsedate_to_datetime`` when it is imported; ``email.utils`` brings
    ``socket``, ``datetime``, ``calendar``, ``random`` and ``urllib.parse``: 12 ms of a
    lint run's start, for a value no run reads. While the extension loads, a stand-in
    module answers that one name (the build time stays a string); any other name, should a
    later release ask for one, loads the real module. The stand-in is gone from
    ``sys.modules`` once the import returns, so ``import email.utils`` afterwards is the
    real thing. Only the console script does this: a Python caller's process is its own.
    """
    if "jsonschema_rs" in sys.modules or "email.utils" in sys.modules:
        return
    import types

    def real(name: str) -> object:
        if sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]
        import email.utils

        return getattr(email.utils, name)

    stand_in = types.ModuleType("email.utils")
    stand_in.parsedate_to_datetime = str  # type: ignore[attr-defined]
    stand_in.__getattr__ = real  # type: ignore[method-assign]
    sys.modules["email.utils"] = stand_in
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:
        pass  # a broken installation: the linter's own import of it says so, as without this
    finally:
        if sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]


def main() -> None:
    """Entry point of the ``wanspec`` console script."""
    argv = sys.argv[1:]
    fields = None
    if argv[:1] == ["lint"] and "_WANSPEC_COMPLETE" not in os.environ:
        fields = parse_lint(argv[1:])
    if fields is None:
        from .main import main as click_main  # click only for the command lines it must read

        click_main()
        return
    try:
        import_engine()
        # imported after the argv check, so `wanspec --version` and friends never load the lint path
        from .commands import LintSettings, execute_lint, system_streams

        code = execute_lint(LintSettings(**fields), system_streams())  # type: ignore[arg-type]
        sys.stdout.flush()
        sys.stderr.flush()
    except KeyboardInterrupt:  # before the command started, or while its last lines were flushed
        sys.exit(interrupted(sys.stderr))
    except BrokenPipeError:
        sys.stderr = None  # the reader went away (`wanspec lint | head`): nothing left to say
        sys.exit(1)
    except OSError as exc:  # the last flush of the report: no space left under it
        code = environment_error(sys.stderr, exc)
    # Everything the run writes is written, flushed and closed by now, and nothing on the
    # lint path registers an exit handler (tests/test_fast_cli.py checks both): leave without
    # tearing the interpreter down, which took 7-10 ms of a 60 ms one-file run.
    os._exit(code)
