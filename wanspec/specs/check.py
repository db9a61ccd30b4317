"""``wanspec schemas check``: compare the bundled schemas with the providers' published specs.

Each difference is a :class:`Diagnostic` with a rule of category ``spec`` in ``rules.json``,
whose severity is its meaning for payload authors: ``error`` is *breaking* (a payload that
lints clean would be rejected by what the provider publishes), ``warning`` is *loosening*
(a payload wanspec rejects would be accepted), ``info`` neither. So every report format,
``--select``/``--ignore``, the baseline and the exit status work as for ``lint``.

A finding's file is the bundled schema (``schemas/<provider>/<file>.json``), its line the
property there, its pointer the payload field, and its ``doc`` the published source with
the place in it (a ``TypedDict`` and field, a JSON pointer) and how that source states it.

wanspec's side is read from the dereferenced schema: the top-level properties (a property
whose schema is ``not: {}`` is refused, so not accepted), ``required``, and for value sets
the union of what the conditional branches (``if``/``then``/``else`` in ``allOf``) allow:
a value is accepted when some workflow allows it. Branches conditioned on the model id
apply only when that id is the one compared.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..catalog import store as _catalog
from ..jsontools import escape_token
from ..lint.positions import PositionIndex
from ..lint.run import LintOptions
from ..records import Diagnostic, LintResult, Severity
from .sources import Field, ModelSpec, Published, SpecError, _Resolver, json_schema_types, schema_field, value_type

Sink = Callable[[Diagnostic], None]


# -- wanspec's side -----------------------------------------------------------------------
def _names_model(cond: Any, model: str | None) -> bool | None:
    """Whether an ``if`` that tests only the model id holds for ``model`` (None: not such an if)."""
    if not isinstance(cond, dict) or set(cond) - {"properties", "required"}:
        return None
    props = cond.get("properties")
    if not isinstance(props, dict) or set(props) != {"model"} or not isinstance(props["model"], dict):
        return None
    m = props["model"]
    ids = [m["const"]] if "const" in m else m.get("enum")
    return None if not isinstance(ids, list) else model in ids


def _parts(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A subschema and its unconditional ``allOf`` members (recursively): what always applies with it."""
    out = [node]
    for item in node.get("allOf") or ():
        if isinstance(item, dict) and "if" not in item:
            out.extend(_parts(item))
    return out


def _branches(node: dict[str, Any], model: str | None) -> Iterator[tuple[list[dict[str, Any]], bool]]:
    """(parts of a ``then``/``else``, whether it holds for ``model``) for each conditional branch."""
    for part in _parts(node):
        for item in part.get("allOf") or ():
            if not isinstance(item, dict) or "if" not in item:
                continue
            holds = _names_model(item["if"], model)
            for key in ("then", "else"):
                sub = item.get(key)
                if not isinstance(sub, dict) or (holds is not None and holds != (key == "then")):
                    continue
                yield _parts(sub), holds is not None
                yield from ((p, holds is not None and f) for p, f in _branches(sub, model))


def _is_error_rule(part: dict[str, Any]) -> bool:
    rule = part.get("x-rule")
    code = rule if isinstance(rule, str) else None
    severity = part.get("x-severity") or (_catalog.rules()[code].severity if code in _catalog.rules() else "error")
    return bool(severity == "error")


