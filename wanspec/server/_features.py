"""Hover, completion and code actions over one document's text and latest diagnostics.

Pure functions of the text, its parsed value and the diagnostics the last lint produced;
the server (``_server``) wires them to the protocol. Everything shown comes from the
schemas and the rule catalogue: rule docs from ``rules.json``, citations from ``x-doc``,
public addresses from ``rules.json`` ``sources``, allowed values from the subschemas
that apply at the cursor (``_schema_view``).
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from lsprotocol import types

from ..catalog import store as _catalog
from ..jsontools import escape_token, pointer_of, split_pointer, unescape_token
from ..lint.positions import walk
from ..lint.run import LintOptions
from ..project import fix as _fix
from ..records import Diagnostic
from ..recordtype import recordclass, replace
from . import _schema_view as view
from ._context import Context, context_at
from ._diagnostics import parse, span, to_lsp
from ._text import LineIndex, skip_ws, value_end

SHOW_RULE = "wanspec.showRule"


@recordclass(frozen=False, slots=False)
class Snapshot:
    """One version of a document: its text, parsed value and the diagnostics linted from it."""

    uri: str
    path: str
    text: str
    index: LineIndex
    value: Any  # parsed document, None when it does not parse
    diagnostics: list[Diagnostic]
    forced_schema: str | None = None
    options: LintOptions | None = None  # what the lint ran with (None: the document was not linted)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """The character range of each diagnostic (computed once, for every hover and action)."""
        return [span(d, self.index, self.value) for d in self.diagnostics]


# -- where the cursor is in the task ------------------------------------------------------
@recordclass
class Place:
    task: Any  # the task's value (from the last parse), None if unknown
    schema: str | None
    pointer: str  # inside the task
    context: Context
    base: str = ""  # the task's pointer from where the text is walked ("/3" in an array file)
    origin: int = 0  # where that walk starts (a JSON Lines task: its line)


def place_at(snap: Snapshot, offset: int) -> Place:
    if snap.path.endswith(".jsonl"):  # one task a line: the line is the document
        origin = snap.text.rfind("\n", 0, offset) + 1
        end = snap.text.find("\n", offset)
        line = snap.text[origin : end if end >= 0 else len(snap.text)]
        ctx = context_at(line, offset - origin)
        ctx = replace(ctx, start=ctx.start + origin, end=ctx.end + origin)
        task: Any = parse(line)
        base, tokens = "", ctx.value_path if ctx.kind != "key" else ctx.path
    else:
        origin = 0
        ctx = context_at(snap.text, offset)
        tokens = ctx.value_path if ctx.kind != "key" else ctx.path
        task, base = snap.value, ""
        if isinstance(snap.value, list):
            task = None
            if tokens and tokens[0].isdigit() and int(tokens[0]) < len(snap.value):
                task, base = snap.value[int(tokens[0])], f"/{tokens[0]}"
            tokens = tokens[1:]
    schema = view.schema_for(task, snap.forced_schema) if isinstance(task, dict) else snap.forced_schema
    return Place(task if isinstance(task, dict) else None, schema, pointer_of(tokens), ctx, base, origin)


# -- hover ---------------------------------------------------------------------------------
def _cite(doc: str) -> str:
    links = ", ".join(f"[{name}]({url})" for name, url in _catalog.source_urls(doc))
    return f"Source: {doc}" + (f" ({links})" if links else "")


def rule_markdown(code: str, doc: str | None = None) -> str:
    rules = _catalog.rules()
    if code not in rules:
        return f"**{code}**"
    rule = rules[code]
    parts = [f"**{rule.code}** `{rule.name}` ({rule.severity})", rule.summary]
    if rule.explanation:
        parts.append(rule.explanation)
    if rule.fix:
        parts.append(f"Fixable: `wanspec lint --fix` applies the safe {rule.fix} fix (code action).")
    if doc:
        parts.append(_cite(doc))
    return "\n\n".join(parts)


def hover(snap: Snapshot, offset: int) -> types.Hover | None:
    sections: list[str] = []
    for d, (start, end) in zip(snap.diagnostics, snap.spans, strict=True):
        if start <= offset <= max(end, start + 1):
            sections.append(rule_markdown(d.code, d.doc))
    where = place_at(snap, offset)
    key = _typed_key(snap.text[where.context.start : where.context.end])
    if where.context.kind == "key" and key is not None:  # on a key: its field
        where = replace(where, pointer=f"{where.pointer}/{escape_token(key)}")
    if where.schema is not None and where.task is not None and where.pointer:
        name = unescape_token(where.pointer.rsplit("/", 1)[-1])
        allowed = view.allowed_at(where.schema, where.task, where.pointer)
        lines = [f"**{name}** ({where.schema})", *allowed.lines(name)]
        lines += [_cite(doc) for doc in allowed.docs[:3]]
        if len(lines) > 1:
            sections.append("\n\n".join(lines))
    if not sections:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, "\n\n---\n\n".join(sections)))


# -- completion -----------------------------------------------------------------------------
def completion(snap: Snapshot, offset: int) -> list[types.CompletionItem]:
    where = place_at(snap, offset)
    ctx = where.context
    replace = snap.index.range(ctx.start, ctx.end)
    if ctx.kind == "key":
        return _key_items(snap, where, replace)
    if ctx.kind == "value":
        return _value_items(snap, where, replace)
    return []


def _key_items(snap: Snapshot, where: Place, replace: types.Range) -> list[types.CompletionItem]:
    ctx = where.context
    present = set(ctx.keys)
    if isinstance(where.task, dict):  # keys after the cursor count too
        node = _at(where.task, where.pointer)
        if isinstance(node, dict):
            present |= set(node)
    if where.schema is None:
        keys = {"model": "the model id; its schema decides every other key"} if not where.pointer else {}
    else:
        keys = view.keys_at(where.schema, where.task or {}, where.pointer)
    text = snap.text
    colon = _has_colon_after(text, snap.index.offset(replace.end))
    items = []
    for name, doc in keys.items():
        if name in present and name != _typed_key(text[ctx.start : ctx.end]):
            continue
        quoted = json.dumps(name)
        items.append(
            types.CompletionItem(
                label=name,
                kind=types.CompletionItemKind.Property,
                detail=where.schema,
                documentation=types.MarkupContent(types.MarkupKind.Markdown, _cite(doc)) if doc else None,
                filter_text=quoted,
                text_edit=types.TextEdit(replace, quoted if colon else f"{quoted}: "),
            )
        )
    return items


def _typed_key(raw: str) -> str | None:
    """The key written in the token under the cursor (None when it is not a whole string)."""
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _has_colon_after(text: str, offset: int) -> bool:
    return text.startswith(":", skip_ws(text, offset))


def _at(value: Any, pointer: str) -> Any:
    for token in split_pointer(pointer):
        value = view._child(value, token)
    return value


def _value_items(snap: Snapshot, where: Place, replace: types.Range) -> list[types.CompletionItem]:
    items: list[types.CompletionItem] = []
    seen: set[str] = set()

    def add(
        value: Any, label: str | None = None, detail: str | None = None, extra: list[types.TextEdit] | None = None
    ) -> None:
        text = json.dumps(value, ensure_ascii=False)
        key = label or text
        if key in seen:
            return
        seen.add(key)
        items.append(
            types.CompletionItem(
                label=key,
                kind=types.CompletionItemKind.Value,
                detail=detail,
                filter_text=text,
                sort_text=f"{len(items):04d}",
                text_edit=types.TextEdit(replace, text),
                additional_text_edits=extra,
            )
        )

    if where.pointer == "/model" or (where.schema is None and where.pointer in ("", "/model")):
        for model in view.model_ids():
            entry = _catalog.catalog().by_model[model]
            add(model, detail=entry.title)
        return items
    if where.schema is None or where.task is None:
        return items
    allowed = view.allowed_at(where.schema, where.task, where.pointer)
    if allowed.forbidden:
        return items
    name = split_pointer(where.pointer)[-1]
    for fields, rows in allowed.pairs:
        mine = fields.index(name)
        for row in rows:
            extra = _other_fields(snap, where, fields, row, mine)
            add(row[mine], label="×".join(str(v) for v in row), detail=f"{'×'.join(fields)}", extra=extra)
    for v in allowed.values or ():
        add(v, detail="allowed value")
    return items


def _other_fields(
    snap: Snapshot, where: Place, fields: tuple[str, ...], row: list[Any], mine: int
) -> list[types.TextEdit] | None:
    """Edits setting the pair's other fields that are already written, so a pick fixes the pair."""
    parent = where.pointer.rsplit("/", 1)[0]
    edits = []
    for i, other in enumerate(fields):
        if i == mine:
            continue
        try:
            at = walk(snap.text, f"{where.base}{parent}/{other}", start=where.origin)
        except (ValueError, RecursionError, IndexError, StopIteration):
            at = None
        end = value_end(snap.text, at) if at is not None else None
        if at is not None and end is not None:
            edits.append(types.TextEdit(snap.index.range(at, end), json.dumps(row[i])))
    return edits or None


