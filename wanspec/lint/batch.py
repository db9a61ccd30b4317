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


class Batch:
    """What the earlier tasks of one batch used; ``check`` reports a repeat on the later task."""

    __slots__ = ("first", "seen")

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str] | tuple[str, str, None], int] = {}
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
            value = task.get(field.name)
            if isinstance(value, dict | list) or field.name not in task:
                continue  # structure is reported by the schema; only plain values can repeat
            # a string stands for itself; other values by their JSON (1, 1.0 and true are equal in Python)
            key = (field.name, value) if type(value) is str else (field.name, json.dumps(value), None)
            first = self.seen.setdefault(key, index)
            if first == index:
                continue
            text = f"{field.name} {json.dumps(value)} is already used by task {first} of this batch"
            text += "; each task needs its own"
            if field.doc:
                text = f"{text} [{field.doc}]"
            severity = _catalog.rules()[field.code].severity
            found.append(Finding(field.code, severity, text, f"/{field.name}", doc=field.doc))
        return found


#: What one task brings to its batch: its index, its schema, and its unique fields' values.
Record = tuple[int, str, dict[str, Any]]


class Recorder(Batch):
    """Notes what each task brings to its batch instead of checking it: for a share of a
    batch linted in another process (a worker's slice of an array). Where the shares meet,
    one ``Batch`` checks the records in task order and reports what a whole run would."""

    __slots__ = ("records",)

    def __init__(self) -> None:
        super().__init__()
        self.records: list[Record] = []

    def check(self, index: int, schema_id: str, task: dict[str, Any]) -> list[Finding]:
        fields = unique_fields(schema_id)
        if fields:
            # only plain values can repeat (``check`` skips the rest), and a big value need not travel
            values = {
                f.name: task[f.name] for f in fields if f.name in task and not isinstance(task[f.name], dict | list)
            }
            self.records.append((index, schema_id, values))
        return []
