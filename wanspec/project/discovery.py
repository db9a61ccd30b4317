"""Which files a lint run reads, the way ruff chooses them.

* Directories are walked in sorted order. Hidden directories, the usual vendored and
  build-tool ones (``VENDORED``), and whatever ``.gitignore``, ``.ignore`` and
  ``.git/info/exclude`` ignore (``ignore.py``; ``respect_ignore=False`` turns it off) are
  never entered; the config's ``exclude`` prunes too.
* A ``.json``/``.jsonl`` file found by walking is linted only when it is a payload: it
  matches the config's ``include`` or a ``[tool.wanspec.schemas]`` glob, or a task in it
  names a known model, or has a provider's shape (``rules.json`` ``providers.*.shape``,
  a schema's ``detect``). The others (``package.json``, ``tsconfig.json``) are skipped and
  counted, never reported as passing.
* A file named on the command line is always linted; when the config (or an ignore file)
  would have left it out, a note says so. With ``force_exclude`` (pre-commit names every
  changed file) named files are chosen exactly as if they had been found by walking.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from functools import cache
from typing import Any

from ..catalog import store
from ..errors import UsageError
from ..inputs import Found, kind_of, once, read_prefix, refusal
from ..lint.run import PAYLOAD_SUFFIXES, STDIN, choose_schema
from ..recordtype import field, recordclass
from .ignore import IgnoreLayer, ignored, read_layer, repository_layers
from .policy import Policy

__all__ = ["VENDORED", "Discovery", "Skipped", "discover_files", "is_payload"]

#: Directories no payload lives in (ruff's default ``exclude``, less the hidden ones, which
#: are all skipped): virtual environments, dependency and build-tool caches.
VENDORED = frozenset(
    {"node_modules", "__pycache__", "__pypackages__", "venv", "site-packages", "_build", "buck-out", "dist"}
)
#: Payload-like files wanspec does not read: named on the command line, a usage error that
#: says so (linting them as JSON would only say "invalid JSON" and leave the user guessing).
UNSUPPORTED = {".yaml": "YAML", ".yml": "YAML", ".toml": "TOML", ".json5": "JSON5", ".jsonc": "JSON with comments"}
#: Named files set aside for one reason, each with a note of its own; more are summed up in
#: one note (a benchmark named 20,000 git-ignored files: 20,000 lines on stderr).
NAMED_NOTES = 3
#: How much of a large file is searched for a payload's marks instead of parsed.
_SNIFF_BYTES = 1 << 20


@recordclass
class Skipped:
    """A JSON file the run did not lint, and why."""

    path: str
    reason: str


@recordclass(frozen=False)
class Discovery:
    """The files to lint, in order; what was skipped; what to tell the user about it."""

    files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # found, not payloads
    notes: list[str] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # directories that could not be listed, why
    #: the size of each regular file, from the stat discovery made anyway (planning the
    #: run need not stat every file again)
    sizes: dict[str, int] = field(default_factory=dict)
    #: indexes in ``files`` of the files whose content decides whether they are payloads
    #: (``is_payload``), all read once the walk is done: on several cores for many files
    candidates: list[int] = field(default_factory=list)
    #: files named on the command line that the config or an ignore file would have left
    #: out, by (why, whether they are linted): each group becomes notes when discovery ends
    named_aside: dict[tuple[str, bool], list[str]] = field(default_factory=dict)


@recordclass
class _Directory:
    """What every file named in one directory shares: worked out once per directory per run
    (pre-commit names hundreds of files in a few directories)."""

    absolute: str  # the directory's absolute path
    hidden: bool  # a hidden or vendored directory on the way to it
    layers: list[IgnoreLayer] | None  # the ignore files that apply there (None: none do)
    above: bool  # an ignored directory lies between it and the repository's root


_Directories = dict[str, _Directory]


def discover_files(
    paths: Iterable[str],
    *,
    policy: Policy | None = None,
    respect_ignore: bool = True,
    force_exclude: bool = False,
    config_name: str = "the config",
    jobs: int = 1,
) -> Discovery:
    """Expand ``paths`` into the payload files a run lints; ``UsageError`` for a missing path,
    or when nothing at all was found (no JSON file, payload or not). ``jobs`` as for
    ``lint_paths``: the files whose content must be read to tell whether they are payloads
    are read on that many processes when there are enough of them to pay."""
    found = Discovery()
    missing: list[str] = []
    given = list(paths)
    seen: _Directories = {}
    for raw in given:
        if raw == STDIN:
            found.files.append(raw)
            continue
        try:
            st = os.stat(raw)
        except OSError:
            if not os.path.lexists(raw):
                missing.append(raw)
                continue
            st = None  # a dangling link or an unreadable entry: lint_one reports it
        is_dir = st is not None and stat.S_ISDIR(st.st_mode)
        if st is not None and stat.S_ISREG(st.st_mode):
            raw = Found(raw)  # regular now: a pipe put in its place later is refused, not waited on
            found.sizes[raw] = st.st_size
        if is_dir:
            _walk(raw, found, policy, respect_ignore)
        else:
            if not raw.endswith(PAYLOAD_SUFFIXES):
                _unsupported(raw)
            _named(raw, found, policy, respect_ignore, force_exclude, config_name, seen)
    if missing:
        raise UsageError("no such file or directory: " + ", ".join(missing))
    found.notes.extend(_named_notes(found.named_aside))
    _sniff(found, jobs)
    if len(given) > 1:  # one directory's walk reaches each file once
        found.files = once(found.files)
    if not found.files and not found.skipped and not found.notes and not found.unreadable:
        raise UsageError("no payload files (*.json, *.jsonl) under: " + ", ".join(given))
    return found


def _walk(top: str, found: Discovery, policy: Policy | None, respect_ignore: bool) -> None:
    layers: list[IgnoreLayer] = []
    if respect_ignore:
        _, layers = repository_layers(top)
    stack: list[tuple[str, list[IgnoreLayer]]] = [(top, layers)]
    while stack:
        directory, inherited = stack.pop()
        here = inherited
        if respect_ignore and (layer := read_layer(directory)) is not None:
            here = [*inherited, layer]
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:  # what it holds was not linted, so the run must not pass as if it had been
            found.unreadable.append((directory, exc.strerror or type(exc).__name__))
            continue
        subdirs = []
        # the ignore rules read absolute paths: this directory's, worked out once for its entries
        absolute = os.path.abspath(directory) if here else ""
        absolute += "" if absolute.endswith(os.sep) else os.sep
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = os.path.normpath(os.path.join(directory, name))  # "./a.json" is "a.json"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)  # as os.walk: a link loop cannot trap the walk
            except OSError:
                is_dir = False
            if is_dir:
                if name in VENDORED or (here and ignored(absolute + name, True, here)):
                    continue
                if policy is not None and policy.exclude is not None and policy.exclude.match(path):
                    continue
                subdirs.append((path, here))
            elif (
                name.endswith(PAYLOAD_SUFFIXES)
                and not (here and ignored(absolute + name, False, here))
                and (policy is None or policy.keeps(path))
            ):
                try:
                    # a regular file says so in its directory entry: no stat (2.5 µs a file);
                    # its size comes from the payload check's fstat
                    regular = entry.is_file(follow_symlinks=False)
                except OSError:
                    regular = False
                if regular:
                    _choose(path, found, policy)
                    continue
                try:  # a link, or a file system that does not say: what it leads to
                    st = entry.stat()
                    kind = kind_of(st.st_mode)
                    if kind is None:
                        found.sizes[path] = st.st_size
                except OSError:
                    kind = None  # a dangling link: opening it says why
                if kind is not None:  # a pipe or a device is never opened (it could block): exit 2
                    found.files.append(Found(path, refusal(kind)))
                else:
                    _choose(path, found, policy)
        stack.extend(reversed(subdirs))  # depth first, in sorted order


def _unsupported(path: str) -> None:
    kind = UNSUPPORTED.get(os.path.splitext(path)[1].lower())
    if kind is not None:
        raise UsageError(
            f"unsupported file type: {path} is {kind}; wanspec lints JSON payloads (.json: a task or an "
            "array of tasks; .jsonl: a task a line), the form the providers' APIs take. Convert it to JSON, "
            "or pipe the JSON to `wanspec lint -`"
        )


def _named(
    path: str,
    found: Discovery,
    policy: Policy | None,
    respect_ignore: bool,
    force_exclude: bool,
    config_name: str,
    seen: _Directories,
) -> None:
    head, sep, name = path.rpartition(os.sep)
    where = seen.get(head)
    if where is None:
        where = seen[head] = _directory(head + sep if sep else "", respect_ignore)
    why_not = None
    if where.hidden:
        why_not = "in a hidden or vendored directory"
    elif policy is not None and not policy.keeps(path):
        why_not = f"excluded by {config_name} (include/exclude)"
    elif where.layers is not None and (where.above or ignored(os.path.join(where.absolute, name), False, where.layers)):
        why_not = "ignored by .gitignore, .ignore or .git/info/exclude"
    if why_not is not None:
        found.named_aside.setdefault((why_not, not force_exclude), []).append(path)
    if not force_exclude:
        found.files.append(path)
    elif why_not is None:
        _choose(path, found, policy)


def _named_notes(aside: dict[tuple[str, bool], list[str]]) -> list[str]:
    """A note per named file set aside, or for more than ``NAMED_NOTES`` of them with one
    reason, one note that counts them and names the first few."""
    notes = []
    for (why, linted), named in aside.items():
        paths = list(dict.fromkeys(named))  # a file named twice is one file
        if len(paths) <= NAMED_NOTES:
            for path in paths:
                notes.append(
                    f"{path} is {why}; linted because it was named (--force-exclude skips it)"
                    if linted
                    else f"{path} not linted: {why}"
                )
            continue
        shown = f"{', '.join(paths[:NAMED_NOTES])} and {len(paths) - NAMED_NOTES:,} more"
        notes.append(
            f"{len(paths):,} named files are {why}; linted because they were named "
            f"(--force-exclude skips them): {shown}"
            if linted
            else f"{len(paths):,} named files not linted: {why}: {shown}"
        )
    return notes


def _directory(head: str, respect_ignore: bool) -> _Directory:
    """The verdicts shared by the files named in the directory ``head`` (as written, with
    its trailing separator; empty for the current directory)."""
    parts = [p for p in os.path.normpath(head or ".").split(os.sep) if p not in (".", "..", "")]
    hidden = any(p.startswith(".") or p in VENDORED for p in parts)
    absolute = os.path.abspath(head or ".")
    if not respect_ignore:
        return _Directory(absolute, hidden, None, False)
    root, layers = repository_layers(os.path.join(absolute, "_"))
    if root is None or not layers:
        return _Directory(absolute, hidden, None, False)
    # as the walk would: an ignored directory above the file keeps it out whatever the file's rules say
    probe = absolute
    while probe != root and os.path.dirname(probe) != probe:
        if ignored(probe, True, layers):
            return _Directory(absolute, hidden, layers, True)
        probe = os.path.dirname(probe)
    return _Directory(absolute, hidden, layers, False)


def _choose(path: str, found: Discovery, policy: Policy | None) -> None:
    if not (
        policy is not None
        and (
            (policy.include is not None and policy.include.match(path))
            or any(globs.match(path) for globs, _ in policy.schemas)
        )
    ):
        found.candidates.append(len(found.files))  # its content decides: ``_sniff``
    found.files.append(path)


#: Candidates below this many are read here: reading one costs about 20 µs, starting the
#: workers a few milliseconds.
MIN_PARALLEL_SNIFF = 1000
_CANDIDATES: list[str] = []  # what the forked workers read, by index (inherited, not pickled)
_SNIFF_CHUNK = 256


def _sniff(found: Discovery, jobs: int) -> None:
    """Keep the candidates that are payloads, in order; the others become ``skipped``."""
    if not found.candidates:
        return
    paths = [found.files[i] for i in found.candidates]
    verdicts = _parallel_verdicts(paths, jobs) if len(paths) >= MIN_PARALLEL_SNIFF and jobs != 1 else None
    if verdicts is None:
        verdicts = [_payload_and_size(p) for p in paths]
    rejected = set()
    for i, path, (keep, size) in zip(found.candidates, paths, verdicts, strict=True):
        if not keep:
            rejected.add(i)
        elif size is not None:
            found.sizes[path] = size  # the walk took no stat of its own
    found.skipped.extend(
        Skipped(found.files[i], "not a payload: no known model, no provider's shape") for i in sorted(rejected)
    )
    if rejected:
        found.files = [f for i, f in enumerate(found.files) if i not in rejected]
    found.candidates = []


def _parallel_verdicts(paths: list[str], jobs: int) -> list[tuple[bool, int | None]] | None:
    """``_payload_and_size`` of each path, read on ``jobs`` forked workers (0: one per
    core), or None where forking is not possible or would not pay."""
    from ..lint import forks, parallel  # only a walk over many files pays for them

    workers = parallel.available_jobs() if jobs == 0 else jobs
    if workers < 2 or not parallel.can_fork():
        return None
    _clues(), _marks(), _shapes()  # built once here, inherited by every worker
    _CANDIDATES[:] = paths
    try:
        chunks = range(0, len(paths), _SNIFF_CHUNK)
        verdicts: list[tuple[bool, int | None]] = []
        for part in forks.imap(
            lambda i: [_payload_and_size(p) for p in _CANDIDATES[chunks[i] : chunks[i] + _SNIFF_CHUNK]],
            len(chunks),
            workers,
        ):
            verdicts.extend(part)
        return verdicts
    finally:
        _CANDIDATES.clear()


def is_payload(path: str) -> bool:
    """Whether a file holds a payload: a task (or a list of tasks, or JSON Lines of them) that
    names a known model or has a provider's shape. A file too large or too broken to parse
    counts when its text carries a payload's marks (a known model id, ``"taskType"``)."""
    return _payload_and_size(path)[0]


