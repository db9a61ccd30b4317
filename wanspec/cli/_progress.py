"""A one-line progress bar on standard error, for long runs on a terminal only.

Never drawn into a pipe, a file or a CI log (``CI`` set), nor with ``TERM=dumb``. It
appears only once a run has taken ``delay`` seconds, so quick runs never flicker, is
redrawn in place with ``\\r`` at most every ``interval`` seconds, and is wiped before
any finding is printed and at the end, so output on the same terminal stays clean.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from ..lint.events import LintEvents


def wants_progress(enabled: bool, stream: TextIO, env: dict[str, str]) -> bool:
    if not enabled or env.get("CI", "") not in ("", "0", "false") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar(LintEvents):
    def __init__(
        self,
        stream: TextIO,
        *,
        clock: Callable[[], float] = time.monotonic,
        delay: float = 0.5,
        interval: float = 0.1,
        width: int = 24,
    ) -> None:
        self.stream, self.clock, self.delay, self.interval, self.width = stream, clock, delay, interval, width
        self.begun = self.last = clock()
        self.total_bytes = self.done_bytes = 0
        self.files = self.file_no = 0
        self.shown = 0  # length of the line on screen (0: nothing shown)

    def started(self, files: list[str], total_bytes: int) -> None:
        self.files, self.total_bytes = len(files), total_bytes
        self.begun = self.last = self.clock()

    def file(self, name: str) -> None:
        self.file_no += 1
        self._tick()

    def advanced(self, nbytes: int) -> None:
        self.done_bytes += nbytes
        self._tick()

    def _tick(self) -> None:
        now = self.clock()
        if now - self.begun < self.delay or (self.shown and now - self.last < self.interval):
            return
        self.last = now
        self.draw()

    def line(self) -> str:
        files = f"{self.file_no}/{self.files} files"
        mib = f"{self.done_bytes / 1048576:.1f} MiB"
        if not self.total_bytes:
            return f"linting {files}, {mib}"
        share = min(self.done_bytes / self.total_bytes, 1.0)
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"[{bar}] {share:4.0%} {files}, {self.done_bytes / 1048576:.1f}/{self.total_bytes / 1048576:.1f} MiB"

    def draw(self) -> None:
        text = self.line()
        self.stream.write("\r" + text + " " * max(0, self.shown - len(text)))
        self.stream.flush()
        self.shown = len(text)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0
