"""One known violation applied to a valid payload, with the code and pointer it must cause.

The catalogue is derived from the schema: every subschema that applies to the payload
(following ``properties``, ``items``, ``allOf`` and the active side of each ``if``) offers
the violations its keywords allow: a value out of range, of the wrong type or not in the
set; a string too short or too long or of the wrong form; too many or too few items; a
missing required field or dependent partner; an unknown, unsupported or moved field; a
forbidden combination (``not``) made true; every branch of a tagged ``anyOf`` made false;
a size outside ``x-pairs``/``x-area``/``x-aspectRatio``; inline media that breaks
``x-media``. After the violation the rest of the payload is repaired (the violated rule is
left alone) so that the violation is the only one, and python-jsonschema confirms that
every remaining error sits under the violated subschema. The expected code comes from the
schema's tags exactly as documented (nearest ``x-rule``, else the catalogue's keyword
default); the expected pointer from where the rule applies plus its ``x-pointer``.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import strategies as st

from ..catalog import store
from ..lint.engine import _depth
from ..records import Severity
from ..recordtype import recordclass, replace
from ._build import Builder, Draw, drafts, forbidden, get
from ._samples import media_values, not_in, other_value, wrong_type
from ._schema import ModelSchema, Path, SchemaRule, keyword_code, pointer, walk


@recordclass
class InvalidPayload:
    """A payload with exactly one known violation.

    ``code`` and ``pointer`` are what the linter must report (an error, or a warning for
    a documented no-op combination); ``violation`` says what was broken, for people.
    """

    payload: dict[str, Any]
    code: str
    pointer: str
    violation: str

    def __repr__(self) -> str:  # inline media can be megabytes: show its start only
        return (
            f"InvalidPayload(code={self.code!r}, pointer={self.pointer!r}, violation={self.violation!r}, "
            f"payload={shorten(self.payload)!r})"
        )


def shorten(value: Any, limit: int = 200) -> Any:
    """``value`` with strings over ``limit`` characters cut (for messages, never for checks)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}…({len(value):,} characters)"
    if isinstance(value, dict):
        return {k: shorten(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [shorten(v, limit) for v in value]
    return value


@recordclass
class Mutation:
    """A violation on offer: its expected code, the subschema it breaks and how."""

    code: str
    target: Path  # schema path of the subschema that must be the only one failing
    where: Path  # instance path the rule is reported at (before x-pointer)
    rule: SchemaRule
    violation: str
    apply: Callable[[Builder, dict[str, Any]], bool]  # mutates a copy; False: not applicable
    as_number: bool = False  # a number sent as a string: the number itself must be clean too


_UNKNOWN_FIELD = "extraOption"


class Catalogue:
    """The violations a schema offers for one valid payload."""

    def __init__(self, ms: ModelSchema) -> None:
        self.ms = ms

    # -- codes and pointers ------------------------------------------------------------------------
    def custom_code(self, path: Path, keyword: str, name: str) -> SchemaRule:
        """Custom keywords report by rule name unless a plain ``x-rule`` string claims them."""
        rule = self.ms.rule(path, keyword)
        if rule.tagged and isinstance(self.ms.node(rule.tagged_at).get("x-rule"), str):
            return rule
        code = store.rule_codes_by_name()[name]
        severity = rule.severity if rule.tagged else store.rules()[code].severity
        return SchemaRule(code, severity, rule.pointer_suffix, rule.tagged_at, rule.tagged)

    def expected_pointer(self, mutation: Mutation) -> str:
        rule = mutation.rule
        where = mutation.where
        if rule.pointer_suffix is None:
            return pointer(where)
        steps = mutation.target[len(rule.tagged_at) :]
        depth = _depth(steps)
        return pointer(where[: len(where) - depth]) + rule.pointer_suffix

    # -- the catalogue ----------------------------------------------------------------------------
    def active(self, payload: dict[str, Any]) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
        """(schema path, instance path, subschema) for every subschema applying to the payload."""

        def visit(node: Any, sp: Path, ip: Path) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
            if not isinstance(node, dict):
                return
            inst = get(payload, ip)
            yield sp, ip, node
            if isinstance(inst, dict):
                for name, sub in node.get("properties", {}).items():
                    if name in inst:
                        yield from visit(sub, (*sp, "properties", name), (*ip, name))
            if isinstance(inst, list) and inst and isinstance(node.get("items"), dict):
                for i in range(len(inst)):
                    yield from visit(node["items"], (*sp, "items"), (*ip, i))
            for i, sub in enumerate(node.get("allOf", [])):
                yield from visit(sub, (*sp, "allOf", i), ip)
            if "if" in node:
                side = "then" if self.ms.valid(inst, node["if"]) else "else"
                yield from visit(node.get(side), (*sp, side), ip)

        yield from visit(self.ms.schema, (), ())

    def mutations(self, payload: dict[str, Any]) -> Iterator[Mutation]:
        for sp, ip, node in self.active(payload):
            inst = get(payload, ip)
            yield from self._value_mutations(sp, ip, node, inst)
            if isinstance(inst, dict):
                yield from self._object_mutations(sp, ip, node, inst)
            yield from self._rule_mutations(sp, ip, node, inst)

    def _mut(
        self,
        sp: Path,
        ip: Path,
        keyword: str,
        text: str,
        apply: Callable[[Builder, dict[str, Any]], bool],
        rule: SchemaRule | None = None,
    ) -> Mutation:
        rule = rule or self.ms.rule(sp, keyword)
        return Mutation(rule.code, (*sp, keyword), ip, rule, text, apply)

    def _value_mutations(self, sp: Path, ip: Path, node: dict[str, Any], inst: Any) -> Iterator[Mutation]:
        where = pointer(ip) or "the task"

        def setter(value: Any) -> Callable[[Builder, dict[str, Any]], bool]:
            def apply(b: Builder, doc: dict[str, Any]) -> bool:
                get(doc, ip[:-1])[ip[-1]] = copy.deepcopy(value)
                return True

            return apply

        def as_string(b: Builder, doc: dict[str, Any]) -> bool:
            # the number this draw holds, as a string: a number from another draw may break
            # an unrelated cross-field rule (a duration valid for one workflow only)
            try:
                parent = get(doc, ip[:-1])
                current = parent[ip[-1]]
            except (KeyError, IndexError, TypeError):
                return False
            if isinstance(current, bool) or not isinstance(current, int | float):
                return False
            parent[ip[-1]] = str(current)
            return True

        def maker(make: Callable[[], Any]) -> Callable[[Builder, dict[str, Any]], bool]:
            def apply(b: Builder, doc: dict[str, Any]) -> bool:
                get(doc, ip[:-1])[ip[-1]] = make()
                return True

            return apply

        if not ip:
            return
        if "const" in node and (value := other_value(node["const"])) is not None:
            yield self._mut(sp, ip, "const", f"{where}: {value!r} instead of {node['const']!r}", setter(value))
        if "enum" in node and (value := not_in(node["enum"])) is not None:
            yield self._mut(sp, ip, "enum", f"{where}: {value!r} is not one of {node['enum']}", setter(value))
        if "type" in node and (value := wrong_type(node["type"])) is not None:
            mutation = self._mut(
                sp, ip, "type", f"{where}: a {type(value).__name__} instead of {node['type']}", setter(value)
            )
            yield (
                Mutation(mutation.code, sp, ip, mutation.rule, mutation.violation, mutation.apply)
                if "if" in node
                else mutation
            )
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            if ("integer" in types or "number" in types) and "string" not in types and isinstance(inst, (int, float)):
                rule = self.ms.rule(sp, "type")
                if not rule.tagged:
                    code = keyword_code("type:numeric-string")
                    rule = SchemaRule(code, store.rules()[code].severity, None, (), False)
                stringified = self._mut(sp, ip, "type", f"{where}: a number sent as a string", as_string, rule)
                yield replace(stringified, as_number=True)
        integer = node.get("type") == "integer" or isinstance(inst, int)
        step = 1 if integer else 0.5
        for keyword, value in (
            ("minimum", node.get("minimum")),
            ("maximum", node.get("maximum")),
        ):
            if value is not None and isinstance(inst, (int, float)) and not isinstance(inst, bool):
                bad = value - step if keyword == "minimum" else value + step
                yield self._mut(sp, ip, keyword, f"{where}: {bad} is outside the {keyword} {value}", setter(bad))
        if isinstance(inst, str):
            if node.get("minLength", 0) >= 1:
                short = inst[: node["minLength"] - 1]
                yield self._mut(sp, ip, "minLength", f"{where}: {len(short)} characters", setter(short))
            if "maxLength" in node:
                n = node["maxLength"] + 1
                long = (inst + " ") * (n // max(1, len(inst) + 1) + 1)
                yield self._mut(sp, ip, "maxLength", f"{where}: {n} characters", setter(long[:n]))
            for keyword in ("pattern", "format"):
                if keyword in node and (keyword == "pattern" or "pattern" not in node):
                    other = "format" if keyword == "pattern" else "pattern"
                    if other in node and self.ms.rule(sp, other).code != self.ms.rule(sp, keyword).code:
                        continue  # two codes for one bad value: not a single violation
                    mutation = self._mut(
                        sp, ip, keyword, f"{where}: not a valid {node.get('format', 'value')}", setter("not valid")
                    )
                    yield Mutation(mutation.code, sp, ip, mutation.rule, mutation.violation, mutation.apply)
            if "x-media" in node:
                for name, make, text in media_values(node["x-media"]):
                    rule = self.custom_code(sp, "x-media", name)
                    yield self._mut(sp, ip, "x-media", f"{where}: {text}", maker(make), rule)
        if isinstance(inst, list) and inst:
            if node.get("minItems", 0) >= 1:
                yield self._mut(sp, ip, "minItems", f"{where}: no items", setter([]))
            if "maxItems" in node:
                many = (inst * (node["maxItems"] + 1))[: node["maxItems"] + 1]
                yield self._mut(sp, ip, "maxItems", f"{where}: {len(many)} items", setter(many))

    def _object_mutations(self, sp: Path, ip: Path, node: dict[str, Any], inst: dict[str, Any]) -> Iterator[Mutation]:
        where = pointer(ip) or "the task"
        props = node.get("properties", {})

        def adder(name: str, value: Any) -> Callable[[Builder, dict[str, Any]], bool]:
            def apply(b: Builder, doc: dict[str, Any]) -> bool:
                get(doc, ip)[name] = copy.deepcopy(value)
                return True

            return apply

        def remover(*names: str) -> Callable[[Builder, dict[str, Any]], bool]:
            def apply(b: Builder, doc: dict[str, Any]) -> bool:
                for name in names:
                    get(doc, ip).pop(name, None)
                return True

            return apply

        if node.get("additionalProperties") is False and props:
            rule = self.ms.rule(sp, "additionalProperties")
            yield Mutation(
                rule.code,
                (*sp, "additionalProperties"),
                (*ip, _UNKNOWN_FIELD),
                rule,
                f"unknown field {_UNKNOWN_FIELD}",
                adder(_UNKNOWN_FIELD, True),
            )
            renamed = node.get("x-renamed", {})
            for name in renamed:
                code = keyword_code("x-renamed")
                rule = SchemaRule(code, store.rules()[code].severity, None, (), False)
                yield Mutation(
                    code,
                    (*sp, "additionalProperties"),
                    (*ip, name),
                    rule,
                    f"moved field {name}",
                    adder(name, inst.get(name, "x")),
                )
            prefix = ".".join(str(p) for p in ip if isinstance(p, str))
            for dotted in self.ms.platform_parameters:
                head, _, name = dotted.rpartition(".")
                if head == prefix and name not in props and name not in renamed:
                    code = keyword_code("unsupported-parameter")
                    rule = SchemaRule(code, store.rules()[code].severity, None, (), False)
                    yield Mutation(
                        code,
                        (*sp, "additionalProperties"),
                        (*ip, name),
                        rule,
                        f"{dotted}, which this model does not take",
                        adder(name, 1),
                    )
        for name in node.get("required", ()):
            if name in inst:
                yield self._mut(sp, ip, "required", f"{where}: {name} missing", remover(name))
        for name, needs in node.get("dependentRequired", {}).items():
            required = node.get("required", ())
            if name in inst and all(n not in required for n in needs):
                rule = self.ms.rule(sp, "dependentRequired")
                yield Mutation(
                    rule.code, (*sp, "dependentRequired"), (*ip, name), rule, f"{name} without {needs}", remover(*needs)
                )
        for name, sub in props.items():
            if forbidden(sub) and name not in inst:
                path = (*sp, "properties", name)
                rule = self.ms.rule(path, "not")
                yield Mutation(
                    rule.code,
                    (*path, "not"),
                    (*ip, name),
                    rule,
                    f"{name}, which this model does not take",
                    adder(name, {}),
                )
        for keyword, name in (
            ("x-pairs", "dimension-pair"),
            ("x-area", "pixel-area"),
            ("x-aspectRatio", "aspect-ratio"),
        ):
            if keyword in node:
                rule = self.custom_code(sp, keyword, name)
                yield Mutation(
                    rule.code,
                    (*sp, keyword),
                    ip,
                    rule,
                    f"{where}: a size {keyword} does not allow",
                    self._sizes(ip, keyword, node[keyword]),
                )

    def _sizes(self, ip: Path, keyword: str, config: dict[str, Any]) -> Callable[[Builder, dict[str, Any]], bool]:
        fields = config["fields"]

        def apply(b: Builder, doc: dict[str, Any]) -> bool:
            obj = get(doc, ip)
            if keyword == "x-pairs":
                values = [tuple(v) for v in config["values"]]
                a, c = b.draw(st.sampled_from(values)), b.draw(st.sampled_from(values))
                size = (a[0], c[1]) if (a[0], c[1]) not in values else (a[0] + 16, a[1])
            elif keyword == "x-area":
                lo, hi = config.get("min"), config.get("max")
                small = b.draw(st.booleans()) if lo is not None and hi is not None else lo is not None
                side = (
                    math.floor(math.sqrt(lo)) - 16 if small and lo is not None else math.ceil(math.sqrt(hi or 0)) + 16
                )
                size = (side, side)
            else:
                lo, hi = config.get("min", 0), config.get("max")
                ratio = lo * 0.8 if hi is None or (lo > 0 and b.draw(st.booleans())) else hi * 1.25
                area = 1_000_000
                for c in b.ms.schema_configs("x-area", fields):
                    area = max(area, c.get("min", 0) * 1.05)
                    area = min(area, c.get("max", area) * 0.95) if "max" in c else area
                size = (round(math.sqrt(area * ratio)), round(math.sqrt(area / ratio)))
            obj[fields[0]], obj[fields[1]] = size
            return True

        return apply

    def _rule_mutations(self, sp: Path, ip: Path, node: dict[str, Any], inst: Any) -> Iterator[Mutation]:
        where = pointer(ip) or "the task"
        inner = node.get("not")
        if isinstance(inner, dict) and inner != {}:

            def make_true(b: Builder, doc: dict[str, Any]) -> bool:
                b.settle(doc, ip, inner, rounds=6)
                return self.ms.valid(get(doc, ip), inner)

            yield self._mut(sp, ip, "not", f"{where}: a combination the docs rule out", make_true)
        if "anyOf" in node and self.ms.rule(sp, "anyOf").tagged:

            def make_none(b: Builder, doc: dict[str, Any]) -> bool:
                target = get(doc, ip)
                if not isinstance(target, dict):
                    return False
                for branch in node["anyOf"]:
                    for name in branch.get("required", ()):
                        target.pop(name, None)
                return not any(self.ms.valid(target, branch) for branch in node["anyOf"])

            yield self._mut(sp, ip, "anyOf", f"{where}: none of the accepted alternatives", make_none)
        if "if" in node and not self.ms.valid(inst, node["if"]) and forbidden(node.get("then")):

            def make_if(b: Builder, doc: dict[str, Any]) -> bool:
                b.settle(doc, ip, node["if"], rounds=6)
                return self.ms.valid(get(doc, ip), node["if"])

            path = (*sp, "then")
            rule = self.ms.rule(path, "not")
            yield Mutation(rule.code, path, ip, rule, f"{where}: a combination the docs flag", make_if)


def code_sites(ms: ModelSchema) -> dict[str, set[tuple[str, ...]]]:
    """Every code the schema can emit, with the fields (property paths) where it can arise.

    The codes are the schema's ``x-rule`` tags and the catalogue's defaults for the
    keywords it uses untagged (``type``, ``enum``, ``required``, unknown fields, numbers
    sent as strings, what each ``x-media`` config can find, ...).
    """
    cat = Catalogue(ms)
    sites: dict[str, set[tuple[str, ...]]] = {}
    standard = (
        *("type", "enum", "const", "minimum", "maximum", "minLength", "maxLength", "pattern", "format"),
        *("minItems", "maxItems", "required", "dependentRequired", "not", "anyOf"),
    )
    for path, node in walk(ms.schema):
        if "$defs" in path or "if" in path:
            continue  # definitions are used through $ref; conditions are not rules
        fields = tuple(
            str(path[i + 1])
            for i, p in enumerate(path[:-1])
            if p == "properties" and path[i - 1 : i] != ("properties",)
        )
        codes: set[str] = set()
        tag = node.get("x-rule")
        if isinstance(tag, str):
            codes.add(tag)
        elif isinstance(tag, dict):
            codes.update(tag.values())
        for keyword in standard:
            if keyword in node and (keyword != "anyOf" or ms.rule(path, keyword).tagged):
                codes.add(ms.rule(path, keyword).code)
        if node.get("additionalProperties") is False:
            codes.add(ms.rule(path, "additionalProperties").code)
            if node.get("x-renamed"):
                codes.add(keyword_code("x-renamed"))
        types = node.get("type")
        if types in ("integer", "number") and not ms.rule(path, "type").tagged:
            codes.add(keyword_code("type:numeric-string"))
        for keyword, name in (
            ("x-pairs", "dimension-pair"),
            ("x-area", "pixel-area"),
            ("x-aspectRatio", "aspect-ratio"),
        ):
            if keyword in node:
                codes.add(cat.custom_code(path, keyword, name).code)
        if "x-media" in node:
            codes.update(cat.custom_code(path, "x-media", n).code for n, _, _ in media_values(node["x-media"]))
        for code in codes:
            sites.setdefault(code, set()).add(fields)
    if ms.platform_parameters:
        sites.setdefault(keyword_code("unsupported-parameter"), set()).add(())
    return sites


def _clean(ms: ModelSchema, doc: dict[str, Any], target: Path) -> bool:
    """True when the payload breaks the target subschema and nothing else that is an error."""
    hit = False
    for error in ms.errors(doc):
        under = tuple(error.absolute_schema_path)[: len(target)] == target
        hit = hit or under
        if not under and ms.severity_of(error) is Severity.ERROR:
            return False
    return hit


@st.composite
def invalid(draw: Draw, ms: ModelSchema, code: str | None = None) -> InvalidPayload:
    from hypothesis import assume

    force = frozenset(code_sites(ms).get(code, ())) if code is not None else frozenset()
    valid = draw(drafts(ms, force))
    cat = Catalogue(ms)
    offers: dict[str, list[Mutation]] = {}
    for m in cat.mutations(valid):
        if code is None or m.code == code:
            offers.setdefault(m.code, []).append(m)
    assume(offers)
    codes = sorted(offers)
    # codes first, so that rare rules are drawn as often as common ones; a wide integer
    # (not sampled_from) so that hypothesis's preference for small choices spreads evenly
    choices = offers[codes[draw(st.integers(0, 1 << 16)) % len(codes)]]
    mutation = choices[draw(st.integers(0, 1 << 16)) % len(choices)]
    doc = copy.deepcopy(valid)
    builder = Builder(ms, draw)
    assume(mutation.apply(builder, doc))
    builder.settle(doc, protect=mutation.target)
    assume(_clean(ms, doc, mutation.target))
    if mutation.as_number:
        # the linter re-checks such a field as the number it spells (range and set rules
        # skip strings): that number, where this draw ended up, must break nothing else
        renumbered = copy.deepcopy(doc)
        parent = get(renumbered, mutation.where[:-1])
        parent[mutation.where[-1]] = json.loads(parent[mutation.where[-1]])
        assume(not any(ms.severity_of(e) is Severity.ERROR for e in ms.errors(renumbered)))
    return InvalidPayload(doc, mutation.code, cat.expected_pointer(mutation), mutation.violation)


__all__ = ["Catalogue", "InvalidPayload", "Mutation", "code_sites", "invalid"]