# -- code actions -----------------------------------------------------------------------------
def code_actions(
    snap: Snapshot, start: int, end: int, only: list[str] | None
) -> list[types.CodeAction | types.Command]:
    wanted = [
        d
        for d, where in zip(snap.diagnostics, snap.spans, strict=True)
        if _overlaps(where, (start, end)) and d.file == snap.path
    ]
    out: list[types.CodeAction | types.Command] = []
    quick = _kind_wanted(only, types.CodeActionKind.QuickFix)
    for d in wanted if quick else ():
        edits = _fix.edits_for([d], snap.text)
        if edits:
            rule = _catalog.rules()[d.code]
            out.append(
                types.CodeAction(
                    title=f"Fix {d.code} ({rule.name}) at {d.pointer or 'the task'}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[_lsp_ref(d, snap)],
                    is_preferred=True,
                    edit=_workspace_edit(snap, edits),
                )
            )
    for code in dict.fromkeys(d.code for d in wanted) if quick else ():
        name = _catalog.rules()[code].name if code in _catalog.rules() else code
        # a bare Command (LSP allows them in this list): lsprotocol's own client reads any
        # CodeAction carrying a command back as a Command, with the command garbled
        out.append(types.Command(title=f"Show rule {code} ({name})", command=SHOW_RULE, arguments=[code]))
    if _kind_wanted(only, FIX_ALL) and snap.options is not None:
        # as `wanspec lint --fix`: only when the fixed text lints strictly better
        outcome = _fix.fix_bytes(snap.path, snap.text.encode("utf-8", "surrogatepass"), snap.options)
        edits = _fix.edits_for(outcome.before.diagnostics, snap.text) if outcome.text is not None else []
        if edits:
            out.append(
                types.CodeAction(title="Fix all wanspec findings", kind=FIX_ALL, edit=_workspace_edit(snap, edits))
            )
    return out


FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.wanspec"


def _kind_wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= max(b[1], b[0]) and b[0] <= max(a[1], a[0] + 1)


def _lsp_ref(d: Diagnostic, snap: Snapshot) -> types.Diagnostic:
    return to_lsp([d], snap.index, snap.value)[0]


def _workspace_edit(snap: Snapshot, edits: list[Any]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(
        changes={snap.uri: [types.TextEdit(snap.index.range(e.start, e.end), e.new) for e in edits]}
    )
