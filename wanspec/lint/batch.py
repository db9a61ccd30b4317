"""Rules that span the tasks of one batch (one request body), declared in the schemas.

A property marked ``"x-unique": "batch"`` must not repeat its value across the tasks of
one batch: Runware's ``taskUUID`` is "UUID v4 identifier … Must be unique per task", and
the responses of a batch are matched to their tasks by it. The rule's code is the
keyword's (``x-unique`` in ``rules.json``'s ``keywords``), unless the property's ``x-rule``
names one for it; the citation is the property's ``x-doc``. Nothing here knows a provider.

A batch is the tasks of one JSON document (an array of tasks is one request). The lines of
a JSON Lines file are separate requests, so they are not compared with each other (and a
large one can then be linted on several processes without shared state).
"""

from __future__ import annotations

import bisect
import json
from functools import cache
from typing import Any

from ..catalog import store as _catalog
from ..recordtype import recordclass
from .engine import Finding, compiled

KEYWORD = "x-unique"


@recordclass
class UniqueField:
    name: str  # the top-level property
    code: str
    doc: str | None


@cache
def unique_fields(schema_id: str) -> tuple[UniqueField, ...]:
    """The properties of a schema whose values must differ across a batch."""
    # the schema the engine runs (prebuilt in a wheel): the same properties and tags
    schema = compiled(schema_id).validation_schema
    out = []
    for name, node in (schema.get("properties") or {}).items():
        if not isinstance(node, dict) or node.get(KEYWORD) != "batch":
            continue
        rule = node.get("x-rule")
        code = rule.get(KEYWORD) if isinstance(rule, dict) else None
        out.append(UniqueField(name, code or _catalog.keyword_codes()[KEYWORD], node.get("x-doc")))
    return tuple(out)


#: How a batch tells values apart: a string by itself, any other value by its JSON (1,
#: 1.0 and true are equal in Python, not in JSON).
Key = tuple[str, str] | tuple[str, str, None]


_ABSENT = object()


def key_of(name: str, task: dict[str, Any]) -> Key | None:
    """What the task's ``name`` brings to its batch; None when it brings nothing to compare."""
    value = task.get(name, _ABSENT)
    if type(value) is str:
        return (name, value)
    if value is _ABSENT or isinstance(value, dict | list):
        return None  # structure is reported by the schema; only plain values can repeat
    return (name, json.dumps(value), None)


def _repeat(field: UniqueField, key: Key, first: int) -> Finding:
    shown = json.dumps(key[1]) if len(key) == 2 else key[1]
    text = f"{field.name} {shown} is already used by task {first} of this batch; each task needs its own"
    if field.doc:
        text = f"{text} [{field.doc}]"
    severity = _catalog.rules()[field.code].severity
    return Finding(field.code, severity, text, f"/{field.name}", doc=field.doc)


def value_of(key: Key) -> Any:
    """The value a key stands for (a string, or what its JSON reads as)."""
    return key[1] if len(key) == 2 else json.loads(key[1])


class Batch:
    """What the earlier tasks of one batch used; ``check`` reports a repeat on the later task,
    and ``merge`` the repeats in a share of the batch that a ``Recorder`` noted."""

    __slots__ = ("first", "seen")

    def __init__(self) -> None:
        self.seen: dict[Key, int] = {}  # each value, and the task that used it first
        # the first task is only noted: most documents hold one task, which repeats nothing
        self.first: tuple[int, str, dict[str, Any]] | None = None

    def check(self, index: int, schema_id: str, task: dict[str, Any]) -> list[Finding]:
        if not self.seen:
            if self.first is None:
                self.first = (index, schema_id, task)
                return []
            first, self.first = self.first, None
            self._check(*first)  # nothing came before it: it repeats nothing, and is now seen
        return self._check(index, schema_id, task)

    def _check(self, index: int, schema_id: str, task: dict[str, Any]) -> list[Finding]:
        found = []
        for field in unique_fields(schema_id):
            if (key := key_of(field.name, task)) is not None and (first := self.seen.setdefault(key, index)) != index:
                found.append(_repeat(field, key, first))
        return found

    def merge(self, notes: Notes, shift: int) -> list[tuple[int, str, Key, Finding]]:
        """The repeats in the next share of the batch (its tasks numbered from ``shift``),
        in task order, as ``check`` on each of its tasks would find them: ``(task, schema,
        value, finding)``. The share's values are then seen. A share brings mostly new
        values, so they are compared as sets, not one by one (0.7 us a task, checked one
        by one, in the parent while its workers ran)."""
        firsts, later, runs = notes
        assert self.first is None  # a batch is checked task by task or merged share by share
        seen = self.seen
        found: list[tuple[int, str, Key, int]] = []
        common = firsts.keys() & seen.keys()  # values an earlier share used
        for key in common:
            local = firsts[key]
            found.append((shift + local, _schema_at(runs, local), key, seen[key]))
        for local, schema_id, key in later:  # values used more than once in this share
            found.append((shift + local, schema_id, key, seen[key] if key in seen else shift + firsts[key]))
        for key in common:
            del firsts[key]
        seen.update(zip(firsts, map(shift.__add__, firsts.values()), strict=True))
        found.sort(key=lambda f: f[0])
        return [(index, sid, key, _repeat(_field(sid, key), key, first)) for index, sid, key, first in found]


def _field(schema_id: str, key: Key) -> UniqueField:
    return next(f for f in unique_fields(schema_id) if f.name == key[0])


def _schema_at(runs: list[tuple[int, str]], local: int) -> str:
    return runs[bisect.bisect_right(runs, local, key=lambda r: r[0]) - 1][1]


#: What a share of a batch brings to it (``Recorder.notes``): each value's first task in the
#: share, the later uses ``(task, schema, value)``, and the schema from each task on where
#: it changes ``(task, schema)``; tasks are numbered from the share's first.
Notes = tuple[dict[Key, int], list[tuple[int, str, Key]], list[tuple[int, str]]]


class Recorder(Batch):
    """Notes what each task brings to its batch instead of checking it: for a share of a
    batch linted in another process (a worker's slice of an array). Where the shares meet,
    one ``Batch`` merges the notes in order and reports what a whole run would."""

    __slots__ = ("_names", "later", "runs")

    def __init__(self) -> None:
        super().__init__()
        self.later: list[tuple[int, str, Key]] = []
        self.runs: list[tuple[int, str]] = []
        self._names: tuple[str, ...] = ()  # the unique fields of the schema of ``runs[-1]``

    def check(self, index: int, schema_id: str, task: dict[str, Any]) -> list[Finding]:
        if not self.runs or self.runs[-1][1] is not schema_id:  # (an equal string again: a run too)
            self.runs.append((index, schema_id))
            self._names = tuple(f.name for f in unique_fields(schema_id))
        for name in self._names:
            if (key := key_of(name, task)) is not None and self.seen.setdefault(key, index) != index:
                self.later.append((index, schema_id, key))
        return []

    def notes(self) -> Notes:
        return self.seen, self.later, self.runs
