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
    """The regular expression (without anchors) for one glob pattern."""
    pat = pattern.strip().replace("\\", "/")
    anchored = "/" in pat.rstrip("/")
    pat = pat.strip("/")
    out: list[str] = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and "]" in pat[i + 1 :]:
            end = pat.index("]", i + 1)
            body = pat[i + 1 : end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out)
    return body if anchored else f"(?:[^/]+/)*{body}"


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
