"""The same outcome for a deeply nested value at any stack depth.

The interpreter stops a recursion by how deep the stack already is: on Python 3.11 the
recursion limit counts the frames on the stack, and the C JSON scanner and the
validators spend that budget one nesting level at a time; from 3.12 the C code has a
budget of its own, which each call from C into Python spends. So whether a value nested
near the limit reads (or validates) used to depend on where it was read: a worker reads
a chunk some frames away from where a serial run reads the file, the language server,
the pytest plugin and the Python API from elsewhere again.

``from_the_bottom`` calls again what ran out of stack, on a new thread: a thread starts
with an empty stack and both budgets whole, so a value then reads iff it is less deep
than the interpreter allows any value, wherever it is read. Only the calls that ran out
pay for it (a thread start, about 0.1 ms). The caller waits for the thread, so the
shared state of the parser is never used by two threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

#: The new thread's stack: deep enough for what the interpreter's limits allow on any
#: platform (some C libraries give threads 128 KiB by default).
STACK_BYTES = 16 << 20


def from_the_bottom(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` on a fresh stack: its result, or what it raised (``RecursionError``
    when even a whole stack is not enough)."""
    import threading  # here: 0.8 ms at start-up, and only a read that ran out pays it

    outcome: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            outcome.append((True, call(*args)))
        except BaseException as exc:  # handed to the caller, which raises it
            outcome.append((False, exc))

    size = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="wanspec-deep-read", daemon=True)
        thread.start()
    finally:
        threading.stack_size(size)
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


def anywhere(call: Callable[..., T], *args: object) -> T:
    """``call(*args)`` here, and again on a fresh stack if it runs out here: the outcome a
    value nested near the limit has wherever it is read (``RecursionError`` when even a
    whole stack is not enough). The per-line and per-task reads write this out inline: a
    call more is 0.1 µs a line."""
    try:
        return call(*args)
    except RecursionError:
        pass
    return from_the_bottom(call, *args)
