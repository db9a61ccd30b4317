"""Where the cursor is in a JSON text that is being typed: which object, key or value.

Completion runs on half-written documents (``{"wid``, ``"width": ``), which no parser
accepts, so this reads only the text before the cursor with a forgiving tokenizer: a
string may be unterminated (it ends at the line's end, as JSON strings cannot hold raw
newlines), and anything unexpected is skipped. The result is the path of the container
holding the cursor and whether a key or a value is being written there.
"""

from __future__ import annotations

import json
import re

from ..recordtype import field, recordclass

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<str>"(?:[^"\\\n]|\\.)*"?)
  | (?P<word>[-+.0-9A-Za-z_]+)
  | (?P<punct>[{}\[\]:,])
  | (?P<other>.)
    """,
    re.VERBOSE | re.S,
)


@recordclass(frozen=False, slots=False)
class _Frame:
    is_object: bool
    path: tuple[str, ...]
    index: int = 0  # next array index
    key: str | None = None  # the member being written
    state: str = "key"  # objects: key → colon → value → comma; arrays: value → comma
    keys: list[str] = field(default_factory=list)


@recordclass
class Context:
    """The cursor's place: ``path`` of the container (tokens from the document's root)."""

    path: tuple[str, ...]
    kind: str  # "key", "value" or "none" (outside any container, or after a value)
    key: str | None  # for a value in an object: its member name; in an array: its index
    start: int  # the token under the cursor (a string, number or word), else the cursor
    end: int
    keys: tuple[str, ...] = ()  # members of the container written before the cursor

    @property
    def value_path(self) -> tuple[str, ...]:
        return (*self.path, self.key) if self.key is not None else self.path


def _name(token: str) -> str:
    body = token if token.endswith('"') and len(token) > 1 else token + '"'
    try:
        value = json.loads(body)
    except ValueError:
        return token.strip('"')
    return value if isinstance(value, str) else token.strip('"')


def context_at(text: str, offset: int) -> Context:
    """The context at ``offset`` (0 ≤ offset ≤ len(text))."""
    stack: list[_Frame] = []
    pos = 0
    while pos < offset:
        m = _TOKEN.match(text, pos)
        if m is None:  # cannot happen (``other`` matches any character); stay total anyway
            break
        kind, token, start, end = m.lastgroup, m.group(), m.start(), m.end()
        if kind in ("str", "word") and end >= offset:
            return _here(stack, start, end if kind == "word" or (token.endswith('"') and len(token) > 1) else offset)
        pos = end
        if kind in ("ws", "other") or (not stack and kind != "punct"):
            continue
        frame = stack[-1] if stack else None
        if kind == "punct":
            if token in "{[":
                path: tuple[str, ...] = ()
                if frame is not None:
                    path = (*frame.path, _slot(frame))
                    frame.state = "after"
                stack.append(_Frame(token == "{", path, state="key" if token == "{" else "value"))
            elif token in "}]":
                if stack:
                    stack.pop()
                if stack:
                    stack[-1].state = "after"
            elif token == ":" and frame is not None and frame.is_object:
                frame.state = "value"
            elif token == "," and frame is not None:
                if frame.is_object:
                    frame.state, frame.key = "key", None
                else:
                    frame.index += 1
                    frame.state = "value"
            continue
        assert frame is not None
        if frame.is_object and frame.state == "key" and kind == "str":
            frame.key = _name(token)
            frame.keys.append(frame.key)
            frame.state = "colon"
        else:
            frame.state = "after"
    return _here(stack, offset, offset)


def _slot(frame: _Frame) -> str:
    return (frame.key or "") if frame.is_object else str(frame.index)


def _here(stack: list[_Frame], start: int, end: int) -> Context:
    if not stack:
        return Context((), "none", None, start, end)
    frame = stack[-1]
    keys = tuple(frame.keys)
    if frame.is_object:
        if frame.state == "key":
            return Context(frame.path, "key", None, start, end, keys)
        if frame.state == "value":
            return Context(frame.path, "value", frame.key, start, end, keys)
        return Context(frame.path, "none", frame.key, start, end, keys)
    if frame.state == "value":
        return Context(frame.path, "value", str(frame.index), start, end)
    return Context(frame.path, "none", str(frame.index), start, end)
