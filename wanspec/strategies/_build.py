"""Build values from a schema, then repair them until the schema holds.

A draft is built structurally (required fields always, optional fields sometimes, values
from each field's subschema, allowed ``x-pairs`` tuples, ``dependentRequired`` partners).
Cross-field rules are then settled by a generic repair loop: the schema is evaluated, and
each error is repaired according to its *keyword*, never its model (``required``: add the
field; ``not``: drop an optional field the forbidden combination needs; ``anyOf``: satisfy
one branch, drawn; a conditional ``then``'s bounds: redraw the value within them;
``x-pairs``/``x-area``/``x-aspectRatio``: redraw the sizes). Every choice is a hypothesis
draw, so shrinking works and every branch of the schema is reachable.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from ..lint.engine import _depth
from ..records import Severity
from . import _values
from ._schema import ModelSchema, Path

Draw = Callable[[st.SearchStrategy[Any]], Any]
_KEEP_X = ("x-media", "x-pairs", "x-area", "x-aspectRatio")
_SETTLE_ROUNDS = 16


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` narrowed by ``extra`` (a conditional branch's constraints on the same value)."""
    out = dict(base)
    for key, value in extra.items():
        if key.startswith("x-") and key not in _KEEP_X:
            continue
        if key == "properties" and isinstance(out.get("properties"), dict):
            props = dict(out["properties"])
            for name, sub in value.items():
                props[name] = merge(props.get(name, {}), sub) if isinstance(sub, dict) else sub
            out["properties"] = props
        elif key in ("enum", "const"):
            out.pop("enum", None)
            out.pop("const", None)
            out[key] = value
        else:
            out[key] = value
    return out


def forbidden(node: Any) -> bool:
    """A property whose schema is ``{"not": {}}`` (or ``false``): never sent."""
    return node is False or (isinstance(node, dict) and node.get("not") == {})


def get(doc: Any, path: Path) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def put(doc: Any, path: Path, value: Any) -> None:
    get(doc, path[:-1])[path[-1]] = value


def drop(doc: Any, path: Path) -> None:
    parent = get(doc, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1], None)
    elif isinstance(parent, list) and len(parent) > 1 and isinstance(path[-1], int):
        parent.pop(path[-1])


def _infer_type(node: dict[str, Any]) -> str | None:
    if "properties" in node or "required" in node:
        return "object"
    if "items" in node:
        return "array"
    if "x-media" in node or "minLength" in node or "format" in node or "pattern" in node:
        return "string"
    if "minimum" in node or "maximum" in node:
        return "number"
    return None