def bundled_fields(schema: dict[str, Any], model: str | None) -> dict[str, Field]:
    """The payload fields a bundled (dereferenced) schema accepts for ``model``."""
    required = set(schema.get("required") or ())
    for part in _parts(schema)[1:]:  # an unconditional rule that requires a field (Flash: inputs)
        if _is_error_rule(part):
            required |= set(part.get("required") or ())
    refused: set[str] = set()
    branches: dict[str, list[dict[str, Any]]] = {}
    for parts, for_model in _branches(schema, model):
        merged: dict[str, dict[str, Any]] = {}
        for part in parts:
            for name, node in (part.get("properties") or {}).items():
                if isinstance(node, dict):
                    merged.setdefault(name, {}).update(node)
            if for_model and _is_error_rule(part):
                required |= set(part.get("required") or ())
        for name, node in merged.items():
            if for_model and node.get("not") == {}:
                refused.add(name)
            elif not for_model:
                branches.setdefault(name, []).append(node)
    resolver = _Resolver(schema)
    out = {}
    for name, node in (schema.get("properties") or {}).items():
        if name in refused or not isinstance(node, dict) or node.get("not") == {}:
            continue
        f = schema_field(node, name in required, resolver)
        narrowed = [json_schema_types({**node, **b}, resolver) for b in branches.get(name, ())]
        if narrowed and all(v is not None for _, v in narrowed):
            values = frozenset().union(*(v for _, v in narrowed if v is not None))
            types = frozenset().union(*(t for t, _ in narrowed if t is not None))
            f = Field(f.required, types or f.types, values, f.children, f.stated)
        out[name] = f
    return out


def _result_fields(provider: str, task_type: str | None) -> tuple[str, str, dict[str, Field]] | None:
    """(file, pointer, fields) of the response wanspec documents for a task type
    (``resultSchemas`` in rules.json)."""
    ref = (_catalog.providers().get(provider) or {}).get("resultSchemas", {}).get(task_type or "")
    if not ref:
        return None
    file, _, pointer = ref.partition("#")
    doc = _catalog._read(f"{provider}/{file}")
    resolver = _Resolver(doc)
    node = resolver.resolve({"$ref": f"#{pointer}"})
    fields = schema_field(node, True, resolver).children
    return (f"{provider}/{file}", pointer, fields) if fields is not None else None


# -- the comparison ----------------------------------------------------------------------
def _show(values: Iterable[str]) -> str:
    """Values for a message, with runs of integers as ranges (2–4, 6–9)."""
    items = sorted(values, key=lambda t: (value_type(t) not in ("integer", "number"), _num(t), t))
    out: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            out.append(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)))
            run.clear()

    for t in items:
        v = json.loads(t)
        if isinstance(v, int) and not isinstance(v, bool):
            if run and v != run[-1] + 1:
                flush()
            run.append(v)
        else:
            flush()
            out.append(t)
    flush()
    return ", ".join(out)


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def _accepts_type(types: frozenset[str], t: str) -> bool:
    return t in types or (t == "integer" and "number" in types)


