"""The shapes a secret can take on its way out: one regular expression that finds them all.

A key echoed by a hostile provider rarely comes back verbatim. It comes back lower-cased
(HTTP header names are stored lower-case), as JSON ``\\u0053`` escapes (which decode back to
the key on replay), percent-encoded, hex, or base64/base64url at any of the three
alignments a copy can take inside a longer encoded blob. :func:`secret_pattern` builds one
case-insensitive pattern per set of secrets that matches every one of those forms (and
mixtures, such as a key partly escaped), so redaction and the audit agree by construction.

:func:`decoded_views` goes the other way for the audit without a key: it yields decoded
readings of a line (JSON escapes, percent-encoding, base64 and hex runs) so the
credential shapes can be looked for inside them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import unquote

#: secrets shorter than this are not matched at all (a key is never this short; a word is)
MIN_RAW = 6
#: secrets shorter than this are not redacted in encoded forms (too many false matches)
MIN_SECRET = 8
#: a secret at least twice this long is also found cut short to this many characters
FRAGMENT = 12
_B64_RUN = re.compile(r"[A-Za-z0-9+/_-]{16,}")
_HEX_RUN = re.compile(r"(?:[0-9a-fA-F]{2}){12,}")
_JSON_ESCAPE = re.compile(r"\\+u([0-9a-fA-F]{4})")


def _char(c: str, *, base64_char: bool = False) -> str:
    """Every way one character may be written: itself, a JSON escape, percent-encoded bytes
    (in base64 text, ``+``/``-`` and ``/``/``_`` are the same digit in the two alphabets)."""
    same = {c}
    if base64_char and c in "+-":
        same = {"+", "-"}
    elif base64_char and c in "/_":
        same = {"/", "_"}
    options = set()
    for ch in same:
        options |= {re.escape(ch), r"\\+u" + f"{ord(ch):04x}", "".join(f"%{b:02x}" for b in ch.encode("utf-8"))}
    return "(?:" + "|".join(sorted(options)) + ")"


def _spelled(text: str, *, base64_char: bool = False) -> str:
    return "".join(_char(c, base64_char=base64_char) for c in text)


def base64_cores(data: bytes) -> list[str]:
    """The base64 text ``data`` always encodes to, at each of the three byte alignments.

    A copy of ``data`` inside a longer blob starts at byte offset 0, 1 or 2 of a 3-byte
    group; the characters that depend only on ``data`` (not on its neighbours) are the core.
    """
    cores = []
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + data).decode("ascii")
        start = -(-8 * pad // 6)  # ceil: the first character made of data bits only
        end = (8 * (pad + len(data))) // 6  # the last character complete without neighbours
        cores.append(encoded[start:end])
    return cores


def _fragments(secret: str) -> list[str]:
    """Patterns for a long secret cut short (a truncated repr shows ``…`` and then the
    rest): its first or last ``FRAGMENT`` characters with as much of the rest as follows."""
    if len(secret) < 2 * FRAGMENT:
        return []
    head = re.escape(secret[:FRAGMENT])
    tail = ""
    for c in reversed(secret[FRAGMENT:]):
        tail = f"(?:{re.escape(c)}{tail})?"
    lead = ""
    for c in secret[:-FRAGMENT]:
        lead = f"(?:{lead}{re.escape(c)})?"
    return [head + tail, lead + re.escape(secret[-FRAGMENT:])]


def _variants(secret: str) -> list[tuple[str, str]]:
    """(name of the encoding, pattern) for one secret."""
    data = secret.encode("utf-8")
    out = [
        ("verbatim", f"(?-i:{re.escape(secret)})"),
        ("in another case, JSON-escaped or percent-encoded", _spelled(secret)),
    ]
    if len(data) >= MIN_SECRET:
        out.append(("hex-encoded", re.escape(data.hex())))
        out += [("base64-encoded", _spelled(core, base64_char=True)) for core in base64_cores(data)]
    out += [("cut short", fragment) for fragment in _fragments(secret)]
    return out


@lru_cache(maxsize=32)
def secret_pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching every secret in every encoding (None: nothing to find).

    Each alternative is a named group ``v<n>``; :func:`describe` names the encoding a match used.
    """
    parts: list[str] = []
    for secret in sorted({s for s in secrets if len(s) >= MIN_RAW}, key=len, reverse=True):
        parts += [f"(?P<v{len(parts) + i}>{p})" for i, (_, p) in enumerate(_variants(secret))]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@lru_cache(maxsize=32)
def _names(secrets: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    for secret in sorted({s for s in secrets if len(s) >= MIN_RAW}, key=len, reverse=True):
        names += [name for name, _ in _variants(secret)]
    return names


@lru_cache(maxsize=32)
def _probes(secrets: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plain probes, base64 probes): every encoded copy of a secret holds one of them once
    the text is lower-cased and its escapes decoded (base64 probes: also with the url-safe
    alphabet folded onto the standard one). A text holding none needs no regular expression."""
    plain: set[str] = set()
    b64: set[str] = set()
    for secret in {s for s in secrets if len(s) >= MIN_RAW}:
        low = secret.lower()
        plain |= {low[:FRAGMENT], low[-FRAGMENT:]} if len(secret) >= 2 * FRAGMENT else {low}
        data = secret.encode("utf-8")
        if len(data) >= MIN_SECRET:
            plain.add(data.hex())
            b64 |= {_fold(core.lower()) for core in base64_cores(data)}
    return tuple(sorted(plain)), tuple(sorted(b64))


def _fold(text: str) -> str:
    return text.replace("-", "+").replace("_", "/")


def may_hold(secrets: tuple[str, ...], text: str) -> bool:
    """False only when ``text`` certainly holds no encoding of any of ``secrets`` (a cheap
    test that saves running the large pattern over ordinary text)."""
    plain, b64 = _probes(secrets)
    low = text.lower()
    if "\\" in low or "%" in low:
        low = unquote(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), low), errors="replace").lower()
    if any(p in low for p in plain):
        return True
    folded = _fold(low) if b64 else ""
    return any(p in folded for p in b64)


def describe(secrets: tuple[str, ...], match: re.Match[str]) -> str:
    """How the secret in ``match`` was written (``base64-encoded``…)."""
    group = match.lastgroup or "v0"
    return _names(secrets)[int(group[1:])]


def decoded_views(line: str) -> Iterator[tuple[str, str]]:
    """(how it was encoded, decoded text) for the encoded readings of ``line`` worth a look."""
    if "\\u" in line:
        yield "JSON-escaped", _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), line)
    if "%" in line:
        yield "percent-encoded", unquote(line)
    for m in _B64_RUN.finditer(line):
        run = m.group(0).replace("-", "+").replace("_", "/")
        for skip in range(4):
            chunk = run[skip:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            if len(chunk) < 16:
                break
            try:
                yield "base64-encoded", base64.b64decode(chunk, validate=True).decode("latin-1")
            except (binascii.Error, ValueError):
                continue
    for m in _HEX_RUN.finditer(line):
        run = m.group(0)
        for skip in (0, 1):
            chunk = run[skip : len(run) - (len(run) - skip) % 2]
            try:
                yield "hex-encoded", bytes.fromhex(chunk).decode("latin-1")
            except ValueError:
                continue
