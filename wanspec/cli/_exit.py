"""How a command ends when its work does not: an interrupt, a refusal of the system, a bug.

Exit status 1 means "findings", so nothing else may end with it: Ctrl-C ends with 130
(128 + SIGINT, as a shell reports a process that SIGINT killed); an error of the system
(no space left for the report) and an exception wanspec did not raise on purpose end
with 2, as a run that could not be done as asked. None prints a traceback unless
``WANSPEC_TRACEBACK=1`` asks for one: a crash is one line naming the exception and where
wanspec raised it, and one line asking for a report.

``commands.run_command`` calls these for every command; the console script's entry
points call them for what happens before a command starts or after it returns (click's
``--help``, the last flush of standard output). Output goes to the stream the command
was given, so a contract command's crash passes its redaction choke point like
everything else it prints.
"""

from __future__ import annotations

import errno
import os
from typing import TYPE_CHECKING, TextIO

from .. import __version__

if TYPE_CHECKING:
    import traceback

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_CRASHED = 2  # not 1: a crash must never read as "findings" (nor, of course, as a pass)
EXIT_ENVIRONMENT = 2  # as every command's usage and environment errors
TRACEBACK_VARIABLE = "WANSPEC_TRACEBACK"


def said(message: object) -> str:
    """``message`` as an error line may show it: each line printable as the report shows
    names (a byte that was not UTF-8 as ``\\xff``, an escape sequence as ``\\x1b``),
    so a file name in a message can neither garble the terminal nor print as ``\\udcff``."""
    from ..reporters._paths import printable  # deferred: only an error pays for it

    return "\n".join(printable(line) for line in str(message).split("\n"))


def interrupted(err: TextIO) -> int:
    """Say that the run was interrupted; the exit status for it."""
    err.write("wanspec: interrupted\n")
    return EXIT_INTERRUPTED


def environment_error(err: TextIO, exc: OSError) -> int:
    """Say what the system refused (a full disk under the report, a closed descriptor); 2."""
    where = f": {exc.filename}" if exc.filename is not None else ""
    message = f"{exc.strerror or exc}{where}"
    if exc.filename is None and exc.errno == errno.ENOENT and not _working_directory_exists():
        # os.getcwd() said ENOENT and nothing more: say which directory is gone
        message = "the working directory no longer exists (deleted or moved away); cd into one that does"
    err.write(f"wanspec: error: {said(message)}\n")
    return EXIT_ENVIRONMENT


def _working_directory_exists() -> bool:
    try:
        os.getcwd()
    except OSError:
        return False
    return True


def crashed(err: TextIO, exc: BaseException, env: dict[str, str]) -> int:
    """Report an exception wanspec did not expect; the exit status for it."""
    import traceback  # deferred: only a crash pays for it

    # whole, never cut short: a cut could leave half a secret that redaction no longer knows
    message = said(" ".join(str(exc).split()))
    where = _where(traceback.extract_tb(exc.__traceback__))
    err.write(f"wanspec: internal error: {type(exc).__name__}{': ' + message if message else ''}{where}\n")
    err.write(
        f"wanspec: this is a bug in wanspec {__version__}, not a finding about your input. Please report it "
        f"with the command line and, if you can, the input; {TRACEBACK_VARIABLE}=1 prints the traceback.\n"
    )
    if env.get(TRACEBACK_VARIABLE, "") not in ("", "0"):
        err.write("".join(traceback.format_exception(exc)))
    return EXIT_CRASHED


def _where(frames: traceback.StackSummary) -> str:
    """`` (at wanspec/…/module.py:LINE in FUNCTION)`` for the innermost frame in wanspec."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.dirname(package)
    for frame in reversed(frames):
        filename = os.path.abspath(frame.filename)
        if filename.startswith(package + os.sep):
            return f" (at {os.path.relpath(filename, root)}:{frame.lineno} in {frame.name})"
    return ""
