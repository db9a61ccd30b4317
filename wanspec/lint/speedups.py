"""The lint's optional compiled parts, and the switch that turns them off.

A wheel built where a C compiler is found ships ``_fastjson`` (``hatch_build.py``): the JSON
reader, the schema checker that runs ``lint.native``'s programs, and the reading of inline
media (``media.look``). A wheel built without one, or ``WANSPEC_PURE_PYTHON=1`` in the
environment, runs the same lint in pure Python. Each compiled part answers exactly as its
Python twin does, or declines and lets the twin answer (tests/test_fastjson.py,
tests/test_native.py and tests/test_media_twins.py hold them to it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

#: Set (to anything but "" or "0") to run without the compiled parts.
PURE_PYTHON_VARIABLE = "WANSPEC_PURE_PYTHON"


def wanted() -> bool:
    """Whether the environment allows the compiled parts."""
    return os.environ.get(PURE_PYTHON_VARIABLE, "") in ("", "0")


def fastjson() -> Any | None:
    """The compiled reader's module (``loads``, ``scan``, ``survey``, ``children`` and their
    ``FALLBACK``), or None without it."""
    if not wanted():
        return None
    try:
        from . import _fastjson  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _fastjson


def entry(name: str) -> tuple[Callable[..., Any] | None, object]:
    """One function of the compiled reader and the sentinel it returns to decline; without
    the reader, None and a sentinel nothing returns."""
    module = fastjson()
    if module is None:
        return None, object()
    return getattr(module, name), module.FALLBACK


def active() -> dict[str, bool]:
    """Which compiled parts this process runs."""
    return {"fastjson": fastjson() is not None}


def describe() -> str:
    """One phrase for ``wanspec --version`` (and so for bug reports): which JSON reader and
    schema checker run (both are in the one C module)."""
    if not wanted():
        return f"JSON reader and checker: pure Python, as {PURE_PYTHON_VARIABLE} is set"
    if active()["fastjson"]:
        return "JSON reader and checker: compiled"
    return "JSON reader and checker: pure Python, no compiled module in this install"
