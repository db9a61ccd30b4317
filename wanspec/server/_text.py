"""Offsets, LSP positions and the span of a JSON value in one document's text.

The linter locates a finding by 1-based line and column in characters (``_positions``);
LSP positions count in the encoding negotiated at start-up (UTF-16 code units unless the
client offers UTF-8 or UTF-32). Line starts are found once per text, so converting every
diagnostic of a large file stays linear. Lines end at ``\\n`` as for the linter (JSON has
no other line break outside strings, where raw control characters are not allowed).
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from ..lint.positions import _SKIP  # the C scanner the linter's position walk uses: one value at an offset

_NEWLINE = re.compile("\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_WS = re.compile(r"[ \t\r\n]*")
_WORD = re.compile(r"[^\s,:\[\]{}\"]+|.", re.S)


class LineIndex:
    """Line starts of one text, and conversions between offsets and LSP positions."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def offset_of(self, line: int | None, column: int | None) -> int:
        """Offset of a linter position (1-based line and column in characters)."""
        if line is None:
            return 0
        row = min(max(line, 1), len(self.starts)) - 1
        return min(self.starts[row] + max((column or 1) - 1, 0), len(self.text))

    def _units(self, chars: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chars.encode("utf-8", "surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chars)
        return len(chars) + len(_ASTRAL.findall(chars))  # two UTF-16 units each; counted in C (1 MB lines)

    def position(self, offset: int) -> types.Position:
        offset = min(max(offset, 0), len(self.text))
        row = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(row, self._units(self.text[self.starts[row] : offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """Offset of an LSP position (clamped to the text)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] - 1 if position.line + 1 < len(self.starts) else len(self.text)
        line = self.text[start:end]
        if self.encoding == types.PositionEncodingKind.Utf32:
            return start + min(position.character, len(line))
        if self.encoding == types.PositionEncodingKind.Utf8:
            prefix = line.encode("utf-8", "surrogatepass")[: position.character]
            return start + len(prefix.decode("utf-8", "ignore"))
        chars = position.character  # UTF-16: each astral character before the place took one unit more
        for m in _ASTRAL.finditer(line):
            if m.start() >= chars:
                break
            chars -= 1
        return start + min(chars, len(line))


def skip_ws(text: str, offset: int) -> int:
    m = _WS.match(text, offset)
    return m.end() if m else offset


def value_end(text: str, offset: int) -> int | None:
    """End of the JSON value starting at ``offset`` (None when none starts there)."""
    try:
        _, end = _SKIP(text, offset)
    except (StopIteration, ValueError, RecursionError, IndexError):
        return None
    return int(end)


def is_key(text: str, offset: int) -> bool:
    """Whether a string at ``offset`` is an object key (a colon follows it)."""
    if not text.startswith('"', offset):
        return False
    end = value_end(text, offset)
    return end is not None and text.startswith(":", skip_ws(text, end))


def token_end(text: str, offset: int) -> int:
    """End of whatever token starts at ``offset``, for places holding no valid value."""
    m = _WORD.match(text, offset)
    return m.end() if m else offset
