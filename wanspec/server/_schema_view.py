"""What a model's schema says about one place in one task: keys, allowed values, docs.

Generic over the bundled schemas (dereferenced once by the engine): starting at the task,
follow ``properties``/``items`` down the pointer, and at each level take the in-place
applicators that apply to *this* task: every ``allOf`` branch, the ``then`` or ``else``
an ``if`` chooses (evaluated on the task's real value), the ``anyOf``/``oneOf`` branches
the value satisfies, ``dependentSchemas`` whose key is present. What is left is the set of
subschemas that constrain the value at the pointer, so a duration under a workflow's
``if``/``then`` gets that workflow's maximum, and a field the model forbids outright
(``not: {}``, ``false``) is recognised as forbidden. Nothing here names a model or a field.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema_rs

from ..catalog import store as _catalog
from ..jsontools import pointer_of, split_pointer
from ..lint.engine import compiled
from ..lint.run import choose_schema
from ..recordtype import field, recordclass

MISSING: Any = object()  # the value is not in the task (yet): conditions on it cannot be decided


_VALIDATORS: dict[int, tuple[Any, Any]] = {}  # id(subschema) -> (subschema, validator): schemas live forever


def _valid(schema: Any, value: Any) -> bool:
    if isinstance(schema, bool):
        return schema
    hit = _VALIDATORS.get(id(schema))
    if hit is None or hit[0] is not schema:
        try:
            validator = jsonschema_rs.validator_for(schema)
        except (ValueError, TypeError):  # a subschema jsonschema-rs cannot compile alone: undecided
            validator = None
        hit = _VALIDATORS[id(schema)] = (schema, validator)
    if hit[1] is None:
        return True
    try:
        return bool(hit[1].is_valid(value))
    except (ValueError, OverflowError, RecursionError):
        return False


def _child(value: Any, token: str) -> Any:
    if isinstance(value, dict):
        return value.get(token, MISSING)
    if isinstance(value, list) and token.isdigit() and int(token) < len(value):
        return value[int(token)]
    return MISSING


def applicable(schema: dict[str, Any], task: Any, pointer: str) -> list[dict[str, Any]]:
    """The subschemas that constrain the value at ``pointer`` in ``task``."""
    out: list[dict[str, Any]] = []
    _visit(schema, task, split_pointer(pointer), out, 0)
    return out


def _visit(node: Any, value: Any, tokens: list[str], out: list[dict[str, Any]], depth: int) -> None:
    if not isinstance(node, dict) or depth > 64:
        if node is False and not tokens:
            out.append({"not": {}})
        return
    if not tokens:
        out.append(node)
    else:
        head, rest = tokens[0], tokens[1:]
        child = _child(value, head)
        props = node.get("properties", {})
        if head in props:
            _visit(props[head], child, rest, out, depth + 1)
        elif head.isdigit() and "items" in node:
            _visit(node["items"], child, rest, out, depth + 1)
        elif "additionalProperties" in node and not head.isdigit():
            _visit(node["additionalProperties"], child, rest, out, depth + 1)
    for sub in node.get("allOf", ()):
        _visit(sub, value, tokens, out, depth + 1)
    for key in ("anyOf", "oneOf"):
        for sub in node.get(key, ()):
            if value is MISSING or _valid(sub, value):
                _visit(sub, value, tokens, out, depth + 1)
    if "if" in node and value is not MISSING:
        branch = node.get("then") if _valid(node["if"], value) else node.get("else")
        if branch is not None:
            _visit(branch, value, tokens, out, depth + 1)
    if isinstance(value, dict):
        for name, sub in node.get("dependentSchemas", {}).items():
            if name in value:
                _visit(sub, value, tokens, out, depth + 1)


def forbidden(nodes: list[dict[str, Any]]) -> bool:
    """Whether any of these subschemas accepts nothing (a key the model does not take)."""
    return any(n.get("not") == {} for n in nodes)


@recordclass(frozen=False, slots=False)
class Allowed:
    """What the schema allows at one place, gathered from its applicable subschemas."""

    types: list[str] = field(default_factory=list)
    values: list[Any] | None = None  # enum/const, when the schema lists them
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pairs: list[tuple[tuple[str, ...], list[list[Any]]]] = field(default_factory=list)  # (fields, value rows)
    docs: list[str] = field(default_factory=list)
    forbidden: bool = False
    message: str | None = None  # a forbidden key's reason (x-message)

    def lines(self, name: str) -> list[str]:
        """Markdown lines: the allowed values, most specific first."""
        out: list[str] = []
        if self.forbidden:
            return [f"`{name}` is not accepted here" + (f": {self.message}" if self.message else ".")]
        for fields, rows in self.pairs:
            shown = ", ".join("×".join(str(v) for v in row) for row in rows)
            out.append(f"Allowed {'×'.join(fields)}: {shown}")
        if self.values is not None:
            out.append("Allowed values: " + ", ".join(f"`{_json(v)}`" for v in self.values))
        bounds = _range(self.minimum, self.maximum)
        if bounds:
            out.append(f"Allowed range: {bounds}")
        length = _range(self.min_length, self.max_length)
        if length:
            out.append(f"Length (characters): {length}")
        if self.types:
            out.append("Type: " + " or ".join(self.types))
        return out


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _range(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return ""
    if lo is None:
        return f"at most {hi:g}"
    if hi is None:
        return f"at least {lo:g}"
    return f"{lo:g}–{hi:g}"


def allowed_at(schema_id: str, task: Any, pointer: str) -> Allowed:
    """What the schema of ``schema_id`` allows at ``pointer`` in ``task``."""
    schema = compiled(schema_id).schema
    nodes = applicable(schema, task, pointer)
    out = Allowed(forbidden=forbidden(nodes))
    for n in nodes:
        if n.get("not") == {} and isinstance(n.get("x-message"), str):
            out.message = n["x-message"]
        t = n.get("type")
        for name in [t] if isinstance(t, str) else t if isinstance(t, list) else []:
            if name not in out.types:
                out.types.append(name)
        listed = [n["const"]] if "const" in n else n.get("enum")
        if isinstance(listed, list):
            out.values = listed if out.values is None else [v for v in out.values if v in listed]
        out.minimum = _tighter(out.minimum, n.get("minimum"), max)
        out.maximum = _tighter(out.maximum, n.get("maximum"), min)
        out.min_length = _tighter(out.min_length, n.get("minLength"), max)
        out.max_length = _tighter(out.max_length, n.get("maxLength"), min)
        doc = n.get("x-doc")
        if isinstance(doc, str) and doc not in out.docs:
            out.docs.append(doc)
    tokens = split_pointer(pointer)
    if tokens:
        parent = pointer_of(tokens[:-1])
        for n in applicable(schema, task, parent):
            config = n.get("x-pairs")
            if isinstance(config, dict) and tokens[-1] in config.get("fields", ()):
                out.pairs.append((tuple(config["fields"]), list(config.get("values", []))))
    return out


def _tighter(current: Any, new: Any, pick: Any) -> Any:
    if not isinstance(new, (int, float)) or isinstance(new, bool):
        return current
    return new if current is None else pick(current, new)


def keys_at(schema_id: str, task: Any, pointer: str) -> dict[str, str]:
    """Keys the object at ``pointer`` accepts (forbidden ones left out), each with its doc."""
    schema = compiled(schema_id).schema
    out: dict[str, str] = {}
    for n in applicable(schema, task, pointer):
        for name, sub in n.get("properties", {}).items():
            if name in out:
                continue
            child = pointer_of([*split_pointer(pointer), name])
            if forbidden(applicable(schema, task, child)):
                continue
            doc = sub.get("x-doc") if isinstance(sub, dict) else None
            out[name] = doc if isinstance(doc, str) else ""
    return out


def pair_fields(schema_id: str, task: Any, pointer: str) -> tuple[str, ...]:
    """The fields of the ``x-pairs`` rule that applies to the object at ``pointer`` (if any)."""
    for n in applicable(compiled(schema_id).schema, task, pointer):
        config = n.get("x-pairs")
        if isinstance(config, dict):
            return tuple(config.get("fields", ()))
    return ()


@cache
def pairs_code() -> str | None:
    """The rule code of ``x-pairs`` findings (rules.json ``keywords``)."""
    return _catalog.keyword_codes().get("x-pairs")


def model_ids() -> list[str]:
    """Every model id a schema is chosen by."""
    return sorted(_catalog.catalog().by_model)


def schema_for(task: Any, forced: str | None) -> str | None:
    """The schema id the linter would choose for ``task`` (None when it cannot)."""
    if not isinstance(task, dict):
        return forced
    schema_id, _ = choose_schema(task, forced)
    return schema_id