def _payload_and_size(path: str) -> tuple[bool, int | None]:
    """``is_payload``, and the size of the regular file it read (None: not read)."""
    try:
        read = read_prefix(path, _SNIFF_BYTES, whole_up_to=-1 if path.endswith(".jsonl") else 4 * _SNIFF_BYTES)
    except OSError:
        read = None
    if read is None:
        return True, None  # unreadable, or no longer a regular file: lint_one reports it
    data, size = read
    if path.endswith(".jsonl"):
        line = next((ln for ln in data.splitlines() if ln.strip()), b"")
        data = line
    if _clues().search(data) is None:  # not one key a payload must have: no need to parse it
        return False, size
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return _marks().search(data) is not None, size
    return _evidence(value), size


def _evidence(value: Any) -> bool:
    tasks = value if isinstance(value, list) else [value]
    for task in tasks[:64]:  # a payload says so in its first tasks
        if not isinstance(task, dict):
            continue
        if any(_matches(shape, task) for shape in _shapes()):
            return True
        if choose_schema(task, None)[0] is not None:  # a known model, or one provider's shape
            return True
    return False


@cache
def _shapes() -> tuple[Any, ...]:
    import jsonschema_rs

    return tuple(
        jsonschema_rs.validator_for(p["shape"]) for p in store.providers().values() if isinstance(p.get("shape"), dict)
    )


def _matches(validator: Any, task: dict[str, Any]) -> bool:
    return bool(validator.is_valid(task))


@cache
def _clues() -> re.Pattern[bytes]:
    """Text every payload holds one of: a known model id, or a key some provider's shape
    (``rules.json`` ``shape``, a schema's ``detect``) requires, quoted as JSON writes it."""
    words = {json.dumps(m).encode() for m in store.catalog().by_model}
    shapes = [p["shape"] for p in store.providers().values() if isinstance(p.get("shape"), dict)]
    shapes += [e.detect for e in store.catalog().entries.values() if e.detect]
    for shape in shapes:
        if not shape.get("required"):  # a shape that requires no key: every file may match it
            return re.compile(b"")
        words.update(json.dumps(k).encode() for k in shape["required"])
    return re.compile(b"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or b"(?!)")


@cache
def _marks() -> re.Pattern[bytes]:
    words = [json.dumps(m).encode() for m in store.catalog().by_model]
    words += [json.dumps(k).encode() for p in store.providers().values() for k in p.get("marks", ())]
    return re.compile(b"|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or b"(?!)")
