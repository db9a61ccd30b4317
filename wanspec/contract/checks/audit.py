"""``wanspec cassettes audit``: report anything on disk that looks like a credential."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ...lint.run import LintOptions
from ...records import Diagnostic, LintResult
from .._cassette import find_cassettes
from .._secrets import audit_text
from .verify import diagnostic

_MAX_BYTES = 32 * 1024 * 1024


def audit_file(path: str, secrets: Iterable[str] = ()) -> list[Diagnostic]:
    """The credential-like strings in one file, as WS801 diagnostics (WS809 if it cannot be read)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_BYTES + 1)
    except OSError as exc:
        return [diagnostic("cassette-inaccessible", f"cannot read: {exc.strerror or exc}", file=path)]
    # audit what is there even when it is not valid YAML or UTF-8: a leak is a leak
    text = raw[:_MAX_BYTES].decode("utf-8", errors="replace")
    return [
        diagnostic("secret-in-cassette", leak.message, file=path, line=leak.line, column=leak.column)
        for leak in audit_text(text, secrets)
    ]


def audit_paths(
    paths: Iterable[str],
    secrets: Iterable[str] = (),
    sink: Callable[[Diagnostic], None] | None = None,
    *,
    options: LintOptions | None = None,
) -> LintResult:
    """Audit every cassette under ``paths`` (``options``: selection, a project's severities)."""
    result = LintResult(unit="")
    out = sink or result.diagnostics.append
    known = tuple(secrets)
    for path in find_cassettes(paths):
        result.files += 1
        for found in audit_file(path, known):
            d = found if options is None else options.apply(found)
            if d is not None:
                result.count(d)
                out(d)
    return result
