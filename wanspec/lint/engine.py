"""Validate one task against one schema and turn engine errors into coded findings.

The schema is dereferenced into one document, so every error's schema path is also a
location in that document. A subschema may carry tags (``x-rule``: the rule code, or a
``{keyword: code}`` map; ``x-message``; ``x-hint``; ``x-severity``; ``x-pointer``: the field a
cross-field rule is about, relative to where it applies; ``x-doc``: where the docs state
the rule). An error takes the nearest tags above it; untagged errors take
the catalogue's code for their keyword. jsonschema_rs is the engine; python-jsonschema
serves as the reference (``engine="reference"``) and both feed the same conversion.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ..catalog import store
from ..errors import CatalogError
from ..jsontools import pointer_of
from ..recordtype import recordclass
from . import keywords as _keywords
from . import speedups as _speedups
from .messages import dependent, describe, did_you_mean, field_name, is_numeric_string, missing, show

Path = tuple[str | int, ...]
_PLAIN = frozenset({str, int, float, bool, type(None)})  # values a conversion may be kept for
_KEEP_CONVERSIONS = 4096
#: wanspec.lint.compiler and wanspec.lint.runtime, imported with the first compiled
#: checker (a run that never builds one does not pay the imports).
_compiler: Any = None
_runtime: Any = None
_native: Any = None
#: Tasks a schema checks before it chooses again between jsonschema-rs and the compiled code.
WINDOW = 1024
#: Tasks with errors a schema checks with jsonschema-rs, in windows where a third or more
#: had errors, before it builds the compiled code: by then the time those tasks lost
#: (about 6 µs each) pays for the build, so a short run never pays it for nothing (the rule
#: of renting skis until their price is spent). Generating and compiling the code takes
#: about 12 ms; loading the wheel's prebuilt checker about 1 ms.
BUILD_AFTER = 2048
BUILD_AFTER_PREBUILT = 256
#: The same for the compiled checker in C (``lint.native``), which is at least as quick as
#: jsonschema-rs on a valid task and twice as quick on one with errors: built and used from
#: the task that brings this many tasks with errors, whatever their share (its program is
#: built in 1-3 ms; a task with errors checked by jsonschema-rs loses 8-28 µs). Not at a
#: window's end: a worker given 1,000 of 2,000 files would never reach one.
BUILD_AFTER_NATIVE = 256
_TAGS = ("x-rule", "x-message", "x-hint", "x-severity", "x-doc", "x-renamed", "x-pointer")
_BRANCHING = ("anyOf", "oneOf")
#: What jsonschema-rs writes for the instance in its messages (see ``_compile``).
_MASK = "(value)"
#: Keywords whose findings about an object depend only on its member names (``_convert``
#: reads nothing else of it), so one conversion serves every object with the same names.
_BY_NAMES = frozenset({"additionalProperties", "unevaluatedProperties", "required", "dependentRequired"})
#: ... and of those, the keywords whose findings name only the members the schema does not know.
_BY_UNKNOWN = frozenset({"additionalProperties", "unevaluatedProperties"})
#: Keywords whose findings about a string depend on its length only (``messages.describe``).
_BY_LENGTH = frozenset({"minLength", "maxLength"})


@recordclass
class Finding:
    """A coded problem inside one task; positions and file names are added by the linter."""

    code: str
    severity: str
    message: str
    pointer: str
    key: bool = False  # locate the key rather than the value (unknown fields)
    hint: str | None = None
    doc: str | None = None


@recordclass
class RawError:
    """What either engine reports, reduced to what the conversion needs."""

    keyword: str
    schema_path: Path
    instance_path: Path
    instance: Any
    message: str | None = None  # custom keywords only
    branches: tuple[tuple[RawError, ...], ...] = ()


def _index_tags(schema: Any, path: Path, out: dict[Path, dict[str, Any]]) -> None:
    if isinstance(schema, dict):
        tags = {k: schema[k] for k in _TAGS if k in schema}
        if tags:
            out[path] = tags
        for k, v in schema.items():
            if not k.startswith("x-") and k not in ("const", "enum", "default", "examples"):
                _index_tags(v, (*path, k), out)
    elif isinstance(schema, list):
        for i, v in enumerate(schema):
            _index_tags(v, (*path, i), out)


class CompiledSchema:
    """One model schema, ready to check tasks."""

    def __init__(self, entry: store.SchemaEntry, engine: str = "fast") -> None:
        self.entry = entry
        self.engine = engine
        # What the engines run: the same rules, with Python keywords behind cheap guards;
        # an installed wheel ships it prebuilt (wanspec.lint.prebuilt).
        built = store.prebuilt(entry.path)
        self._schema: dict[str, Any] | None = None
        self.validation_schema = built if built is not None else _guarded(self.schema)
        self.tags: dict[Path, dict[str, Any]] = {}
        _index_tags(self.validation_schema, (), self.tags)
        self._lookups: dict[tuple[Path, str], tuple[dict[str, Any], str | None, str | None, Path]] = {}
        self._conversions: dict[tuple[Any, ...], tuple[Finding, ...]] = {}
        self._known: dict[Path, frozenset[str]] = {}  # each object schema's property names
        provider = store.providers().get(entry.provider, {})
        self.platform_parameters = frozenset(provider.get("parameters", ()))
        self._rs: Any = None
        self._ref: Any = None
        # The compiled Python checker (wanspec.lint.compiler), built when a window of tasks
        # shows it pays: see _raw_errors.
        self._py: Any = None
        self._py_state = "unbuilt"  # "unbuilt", "built" or "unsupported"
        self.checker_kind: str | None = None  # once built: "native" (lint.native) or "python"
        self._use_py = False
        self._left = self._window_invalid = 0  # tasks left in this window; those with errors
        self._owed = 0  # tasks with errors checked by jsonschema-rs while the compiled code would pay
        self._set_way(False)
        try:
            self._compile()
        except Exception as exc:  # a malformed bundled schema is an installation problem
            raise CatalogError(f"schema {entry.id} ({entry.path}) does not compile: {exc}") from exc

    @property
    def schema(self) -> dict[str, Any]:
        """The model schema with every ``$ref`` inlined (before the guards)."""
        if self._schema is None:
            self._schema = store.dereferenced(self.entry.id)
        return self._schema

    def _compile(self) -> None:
        if self.engine == "reference":
            from jsonschema import Draft202012Validator, validators

            Draft202012Validator.check_schema(self.schema)
            checker = Draft202012Validator.FORMAT_CHECKER
            if "uri" not in checker.checkers:  # python-jsonschema checks uri only with a helper package
                raise CatalogError(
                    "the reference engine needs the 'rfc3986-validator' package to check URI formats "
                    "(pip install 'wanspec[test]')"
                )
            cls = validators.extend(Draft202012Validator, _keywords.jsonschema_keywords())  # type: ignore[no-untyped-call]
            self._ref = cls(self.validation_schema, format_checker=checker)
        else:
            import jsonschema_rs

            # ``mask``: jsonschema-rs renders the instance into every error's message, and a
            # root error's instance is the whole task (a 2.6 KB data URI, a long prompt);
            # only wanspec's own keywords' messages are read, and those are never masked
            self._rs = jsonschema_rs.validator_for(
                self.validation_schema, validate_formats=True, keywords=_keywords.rs_keywords(), mask=_MASK
            )

    # -- engines -------------------------------------------------------------------
    def _raw_errors(self, instance: Any, plain: bool = False) -> list[RawError]:
        """The engine's errors for one task. ``plain``: the task is known to be plain JSON
        (a parser made it), so the compiled checker needs no scan to take it.

        The fast engine has two ways to the same errors (tests/test_compiler.py and
        tests/test_native.py hold them to that): jsonschema-rs, or a checker compiled from
        the schema, in C (``lint.native``) where this install has the C module, in Python
        (``lint.compiler``) where it has not. jsonschema-rs is quicker on a valid task than
        the Python checker; both compiled checkers are quicker on a task with errors, which
        jsonschema-rs builds as Python objects one by one. The C checker is built and used
        from the task that brings ``BUILD_AFTER_NATIVE`` tasks with errors. Otherwise each
        window of tasks chooses for the next: the Python checker is used once a third or
        more of a window's tasks had errors, and built once such windows have brought
        ``BUILD_AFTER`` tasks with errors (``BUILD_AFTER_PREBUILT`` when the wheel ships it). All ways give the same
        errors, so a count that a thread races on (the language server) costs time, never
        a finding.
        ``_set_way`` points this name at the way chosen (an instance attribute: no test a task).
        """
        if self.engine == "reference":
            return [_from_reference(e, ()) for e in self._ref.iter_errors(instance)]
        return self._rs_errors(instance, plain)

    def _rs_errors(self, instance: Any, plain: bool = False) -> list[RawError]:
        return self._counted([_from_rs(e) for e in self._rs.iter_errors(instance)])

    def _py_errors(self, instance: Any, plain: bool = False) -> list[RawError]:
        if plain or _runtime.plain(instance):
            try:
                return self._counted(self._py(instance))
            except _runtime.Fallback:  # a value only jsonschema-rs can speak for
                pass
        return self._rs_errors(instance)

    def _counted(self, raws: list[RawError]) -> list[RawError]:
        """``raws``, counted in the window (and the next way chosen when it is full)."""
        self._left -= 1
        if raws:
            self._window_invalid += 1
            if self._window_invalid + self._owed == self._build_at:
                self._left = 0  # the C checker pays from the next task on: choose now
        if not self._left:
            self._choose()
        return raws

    def _choose(self) -> None:
        if self._py_state != "unsupported" and self.checker_kind != "python" and has_native():
            self._owed += self._window_invalid  # the C checker: quicker on every task once built
            self._set_way(
                (self._py_state == "built" or self._owed >= BUILD_AFTER_NATIVE) and self._python_checker() is not None
            )
            return
        use = self._window_invalid * 3 >= WINDOW
        if use and self._py_state == "unbuilt":
            self._owed += self._window_invalid
            prebuilt = store.prebuilt_checker_exists(self.entry.path)
            use = self._owed >= (BUILD_AFTER_PREBUILT if prebuilt else BUILD_AFTER)
        self._set_way(use and self._python_checker() is not None)

    def _set_way(self, use_py: bool) -> None:
        self._left, self._window_invalid = WINDOW, 0
        self._use_py = use_py
        # the count of tasks with errors at which to build the C checker (-1: not to be built)
        native_ahead = self._py_state == "unbuilt" and self.engine != "reference" and has_native()
        self._build_at = BUILD_AFTER_NATIVE if native_ahead else -1
        if self.engine != "reference":
            self._raw_errors = self._py_errors if use_py else self._rs_errors  # type: ignore[method-assign]

    def _python_checker(self, native: bool | None = None) -> Any:
        """The compiled checker, built on first use: in C where this process has the C
        module (``native`` None or True), else in Python; None when the schema has a keyword
        neither knows. ``native``: build that kind (for tests and benchmarks)."""
        global _compiler, _runtime, _native
        if native and not has_native():
            return None  # no C checker in this process: nothing changes
        if native is not None and self._py_state != "unbuilt" and (self.checker_kind == "native") != native:
            self._py_state, self._py, self.checker_kind = "unbuilt", None, None
        if self._py_state == "unbuilt":
            if _compiler is None:
                from . import compiler, runtime  # here: a run that never builds a checker skips these
                from . import native as native_checker  # (the name: ``native`` is this method's argument)

                _compiler, _runtime, _native = compiler, runtime, native_checker
            self._py_state = "unsupported"  # a keyword neither compiler knows: jsonschema-rs only
            args = (
                self.validation_schema,
                RawError,
                _custom_keyword,
                _rs_string_check,
                _keywords.SEP,
                _keywords.CHECKS,
            )
            if native is not False and has_native():
                try:
                    self._py = _native.load(*args)
                    if self._py is not None:
                        self._py_state, self.checker_kind = "built", "native"
                except _compiler.Unsupported:
                    self._py = None
            if self._py is None and native is not True:
                module = store.prebuilt_checker(self.entry.path)
                try:
                    if module is not None:  # the wheel's, compiled when it was built
                        self._py = _compiler.load(module, RawError, _custom_keyword, _rs_string_check)
                    else:
                        self._py = _compiler.compile_schema(*args)
                    self._py_state, self.checker_kind = "built", "python"
                except _compiler.Unsupported:
                    self._py = None
        return self._py

    def use_compiled(self, use: bool = True, *, native: bool | None = None) -> bool:
        """Check every task with the compiled code (``use``) or with jsonschema-rs from now
        on, until the next window chooses again; False when the schema cannot be compiled
        (or, with ``native`` True, when this process has no C checker). ``native``: the C
        checker (True) or the Python one (False); None: the one the process would build.
        For tests and benchmarks: every way gives the same findings."""
        self._set_way(use and self._python_checker(native if use else None) is not None)
        return self._use_py or not use

    # -- conversion ----------------------------------------------------------------
    def check(self, instance: Any, *, plain: bool = False) -> list[Finding]:
        """All findings for one task, in a stable order, without duplicates. ``plain``:
        the task came from a JSON parser (only dicts, lists, strings, numbers, booleans
        and None), as every task read from text does."""
        # One call into the engine, valid or not: each call converts the whole task into the
        # engine's values, so ``is_valid`` first would convert a task with findings twice
        # (measured: iter_errors costs a valid task 1 µs more, and saves an invalid one 4-6 µs).
        raws = self._raw_errors(instance, plain)
        if not raws:
            return []
        findings: dict[tuple[str, str, str], Finding] = {}
        numeric = _kw("type:numeric-string")
        for raw in raws:
            for f in self._converted(raw):
                # one "sent as a string" per field, whichever rule noticed it
                findings.setdefault((f.pointer, f.code, "" if f.code == numeric else f.message), f)
        for f in self._as_numbers(instance, raws, plain):
            findings.setdefault((f.pointer, f.code, f.message), f)
        return sorted(findings.values(), key=lambda f: (f.pointer, f.code, f.message))

    def _converted(self, raw: RawError) -> tuple[Finding, ...]:
        """``_convert``'s findings, kept for errors about a plain value: the same rule broken
        by the same value at the same place (a batch's ``duration: 40``, its empty prompts)
        reads the same every time, and findings are immutable. Unknown or missing fields
        are kept by the object's names (a batch repeats its typos): 6.0 → 1.9 µs an error
        at the root of a messy task."""
        instance = raw.instance
        kind = type(instance)
        if raw.branches:
            return tuple(self._convert(raw))
        if kind in _PLAIN:
            if kind is str and raw.keyword in _BY_LENGTH:
                # a string too long or too short: the message gives its length, not its text
                # (each long prompt of a batch is new: 10 µs a conversion it need not make)
                instance = len(instance)
            # the type is part of the key: 1, 1.0 and True are equal in Python, not in a message
            key: tuple[Any, ...] = (raw.keyword, raw.schema_path, raw.instance_path, kind, instance, raw.message)
        elif kind is dict and raw.keyword in _BY_NAMES:
            # unknown and missing fields: what is said depends on the object's names, not its values
            key = (raw.keyword, raw.schema_path, raw.instance_path, self._names_said(raw))
        else:
            return tuple(self._convert(raw))
        found = self._conversions.get(key)
        if found is None:
            if len(self._conversions) >= _KEEP_CONVERSIONS:  # a bound, not a policy: most keys repeat or never do
                self._conversions.clear()
            found = self._conversions[key] = tuple(self._convert(raw))
        return found

    def _names_said(self, raw: RawError) -> tuple[str, ...]:
        """The member names of ``raw``'s object that its findings speak of: those the schema
        does not know (unknown fields), or every name (missing fields). Tasks of a batch
        carry different optional fields and the same typo: keyed by the typo alone, one
        conversion serves them all."""
        if raw.keyword not in _BY_UNKNOWN:
            return tuple(raw.instance)
        known = self._known.get(raw.schema_path)
        if known is None:
            parent = self._node(raw.schema_path[:-1])
            properties = parent.get("properties", {}) if isinstance(parent, dict) else {}
            known = self._known[raw.schema_path] = frozenset(properties)
        return tuple(name for name in raw.instance if name not in known)

    def _as_numbers(self, instance: Any, raws: list[RawError], plain: bool) -> Iterator[Finding]:
        """For numbers sent as strings: what is wrong with the number itself.

        Range and set rules skip strings, so "16" for a 2-15 duration would only be
        reported as a string. Re-checking a copy of the task with the number in its
        place finds the rest, wherever in the schema those rules live.
        """
        paths = {
            raw.instance_path
            for raw in raws
            if raw.keyword in ("type", "enum", "const") and is_numeric_string(raw.instance) and raw.instance_path
        }
        if not paths:
            return
        import copy

        fixed = copy.deepcopy(instance)
        for path in paths:
            node = fixed
            for part in path[:-1]:
                node = node[part]
            number = float(node[path[-1]])
            node[path[-1]] = int(number) if number.is_integer() else number
        wanted = {pointer_of(p) for p in paths}
        for raw in self._raw_errors(fixed, plain):
            if pointer_of(raw.instance_path) in wanted:
                yield from self._convert(raw)

    def _lookup(self, path: Path, keyword: str) -> tuple[dict[str, Any], str | None, str | None]:
        """(tags of the rule node, rule code, nearest doc) for an error at ``path``/``keyword``."""
        tags, code, doc, _ = self._lookup_at(path, keyword)
        return tags, code, doc

    def _lookup_at(self, path: Path, keyword: str) -> tuple[dict[str, Any], str | None, str | None, Path]:
        """(tags of the rule node, rule code, nearest doc, the rule node's path): the schema's
        answer for a keyword at a path, worked out once (the schema does not change)."""
        found = self._lookups.get((path, keyword))
        if found is None:
            found = self._lookups[path, keyword] = self._look_up(path, keyword)
        return found

    def _look_up(self, path: Path, keyword: str) -> tuple[dict[str, Any], str | None, str | None, Path]:
        rule_tags: dict[str, Any] = {}
        rule_path: Path = ()
        code: str | None = None
        doc: str | None = None
        probe = path
        while True:
            tags = self.tags.get(probe)
            if tags:
                if doc is None and "x-doc" in tags:
                    doc = tags["x-doc"]
                rule = tags.get("x-rule")
                if code is None and rule is not None:
                    if isinstance(rule, str):
                        code, rule_tags, rule_path = rule, tags, probe
                    elif keyword in rule:
                        code, rule_tags, rule_path = rule[keyword], tags, probe
                if code is not None and doc is not None:
                    break
            if not probe:
                break
            probe = probe[:-1]
        return rule_tags, code, doc, rule_path

    def _node(self, path: Path) -> Any:
        node: Any = self.validation_schema
        for part in path:
            node = node[part]
        return node

    def _convert(self, raw: RawError) -> Iterator[Finding]:
        sub = raw.schema_path[:-1]
        rule_tags, code, doc, rule_path = self._lookup_at(sub, raw.keyword)
        if raw.keyword in _BRANCHING and code is None and raw.branches:
            best = min(raw.branches, key=len)
            for err in best:
                yield from self._convert(err)
            return
        where = field_name(raw.instance_path)
        pointer = pointer_of(raw.instance_path)
        if "x-pointer" in rule_tags:  # x-pointer is relative to where the rule applies
            pointer = pointer_of(
                raw.instance_path[: len(raw.instance_path) - _depth(raw.schema_path[len(rule_path) :])]
            )
        node = self._node(sub)
        parent = node if isinstance(node, dict) else {}
        if raw.keyword in ("additionalProperties", "unevaluatedProperties"):
            yield from self._unknown_fields(raw, parent, doc)
            return
        if raw.keyword == "required" and "x-message" not in rule_tags:
            properties = parent.get("properties", {})
            for name in parent.get("required", ()):
                if isinstance(raw.instance, dict) and name not in raw.instance:
                    # cite the missing field's own documentation, not the object's
                    field_doc = (
                        properties.get(name, {}).get("x-doc") if isinstance(properties.get(name), dict) else None
                    )
                    yield self._finding(code or _kw("required"), rule_tags, missing(where, name), pointer, field_doc)
            return
        if raw.keyword == "dependentRequired" and "x-message" not in rule_tags:
            for prop, needs in parent.get("dependentRequired", {}).items():
                if isinstance(raw.instance, dict) and prop in raw.instance:
                    absent = [n for n in needs if n not in raw.instance]
                    if absent:
                        yield self._finding(
                            code or _kw("dependentRequired"),
                            rule_tags,
                            dependent(where, prop, absent),
                            pointer_of((*raw.instance_path, prop)),
                            doc,
                            key=True,
                        )
            return
        if raw.message is not None:  # a custom keyword: "rule<SEP>message[<SEP>its own citation]"
            name, _, text = raw.message.partition(_keywords.SEP)
            text, _, own_doc = text.partition(_keywords.SEP)
            code = code if isinstance(rule_tags.get("x-rule"), str) else None
            code = code or store.rule_codes_by_name().get(name) or _kw(raw.keyword)
            yield self._finding(code, rule_tags, text, pointer, own_doc or doc)
            return
        if raw.keyword in ("enum", "const") and is_numeric_string(raw.instance):
            # a number sent as a string: say so (once: findings dedupe on this code); what
            # is wrong with the number itself comes from _as_numbers
            numeric = _kw("type:numeric-string")
            yield self._finding(numeric, {}, describe("type", "number", raw.instance, where), pointer, None)
            return
        if code is None:
            if raw.keyword == "type" and is_numeric_string(raw.instance):
                code = _kw("type:numeric-string")
            else:
                code = _kw(raw.keyword)
        value = self._node(raw.schema_path) if raw.schema_path else None
        text = describe(raw.keyword, value, raw.instance, where)
        yield self._finding(code, rule_tags, text, pointer, doc)

    def _unknown_fields(self, raw: RawError, parent: dict[str, Any], doc: str | None) -> Iterator[Finding]:
        if not isinstance(raw.instance, dict):
            return
        properties = parent.get("properties", {})
        unknown = [name for name in raw.instance if name not in properties]  # a dict: no scan of a list per name
        if not unknown:
            return
        known = list(properties)
        renamed: dict[str, str] = parent.get("x-renamed", {})
        prefix = ".".join(str(p) for p in raw.instance_path if not isinstance(p, int))
        for name in unknown:
            pointer = pointer_of((*raw.instance_path, name))
            where = field_name((*raw.instance_path, name))
            if name in renamed:
                yield Finding(
                    _kw("x-renamed"),
                    self._severity(_kw("x-renamed"), {}),
                    f"{where} is not accepted here: {renamed[name]}",
                    pointer,
                    key=True,
                )
                continue
            dotted = f"{prefix}.{name}" if prefix else name
            if dotted in self.platform_parameters:  # a real parameter, just not this model's
                code = _kw("unsupported-parameter")
                text = f"{dotted} is a {self.entry.provider} parameter that {self.entry.title} does not take"
                yield Finding(code, self._severity(code, {}), text, pointer, key=True, doc=doc)
                continue
            guess = did_you_mean(name, known)
            hint = f"did you mean {guess!r}?" if guess else None
            code = _kw("additionalProperties")
            text = f"unknown field {name!r} in {field_name(raw.instance_path)}"
            if hint:
                text += f"; {hint}"
            elif len(known) <= 12:
                text += f"; allowed: {', '.join(known)}"
            yield Finding(code, self._severity(code, {}), text, pointer, key=True, hint=hint, doc=doc)

    def _finding(
        self, code: str, tags: dict[str, Any], text: str, pointer: str, doc: str | None, *, key: bool = False
    ) -> Finding:
        if "x-message" in tags:
            text = str(tags["x-message"])
        if "x-pointer" in tags:  # a cross-field rule names the field it is about
            pointer += str(tags["x-pointer"])
        # the citation travels in ``doc``; reporters show it on request (--show-source, JSON, SARIF)
        return Finding(code, self._severity(code, tags), text, pointer, key, tags.get("x-hint"), doc)

    @staticmethod
    def _severity(code: str, tags: dict[str, Any]) -> str:
        if "x-severity" in tags:
            return str(tags["x-severity"])
        rule = store.rules().get(code)
        return rule.severity if rule else "error"


# Strings that are plainly a Runware UUID or an http(s) URL: a strict subset of what
# x-media accepts without decoding anything (_media.classify), so skipping the keyword
# for them cannot hide a finding.
_PLAIN_REFERENCE = (
    r"^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[hH][tT][tT][pP][sS]?://[A-Za-z0-9][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)$"
)


def _guarded(node: Any) -> Any:
    """The schema the engines run: every rule as written, but the Python keywords behind
    standard guards, so a clean task never calls back into Python for them.

    * ``x-pairs`` runs only where a standard check cannot show it passes (a field
      missing, or numbers forming an allowed tuple); it is still needed for its message.
    * ``x-media`` runs only for strings that are not plainly a UUID or an http(s) URL.

    A guarded keyword sits one ``allOf/N/else`` below its node; tags are found by
    walking up from an error, so codes, citations and pointers are unchanged.
    """
    if isinstance(node, list):
        return [_guarded(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    extra: list[dict[str, Any]] = []
    for key, value in node.items():
        if key == "x-pairs":
            fields = value["fields"]
            # skip only where x-pairs surely passes: a field is missing, or the numbers
            # form an allowed pair (strings go to the keyword, which reads "1280" too)
            standard = {
                "anyOf": [
                    {"not": {"required": fields}},
                    *(
                        {"properties": {f: {"const": v} for f, v in zip(fields, pair, strict=True)}}
                        for pair in value["values"]
                    ),
                ]
            }
            extra.append({"if": standard, "else": {"x-pairs": value}})
        elif key == "x-media":
            extra.append({"if": {"type": "string", "pattern": _PLAIN_REFERENCE}, "else": {"x-media": value}})
        elif key.startswith("x-") or key in ("const", "enum", "default", "examples"):
            out[key] = value
        elif key in ("properties", "$defs", "patternProperties", "dependentSchemas"):
            out[key] = {k: _guarded(v) for k, v in value.items()}
        else:
            out[key] = _guarded(value)
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    return out


_DESCENDING = frozenset(
    {
        "properties",
        "patternProperties",
        "additionalProperties",
        "items",
        "prefixItems",
        "contains",
        "unevaluatedProperties",
        "unevaluatedItems",
        "propertyNames",
    }
)


def _depth(schema_steps: Path) -> int:
    """How many instance levels a schema path descends (one per property/item step)."""
    depth, i = 0, 0
    while i < len(schema_steps):
        step = schema_steps[i]
        if step in ("properties", "patternProperties", "prefixItems"):
            depth += 1
            i += 2  # the keyword and its property name (or index)
            continue
        if step in _DESCENDING:
            depth += 1
        i += 1
    return depth


def has_native() -> bool:
    """Whether this process has the C checker (``lint.native``): the C module, not turned off."""
    return _speedups.entry("check")[0] is not None


def _kw(keyword: str) -> str:
    codes = store.keyword_codes()
    return codes.get(keyword, codes["*"])


def _from_rs(err: Any) -> RawError:
    path = tuple(err.schema_path)
    keyword = str(path[-1]) if path else "false"
    message = None  # only wanspec's own keywords' messages are read
    branches: tuple[tuple[RawError, ...], ...] = ()
    if keyword in _keywords.CHECKS:
        kind = err.kind
        if type(kind).__name__ == "Custom":
            message = kind.message
    elif keyword in _BRANCHING:
        branches = tuple(tuple(_from_rs(e) for e in group) for group in err.kind.context)
    return RawError(keyword, path, tuple(err.instance_path), err.instance, message, branches)


def _from_reference(err: Any, prefix: Path) -> RawError:
    path = (*prefix, *err.relative_schema_path)
    keyword = str(err.validator) if err.validator is not None else "false"
    if keyword == "False":
        keyword = "false"
    message = err.message if keyword in _keywords.CHECKS else None
    branches: tuple[tuple[RawError, ...], ...] = ()
    if keyword in _BRANCHING and err.context:
        groups: dict[Any, list[RawError]] = {}
        for sub in err.context:
            groups.setdefault(sub.relative_schema_path[0], []).append(_from_reference(sub, path))
        branches = tuple(tuple(g) for g in groups.values())
    return RawError(keyword, path, tuple(err.absolute_path), err.instance, message, branches)


def _custom_keyword(name: str, config: Any) -> Any:
    check = _keywords.CHECKS.get(name)
    return None if check is None else _keywords.findings_at(check, config)


def _rs_string_check(subschema: dict[str, Any]) -> Any:
    ((keyword, value),) = subschema.items()
    return _rs_string_validator(keyword, value)


@cache
def _rs_string_validator(keyword: str, value: str) -> Any:
    """jsonschema-rs' verdict on a string for one ``format`` or ``pattern`` (a schema repeats
    the same few: one validator each)."""
    import jsonschema_rs

    return jsonschema_rs.validator_for({keyword: value}, validate_formats=True).is_valid


@cache
def compiled_as(schema_id: str, engine: str) -> CompiledSchema:
    """The one ``CompiledSchema`` of a schema and engine in this process."""
    return CompiledSchema(store.catalog().get(schema_id), engine)


def compiled(schema_id: str, engine: str = "fast") -> CompiledSchema:
    """``compiled_as`` with the fast engine by default: ``compiled(id)`` and
    ``compiled(id, "fast")`` are the same object."""
    return compiled_as(schema_id, engine)


__all__ = ["CompiledSchema", "Finding", "compiled", "compiled_as", "show"]
