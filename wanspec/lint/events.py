"""What a lint run tells an observer besides its diagnostics: which file it is on, and
how far through the input it is. Reporters that need every file (JUnit: one test case
per file, clean or not) and progress displays listen here; the core never prints.
"""

from __future__ import annotations


class LintEvents:
    """Observer of a lint run; every method is a no-op here, so subclasses override only
    what they need. Calls come in input order, from the parent process only."""

    def started(self, files: list[str], total_bytes: int) -> None:
        """The files to lint (``"-"`` is standard input) and their size on disk."""

    def file(self, name: str) -> None:
        """Linting ``name`` begins; its diagnostics (if any) follow before the next call."""

    def advanced(self, nbytes: int) -> None:
        """``nbytes`` more bytes of the input are done."""
