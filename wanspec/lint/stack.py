"""The same outcome for a deeply nested value at any stack depth.

Python's recursion limit counts the frames already on the stack, and the C JSON scanner
and the validators spend that budget one nesting level at a time. So whether a value
nested near the limit reads (or validates) used to depend on where it was read: a worker
reads a chunk some frames away from where a serial run reads the file, the language
server and the pytest plugin from deeper still. ``from_the_bottom`` calls again what ran
out of stack, with the whole limit above the call, as if at the bottom of the stack; a
value then reads iff it is less deep than the limit, wherever it is read. Only the calls
that hit the limit pay for it. The limit is the process's: like the parser's shared
flags, this is for one thread at a time (the language server lints on one).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def frames() -> int:
    """How many frames deep the caller is."""
    frame = sys._getframe(1)
    n = 0
    while frame is not None:
        n, frame = n + 1, frame.f_back  # type: ignore[assignment]
    return n


def from_the_bottom(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` with as many frames left as a call at the bottom of the stack has
    (raises ``RecursionError`` when even those are not enough)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(frames() + limit)
    try:
        return call(*args)
    finally:
        sys.setrecursionlimit(limit)
