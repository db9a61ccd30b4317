"""How report formats name a file (relative to the working directory, forward slashes),
and the one place that makes any name or message safe to print.

File names and payload keys are not text anyone checked: a newline in a file name would
start a forged diagnostic line in text output, and a name that is not UTF-8 reaches Python
as lone surrogates (PEP 383), which no UTF-8 stream can write. Every reporter passes each
diagnostic through ``safe`` first (the JSON reports through ``diagnostic_json``, which
applies ``printable`` to the same fields), so every format shows such characters the same way:
``\\n``, ``\\x1b``, and ``\\xff`` for a byte that was not UTF-8. SARIF URIs percent-encode
the original bytes instead (``%FF``), which is exact.
"""

from __future__ import annotations

import os
import re
from json.encoder import encode_basestring as _quote  # C: a JSON string, as ensure_ascii=False writes it

from ..catalog import store
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


#: Whether a text needs ``printable``, for each text seen: a report's diagnostics repeat
#: their file, their rules' messages and citations, and pointers, so most texts are
#: searched once (a search over a diagnostic's fields was 0.9 µs of its 1.1 µs in ``safe``).
#: None (a field left empty) is safe, and stays here when the memory is emptied.
_VERDICTS: dict[str | None, bool] = {None: False}
_KEEP_VERDICTS = 4096  # a bound, not a policy: messages that quote values rarely repeat


def _unsafe(text: str | None) -> bool:
    if not isinstance(text, str):  # None, or a value a Python caller put in a text field
        return False
    verdict = _VERDICTS.get(text)
    if verdict is None:
        if len(_VERDICTS) >= _KEEP_VERDICTS:
            _VERDICTS.clear()
            _VERDICTS[None] = False
        verdict = _VERDICTS[text] = _UNSAFE.search(text) is not None
    return verdict


def safe(d: Diagnostic) -> Diagnostic:
    """``d`` with every text field printable (the same object when nothing needed it)."""
    # every field known safe: six lookups, no call (0.25 µs, where six calls took 1 µs)
    known = _VERDICTS.get
    try:
        if (
            known(d.message) is False
            and known(d.file) is False
            and known(d.pointer) is False
            and known(d.doc) is False
            and known(d.schema) is False
            and known(d.hint) is False
        ):
            return d
    except TypeError:  # a value no dict holds, put in a text field by a Python caller
        pass
    unsafe = _unsafe  # (an ``or`` chain: any(map(...)) costs twice as much here)
    if not (
        unsafe(d.message) or unsafe(d.file) or unsafe(d.pointer) or unsafe(d.doc) or unsafe(d.schema) or unsafe(d.hint)
    ):
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
    row = d.as_dict()
    row["url"] = store.source_url(d.doc)
    return row


#: The fields from "code" on, as JSON, for each combination seen: a report's findings repeat
#: a few dozen rules (25,891 findings of a messy batch have 32), so most are written once.
_TAILS: dict[tuple[object, ...], str] = {}
_KEEP_TAILS = 4096  # a bound, not a policy: messages that quote values rarely repeat


def diagnostic_json(d: Diagnostic) -> str:
    """``json.dumps(with_url(safe(d)), ensure_ascii=False)``, written out field by field.

    The JSON and JSON Lines reports write one of these per finding, and the generic encoder
    (a dict built, then walked) was two thirds of a report's cost per finding; this is the
    same text (``tests/test_reporters.py`` compares them on generated diagnostics), in the
    order ``Diagnostic.as_dict`` gives. What follows the position (the rule, its message,
    its citation) is written once per combination and then reused: 3.4 → 1.5 µs a finding.
    """
    code, severity, message, schema, hint, doc, fixable = (
        d.code, d.severity, d.message, d.schema, d.hint, d.doc, d.fixable
    )  # fmt: skip
    key = (code, severity, message, schema, hint, doc, fixable)
    tail = _TAILS.get(key)
    if tail is None:
        if len(_TAILS) >= _KEEP_TAILS:
            _TAILS.clear()
        tail = _TAILS[key] = _tail(d)
    file, task, line, column, pointer = d.file, d.task, d.line, d.column, d.pointer
    try:  # both known safe: two lookups, no call
        known = _VERDICTS.get(file) is False and _VERDICTS.get(pointer) is False
    except TypeError:  # a value no dict holds, put there by a Python caller
        known = False
    if not known and (_unsafe(file) or _unsafe(pointer)):
        file = None if file is None else printable(file)
        pointer = printable(pointer)
    return (
        f'{{"file": {"null" if file is None else _quote(file)}, '
        f'"task": {"null" if task is None else int.__repr__(task)}, '
        f'"line": {"null" if line is None else int.__repr__(line)}, '
        f'"column": {"null" if column is None else int.__repr__(column)}, '
        f'"pointer": {_quote(pointer)}, {tail}'
    )


def _tail(d: Diagnostic) -> str:
    """The fields of ``d`` from "code" on, made printable, as ``diagnostic_json`` writes them."""
    message = printable(d.message)
    schema, hint, doc = (None if v is None else printable(v) for v in (d.schema, d.hint, d.doc))
    url = store.source_url(doc)
    return (
        f'"code": {_quote(d.code)}, "severity": {_quote(d.severity.value)}, '
        f'"message": {_quote(message)}, "schema": {"null" if schema is None else _quote(schema)}, '
        f'"hint": {"null" if hint is None else _quote(hint)}, "doc": {"null" if doc is None else _quote(doc)}, '
        f'"fixable": {"true" if d.fixable else "false"}, "url": {"null" if url is None else _quote(url)}}}'
    )
