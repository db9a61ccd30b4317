"""Findings accepted on purpose: a baseline file, and suppressions from the project config.

JSON has no comments, so nothing can be switched off inside a payload. Instead:

* a **baseline** (``wanspec lint --baseline FILE``) records the findings of today, keyed by
  file (relative to the baseline's directory), JSON Pointer and rule code, with a count
  (two identical findings need two entries). Positions are not part of the key, so
  re-indenting a file or moving lines keeps it valid. Later runs report only what is
  not in it, and count the entries that no longer match anything (stale: fixed since);
* **suppressions** (``[[tool.wanspec.suppress]]``) name one finding each, with a reason;
  one that matches nothing is itself reported (rule ``unused-suppression``), as ruff's
  RUF100 does for ``noqa`` comments.

Only files linted in this run take part, so a run on some files (pre-commit passes the
changed ones) never calls the other files' entries stale or unused.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from ..catalog import store
from ..errors import UsageError
from ..inputs import read_capped
from ..lint.source import parse_text
from ..records import Diagnostic, Severity
from ..recordtype import field, recordclass
from .config import Suppression
from .globs import relative_to

Key = tuple[str, str, str]  # (file relative to the baseline's directory, pointer, code)
BASELINE_VERSION = 1


#: Past this a file is not a baseline anyone wrote (100,000 entries take about 12 MB).
MAX_BASELINE_BYTES = 64 * 1024 * 1024
#: More findings than any file can hold at one pointer: a larger count is a mistake.
MAX_COUNT = 1_000_000_000


def read_baseline(path: str) -> Counter[Key]:
    """The entries of a baseline file; a missing or malformed file is a UsageError that
    names the file and, where it can, the line or the entry."""
    try:
        with open(path, "rb") as f:
            data, over = read_capped(f, MAX_BASELINE_BYTES)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"baseline {path} does not exist; create it with --write-baseline") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read baseline {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if over is not None:
        raise UsageError(f"cannot read baseline {path}: over {MAX_BASELINE_BYTES // 1048576} MiB")
    # the payload reader: deep nesting, 1e400 and 5,000-digit numbers are problems with a position
    doc, problems, positions = parse_text(text)
    if positions is None or problems:
        p = problems[0]
        where = f":{p.line}:{p.column}" if p.line is not None else ""
        raise UsageError(f"cannot read baseline {path}{where}: {p.message}")
    entries = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or doc.get("version") != BASELINE_VERSION:
        raise UsageError(f"{path} is not a wanspec baseline (expected version {BASELINE_VERSION} and entries)")
    counts: Counter[Key] = Counter()
    for i, e in enumerate(entries):
        count = e.get("count", 1) if isinstance(e, dict) else None
        fields = [e.get(k) for k in ("file", "pointer", "code")] if isinstance(e, dict) else []
        if (
            not (isinstance(count, int) and not isinstance(count, bool) and 0 <= count <= MAX_COUNT)
            or not all(isinstance(v, str) for v in fields)
            or len(fields) != 3
        ):
            line, column = positions.locate(f"/entries/{i}")
            raise UsageError(
                f"{path}:{line}:{column}: entry {i} needs file, pointer and code (strings) and a count "
                f"(a whole number from 0 to {MAX_COUNT:,})"
            )
        counts[(str(fields[0]), str(fields[1]), str(fields[2]))] += count
    return counts


def baseline_text(counts: Counter[Key]) -> str:
    """The baseline file's text: sorted, one entry a line-group, stable across runs."""
    entries = [
        {"file": file, "pointer": pointer, "code": code, "count": n}
        for (file, pointer, code), n in sorted(counts.items())
        if n > 0
    ]
    doc: dict[str, Any] = {"version": BASELINE_VERSION, "tool": "wanspec", "entries": entries}
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            # a file name that is not UTF-8 (Linux names are bytes; Python keeps the odd ones
            # as surrogates): written as \u escapes, which read back as the same name
            text = json.dumps(doc, indent=2) + "\n"
    return text


def key_of(d: Diagnostic, base: str) -> Key | None:
    rel = relative_to(d.file, base) if d.file else None
    return None if rel is None else (rel, d.pointer, d.code)


@recordclass(frozen=False, slots=False)
class Accepted:
    """Filters a stream of diagnostics through a baseline and the config's suppressions."""

    baseline: Counter[Key] = field(default_factory=Counter)
    baseline_base: str = "."
    suppressions: tuple[Suppression, ...] = ()
    suppressions_base: str = "."
    config_path: str | None = None
    linted: Callable[[str], bool] = lambda _abs_path: True  # was this file part of the run?
    suppressed: int = 0
    _left: Counter[Key] = field(default_factory=Counter)
    _used: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._left = Counter(self.baseline)

    def keep(self, d: Diagnostic) -> bool:
        """False for a finding the baseline or a suppression accepts (it is then not
        reported, nor counted); problems reading the input are always kept."""
        if d.environment or not self._accepted(d):
            return True
        self.suppressed += 1
        return False

    def _accepted(self, d: Diagnostic) -> bool:
        if self.suppressions and d.file:
            rel = relative_to(d.file, os.path.abspath(self.suppressions_base))
            for s in self.suppressions:
                if (
                    s.file == rel
                    and s.code == d.code
                    and (s.pointer is None or s.pointer == d.pointer)
                    and (s.task is None or s.task == d.task)
                ):
                    self._used.add(s.index)
                    return True
        if self._left:
            key = key_of(d, os.path.abspath(self.baseline_base))
            if key is not None and self._left[key] > 0:
                self._left[key] -= 1
                return True
        return False

    def finish(self) -> list[Diagnostic]:
        """The unused-suppression warnings, once the run is over."""
        code = store.rule_codes_by_name()["unused-suppression"]
        severity = Severity(store.rules()[code].severity)
        out = []
        for s in self.suppressions:
            if s.index in self._used or not self.linted(os.path.join(self.suppressions_base, s.file)):
                continue
            where = f"{s.file}{' task ' + str(s.task) if s.task is not None else ''} {s.pointer or ''}".rstrip()
            out.append(
                Diagnostic(
                    code,
                    severity,
                    f"suppression #{s.index + 1} ({s.code} at {where}) matched no finding; remove it",
                    file=self.config_path,
                    pointer=f"/suppress/{s.index}",
                    line=s.line,
                    column=1 if s.line else None,
                )
            )
        return out

    @property
    def stale(self) -> int:
        """Baseline entries (with their counts) that matched nothing in files of this run."""
        base = os.path.abspath(self.baseline_base)
        return sum(n for (file, _, _), n in self._left.items() if n > 0 and self.linted(os.path.join(base, file)))


def record(diagnostics: Iterable[Diagnostic], base: str) -> Counter[Key]:
    """Baseline entries for these diagnostics (environment problems are never recorded)."""
    counts: Counter[Key] = Counter()
    for d in diagnostics:
        if d.environment:
            continue
        key = key_of(d, os.path.abspath(base))
        if key is not None:
            counts[key] += 1
    return counts
