"""Lower a wanspec schema to plain draft 2020-12 for other validators and editors.

* ``x-pairs`` becomes ``if required(fields) then anyOf(const tuples)``: same verdict.
* Rules of warning severity are dropped (a standard validator has only pass/fail).
* ``x-area``, ``x-aspectRatio`` and ``x-media`` have no standard equivalent and are
  dropped; every other ``x-`` annotation is removed, except ``x-doc`` which becomes
  ``description`` so editors show the documentation on hover.
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
    return {
        "if": {"required": fields},
        "then": {
            "anyOf": [
                {"properties": {f: {"const": v} for f, v in zip(fields, pair, strict=True)}}
                for pair in config["values"]
            ]
        },
    }


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
    return out


def to_standard(schema: dict[str, Any], schema_id: str) -> dict[str, Any]:
    lowered: dict[str, Any] = _lower(schema)
    lowered["$comment"] = (
        f"Exported by wanspec from its schema {schema_id}: standard draft 2020-12. "
        "Warnings, pixel-area, aspect-ratio and inline-media checks are wanspec-only."
    )
    return lowered