class _Checker:
    def __init__(self, published: Published, emit: Sink, options: LintOptions, result: LintResult) -> None:
        self.p, self.emit, self.options, self.result = published, emit, options, result
        self.codes = _catalog.rule_codes_by_name()
        self._texts: dict[str, Any] = {}
        self.in_file: str | None = None  # findings about results live in the provider's response schema

    def report(
        self,
        rule: str,
        message: str,
        entry: _catalog.SchemaEntry | None,
        pointer: str,
        where: str,
        *,
        at: str | None = None,
        hint: str | None = None,
    ) -> None:
        code = self.codes[rule]
        if not self.options.wants(code):
            return
        path = self.in_file or (entry.path if entry is not None else "rules.json")
        file = f"schemas/{path}"
        line, col = self._locate(path, at or "")
        severity = Severity(_catalog.rules()[code].severity)
        if self.options.policy is not None:  # the project config's severities, as for lint
            severity = self.options.policy.severity_of(code, severity)
        d = Diagnostic(
            code,
            severity,
            message,
            file=file,
            pointer=pointer,
            line=line,
            column=col,
            schema=entry.id if entry is not None else None,
            hint=hint,
            doc=self.p.cite(where),
        )
        self.emit(d)

    def _locate(self, path: str, pointer: str) -> tuple[int | None, int | None]:
        if path not in self._texts:
            node = _catalog.schemas_root()
            for part in path.split("/"):
                node = node.joinpath(part)
            try:
                self._texts[path] = PositionIndex(node.read_text(encoding="utf-8"))
            except OSError:
                self._texts[path] = None
        index = self._texts[path]
        return index.locate(pointer, key=True) if index is not None else (None, None)

    # models
    def check_provider(self, entries: list[_catalog.SchemaEntry]) -> None:
        """Every bundled model of the spec's provider, and the spec's models wanspec lacks."""
        provider = self.p.provider or ""
        data = _catalog.providers().get(provider) or {}
        listed = self.p.catalogue or {m: s.slug or "" for m, s in self.p.models.items()}
        claimed: set[str] = set()
        for entry in entries:
            claimed.update(entry.models)
            former = (entry.raw.get("x-wanspec") or {}).get("formerModels") or {}
            matched = [m for m in entry.models if m in self.p.models]
            for model in entry.models:
                if model in listed or model in former:
                    continue
                if matched:
                    self.report(
                        "spec-model-missing",
                        f"{model}: the published list has no such id; this schema also accepts "
                        f"{', '.join(matched)}, which it lists",
                        entry,
                        "/model",
                        "model ids",
                        at="/properties/model",
                    )
                    continue
                renamed = self._renamed(entry, model)
                if renamed is not None:
                    claimed.add(renamed)
                    self.report(
                        "spec-model-renamed",
                        f"{model}: the published spec lists this model as {renamed} "
                        f"(slug {listed.get(renamed) or '?'}); a payload naming {model} lints clean but "
                        "would name a model the provider no longer lists",
                        entry,
                        "/model",
                        self.p.models[renamed].where if renamed in self.p.models else "model ids",
                        at="/properties/model",
                        hint=f"accept {renamed!r} (and keep {model!r} with a warning that names it)",
                    )
                    matched.append(renamed)
                else:
                    self.report(
                        "spec-model-missing",
                        f"{model}: the published spec does not list this model ({len(listed)} models listed); "
                        "it may be retired, or outside what this spec covers",
                        entry,
                        "/model",
                        "model ids",
                        at="/properties/model",
                    )
            if matched and matched[0] in self.p.models:
                self.check_model(entry, self.p.models[matched[0]], matched[0])
        scope = data.get("specScope")
        known = data.get("knownModels") or {}
        if not scope:
            return
        pattern = re.compile(scope)
        for model in sorted(listed):
            if model in claimed or model in known or not pattern.search(model):
                continue
            self.report(
                "spec-model-new",
                f"{model} (slug {listed[model] or '?'}) is published, but wanspec has no schema for it and "
                f"does not list it among the known models (providers.{provider}.knownModels)",
                None,
                f"/providers/{provider}/knownModels/{escape_token(model)}",
                self.p.models[model].where if model in self.p.models else "model ids",
                at=f"/providers/{provider}/knownModels",
            )

    def _renamed(self, entry: _catalog.SchemaEntry, model: str) -> str | None:
        """The published id of a bundled model that the spec lists under another name: the
        same name after the namespace (``runware:x@1`` → ``alibaba:x@1``), or a slug ending
        in the title of the docs section the schema comes from."""
        tail = model.partition(":")[2] or model
        listed = self.p.catalogue or {m: s.slug or "" for m, s in self.p.models.items()}
        same = [m for m in listed if (m.partition(":")[2] or m) == tail]
        if same:
            return same[0]
        titles = {_catalog.squash(d.rsplit("›", 1)[-1]) for d in entry.docs} | {_catalog.squash(entry.title)}
        titles.discard("")
        by_slug = [m for m, slug in listed.items() if slug and any(_catalog.squash(slug).endswith(t) for t in titles)]
        return by_slug[0] if len(by_slug) == 1 else None

    def check_model(self, entry: _catalog.SchemaEntry, theirs: ModelSpec, model: str) -> None:
        """Fields, required-ness, types, value sets and result fields of one model."""
        self.result.tasks += 1
        ours = bundled_fields(_catalog.dereferenced(entry.id), theirs.model if theirs.model in entry.models else model)
        self._fields(entry, model, ours, theirs.params, "", theirs.where, "/properties", result=False)
        if theirs.result is not None:
            mine = _result_fields(entry.provider, theirs.task_type or _task_type(entry))
            if mine is not None:
                self.in_file = mine[0]
                try:
                    self._fields(
                        entry, model, mine[2], theirs.result, "", theirs.where, f"{mine[1]}/properties", result=True
                    )
                finally:
                    self.in_file = None

    def _fields(
        self,
        entry: _catalog.SchemaEntry,
        model: str,
        ours: dict[str, Field],
        theirs: dict[str, Field],
        prefix: str,
        where: str,
        at: str,
        *,
        result: bool,
    ) -> None:
        for name in sorted(set(ours) | set(theirs)):
            if name == "model" and not prefix and not result:
                continue  # ids are compared above, including the ones kept on purpose
            pointer = f"{prefix}/{escape_token(name)}"
            here = f"{at}/{escape_token(name)}"
            cite = f"{where}.{pointer[1:].replace('/', '.')}"
            mine, spec = ours.get(name), theirs.get(name)
            label = f"{model}: result field `{pointer[1:]}`" if result else f"{model}: `{pointer[1:]}`"
            if spec is None:
                if result and mine is not None and not mine.required:
                    continue  # clients already cope with an optional field being absent
                if result:
                    self.report(
                        "spec-result-field-removed",
                        f"{label} is not in the published result",
                        entry,
                        pointer,
                        where,
                        at=here,
                    )
                else:
                    self.report(
                        "spec-field-removed",
                        f"{label} is not in the published spec: a payload sending it lints clean but would be rejected",
                        entry,
                        pointer,
                        where,
                        at=here,
                    )
                continue
            stated = f": {spec.stated}" if spec.stated else ""
            if mine is None:
                if result:
                    self.report(
                        "spec-result-field-added",
                        f"{label} is published{stated}; wanspec's response schema does not list it",
                        entry,
                        pointer,
                        cite,
                    )
                else:
                    self.report(
                        "spec-field-added",
                        f"{label} is accepted by the published spec{stated}; wanspec rejects it",
                        entry,
                        pointer,
                        cite,
                        at=at or "",
                    )
                continue
            self._field(entry, label, mine, spec, pointer, cite, here, result=result)
            if mine.children is not None and spec.children is not None:
                self._fields(
                    entry, model, mine.children, spec.children, pointer, where, f"{here}/properties", result=result
                )

    def _field(
        self,
        entry: _catalog.SchemaEntry,
        label: str,
        mine: Field,
        spec: Field,
        pointer: str,
        cite: str,
        at: str,
        *,
        result: bool,
    ) -> None:
        stated = f" ({spec.stated})" if spec.stated else ""
        if mine.required != spec.required:
            if result:
                if mine.required:
                    self.report(
                        "spec-result-field-changed",
                        f"{label} is optional in the published result; wanspec's response schema requires it",
                        entry,
                        pointer,
                        cite,
                        at=at,
                    )
            elif spec.required:
                self.report(
                    "spec-field-now-required",
                    f"{label} is required by the published spec; wanspec lets a payload leave it out",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
            else:
                self.report(
                    "spec-field-now-optional",
                    f"{label} is optional in the published spec; wanspec requires it",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
        if mine.types is not None and spec.types is not None:
            extra = sorted(t for t in mine.types if not _accepts_type(spec.types, t))
            fewer = sorted(t for t in spec.types if not _accepts_type(mine.types, t))
            if extra and result:
                self.report(
                    "spec-result-field-changed",
                    f"{label} is {', '.join(sorted(spec.types))} in the published result; "
                    f"wanspec expects {', '.join(extra)}",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
            elif extra:
                self.report(
                    "spec-type-narrowed",
                    f"{label}: wanspec accepts {_kinds(extra)}, the published spec does not{stated}",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
            if fewer and not result:
                self.report(
                    "spec-type-widened",
                    f"{label}: the published spec also accepts {_kinds(fewer)}{stated}; wanspec rejects it",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
        if result or spec.values is None:
            return
        if mine.values is None:
            if mine.types is None or any(t not in ("null", "boolean") for t in mine.types):
                self.report(
                    "spec-values-narrowed",
                    f"{label}: the published spec allows only {_show(spec.values)}; wanspec accepts other values",
                    entry,
                    pointer,
                    cite,
                    at=at,
                )
            return
        extra_values = mine.values - spec.values
        fewer_values = spec.values - mine.values
        if extra_values:
            self.report(
                "spec-values-narrowed",
                f"{label}: wanspec accepts {_show(extra_values)}, which the published spec does not allow "
                f"(it allows {_show(spec.values)})",
                entry,
                pointer,
                cite,
                at=at,
            )
        if fewer_values:
            self.report(
                "spec-values-widened",
                f"{label}: the published spec also allows {_show(fewer_values)}; wanspec rejects "
                f"{'it' if len(fewer_values) == 1 else 'them'}",
                entry,
                pointer,
                cite,
                at=at,
            )


def _kinds(types: list[str]) -> str:
    return " and ".join("non-integer numbers" if t == "number" else f"{t}s" if t != "null" else "null" for t in types)


def _task_type(entry: _catalog.SchemaEntry) -> str | None:
    value = (entry.raw.get("x-wanspec") or {}).get("taskType")
    return value if isinstance(value, str) else None


def find_entry(model_or_schema: str) -> _catalog.SchemaEntry:
    """The bundled schema for a model id or schema id; SpecError when there is none."""
    cat = _catalog.catalog()
    entry = cat.by_model.get(model_or_schema) or cat.entries.get(model_or_schema)
    if entry is None:
        guess = cat.suggest_model(model_or_schema) or cat.suggest_schema(model_or_schema)
        hint = f"; did you mean {guess!r}?" if guess else "; `wanspec schemas` lists them"
        raise SpecError(f"no bundled schema for {model_or_schema!r}{hint}")
    return entry


def check_specs(
    published: Iterable[Published],
    sink: Sink,
    options: LintOptions | None = None,
    *,
    keep: Callable[[Diagnostic], bool] | None = None,
) -> LintResult:
    """Compare the bundled schemas with each published spec; diagnostics go to ``sink``.

    A spec that lists a provider's models (the runware-sdk task map) is checked against
    every bundled schema of that provider; a spec for one model against that model's
    schema. ``keep`` (a baseline's) drops accepted differences before they are counted.
    Raises :class:`SpecError` for a spec naming a model wanspec has no schema for.
    """
    options = options or LintOptions()
    result = LintResult(unit="model")

    def counted(d: Diagnostic) -> None:
        if keep is None or keep(d):
            result.count(d)
            sink(d)

    cat = _catalog.catalog()
    files: set[str] = set()
    for spec in published:
        checker = _Checker(spec, counted, options, result)
        if spec.provider is not None:
            entries = [e for e in (cat.entries[i] for i in cat.ids()) if e.provider == spec.provider]
            files.update(e.path for e in entries)
            checker.check_provider(entries)
            continue
        for key, model_spec in spec.models.items():
            entry = find_entry(key)
            files.add(entry.path)
            model = key if key in entry.models else (entry.models[0] if entry.models else key)
            if model_spec.model != key and model_spec.model not in entry.models:
                checker.report(
                    "spec-model-renamed",
                    f"{model}: the published spec names this model {model_spec.model}; a payload naming "
                    f"{model} lints clean but would name a model the spec does not describe",
                    entry,
                    "/model",
                    f"{model_spec.where} › model",
                    at="/properties/model",
                )
            checker.check_model(entry, model_spec, model)
    result.files = len(files)
    return result


def describe(spec: Published) -> str:
    """One line saying what a spec is and where it came from (for the command's notes)."""
    where = spec.path if spec.fetched else os.path.abspath(spec.path)
    parts = [f"checked against {spec.cite()}"]
    if spec.source not in (spec.path, where):
        parts.append(where)
    parts.append(f"sha256 {spec.sha256}")
    return ", ".join(parts)
