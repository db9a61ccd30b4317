"""``wanspec explain CODE``: a rule's documentation, its sources, and a live example."""

from __future__ import annotations

import json
from typing import Any

from ..catalog import store
from ..catalog.views import get_rule, list_schemas
from .engine import _index_tags, compiled
from .run import LintOptions, lint_bytes


def citations(code: str) -> list[tuple[str, str]]:
    """(schema id, doc citation) for every place a schema tags ``code``."""

    keywords = {k for k, c in store.keyword_codes().items() if c == code and k.startswith("x-")}
    out: list[tuple[str, str]] = []
    for entry in list_schemas():
        c = compiled(entry.id)
        written: dict[tuple[str | int, ...], dict[str, object]] = {}
        _index_tags(c.schema, (), written)  # the schema as written, not the guarded form
        for path, tags in written.items():
            rule = tags.get("x-rule")
            codes = {rule} if isinstance(rule, str) else set(rule.values()) if isinstance(rule, dict) else set()
            node: Any = c.schema
            for part in path:
                node = node[part]
            if code in codes or keywords & set(node):
                doc = next(
                    (
                        written[path[:i]]["x-doc"]
                        for i in range(len(path), -1, -1)
                        if "x-doc" in written.get(path[:i], {})
                    ),
                    None,
                )
                if isinstance(doc, str) and (entry.id, doc) not in out:
                    out.append((entry.id, doc))
    return out


def explain(code_or_name: str) -> str:
    rule = get_rule(code_or_name)
    lines = [f"{rule.code} {rule.name} ({rule.severity}, {rule.category})", "", rule.summary, ""]
    if rule.explanation:
        lines += [rule.explanation, ""]
    if rule.fix:
        lines += [f"Fixable: `wanspec lint --fix` applies the safe {rule.fix} fix where it is unambiguous.", ""]
    sources = citations(rule.code)
    if sources:
        lines.append("Where the docs state it:")
        lines += [f"  {sid}: {doc}" for sid, doc in sources]
        lines.append("")
    example = rule.example
    if example:
        if "text" in example:
            data = example["text"].encode("utf-8")
            name = example.get("file", "example.json")
            shown = example["text"]
        else:
            data = json.dumps(example["payload"], ensure_ascii=False, indent=2).encode("utf-8")
            name = "example.json"
            shown = data.decode("utf-8")
        schema = example.get("schema")
        lines.append("Example" + (f" (schema {schema}):" if schema else ":"))
        lines += ["  " + ln for ln in (shown[:400] + ("…" if len(shown) > 400 else "")).splitlines() or [""]]
        result = lint_bytes(name, data, LintOptions(schema=schema, select=(rule.code,)))
        lines.append("wanspec reports:")
        for d in result.diagnostics:
            where = f"{d.line}:{d.column}" if d.line else "-"
            lines.append(f"  {where} {d.code} {d.message}")
        if not result.diagnostics:
            lines.append("  (nothing: the example no longer triggers this rule)")
    store.rules()  # keep the catalogue loaded for callers that list rules next
    return "\n".join(lines) + "\n"
