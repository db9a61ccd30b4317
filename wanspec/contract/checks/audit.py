"""``wanspec cassettes audit``: report anything on disk that looks like a credential."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ...catalog import store
from ...records import Diagnostic, LintResult
from .._cassette import find_cassettes
from .._secrets import audit_text
from .verify import diagnostic

_MAX_BYTES = 32 * 1024 * 1024


def audit_file(path: str, secrets: Iterable[str] = ()) -> list[Diagnostic]:
    """The credential-like strings in one file, as WS801 diagnostics (WS800 if unreadable)."""
    from ...inputs import InputError, open_input

    try:
        with open_input(path) as f:  # a pipe or device found in a directory is refused, not read
            raw = f.read(_MAX_BYTES + 1)  # capped: /dev/zero stops here
    except InputError as exc:
        return [diagnostic("unreadable", f"cannot read: {exc.strerror}", file=path)]
    except OSError as exc:
        return [diagnostic("cassette-unreadable", f"cannot read: {exc.strerror or exc}", file=path)]
    # audit what is there even when it is not valid YAML or UTF-8: a leak is a leak
    text = raw[:_MAX_BYTES].decode("utf-8", errors="replace")
    return [
        diagnostic("secret-in-cassette", leak.message, file=path, line=leak.line, column=leak.column)
        for leak in audit_text(text, secrets)
    ]


def audit_paths(
    paths: Iterable[str], secrets: Iterable[str] = (), sink: Callable[[Diagnostic], None] | None = None
) -> LintResult:
    """Audit every cassette under ``paths``."""
    result = LintResult(unit="")
    out = sink or result.diagnostics.append
    known = tuple(secrets)
    for path in find_cassettes(paths):
        result.files += 1
        for d in audit_file(path, known):
            result.count(d)
            if store.rules()[d.code].category == "environment":  # a pipe or an unlistable directory
                result.environment_errors += 1
            out(d)
    return result
