"""Where a lint run's output goes: the chosen reporter (or the statistics table), the
progress bar, and the exit status the counts come to."""

from __future__ import annotations

from typing import TextIO

from ..errors import UsageError
from ..lint.events import LintEvents
from ..records import Diagnostic, LintResult
from ._progress import ProgressBar

STATISTICS_FORMATS = ("text", "json")
FAIL_ON = ("error", "warning")
OUTPUT_FORMATS = ("concise", "full")  # ruff's names for the text output without and with the source


def encoded_for(out: TextIO, fmt: str) -> None:
    """Make ``out`` able to carry the report, whatever the locale says. The machine formats
    are UTF-8 (JSON, SARIF, JUnit and HTML declare it; the Actions runner reads it), so a
    stream in another encoding is switched to UTF-8 before anything is written. Text keeps
    the stream's encoding (a person reads it) and escapes what it cannot show (``\\xd7``
    for "×"), where the first such character ended the run in an error."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("_", "-")
    reconfigure = getattr(out, "reconfigure", None)
    if encoding in ("utf-8", "utf8") or reconfigure is None:
        return
    if fmt == "text":
        reconfigure(errors="backslashreplace")
    else:
        reconfigure(encoding="utf-8", errors="strict")


class Output(LintEvents):
    """The reporter and the progress bar as one sink and one event listener."""

    def __init__(
        self,
        fmt: str,
        out: TextIO,
        colour: bool,
        *,
        statistics: bool,
        bar: ProgressBar | None,
        show_source: bool = False,
    ) -> None:
        # deferred: only the chosen reporter's module is imported
        from ..reporters import Reporter, get_reporter
        from ..reporters._statistics import StatisticsReporter  # likewise, with --statistics

        encoded_for(out, fmt)

        if statistics and fmt not in STATISTICS_FORMATS:
            raise UsageError(f"--statistics prints a table: use it with --format text or json, not {fmt!r}")
        if statistics:
            self.reporter: Reporter = StatisticsReporter(out, colour, as_json=fmt == "json")
        elif fmt == "text":  # the one format with a concise and a full form
            from ..reporters._text import TextReporter  # deferred: like every reporter, imported when chosen

            self.reporter = TextReporter(out, colour, show_source=show_source)
        else:
            self.reporter = get_reporter(fmt)(out, colour)
        listeners: list[LintEvents] = [r for r in (self.reporter, bar) if isinstance(r, LintEvents)]
        self.listeners, self.bar = listeners, bar
        # findings printed to the same terminal would land on the bar's line: wipe it first
        isatty = getattr(out, "isatty", None)
        shares_screen = not statistics and bool(isatty and isatty())
        self.wipe_before_emit = bar if shares_screen else None

    @property
    def events(self) -> LintEvents | None:
        """This object as the run's event listener, or None when nothing listens (the usual
        text or JSON run without a progress bar): the run then skips stat-ing every file
        for the byte total and the per-file calls."""
        return self if self.listeners else None

    def emit(self, d: Diagnostic) -> None:
        if self.wipe_before_emit is not None:
            self.wipe_before_emit.clear()
        self.reporter.emit(d)

    def started(self, files: list[str], total_bytes: int) -> None:
        for listener in self.listeners:
            listener.started(files, total_bytes)

    def file(self, name: str) -> None:
        for listener in self.listeners:
            listener.file(name)

    def advanced(self, nbytes: int) -> None:
        for listener in self.listeners:
            listener.advanced(nbytes)

    def close(self) -> None:
        """Wipe the progress bar (also after an error)."""
        if self.bar is not None:
            self.bar.clear()

    def finish(self, result: LintResult) -> None:
        self.close()
        self.reporter.finish(result)
