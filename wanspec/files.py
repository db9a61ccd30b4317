"""Writing files atomically: a reader sees the old file or the new one, never half of one.

* **Symbolic links** are followed: the file they point to is rewritten and the link stays a
  link (replacing the link itself would leave the real file unfixed).
* **Hard links** are never split silently. A rename gives the path a new inode, which
  would detach it from its other names, and writing in place would not be atomic; so a
  file with more than one link is refused with :class:`HardLinkError`, saying why and what
  to do. (The decision is recorded in docs/security.md.)
* **Modes** are kept: an existing file keeps its permission bits; a new one gets what
  ``open()`` would give it.
* **Interrupts** leave nothing: SIGTERM and SIGINT are held off (blocked, then delivered)
  while the temporary file exists, so a signal lands before it is made or after it is
  renamed or removed. A temporary file from a ``kill -9`` is named after its process
  (``.NAME.<pid>.XXXX.tmp``) and removed by the next write to the same file once that
  process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator


class HardLinkError(OSError):
    """The file has other hard links; an atomic rewrite would split them."""


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is over (main thread only; elsewhere, as is)."""
    import signal  # deferred, like tempfile: only writers pay
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield  # (Windows has no signal masks)
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (one we may not signal counts as alive)."""
    if os.name == "nt":  # os.kill(pid, 0) would terminate it there: never guess
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[str]:
    """Remove ``.NAME.<pid>.*.tmp`` files beside ``path`` whose process is gone; the removed ones."""
    directory, name = os.path.split(os.fspath(path))
    directory = directory or "."
    pattern = re.compile(re.escape(f".{name}.") + r"(\d+)\.[^.]+\.tmp$")
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for entry in names:
        m = pattern.match(entry)
        if m and int(m.group(1)) != os.getpid() and not process_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, entry))
                removed.append(os.path.join(directory, entry))
    return removed


def write_atomic(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename.

    ``mode`` sets the permission bits; without it an existing file keeps its own and a new
    file gets what ``open()`` would give it (0o666 less the umask), not the temporary
    file's private 0o600. A symbolic link is followed (its target is rewritten); a file
    with other hard links raises :class:`HardLinkError` and is left as it was.
    """
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and st.st_nlink > 1:
        raise HardLinkError(
            f"{os.fspath(path)} has {st.st_nlink} hard links; rewriting it atomically would split them "
            "(remove its other links, or copy it to a file of its own, and run again)"
        )
    if mode is None:
        if st is not None:
            mode = st.st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    import tempfile  # deferred: it imports shutil and three compressors; only writers pay

    directory = os.path.dirname(target) or "."
    os.makedirs(directory, exist_ok=True)
    remove_stale_temporaries(target)
    with _signals_held():
        prefix = f".{os.path.basename(target)}.{os.getpid()}."
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