class Builder:
    """Draws values for one model schema; ``draw`` is hypothesis's."""

    def __init__(self, ms: ModelSchema, draw: Draw, force: frozenset[tuple[str, ...]] = frozenset()) -> None:
        self.ms = ms
        self.draw = draw
        # optional fields always drawn (and the fields on the way to them): where a rule lives
        self.force = frozenset(f[:n] for f in force for n in range(1, len(f) + 1))

    # -- structure -------------------------------------------------------------------------
    def value(self, node: dict[str, Any], path: Path) -> Any:
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        if "const" in node:
            return copy.deepcopy(node["const"])
        if "enum" in node:
            return copy.deepcopy(self.draw(st.sampled_from(node["enum"])))
        types = node.get("type", _infer_type(node))
        kind = self.draw(st.sampled_from(types)) if isinstance(types, list) else types
        if "if" in node:
            plain = {k: v for k, v in node.items() if k not in ("if", "then", "else")}
            plain["type"] = kind
            first = self.value(plain, path)
            branch = node.get("then" if self.ms.valid(first, node["if"]) else "else")
            return self.value(merge(plain, branch), path) if isinstance(branch, dict) else first
        if kind == "object":
            return self.obj(node, path)
        if kind == "array":
            lo = node.get("minItems", 0)
            hi = min(node.get("maxItems", lo + 2), lo + 2)
            count = self.draw(st.integers(lo, max(lo, hi)))
            items = node.get("items", {})
            return [self.value(items, (*path, i)) for i in range(count)]
        if kind in ("integer", "number"):
            return self.draw(_values.number(node, kind == "integer"))
        if kind == "boolean":
            return self.draw(st.booleans())
        if kind == "null":
            return None
        return self.draw(_values.string(node, name))

    def obj(self, node: dict[str, Any], path: Path) -> dict[str, Any]:
        required = node.get("required", [])
        out: dict[str, Any] = {}
        for name, sub in node.get("properties", {}).items():
            if forbidden(sub):
                continue
            here = tuple(p for p in (*path, name) if isinstance(p, str))
            if name in required or here in self.force or self.draw(st.booleans()):
                out[name] = self.value(sub, (*path, name))
        for name, needs in node.get("dependentRequired", {}).items():
            if name in out:
                for need in needs:
                    if need not in out:
                        out[need] = self.value(node.get("properties", {}).get(need, {}), (*path, need))
        pairs = node.get("x-pairs")
        if pairs and any(f in out for f in pairs["fields"]):
            self.set_pair(out, pairs)
        return out

    def set_pair(self, obj: dict[str, Any], config: dict[str, Any]) -> None:
        pair = self.draw(st.sampled_from(config["values"]))
        for field, v in zip(config["fields"], pair, strict=True):
            obj[field] = v

    def set_sizes(self, obj: dict[str, Any], path: Path, keyword: str, config: dict[str, Any]) -> None:
        """Redraw two fields so that every x-area and x-aspectRatio on them holds."""
        fields = config["fields"]
        base = self.ms.base(path)
        listed = [pair for c in self.ms.schema_configs("x-pairs", fields, base) for pair in c["values"]]
        if listed and self.draw(st.booleans()):  # sizes the schema names (e.g. in a condition)
            obj.update(zip(fields, self.draw(st.sampled_from(listed)), strict=True))
            return
        found = {k: self.ms.schema_configs(k, fields, base) for k in ("x-area", "x-aspectRatio")}
        if config not in found[keyword]:
            found[keyword].append(config)
        areas, ratios = found["x-area"], found["x-aspectRatio"]
        lo = max([c.get("min", 0) for c in areas] + [512 * 512]) * 1.02
        hi = min([c["max"] for c in areas if "max" in c] + [2048 * 2048]) * 0.98
        r_lo = max([c.get("min", 0) for c in ratios] + [9 / 16])
        r_hi = min([c.get("max", 99) for c in ratios] + [16 / 9])
        bounds = [base.get("properties", {}).get(f, {}) for f in fields]
        for _ in range(8):
            area = self.draw(st.integers(int(lo), int(max(lo, hi))))
            ratio = self.draw(st.floats(r_lo, max(r_lo, r_hi)))
            w = round(math.sqrt(area * ratio) / 16) * 16
            h = round(math.sqrt(area / ratio) / 16) * 16
            candidate = dict(obj, **{fields[0]: w, fields[1]: h})
            if all(self.ms.valid(candidate[f], b) for f, b in zip(fields, bounds, strict=True)) and all(
                self.ms.valid(candidate, {k: c}) for k, cs in found.items() for c in cs
            ):
                obj.update({fields[0]: w, fields[1]: h})
                return

    # -- repair --------------------------------------------------------------------------------
    def settle(
        self, doc: Any, path: Path = (), schema: Any = None, rounds: int = _SETTLE_ROUNDS, protect: Path | None = None
    ) -> None:
        """Repair ``doc`` at ``path`` until ``schema`` (default: the model schema) holds there.

        Errors under the schema path ``protect`` are left alone (a violation made on purpose).
        """
        for _ in range(rounds):
            target = get(doc, path)
            errors = self.ms.errors(target, schema)
            if schema is None:  # warnings are allowed in a valid payload
                errors = [e for e in errors if self.ms.severity_of(e) is Severity.ERROR]
            if protect is not None:
                errors = [e for e in errors if tuple(e.absolute_schema_path)[: len(protect)] != protect]
            if not errors:
                return
            error = errors[0]
            if not self.flip(doc, path, error, self.ms.schema if schema is None else schema):
                self.repair(doc, path, error)

    def flip(self, doc: Any, at: Path, error: Any, schema: Any) -> bool:
        """Maybe repair an error inside a conditional ``then`` by making its ``if`` false instead.

        (A text-to-video rule broken by ``resolution`` can be met by switching to
        image-to-video as well as by dropping ``resolution``.)
        """
        steps = tuple(error.absolute_schema_path)
        if "then" not in steps or not self.draw(st.booleans()):
            return False
        k = len(steps) - 1 - steps[::-1].index("then")
        node = schema
        for part in steps[:k]:
            node = node[part]
        where = (*at, *error.absolute_path)
        where = where[: len(where) - _depth(steps[k + 1 :])]
        self.violate(doc, where, node["if"])
        return True

    def violate(self, doc: Any, path: Path, condition: Any) -> None:
        """Change ``doc`` at ``path`` so that ``condition`` (an ``if``) is likely false."""
        target = get(doc, path)
        if not isinstance(condition, dict) or not isinstance(target, dict):
            return
        options: list[tuple[str, Any]] = []  # (how, what): drawn, so every way is reachable
        if "not" in condition:
            options.append(("satisfy", condition["not"]))
        keep = set(self.ms.base(path).get("required", ()))
        options += [("drop", n) for n in condition.get("required", ()) if n in target and n not in keep]
        options += [("inside", n) for n in condition.get("properties", {}) if n in target]
        if "anyOf" in condition:
            options.append(("none", condition["anyOf"]))
        if not options:
            return
        how, what = self.draw(st.sampled_from(options))
        if how == "satisfy":
            self.settle(doc, path, what, rounds=4)
        elif how == "drop":
            drop(doc, (*path, what))
        elif how == "inside":
            self.violate(doc, (*path, what), condition["properties"][what])
        else:
            for branch in what:
                self.violate(doc, path, branch)

    def repair(self, doc: Any, at: Path, error: Any) -> None:
        keyword = error.validator
        path = (*at, *error.absolute_path)
        sub = error.schema if isinstance(error.schema, dict) else {}
        instance = error.instance
        if keyword in ("required", "dependentRequired") and isinstance(instance, dict):
            if keyword == "required":
                missing = [n for n in error.validator_value if n not in instance]
            else:
                present = [k for k, ns in error.validator_value.items() if k in instance and set(ns) - set(instance)]
                keep = self.ms.base(path).get("required", ())
                if any(k not in keep for k in present) and self.draw(st.booleans()):
                    for k in present:  # drop the field rather than add its partner
                        if k not in keep:
                            del instance[k]
                    return
                missing = [n for k in present for n in error.validator_value[k] if n not in instance]
            for name in missing:
                node = merge(self.ms.base((*path, name)), sub.get("properties", {}).get(name, {}))
                instance[name] = self.value(node, (*path, name))
        elif keyword == "not":
            inner = error.validator_value
            if inner == {} and path:
                drop(doc, path)
                return
            if not isinstance(instance, dict):
                return
            keep = set(self.ms.base(path).get("required", ()))
            # ways to make the forbidden combination false: drop one field it requires, or
            # every field of its anyOf alternatives
            options = [[n] for n in inner.get("required", ()) if n in instance and n not in keep]
            either = [n for b in inner.get("anyOf", ()) for n in b.get("required", ()) if n in instance]
            if either and not keep & set(either):
                options.append(either)
            if options:
                for name in self.draw(st.sampled_from(options)):
                    instance.pop(name, None)
        elif keyword in ("anyOf", "oneOf"):
            branch = self.draw(st.sampled_from(error.validator_value))
            self.settle(doc, path, branch, rounds=4)
        elif keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
            for name in [n for n in instance if n not in sub.get("properties", {})]:
                del instance[name]
        elif keyword == "x-pairs":
            self.set_pair(instance, error.validator_value)
        elif keyword in ("x-area", "x-aspectRatio"):
            self.set_sizes(instance, path, keyword, error.validator_value)
        elif path:
            put(doc, path, self.value(merge(self.ms.base(path), sub), path))


@st.composite
def drafts(draw: Draw, ms: ModelSchema, force: frozenset[tuple[str, ...]] = frozenset()) -> dict[str, Any]:
    """A payload built from the schema and settled; the caller still checks it with the linter."""
    builder = Builder(ms, draw, force)
    payload = builder.obj(ms.schema, ())
    builder.settle(payload)
    return payload
