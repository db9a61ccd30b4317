"""Forked worker processes for the lint path, without ``multiprocessing``.

``multiprocessing.Pool`` cost a parallel run 25-35 ms before its first result (the import,
queues, semaphores, three threads, each worker's bootstrap) and waited forever when a
worker was killed. A parallel lint needs less: children that inherit what the parent holds
(the units of work, the options, the files), an index in, a pickled result out.

Each child has two pipes: the parent writes the index of a unit of work to one and reads
framed results from the other. A child is handed its next index as soon as it returns a
result, within a window ahead of the result the parent is waiting for, so the children
finish together and the results held for the ordered hand-over stay few.

A child that raises, or dies, ends the iteration with ``WorkerError``: no unit of work is
skipped silently. Leaving the iteration early (an exception in the parent, Ctrl-C, the
generator closed) kills and reaps every child; a parent that is killed outright leaves
children that find their index pipe closed, or their result pipe broken, and exit.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import selectors
import signal
import struct
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import WorkerError
from ..recordtype import recordclass

_INDEX = struct.Struct("<q")  # the index of a unit of work
_FRAME = struct.Struct("<Q")  # the length of a pickled (index, ok, value)
#: Units handed out ahead of the one whose result the parent waits for, per child.
AHEAD = 4


@recordclass(frozen=False)
class _Child:
    pid: int
    todo: int  # the parent's end of the index pipe (writes)
    results: int  # the parent's end of the result pipe (reads)
    buffer: bytearray
    busy: int = 0  # indexes handed out and not yet answered


def imap(fn: Callable[[int], Any], count: int, jobs: int) -> Iterator[Any]:
    """``fn(0)``, ``fn(1)`` … ``fn(count - 1)``, computed in up to ``jobs`` forked children and
    yielded in order. ``fn`` and what it reads are inherited, not pickled; its results are
    pickled. Call it from a process with one thread (as any ``fork``)."""
    if count <= 0:
        return
    children: list[_Child] = []
    done: dict[int, Any] = {}
    selector = selectors.DefaultSelector()
    finished = False
    try:
        for _ in range(min(jobs, count)):
            child = _spawn(fn, children)
            children.append(child)
            selector.register(child.results, selectors.EVENT_READ, child)
        handed = wanted = 0

        def hand_out(child: _Child) -> None:
            nonlocal handed
            while handed < count and child.busy < 2 and handed < wanted + AHEAD * len(children):
                try:
                    _write_all(child.todo, _INDEX.pack(handed))
                except BrokenPipeError:  # it died: its result pipe says so too, with the reason
                    raise WorkerError(_death(child)) from None
                child.busy += 1
                handed += 1

        for child in children:
            hand_out(child)
        while wanted < count:
            if wanted in done:
                yield done.pop(wanted)
                wanted += 1
                for child in children:
                    hand_out(child)
                continue
            for key, _ in selector.select():
                child = key.data
                chunk = os.read(child.results, 1 << 16)
                if not chunk:
                    raise WorkerError(_death(child))
                child.buffer += chunk
                for index, ok, value in _frames(child.buffer):
                    if not ok:
                        raise WorkerError(f"a worker process failed on unit {index} of {count}: {value}")
                    done[index] = value
                    child.busy -= 1
                hand_out(child)
        finished = True
    finally:
        selector.close()
        _stop(children, kill=not finished)


def _spawn(fn: Callable[[int], Any], siblings: list[_Child]) -> _Child:
    todo_r, todo_w = os.pipe()
    results_r, results_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 1
        try:
            # the parent's ends, and every earlier sibling's: a pipe closes when its writers are gone
            for fd in (todo_w, results_r, *(f for s in siblings for f in (s.todo, s.results))):
                os.close(fd)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends a child at once, quietly
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            _serve(fn, todo_r, results_w)
            code = 0
        finally:
            os._exit(code)  # no atexit, no flushing of the parent's buffers
    os.close(todo_r)
    os.close(results_w)
    return _Child(pid, todo_w, results_r, bytearray())


def _serve(fn: Callable[[int], Any], todo: int, results: int) -> None:
    while (head := _read_exact(todo, _INDEX.size)) is not None:
        (index,) = _INDEX.unpack(head)
        try:
            payload = pickle.dumps((index, True, fn(index)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # reported to the parent, which stops the run
            lines = traceback.format_exception_only(type(exc), exc)
            payload = pickle.dumps((index, False, "".join(lines).strip()))
        _write_all(results, _FRAME.pack(len(payload)) + payload)


def _frames(buffer: bytearray) -> Iterator[tuple[int, bool, Any]]:
    """The complete results at the start of ``buffer``, taken out of it."""
    while len(buffer) >= _FRAME.size:
        (size,) = _FRAME.unpack_from(buffer)
        end = _FRAME.size + size
        if len(buffer) < end:
            return
        item = pickle.loads(buffer[_FRAME.size : end])
        del buffer[:end]
        yield item


def _read_exact(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None  # the parent closed the pipe: no more work
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _death(child: _Child) -> str:
    _, status = os.waitpid(child.pid, 0)
    child.pid = 0
    if os.WIFSIGNALED(status):
        how = f"was killed by signal {os.WTERMSIG(status)}"
    else:
        how = f"exited with status {os.waitstatus_to_exitcode(status)}"
    return f"a worker process {how} before it finished its work (out of memory?): the run is incomplete"


def _stop(children: list[_Child], *, kill: bool) -> None:
    """Close every pipe and reap every child; ``kill`` first when the work was not finished."""
    for child in children:
        os.close(child.todo)  # a child waiting for work sees the end of it and exits
        if kill and child.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
    for child in children:
        os.close(child.results)
        if child.pid:
            os.waitpid(child.pid, 0)
