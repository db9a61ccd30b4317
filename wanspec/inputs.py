"""Finding and opening input files so that no input can hang a run or exhaust memory.

Two rules, for payloads and cassettes alike:

* a file *found by walking a directory* is read only if it is a regular file; a named
  pipe or a device called ``x.json`` would block a read forever or never end, and a
  directory that cannot be listed is reported, never skipped as if it were empty;
* every read is capped, standard input and devices included, so ``/dev/zero`` stops at
  the cap instead of at the memory limit.

A path the user names is opened as given (``<(generate)`` is a pipe, on purpose); the
cap still applies.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, TypeAlias


class Found(str):
    """A path the run saw as a regular file when it began: found by walking a directory,
    or named by the user and regular then. Either is opened without blocking and refused
    if it is no longer a regular file (a pipe put in its place since would block for ever,
    in a worker, which the parent then waits for).

    ``problem`` says why it must not be read (not a regular file, or a directory that
    cannot be listed); it travels with the path, through sorting and to forked workers.
    """

    problem: str | None

    def __new__(cls, path: str, problem: str | None = None) -> Found:
        obj = super().__new__(cls, path)
        obj.problem = problem
        return obj

    def __reduce__(self) -> tuple[type[Found], tuple[str, str | None]]:
        return (Found, (str(self), self.problem))


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def once(files: list[str]) -> list[str]:
    """``files`` with each file once: a file named twice, spelled two ways (``a.json``,
    ``./a.json``, its absolute path) or also found by walking a directory that holds it
    stays where it was first mentioned, as first spelled. Standard input counts once too."""
    if len(files) < 2:
        return files
    cwd = os.getcwd()
    plain = os.sep == "/" and os.altsep is None  # POSIX: a clean path needs no normpath (0.7 µs a file)
    seen: set[str] = set()
    out: list[str] = []
    for f in files:
        if f == "-":  # standard input
            key = f
        elif plain and "/." not in f and "//" not in f and not f.startswith(".") and not f.endswith("/"):
            key = f if f.startswith("/") else f"{cwd}/{f}"
        else:
            key = os.path.normcase(os.path.normpath(os.path.join(cwd, f)))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


#: What the Python API takes for a path: what ``open`` takes.
PathArg: TypeAlias = "str | bytes | os.PathLike[str] | os.PathLike[bytes]"


def path_of(value: Any) -> str:
    """A path given to the Python API, as the ``str`` the linter works with: a ``str``
    as it is, a ``pathlib.Path`` or ``bytes`` as the file system decodes it."""
    if isinstance(value, str):
        return value
    try:
        return os.fsdecode(os.fspath(value))
    except TypeError:
        raise TypeError(f"a path must be a str, bytes or os.PathLike, not {type(value).__name__}") from None


def paths_of(value: Any) -> list[str]:
    """``path_of`` for each path given, or for the one path given alone (a ``str`` is
    one path, never a sequence of one-letter names)."""
    if isinstance(value, (str, bytes, os.PathLike)):
        return [path_of(value)]
    if not isinstance(value, Iterable):
        raise TypeError(f"a path must be a str, bytes or os.PathLike, not {type(value).__name__}")
    return [p if type(p) is str else path_of(p) for p in value]


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, for messages; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def refusal(kind: str) -> str:
    """Why a file found by walking is not read."""
    return f"{kind}, not a regular file (a pipe or a device is read only when named as one on the command line)"


def walk(top: str, keep: Callable[[str], bool], skip_dir: Callable[[str], bool]) -> Iterator[Found]:
    """Files under ``top`` whose names ``keep`` accepts, sorted, recursively; directories
    that ``skip_dir`` names are not entered. Directories that cannot be listed and files
    that are not regular come out too, with their ``problem``."""
    errors: list[OSError] = []

    def failed() -> Iterator[Found]:
        for exc in errors:
            where = exc.filename if isinstance(exc.filename, str) else top
            yield Found(where, f"the directory cannot be listed: {exc.strerror or exc}")
        errors.clear()

    for root, dirs, files in os.walk(top, onerror=errors.append):
        yield from failed()
        dirs[:] = sorted(d for d in dirs if not skip_dir(d))
        for name in sorted(files):
            if not keep(name):
                continue
            path = os.path.join(root, name)
            try:
                kind = kind_of(os.stat(path).st_mode)
            except OSError:
                kind = None  # a dangling link: opening it says why
            yield Found(path, None if kind is None else refusal(kind))
    yield from failed()


class InputError(OSError):
    """An input refused before or instead of reading it; ``strerror`` says why."""


# Buffer size for files read a line at a time (JSON Lines). With the default 8 KiB, a line
# of 3-6 KB (a task with inline media) often spans two refills, and reading 72 MB of such
# lines costs 42 ms in ``readline`` against 16 ms with 64 KiB (a larger buffer gains 2 ms).
LINE_BUFFER = 1 << 16


def open_input(path: str) -> IO[bytes]:
    """Open ``path`` for reading bytes; a found path must (still) be a regular file.

    A found file is opened without blocking, so a pipe that replaced it since the walk
    cannot hang the open either.
    """
    if not isinstance(path, Found):
        return open(path, "rb", buffering=LINE_BUFFER)  # the caller closes it
    if path.problem is not None:
        raise InputError(0, path.problem)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise InputError(0, refusal(kind))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=LINE_BUFFER)
    except BaseException:
        os.close(fd)
        raise


def read_capped(stream: IO[bytes], limit: int) -> tuple[bytes, int | None]:
    """Read at most ``limit`` bytes; returns (data, None), or (b"", size) when there is more.

    ``size`` is the file's size when it is known (a regular file, not read at all), else
    ``limit + 1`` (a pipe or device: reading stopped there).
    """
    try:
        st = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # io.BytesIO, a test's stream
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        if st.st_size > limit:
            return b"", st.st_size
        # a regular file says how long it is: asking for limit + 1 bytes would allocate the
        # whole cap for every small file; one byte more than its size notices one that grew
        data = stream.read(st.st_size + 1)
        if len(data) > st.st_size:
            data += stream.read(limit + 1 - len(data))
    else:
        data = stream.read(limit + 1)
    if len(data) > limit:
        return b"", len(data)
    return data, None


def read_consulted(path: str, limit: int) -> bytes | None:
    """The bytes of a file wanspec consults but does not lint (an ignore file, a
    ``pyproject.toml`` it sniffs for its table): a regular file of at most ``limit``
    bytes, else None. A pipe or device in its place is never opened for a blocking read,
    so it cannot hang a run that was not asked about it."""
    try:
        with open_input(Found(path)) as stream:
            data, over = read_capped(stream, limit)
    except OSError:
        return None
    return None if over is not None else data


def read_input(path: str, limit: int) -> tuple[bytes, int | None]:
    """``open_input`` and ``read_capped`` in one: the whole of ``path``, or (b"", size) past ``limit``.

    The lint path reads thousands of small files, so a regular file costs one ``open``, one
    ``fstat`` and one ``read`` (a read shorter than asked is the end of a regular file), where
    a buffered file object would stat it twice and read it twice. Pipes and devices go
    through ``read_capped``.
    """
    found = isinstance(path, Found)
    if found and path.problem is not None:  # type: ignore[attr-defined]
        raise InputError(0, path.problem)  # type: ignore[attr-defined]
    # a found file is opened without blocking: a pipe that replaced it since the walk cannot hang the open
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (getattr(os, "O_NONBLOCK", 0) if found else 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if found and (kind := kind_of(st.st_mode)) is not None:
            raise InputError(0, refusal(kind))
        if not stat.S_ISREG(st.st_mode):  # a named pipe or a device the user named: read it capped
            with os.fdopen(os.dup(fd), "rb") as stream:
                return read_capped(stream, limit)
        if st.st_size > limit:
            return b"", st.st_size
        data = _read_fd(fd, st.st_size + 1, st.st_size)
        if len(data) > st.st_size:  # it grew since the stat: read on, up to the cap
            with os.fdopen(os.dup(fd), "rb") as stream:
                data += stream.read(limit + 1 - len(data))
            if len(data) > limit:
                return b"", len(data)
        return data, None
    finally:
        os.close(fd)


def read_prefix(path: str, limit: int, *, whole_up_to: int = 0) -> tuple[bytes, int] | None:
    """A regular file's start and its size, for a look inside a file found by a walk: the
    whole file when it is at most ``whole_up_to`` bytes, else its first ``limit`` bytes.
    None when ``path`` is no longer a regular file (opened without blocking, as
    ``read_input`` opens a found file); ``OSError`` when it cannot be read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        want = st.st_size + 1 if st.st_size <= whole_up_to else limit
        return _read_fd(fd, want, st.st_size), st.st_size
    finally:
        os.close(fd)


def _read_fd(fd: int, want: int, size: int) -> bytes:
    """Up to ``want`` bytes of a regular file of ``size`` bytes: one ``read``, and more
    only after a short one (a signal, a network file system)."""
    data = os.read(fd, want)
    while 0 < len(data) < min(want, size):
        more = os.read(fd, want - len(data))
        if not more:
            break
        data += more
    return data
