"""JSON Pointers (RFC 6901) and JSON type names: the one home of both.

Every layer speaks of places in a payload as pointers and of values by their JSON type;
they all use these functions, so a key holding ``/`` or ``~`` is escaped the same way in a
diagnostic, a baseline, a fix, a cassette check and a price.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "MISSING",
    "escape_token",
    "json_type",
    "parent_pointer",
    "pointer_of",
    "resolve",
    "split_pointer",
    "type_phrase",
    "unescape_token",
]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What ``resolve`` returns when nothing is at the pointer (``None`` is a JSON value)."""


def escape_token(token: str | int) -> str:
    """Escape one reference token (RFC 6901 section 3)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def pointer_of(parts: Iterable[str | int]) -> str:
    """``("inputs", "frameImages", 0)`` -> ``/inputs/frameImages/0``."""
    tokens = [p if type(p) is str else str(p) for p in parts]
    if not tokens:
        return ""
    joined = "/".join(tokens)
    # a "~" anywhere, or a "/" inside a token (more slashes than the joins): escape each
    if "~" in joined or joined.count("/") != len(tokens) - 1:
        joined = "/".join(escape_token(t) for t in tokens)
    return "/" + joined


def split_pointer(pointer: str) -> list[str]:
    """The unescaped reference tokens of a pointer (``""`` has none)."""
    return [unescape_token(t) for t in pointer.split("/")[1:]] if pointer else []


def parent_pointer(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


def resolve(doc: Any, pointer: str) -> Any:
    """The value at ``pointer`` in ``doc``, or ``MISSING``."""
    node = doc
    for key in split_pointer(pointer):
        if isinstance(node, dict):
            if key not in node:
                return MISSING
            node = node[key]
        elif isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                return MISSING
            node = node[int(key)]
        else:
            return MISSING
    return node


def json_type(value: Any, *, integers: bool = True) -> str:
    """The JSON Schema type name of a parsed value.

    With ``integers`` (the default, as JSON Schema counts), ``5`` and ``5.0`` are
    "integer"; without it every number is "number" (a cost of 1 and of 1.5 are the same
    kind of value).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if integers else "number"
    if isinstance(value, float):
        return "integer" if integers and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_PHRASES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
}


def type_phrase(type_name: str) -> str:
    """``"integer"`` -> ``"an integer"``; ``"null"`` and unknown names stay as they are."""
    return _PHRASES.get(type_name, type_name)
