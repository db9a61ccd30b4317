"""What the checkers ``wanspec.lint.compiler`` writes call at run time (``build``'s ``rt``),
and the tests that decide when such a checker hands a task to jsonschema-rs.

A checker reports jsonschema-rs' errors only for what both read alike. Where they could
differ it raises ``Fallback`` and the engine asks jsonschema-rs itself: a value that is
not plain JSON (``plain``), an error's instance jsonschema-rs would refuse to convert
(``refused``: 256 containers deep, or a lone surrogate), a pattern or a format on a
string jsonschema-rs cannot encode. JSON equality (``json_equal``) is not Python's:
``true`` is not ``1``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import speedups

#: Container depth at which jsonschema-rs refuses to hand an error's instance back.
RS_DEPTH_LIMIT = 256
_FAST_REFUSED, _DECLINED = speedups.entry("refused")
NUMBERS = frozenset({int, float})
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
#: What a generated checker's ``dict.get`` returns for a missing member.
MISSING = object()


class Fallback(Exception):
    """This task must be checked by jsonschema-rs itself."""


def plain(value: Any) -> bool:
    """Whether ``value`` is plain JSON as a parser gives it: dicts with string keys, lists,
    strings, numbers, booleans and None, and nothing else (no subclass, tuple or set)."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        v = pop()
        t = type(v)
        if t is dict:
            for k, x in v.items():
                if type(k) is not str:
                    return False
                tx = type(x)
                if tx is dict or tx is list:
                    push(x)
                elif tx not in _PLAIN_SCALARS:
                    return False
        elif t is list:
            for x in v:
                tx = type(x)
                if tx is dict or tx is list:
                    push(x)
                elif tx not in _PLAIN_SCALARS:
                    return False
        elif t not in _PLAIN_SCALARS:
            return False
    return True


def refused(value: Any) -> bool:
    """Whether jsonschema-rs refuses to hand ``value`` back as an error's instance: it
    nests ``RS_DEPTH_LIMIT`` containers or more (itself included), or holds a string it
    cannot encode as UTF-8 (a lone surrogate, which a JSON ``\\ud800`` escape gives).
    Asked of every error a container holds: in C where the module is built (a root
    error's instance is the whole task, its prompts encoded to look for surrogates: 0.65
    µs a messy line in Python), else ``refused_python``."""
    if _FAST_REFUSED is not None and (verdict := _FAST_REFUSED(value)) is not _DECLINED:
        return verdict  # type: ignore[no-any-return]
    return refused_python(value)


def refused_python(value: Any) -> bool:
    """``refused`` in Python (``_fastjson.refused`` answers the same or declines)."""
    t = type(value)
    if t is str:
        return unencodable(value)
    if t is not dict and t is not list:
        return False
    level = [value]
    depth = 0
    while level:
        depth += 1
        if depth >= RS_DEPTH_LIMIT:
            return True
        deeper = []
        for v in level:
            if type(v) is dict:
                for k in v:
                    if not k.isascii() and unencodable(k):
                        return True
                items = v.values()
            else:
                items = v
            for x in items:
                tx = type(x)
                if tx is str:
                    if not x.isascii() and unencodable(x):
                        return True
                elif tx is dict or tx is list:
                    deeper.append(x)
        level = deeper
    return False


def unencodable(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (no UTF-8 for it)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: ``1 == 1.0``, but ``true`` is not ``1``; containers compared deeply."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta in NUMBERS and tb in NUMBERS:
        return bool(a == b)
    if ta is not tb:
        return False
    if ta is dict:
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if ta is list:
        return len(a) == len(b) and all(map(json_equal, a, b))
    return bool(a == b)


def error_builder(make: Callable[..., Any]) -> Callable[..., Any]:
    """``make``, refusing (``Fallback``) an instance jsonschema-rs would refuse."""

    def error(keyword: str, sp: tuple[Any, ...], ip: tuple[Any, ...], x: Any, message: Any = None, br: Any = ()) -> Any:
        if (type(x) is not int and type(x) is not float) and refused(x):
            raise Fallback  # jsonschema-rs refuses this instance: let it say so
        return make(keyword, sp, ip, x, message, br)

    return error


#: Formats with a shape every reading takes as valid, checked without asking jsonschema-rs
#: (a batch's task ids are all distinct, so its memory never holds them): the format's
#: number in ``_fastcheck.h`` (``SHAPE_*``), and the test. Anything else is asked.
SURE_SHAPES = {"uuid": 1}
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def canonical_uuid(s: str) -> bool:
    """Whether ``s`` is a UUID as RFC 9562 writes it: 8-4-4-4-12 hex digits, either case."""
    return len(s) == 36 and _UUID.fullmatch(s) is not None


def format_check(ask: Callable[[str], bool], name: Any = None) -> Callable[[str], bool]:
    """jsonschema-rs' verdict on a string for the format ``name``, remembered in the
    function's own ``seen`` (the generated code reads it first: a string seen valid is one
    lookup). One memory a format: a string two formats read differently must not carry
    one's verdict to the other. A string of a ``SURE_SHAPES`` shape is valid unasked."""
    seen: dict[str, bool] = {}
    sure = canonical_uuid if name == "uuid" else None

    def fmt(s: str) -> bool:
        if sure is not None and sure(s):
            return True
        ok = seen.get(s)
        if ok is None:
            if not s.isascii() and unencodable(s):
                raise Fallback
            if len(seen) >= 256:
                seen.clear()
            ok = seen[s] = ask(s)
        return ok

    fmt.seen = seen  # type: ignore[attr-defined]
    return fmt


def search_of(pattern: str) -> Callable[[str], Any]:
    return re.compile(pattern).search


def portable_pattern(search: Callable[[str], Any]) -> Callable[[str], bool]:
    """A ``portable`` pattern on a string that is not ASCII (the generated code searches
    ASCII strings itself)."""

    def matches(s: str) -> bool:
        if unencodable(s):
            raise Fallback  # jsonschema-rs cannot read it: let it say so
        return search(s) is not None

    return matches


def dialect_pattern(search: Callable[[str], Any], ask: Callable[[str], bool]) -> Callable[[str], bool]:
    """A pattern ``portable`` cannot vouch for: Python reads printable ASCII, where the
    dialects agree; anything else is asked of jsonschema-rs (its ``\\s``, ``.``, ``$``)."""

    def matches(s: str) -> bool:
        if s.isascii():
            if s.isprintable():
                return search(s) is not None
        elif unencodable(s):
            raise Fallback
        return ask(s)

    return matches


__all__ = [
    "MISSING",
    "NUMBERS",
    "RS_DEPTH_LIMIT",
    "SURE_SHAPES",
    "Fallback",
    "canonical_uuid",
    "dialect_pattern",
    "error_builder",
    "format_check",
    "json_equal",
    "plain",
    "portable_pattern",
    "refused",
    "search_of",
    "unencodable",
]
