"""How report formats name a file (relative to the working directory, forward slashes),
and the one place that makes any name or message safe to print.

File names and payload keys are not text anyone checked: a newline in a file name would
start a forged diagnostic line in text output, and a name that is not UTF-8 reaches Python
as lone surrogates (PEP 383), which no UTF-8 stream can write. Every reporter passes each
diagnostic through ``safe`` first, so every format shows such characters the same way:
``\\n``, ``\\x1b``, and ``\\xff`` for a byte that was not UTF-8. SARIF URIs percent-encode
the original bytes instead (``%FF``), which is exact.
"""

from __future__ import annotations

import os
import re

from ..records import Diagnostic
from ..recordtype import replace

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, lone surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return _NAMED.get(c, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters and undecodable bytes escaped (one line, UTF-8 safe)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


_TEXT_FIELDS = ("message", "file", "pointer", "schema", "hint", "doc")


def safe(d: Diagnostic) -> Diagnostic:
    """``d`` with every text field printable (the same object when nothing needed it)."""
    # one search over all the fields first: nearly every diagnostic needs nothing
    if not _UNSAFE.search(f"{d.message}{d.file}{d.pointer}{d.schema}{d.hint}{d.doc}"):
        return d
    changes: dict[str, object] = {
        name: printable(value)
        for name in _TEXT_FIELDS
        if isinstance(value := getattr(d, name), str) and _UNSAFE.search(value)
    }
    return replace(d, **changes) if changes else d


def _relative(file: str) -> str:
    if file.startswith("<"):  # "<stdin>"
        return file
    path = os.path.normpath(file)  # "./a.json" (from linting ".") is "a.json"
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


def display_path(file: str) -> str:
    """``file`` relative to the working directory when it lies under it, with ``/``
    separators (CI annotations and code scanning resolve paths from the checkout root),
    made printable."""
    return printable(_relative(file))


def file_uri(file: str) -> str:
    """A URI reference for ``file``: relative and percent-encoded where possible, else ``file://``.

    Encoded from the file name's bytes, so a name that is not UTF-8 keeps its exact bytes.
    """
    from urllib.parse import quote  # only SARIF needs it: kept off the start-up path

    path = _relative(file)
    if os.path.isabs(path):
        from pathlib import Path

        return Path(path).as_uri()  # percent-encodes os.fsencode(path)
    return quote(os.fsencode(path), safe="/")


def with_url(d: Diagnostic) -> dict[str, object]:
    """``d.as_dict()`` plus ``url``: the public page its citation can be followed to."""
    from ..catalog import store  # reporters other than JSON never need the source table

    row = d.as_dict()
    row["url"] = store.source_url(d.doc)
    return row
