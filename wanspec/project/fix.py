"""``wanspec lint --fix``: safe, unambiguous repairs, made as small edits to the file's text.

Which rules can be fixed is data: a rule in ``schemas/rules.json`` names a generic fix
kind (``"fix": "numeric-string"``); this module implements the kinds:

* ``numeric-string``: a number sent as a string (``"5"`` where the docs type a number)
  becomes the number, written exactly as the string spelt it. Strings that are not a
  JSON number as written (``" 5"``, ``"1_000"``, ``"0x10"``) are left alone;
* ``generate-missing``: a missing required field whose schema says how to make a value
  (``"x-generate": "uuid4"`` on Runware's ``taskUUID``) is added. A present but wrong
  value is never replaced: which value was meant is not unambiguous. The value is derived
  from the task itself (its index and canonical JSON), so ``--diff`` shows exactly what
  ``--fix`` writes, and running either twice gives the same bytes.

Edits are made in the text, not by re-serialising the parsed JSON, so indentation, key
order, number spelling, non-ASCII text and the trailing newline stay as they were. A
file is rewritten only when the result lints strictly better (fewer errors, no code
that was not there before), and atomically.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..catalog import store
from ..jsontools import unescape_token
from ..lint.engine import compiled
from ..lint.run import LintOptions, lint_bytes
from ..lint.stack import anywhere
from ..records import Diagnostic, LintResult, Severity
from ..recordtype import recordclass

_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_DECODER = json.JSONDecoder()


@recordclass
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


@recordclass
class FixOutcome:
    """What --fix did to one file: the new text (None: left alone), edits, before and after."""

    text: str | None
    applied: int
    before: LintResult
    after: LintResult

    @property
    def refused(self) -> bool:
        """Fixes were possible but the result would not lint better, so nothing was written."""
        return self.text is None and self.applied > 0


# -- the fix kinds --------------------------------------------------------------------
def _numeric_string(d: Diagnostic, text: str, offset: int) -> Iterator[Edit]:
    try:
        value, end = _DECODER.raw_decode(text, offset)
    except ValueError:
        return
    if isinstance(value, str) and _JSON_NUMBER.fullmatch(value):
        yield Edit(offset, end, value)


def _generate_missing(d: Diagnostic, text: str, offset: int) -> Iterator[Edit]:
    try:
        value, _ = _DECODER.raw_decode(text, offset)
    except ValueError:
        return
    if not isinstance(value, dict) or d.schema is None or not text.startswith("{", offset):
        return
    node = _schema_at(d.schema, d.pointer)
    if node is None:
        return
    properties = node.get("properties", {})
    for name in node.get("required", ()):
        sub = properties.get(name)
        if name in value or not isinstance(sub, dict) or sub.get("x-generate") not in GENERATORS:
            continue
        if d.code == store.rule_codes_by_name().get("missing-field") and f"{name!r}" not in d.message:
            continue  # this finding is about another missing field, one that cannot be made up
        seed = json.dumps([d.task, d.pointer, value], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        yield _insert_first_member(text, offset, name, GENERATORS[sub["x-generate"]](seed), empty=not value)


_FIRST_KEY = re.compile(r'([ \t\r\n]*)"(?:[^"\\]|\\.)*"([ \t\r\n]*:[ \t\r\n]*)')


def _insert_first_member(text: str, brace: int, name: str, value: str, *, empty: bool) -> Edit:
    """Insert ``"name": "value"`` as the object's first member, in the object's own layout:
    the white space before the first key, around its colon and after its comma."""
    after = brace + 1
    first = _FIRST_KEY.match(text, after)
    if empty or first is None:
        return Edit(after, after, f"{json.dumps(name)}: {json.dumps(value)}")
    space, colon = first.group(1), first.group(2)
    member = f"{json.dumps(name)}{colon}{json.dumps(value)}"
    if space:  # one member a line: the old first key's indentation now follows our comma
        return Edit(after, after, f"{space}{member},")
    try:
        _, end = _DECODER.raw_decode(text, first.end())
    except ValueError:
        return Edit(after, after, f"{member},")
    comma = _COMMA.match(text, end)
    return Edit(after, after, f"{member},{comma.group(1) if comma else ''}")


_COMMA = re.compile(r"[ \t\r\n]*,([ \t\r\n]*)")


def _uuid4(seed: str) -> str:
    """A UUID v4 in form (version 4, RFC 4122 variant) whose 122 other bits are a hash of
    ``seed``: unique per distinct task, and the same every time for the same task."""
    import hashlib
    import uuid

    return str(uuid.UUID(bytes=hashlib.sha256(seed.encode("utf-8")).digest()[:16], version=4))


GENERATORS: dict[str, Callable[[str], str]] = {"uuid4": _uuid4}
Fix = Callable[[Diagnostic, str, int], Iterator[Edit]]
FIXES: dict[str, Fix] = {
    "numeric-string": _numeric_string,
    "generate-missing": _generate_missing,
}


def _schema_at(schema_id: str, pointer: str) -> dict[str, Any] | None:
    """The schema of the object at ``pointer`` (following ``properties``), dereferenced."""

    node: Any = compiled(schema_id, "fast").schema
    for part in pointer.split("/")[1:] if pointer else ():
        if not isinstance(node, dict):
            return None
        props = node.get("properties", {})
        key = unescape_token(part)
        if key in props:
            node = props[key]
        elif part.isdigit() and isinstance(node.get("items"), dict):
            node = node["items"]
        else:
            return None
    return node if isinstance(node, dict) else None


# -- one file ---------------------------------------------------------------------------
def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def edits_for(diagnostics: list[Diagnostic], text: str, starts: list[int] | None = None) -> list[Edit]:
    """The edits the fixable diagnostics call for, non-overlapping, in text order."""
    rules = store.rules()
    starts = starts if starts is not None else line_starts(text)
    edits: dict[int, Edit] = {}
    for d in diagnostics:
        kind = rules[d.code].fix if d.code in rules else None
        if kind not in FIXES or d.line is None or d.line > len(starts):
            continue
        offset = starts[d.line - 1] + (d.column or 1) - 1
        for e in _edits(FIXES[kind], d, text, offset):
            edits.setdefault(e.start, e)
    ordered = sorted(edits.values(), key=lambda e: e.start)
    return [e for i, e in enumerate(ordered) if i == 0 or e.start >= ordered[i - 1].end]


def _edits(fix: Fix, d: Diagnostic, text: str, offset: int) -> list[Edit]:
    """``fix``'s edits for ``d``. A task nested too deep for the stack left (the fix reads
    and hashes the task) is fixed on a fresh stack, so whether a finding is
    fixable does not depend on where it is linted (a worker, a serial run, the parent of
    a parallel run); a task too deep even there has no fix."""
    try:
        return anywhere(lambda: list(fix(d, text, offset)))
    except RecursionError:
        return []


def apply(text: str, edits: list[Edit]) -> str:
    """The text with non-overlapping ``edits`` made, in one pass (linear in text and edits)."""
    pieces: list[str] = []
    position = 0
    for e in sorted(edits, key=lambda e: e.start):
        pieces += (text[position : e.start], e.new)
        position = e.end
    pieces.append(text[position:])
    return "".join(pieces)


def _errors(result: LintResult) -> list[Diagnostic]:
    return [d for d in result.diagnostics if d.severity is Severity.ERROR]


def fix_bytes(name: str, data: bytes, options: LintOptions) -> FixOutcome:
    """Fix one file's bytes; ``name`` decides JSON or JSON Lines, as for lint_bytes."""
    before = lint_bytes(name, data, options)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return FixOutcome(None, 0, before, before)
    if text.startswith("\ufeff"):  # positions count from after the mark; leave such files alone
        return FixOutcome(None, 0, before, before)
    edits = edits_for(before.diagnostics, text)
    if not edits:
        return FixOutcome(None, 0, before, before)
    new = apply(text, edits)
    after = lint_bytes(name, new.encode("utf-8"), options)
    old_codes = {d.code for d in before.diagnostics}
    better = len(_errors(after)) < len(_errors(before)) and {d.code for d in after.diagnostics} <= old_codes
    return FixOutcome(new if better else None, len(edits), before, after)
