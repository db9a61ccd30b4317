"""Lower a wanspec schema to plain draft 2020-12 for other validators and editors.

* ``x-pairs`` becomes, for two integer fields, "the second field is one of its values,
  and given the second, the first is one of those it pairs with" (``if``/``then`` per
  value, with ``enum``): the same verdict as the pair list, but an editor reports it on
  the field to change with a readable message, and a string width is reported once (as
  a type error) instead of twice. Other shapes fall back to ``anyOf`` over the tuples.
* Rules of warning severity are dropped (a standard validator has only pass/fail).
* ``x-area``, ``x-aspectRatio`` and ``x-media`` have no standard equivalent and are
  dropped; every other ``x-`` annotation is removed or turned into what editors read:
  ``x-doc`` becomes ``description`` and a ``markdownDescription`` linking the provider's
  page (``rules.json`` ``sources``); ``x-message`` becomes ``errorMessage`` (and
  ``patternErrorMessage``, so a pattern is explained, not printed); a key the model
  rejects outright (``not: {}``) gets ``doNotSuggest`` so completion leaves it out.
  Validators ignore these annotations, so the verdicts are unchanged.
"""

from __future__ import annotations

from typing import Any

from ..records import Severity
from . import store


def _is_warning(node: dict[str, Any]) -> bool:
    if node.get("x-severity") == "warning":
        return True
    rule = node.get("x-rule")
    if isinstance(rule, str):
        r = store.rules().get(rule)
        return r is not None and r.severity is Severity.WARNING and "x-severity" not in node
    return False


def _pairs(config: dict[str, Any]) -> dict[str, Any]:
    fields = config["fields"]
    if len(fields) == 2 and all(isinstance(v, int) for row in config["values"] for v in row):
        return _pair_enums(fields, config["values"])
    return {
        "if": {"required": fields},
        "then": {
            "anyOf": [
                {"properties": {f: {"const": v} for f, v in zip(fields, pair, strict=True)}}
                for pair in config["values"]
            ]
        },
    }


def _pair_enums(fields: list[str], rows: list[list[int]]) -> dict[str, Any]:
    first, second = fields
    sizes = ", ".join(f"{a}×{b}" for a, b in rows)
    by_second: dict[int, list[int]] = {}
    for a, b in rows:
        by_second.setdefault(b, []).append(a)
    checks: list[dict[str, Any]] = [
        {
            "properties": {
                second: {
                    "enum": list(by_second),
                    "errorMessage": f"{first}×{second} must be a supported size: {sizes}",
                }
            }
        }
    ]
    for b, firsts in by_second.items():
        which = " or ".join(str(a) for a in firsts)
        checks.append(
            {
                "if": {"properties": {second: {"const": b}}},
                "then": {
                    "properties": {
                        first: {
                            "enum": firsts,
                            "errorMessage": f"with {second} {b}, {first} must be {which} (supported sizes: {sizes})",
                        }
                    }
                },
            }
        )
    # only when both are integers: a string width is already a type error, not a second finding
    numbers = {f: {"type": "integer"} for f in fields}
    return {"if": {"required": fields, "properties": numbers}, "then": {"allOf": checks}}


def _markdown(citation: str) -> str:
    links = ", ".join(f"[{name}]({url})" for name, url in store.source_urls(citation))
    return f"**Source:** {citation}" + (f"\n\n{links}" if links else "")


def _messages(node: dict[str, Any], out: dict[str, Any]) -> None:
    """What editors read: ``errorMessage``, ``patternErrorMessage``, ``doNotSuggest``."""
    message = node.get("x-message")
    if node.get("not") == {}:
        out["doNotSuggest"] = True
        out["errorMessage"] = message or "this key is not accepted here"
    elif isinstance(message, str):
        out["errorMessage"] = message
    if "pattern" in node:
        rule = node.get("x-rule")
        code = rule.get("pattern") if isinstance(rule, dict) else rule
        summary = store.rules()[code].summary if isinstance(code, str) and code in store.rules() else None
        text = message or summary
        if isinstance(text, str):
            out["patternErrorMessage"] = text


def _lower(node: Any) -> Any:
    if isinstance(node, list):
        return [_lower(v) for v in node]
    if not isinstance(node, dict):
        return node
    if _is_warning(node):
        return {}
    out: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for key, value in node.items():
        if key == "x-pairs":
            extra.append(_pairs(value))
        elif key == "x-doc":
            out.setdefault("description", value)
            out.setdefault("markdownDescription", _markdown(value))
        elif key.startswith("x-"):
            continue
        elif key in ("const", "enum", "default", "examples"):
            out[key] = value
        elif key in ("properties", "$defs", "dependentRequired", "patternProperties", "dependentSchemas"):
            out[key] = {k: _lower(v) for k, v in value.items()} if key != "dependentRequired" else value
        else:
            out[key] = _lower(value)
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    _messages(node, out)
    return out


def to_standard(schema: dict[str, Any], schema_id: str) -> dict[str, Any]:
    lowered: dict[str, Any] = _lower(schema)
    lowered["$comment"] = (
        f"Exported by wanspec from its schema {schema_id}: standard draft 2020-12. "
        "Warnings, pixel-area, aspect-ratio and inline-media checks are wanspec-only."
    )
    return lowered
