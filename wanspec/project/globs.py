"""Gitignore-like globs, matched against paths relative to a base directory.

* ``*`` matches within one path segment, ``?`` one character, ``[abc]`` a class;
* ``**`` matches any number of segments (``payloads/**/*.json``, ``**/fixtures``);
* a pattern without a ``/`` matches a name at any depth (``*.jsonl``), as in .gitignore;
  one with a ``/`` is anchored at the base directory (``payloads/*.json``);
* a pattern that matches a directory matches everything under it (``vendor``, ``build/``).

``fnmatch`` cannot say any of this (its ``*`` crosses ``/``), and ``glob.translate`` is
Python 3.13+, so the translation is here: one regular expression per pattern.
"""

from __future__ import annotations

import os
import re

from ..recordtype import recordclass


def translate(pattern: str) -> str:
    """The regular expression (without anchors) for one glob pattern.

    A plain translation backtracks without bound on hostile input: ``*a*a*a*…b`` against a
    long name of the letter ``a``, or ``**/a/**/a/…`` against a deep path, costs the length (or the
    depth) to the power of the number of wildcards, and one such line in a ``.gitignore``
    hung the walk. So every wildcard but the last of its run is matched lazily inside an
    atomic group: ``*C`` (``C`` a star-free, fixed-length piece of one segment) takes ``C``'s
    leftmost place and keeps it, and ``**/S/`` (``S`` whole segments without ``**``) its
    leftmost segments. Leftmost is always right there: what follows begins with a wildcard
    of the same kind, which can take up whatever the earlier choice left. Each match is
    then polynomial of a low, fixed degree. (A ``**`` inside a segment, which crosses
    ``/``, and a class that names ``/`` are translated plainly: their pieces are not
    confined to a segment.)
    """
    pat = pattern.strip().replace("\\", "/")
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    tokens = _tokens(pat)
    plain = any(kind in ("**", "[/]") for kind, _ in tokens)
    body = "".join(text for _, text in tokens) if plain else _guarded(tokens)
    return body if anchored else f"(?:[^/]+/)*{body}"


def _tokens(pat: str) -> list[tuple[str, str]]:
    """(kind, regex) for each piece of a pattern: ``**/``, ``**``, ``*``, ``/`` or ``.``
    (anything of fixed length: a character, ``?``, a class)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append(("**/", "(?:[^/]+/)*"))
            i += 3
        elif pat.startswith("**", i):
            out.append(("**", ".*"))
            i += 2
        elif c == "*":
            out.append(("*", "[^/]*"))
            i += 1
        elif c == "?":
            out.append((".", "[^/]"))
            i += 1
        elif c == "[" and "]" in pat[i + 1 :]:
            end = pat.index("]", i + 1)
            body = pat[i + 1 : end].replace("\\", "\\\\")
            if body.startswith("!"):  # any character but these, and never "/" (as in git)
                out.append((".", f"[^{body[1:]}/]"))
            else:  # a class naming "/" could cross segments: translated plainly
                out.append(("[/]" if "/" in body else ".", f"[{body}]"))
            i = end + 1
        elif c == "/":
            out.append(("/", "/"))
            i += 1
        else:
            out.append((".", re.escape(c)))
            i += 1
    return out


def _guarded(tokens: list[tuple[str, str]]) -> str:
    """The regex of ``tokens`` (no ``**`` inside a segment), each wildcard but the last of
    its kind in its stretch matched lazily in an atomic group with the piece after it."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        if kind in ("*", "**/"):
            # the piece this wildcard precedes: up to the next wildcard of its kind (for
            # ``*``, within the segment; for ``**/``, whole segments)
            stop = ("*", "/", "**/") if kind == "*" else ("**/",)
            j = i + 1
            while j < len(tokens) and tokens[j][0] not in stop:
                j += 1
            piece = _guarded(tokens[i + 1 : j]) if kind == "**/" else "".join(t for _, t in tokens[i + 1 : j])
            # another wildcard of the kind follows, and (for ``**/``) both begin a segment,
            # so the piece is whole segments: ``b**/`` is the letter and then any directories
            follows = j < len(tokens) and tokens[j][0] == kind
            if follows and kind == "**/":
                follows = (i == 0 or tokens[i - 1][0] == "/") and tokens[j - 1][0] == "/"
            if follows:
                lazy = "[^/]*?" if kind == "*" else "(?:[^/]+/)*?"
                out.append(f"(?>{lazy}{piece})")
            else:
                out.append(text + piece)
            i = j
            continue
        out.append(text)
        i += 1
    return "".join(out)


@recordclass
class GlobSet:
    """Patterns relative to ``base``; ``match`` takes a path as given on the command line."""

    base: str
    patterns: tuple[str, ...]
    regex: re.Pattern[str]

    @classmethod
    def of(cls, base: str, patterns: tuple[str, ...] | list[str]) -> GlobSet:
        alternatives = "|".join(f"(?:{translate(p)})" for p in patterns) or "(?!)"
        # the path itself, or any directory above it
        return cls(os.path.abspath(base), tuple(patterns), re.compile(f"(?:{alternatives})(?:/.*)?"))

    def match(self, path: str) -> bool:
        rel = relative_to(path, self.base)
        return rel is not None and self.regex.fullmatch(rel) is not None


def relative_to(path: str, base: str) -> str | None:
    """``path`` relative to ``base`` with ``/`` separators, or None when it is outside."""
    if path in ("-", "<stdin>"):
        return None
    rel = os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")
    if rel == ".." or rel.startswith("../"):
        return None
    return rel
