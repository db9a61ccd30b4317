"""A model schema compiled into Python code that reports the errors jsonschema-rs reports.

jsonschema-rs decides quickly whether a task is valid, but each error it finds becomes a
Rust error turned into a Python object, its instance converted back from Rust values,
and then ``engine._from_rs`` reads it again. On data with findings that was most of the
engine's cost. The generated code checks the task in place and builds the engine's
``RawError`` records directly, so the conversion into findings does not change.

``module_source`` writes a schema's checker as the text of a Python module, from the same
dereferenced and guarded document the engine runs: the wheel ships it (``lint.prebuilt``)
and a source checkout compiles it at run time (``compile_schema``); ``load`` builds the
checker from either. The code has two parts a schema node:

* an *expression* that says whether a value is valid (``not``, ``if`` and ``anyOf`` need
  no more, and the expression stops at the first failure);
* *statements* that append every error, with the schema path, instance path, instance
  and custom message jsonschema-rs gives (``anyOf`` with each branch's errors).

It covers the keywords the bundled schemas use. A schema with any other keyword raises
``Unsupported``, and the engine runs it with jsonschema-rs. Formats, and patterns that
``portable`` cannot vouch for on strings outside printable ASCII, are asked of
jsonschema-rs itself, so the two cannot read a URI or a regular expression differently.
What the checkers call at run time, and when they hand a task to jsonschema-rs
(``Fallback``), is in ``lint.runtime``.

tests/test_compiler.py holds the checkers to jsonschema-rs' errors and findings on
generated, mutated and hostile tasks for every bundled schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from typing import Any

from . import runtime

#: What a schema node may hold and the compiler ignores (annotations and wanspec's tags).
_IGNORED = frozenset({"$id", "$schema", "$comment", "title", "description", "default", "examples", "$defs"})
#: The instance type a keyword is about; it says nothing of values of other types.
_APPLIES = {
    "minimum": "number",
    "maximum": "number",
    "minLength": "string",
    "maxLength": "string",
    "pattern": "string",
    "format": "string",
    "required": "object",
    "dependentRequired": "object",
    "properties": "object",
    "additionalProperties": "object",
    "items": "array",
    "minItems": "array",
    "maxItems": "array",
}

#: Keywords whose errors are one test of the value: one error when the test fails.
SINGLE_TESTS = frozenset(
    (
        "type",
        "const",
        "enum",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "pattern",
        "format",
    )
)

Errors = list[Any]
Checker = Callable[[Any], Errors]
#: A custom keyword's findings function for one place: ``(name, config) -> (instance -> [(rule, message)])``.
KeywordMaker = Callable[[str, Any], Callable[[Any], list[tuple[str, str]]]]
#: jsonschema-rs' verdict on strings for one ``format`` or ``pattern`` subschema.
StringCheck = Callable[[dict[str, Any]], Callable[[str], bool]]


class Unsupported(Exception):
    """The schema uses a keyword (or a form of one) the compiler does not handle."""


def portable(pattern: str) -> str | None:
    """``pattern`` as a Python regular expression that matches exactly the strings
    jsonschema-rs' reading of it matches, or None when that is not certain.

    Certain means: ASCII literals, escaped punctuation, classes of those, groups,
    alternation and quantifiers, ``^`` first and ``$`` last (which becomes ``\\Z``: Python's
    ``$`` also matches before a final newline). Anything else (``.``, ``\\s``, ``\\d``, ``\\w``,
    flags, look-arounds, non-ASCII) may read differently in the two dialects.
    """
    if not pattern.isascii():
        return None
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n or pattern[i + 1].isalnum() or pattern[i + 1] in " \t\n\r\x0b\x0c":
                return None
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            elif c == "[":
                return None  # a nested class, or POSIX classes: not the same everywhere
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
            if pattern[i + 1 : i + 2] == "]":
                return None
        elif c == "^":
            if i != 0:
                return None
        elif c == "$":
            if i != n - 1:
                return None
            out.append("\\Z")
            i += 1
            continue
        elif c == ".":
            return None
        elif c == "(" and pattern[i + 1 : i + 2] == "?":
            if pattern[i + 2 : i + 3] != ":":
                return None
        elif not (c.isalnum() or c in "(){}|?*+,-:/_ '\"!#%&;<=>@`~"):
            return None
        out.append(c)
        i += 1
    return None if in_class else "".join(out)


def pattern_of(sub: dict[str, Any]) -> tuple[str, str | None]:
    """A ``pattern``'s source, and its ``portable`` Python reading (None: not certain).
    Raises ``Unsupported`` for a pattern that is not text or that Python cannot compile."""
    source = sub["pattern"]
    if not isinstance(source, str):
        raise Unsupported(f"pattern {source!r}")
    same = portable(source)
    try:
        re.compile(same if same is not None else source)
    except re.error as exc:
        raise Unsupported(f"pattern {source!r}") from exc
    return source, same


def module_source(schema: Any, custom: Collection[str], sep: str) -> str:
    """The checker of ``schema`` as the text of a Python module, a pure function of the
    schema: the same text at run time and in the wheel (``wanspec.lint.prebuilt``).

    The module holds the schema's plain values as constants and ``build(rt, make_error,
    keyword, rs_check)``, which makes what needs objects of the running process (a
    custom keyword's function, jsonschema-rs' verdicts, compiled patterns) and returns
    ``check``. ``custom`` names the custom keywords (``x-media``, ...); other ``x-`` keys
    are tags that check nothing. Raises ``Unsupported``.
    """
    try:
        # two passes: the first counts how often each member is read, the second loads
        # those read more than once in the prologue (with their parents)
        first = _Generator(custom, sep)
        first.emit(schema, (), "v", ("static", ()), "out", 2, "object")
        hoist = {path[:n] for path, uses in first.uses.items() if uses > 1 for n in range(1, len(path) + 1)}
        gen = _Generator(custom, sep, hoist)
        body = gen.emit(schema, (), "v", ("static", ()), "out", 2, "object")
    except RecursionError as exc:  # nested past what the generator's stack allows
        raise Unsupported(f"a schema nested too deep to compile: {type(exc).__name__}") from exc
    head = [
        f"# The checker of the schema {gen.name_hint(schema)!r}, written by wanspec.lint.compiler.",
        "# Not to be edited: it is written again from the schema.",
        "",
        *(f"{name} = {literal}" for name, literal in gen.data.items()),
        "",
        "",
        "def build(_rt, _make, _keyword, _rs_check):",
        "    _NUM, _M, _eq, _Fallback = _rt.NUMBERS, _rt.MISSING, _rt.json_equal, _rt.Fallback",
        "    _E, _R = _rt.error_builder(_make), _make",
        *(f"    {line}" for line in gen.locals),
        "",
        "    def check(v):",
        "        if type(v) is not dict:",
        "            raise _Fallback",
        "        out = []",
    ]  # a task is an object
    return "\n".join([*head, *gen.prologue, *body, "        return out", *gen.functions, "", "    return check", ""])


def load(
    module: Any,
    make_error: Callable[..., Any],
    keyword: KeywordMaker,
    rs_check: StringCheck,
) -> Checker:
    """The checker of a module ``module_source`` wrote (imported, or its namespace).

    ``make_error(keyword, schema_path, instance_path, instance, message, branches)``
    builds one error; ``keyword(name, config)`` gives a custom keyword's findings function
    for one place in the schema (``[(rule, message), ...]``); ``rs_check(subschema)``
    gives jsonschema-rs' verdict on a string for one ``format`` or ``pattern``.
    """
    build = module["build"] if isinstance(module, dict) else module.build
    check: Checker = build(runtime, make_error, keyword, rs_check)
    return check


def compile_schema(
    schema: Any,
    make_error: Callable[..., Any],
    keyword: KeywordMaker,
    rs_check: StringCheck,
    sep: str,
    custom: Collection[str],
) -> Checker:
    """The checker for ``schema`` (``module_source``, compiled and ``load``-ed):
    ``check(task) -> [RawError, ...]``. Raises ``Unsupported``."""
    source = module_source(schema, custom, sep)
    namespace: dict[str, Any] = {}
    try:
        exec(compile(source, f"<wanspec schema {_Generator.name_hint(schema)}>", "exec"), namespace)
    except (RecursionError, SyntaxError, MemoryError) as exc:  # nested past what Python compiles
        raise Unsupported(f"a schema nested too deep to compile: {type(exc).__name__}") from exc
    check = load(namespace, make_error, keyword, rs_check)
    check.source = source  # type: ignore[attr-defined]  # for debugging and the tests
    return check


def _literal(value: Any) -> str:
    """Python source for a constant, the same text on every run (sets sorted)."""
    if isinstance(value, frozenset):
        return f"frozenset({tuple(sorted(value, key=repr))!r})"
    text = repr(value)
    if any((isinstance(v, float) and v != v) or v in (float("inf"), float("-inf")) for v in _scalars(value)):
        raise Unsupported(f"a value with no literal: {text}")
    return text


def _scalars(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _scalars(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _scalars(v)
    else:
        yield value


class _Generator:
    def __init__(self, custom: Collection[str], sep: str, hoist: set[tuple[str, ...]] | None = None) -> None:
        self.custom = frozenset(custom)
        self.sep = sep
        #: module constants (name -> Python literal) and ``build``'s lines that make objects
        self.data: dict[str, str] = {}
        self.locals: list[str] = []
        self.functions: list[str] = []
        #: Members read by static paths from the task, loaded once at the top of ``check``
        #: (the ``not``, ``if`` and ``anyOf`` conditions read the same few fields again and again).
        self.prologue: list[str] = []
        self.static: dict[str, tuple[str, ...]] = {"v": ()}
        self.hoisted: dict[tuple[str, ...], str] = {}
        self.uses: dict[tuple[str, ...], int] = {}
        self.hoist: set[tuple[str, ...]] | None = hoist
        self._count = 0
        self._names: dict[tuple[str, str], str] = {}

    @staticmethod
    def name_hint(schema: Any) -> str:
        return str(schema.get("$id", "")) if isinstance(schema, dict) else ""

    # -- names -------------------------------------------------------------------
    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def const(self, value: Any, prefix: str = "C") -> str:
        """A module constant holding ``value`` (one a value)."""
        literal = _literal(value)
        key = (prefix, literal)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self.fresh(prefix)
            self.data[name] = literal
        return name

    def local(self, expression: str, prefix: str) -> str:
        """A name ``build`` binds to ``expression`` (an object of the running process)."""
        key = (prefix, expression)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = self.fresh(prefix)
            self.locals.append(f"{name} = {expression}")
        return name

    def keyword(self, name: str, config: Any) -> str | None:
        """The name of a custom keyword's findings function at one place, or None for a tag."""
        if name not in self.custom:
            return None
        return self.local(f"_keyword({name!r}, {self.const(config, 'X')})", "K")

    def member(self, x: str, name: str) -> str | None:
        """The variable holding member ``name`` of ``x`` (``_M`` when it is missing or ``x``
        is not an object), loaded in the prologue; None when ``x`` has no static path or
        the member is read only once (it is then read where it is needed)."""
        path = self.static.get(x)
        if path is None:
            return None
        path = (*path, name)
        self.uses[path] = self.uses.get(path, 0) + 1
        if self.hoist is not None and path not in self.hoist:
            return None
        var = self.hoisted.get(path)
        if var is None:
            var = self.hoisted[path] = self.fresh("m")
            self.static[var] = path
            key = self.const(name)
            if x == "v":  # the task: always an object
                self.prologue.append(f"        {var} = v.get({key}, _M)")
            else:
                self.prologue.append(f"        {var} = {x}.get({key}, _M) if type({x}) is dict else _M")
        return var

    # -- single tests ---------------------------------------------------------------
    @staticmethod
    def is_type(name: str, x: str) -> str:
        return {
            "object": f"type({x}) is dict",
            "array": f"type({x}) is list",
            "string": f"type({x}) is str",
            "boolean": f"type({x}) is bool",
            "null": f"{x} is None",
            "number": f"type({x}) in _NUM",
            "integer": f"(type({x}) is int or (type({x}) is float and {x}.is_integer()))",
        }[name]

    def type_test(self, value: Any, x: str) -> str:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise Unsupported(f"type {value!r}")
        try:
            return "(" + " or ".join(self.is_type(n, x) for n in names) + ")"
        except KeyError as exc:
            raise Unsupported(f"type {value!r}") from exc

    def equal_test(self, value: Any, x: str) -> str:
        if value is None or isinstance(value, bool):
            return f"{x} is {value!r}"
        if isinstance(value, str):
            return f"{x} == {self.const(value)}"
        if isinstance(value, (int, float)):
            return f"(type({x}) in _NUM and {x} == {self.const(value)})"
        return f"_eq({x}, {self.const(value)})"

    def enum_test(self, values: Any, x: str) -> str:
        if not isinstance(values, list):
            raise Unsupported("enum that is not a list")
        if values and all(isinstance(v, str) for v in values):
            return f"(type({x}) is str and {x} in {self.const(frozenset(values), 'S')})"
        return "(" + " or ".join(self.equal_test(v, x) for v in values) + ")" if values else "False"

    def string_test(self, sub: dict[str, Any], kind: str, x: str) -> str:
        """An expression: whether the string ``x`` passes one ``pattern`` or ``format``."""
        ask = f"_rs_check({self.const(sub, 'X')})"
        if kind == "format":
            # one memory a format: "https://x" is a valid uri and not a valid uuid
            fmt = self.local(f"_rt.format_check({ask}, {self.const(sub['format'], 'X')})", "F")
            seen = self.local(f"{fmt}.seen", "FS")
            return f"({seen}.get({x}) or {fmt}({x}))"  # a string seen valid is one lookup
        source, same = pattern_of(sub)
        if same is not None:  # ASCII needs no look for surrogates: the search is inline
            fast = self.local(f"_rt.search_of({self.const(same, 'X')})", "RE")
            slow = self.local(f"_rt.portable_pattern({fast})", "P")
            return f"({fast}({x}) is not None if {x}.isascii() else {slow}({x}))"
        search = f"_rt.search_of({self.const(source, 'X')})"
        return f"{self.local(f'_rt.dialect_pattern({search}, {ask})', 'P')}({x})"

    # -- what is known of a value's type ----------------------------------------------
    @staticmethod
    def single_type(schema: dict[str, Any]) -> str | None:
        t = schema.get("type")
        return t if isinstance(t, str) else None

    @staticmethod
    def satisfies(known: str | None, wanted: str) -> bool | None:
        """Whether a value of type ``known`` is of type ``wanted``: True, False, or None
        when that is not known (``known`` None, or an integer wanted of a number)."""
        if known is None:
            return None
        if known == wanted or (wanted == "number" and known == "integer"):
            return True
        if wanted == "integer" and known == "number":
            return None
        family = {"integer": "number"}
        return False if family.get(known, known) != family.get(wanted, wanted) else None

    def guard(self, key: str, x: str, known: str | None) -> str | None:
        """The test a keyword about one type needs before it reads ``x``: "" when the type
        is known to fit, None when it is known not to (the keyword says nothing)."""
        applies = _APPLIES.get(key)
        if applies is None:
            return ""
        fits = self.satisfies(known, applies)
        if fits is True:
            return ""
        if fits is False:
            return None
        return self.is_type(applies, x)

    # -- validity as one expression -----------------------------------------------
    def valid(self, schema: Any, x: str, known: str | None = None) -> str:
        if schema is True or schema == {}:
            return "True"
        if schema is False:
            return "False"
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        terms: list[str] = []
        single = self.single_type(schema)
        if single is not None:
            fits = self.satisfies(known, single)
            if fits is False:
                return "False"
            if fits is None:
                terms.append(self.type_test(single, x))
            known = single
        for key, value in schema.items():
            if key == "type" and single is not None:
                continue
            terms.extend(self.valid_keyword(schema, key, value, x, known))
        if "False" in terms:
            return "False"
        return "(" + " and ".join(terms) + ")" if terms else "True"

    def valid_keyword(self, schema: dict[str, Any], key: str, value: Any, x: str, known: str | None) -> Iterator[str]:
        if key in _IGNORED or key in ("then", "else"):
            return
        if key.startswith("x-"):
            check = self.keyword(key, value)
            if check is not None:
                yield f"not {check}({x})"
            return
        guard = self.guard(key, x, known)
        if guard is None:
            return

        def guarded(test: str) -> str:
            return f"(not {guard} or {test})" if guard else test

        if key == "type":
            yield self.type_test(value, x)
        elif key == "const":
            yield self.equal_test(value, x)
        elif key == "enum":
            yield self.enum_test(value, x)
        elif key in ("minimum", "maximum"):
            op = ">=" if key == "minimum" else "<="
            yield guarded(f"{x} {op} {self.const(self.number(value))}")
        elif key in ("minLength", "maxLength", "minItems", "maxItems"):
            op = ">=" if key.startswith("min") else "<="
            yield guarded(f"len({x}) {op} {self.count(value)}")
        elif key in ("pattern", "format"):
            yield guarded(self.string_test({key: value}, key, x))
        elif key == "required":
            names = self.names(value)
            if names:
                yield guarded("(" + " and ".join(f"{self.const(n)} in {x}" for n in names) + ")")
        elif key == "dependentRequired":
            rules = []
            for prop, needs in self.dependencies(value):
                if needs:
                    have = " and ".join(f"{self.const(n)} in {x}" for n in needs)
                    rules.append(f"({self.const(prop)} not in {x} or ({have}))")
            if rules:
                yield guarded("(" + " and ".join(rules) + ")")
        elif key == "properties":
            parts = []
            for name, sub in self.members(value):
                y = self.member(x, name)
                inner = self.valid(sub, y or (y := self.fresh("y")))
                if inner == "True":
                    continue
                if y in self.static:
                    parts.append(f"({y} is _M or {inner})")
                else:
                    parts.append(f"(({y} := {x}.get({self.const(name)}, _M)) is _M or {inner})")
            if parts:
                yield guarded("(" + " and ".join(parts) + ")")
        elif key == "additionalProperties":
            known_names = self.const(frozenset(schema.get("properties", {})), "S")
            if value is False:
                yield guarded(f"{x}.keys() <= {known_names}")
            elif value is not True and value != {}:
                y = self.fresh("y")
                yield guarded(f"all({self.valid(value, y)} for k, {y} in {x}.items() if k not in {known_names})")
        elif key == "items":
            if value is not True and value != {}:
                y = self.fresh("y")
                yield guarded(f"all({self.valid(value, y)} for {y} in {x})")
        elif key == "allOf":
            for sub in self.subschemas(value):
                inner = self.valid(sub, x, known)
                if inner != "True":
                    yield inner
        elif key == "anyOf":
            branches = [self.valid(sub, x, known) for sub in self.subschemas(value)]
            if "True" not in branches:
                yield "(" + " or ".join(branches) + ")"
        elif key == "not":
            inner = self.valid(value, x, known)
            yield "False" if inner == "True" else "True" if inner == "False" else f"not {inner}"
        elif key == "if":
            then = self.valid(schema.get("then", True), x, known)
            other = self.valid(schema.get("else", True), x, known)
            if then != "True" or other != "True":
                yield f"({then} if {self.valid(value, x, known)} else {other})"
        else:
            raise Unsupported(f"keyword {key!r}")

    # -- every error, as statements ---------------------------------------------------
    def path_code(self, ip: tuple[str, Any]) -> str:
        kind, value = ip
        return self.const(value, "IP") if kind == "static" else str(value)

    def child_path(self, ip: tuple[str, Any], step: str, dynamic: bool = False) -> tuple[str, Any]:
        kind, value = ip
        if kind == "static" and not dynamic:
            return ("static", (*value, step))
        return ("code", f"(*{self.path_code(ip)}, {step if dynamic else repr(step)})")

    def emit(
        self,
        schema: Any,
        sp: tuple[Any, ...],
        x: str,
        ip: tuple[str, Any],
        out: str,
        ind: int,
        known: str | None = None,
    ) -> list[str]:
        """Statements appending every error of ``x`` (instance path ``ip``)."""
        pad = "    " * ind
        if schema is True or schema == {}:
            return []
        if schema is False:
            return [f"{pad}{out}.append(_E('false', {self.const(sp, 'SP')}, {self.path_code(ip)}, {x}))"]
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if ind > 30:  # deep schemas: a function of its own keeps the indentation in bounds
            name = self.fresh("f")
            body = self.emit(schema, sp, "v", ("code", "ip"), "out", 2, known)
            self.functions.append("\n".join(["", f"    def {name}(v, ip, out):", *body, "        pass"]))
            return [f"{pad}{name}({x}, {self.path_code(ip)}, {out})"]
        single = self.single_type(schema)
        typed: list[str] = []  # the keywords about the one type the schema allows
        lines: list[str] = []
        for key, value in schema.items():
            if key == "type" and single is not None:
                continue
            if single is not None and key in _APPLIES:
                applies = _APPLIES[key]
                if self.satisfies(single, applies) and self.satisfies(applies, single):
                    # about exactly the values the type lets through: checked only for those
                    typed.extend(self.emit_keyword(schema, sp, key, value, x, ip, out, ind + 1, single))
                    continue
                # a wider type (minimum under "integer": 0.5 breaks both) or another one
            lines.extend(self.emit_keyword(schema, sp, key, value, x, ip, out, ind, known))
        if single is None:
            return lines
        fits = self.satisfies(known, single)
        type_error = f"{out}.append(_E('type', {self.const((*sp, 'type'), 'SP')}, {self.path_code(ip)}, {x}))"
        if fits is True:
            return [line[4:] for line in typed] + lines
        if fits is False:
            return [f"{pad}{type_error}", *lines]
        return [
            f"{pad}if {self.type_test(single, x)}:",
            *typed,
            f"{pad}    pass",
            f"{pad}else:",
            f"{pad}    {type_error}",
            *lines,
        ]

    def emit_keyword(
        self,
        schema: dict[str, Any],
        sp: tuple[Any, ...],
        key: str,
        value: Any,
        x: str,
        ip: tuple[str, Any],
        out: str,
        ind: int,
        known: str | None,
    ) -> list[str]:
        pad = "    " * ind
        here = self.const((*sp, key), "SP")
        where = self.path_code(ip)

        if key in _IGNORED or key in ("then", "else"):
            return []
        if key.startswith("x-"):
            check = self.keyword(key, value)
            if check is None:
                return []
            sep = self.const(self.sep)
            return [
                f"{pad}for r, m in {check}({x}):",
                f"{pad}    {out}.append(_E({key!r}, {here}, {where}, {x}, r + {sep} + m))",
            ]
        guard = self.guard(key, x, known)
        if guard is None:
            return []
        lines: list[str] = []
        if key in SINGLE_TESTS:
            test = self.valid({key: value}, x, known)
            if key in ("minimum", "maximum"):  # about a number: nothing jsonschema-rs refuses
                build = "_R"
            elif _APPLIES.get(key) == "string":  # an ASCII string has no lone surrogate
                build = f"(_R if {x}.isascii() else _E)"
            else:
                build = "_E"
            return [f"{pad}if not {test}:", f"{pad}    {out}.append({build}({key!r}, {here}, {where}, {x}))"]
        inner_pad = pad + "    " if guard else pad
        deeper = ind + 1 if guard else ind
        if key == "required":
            for n in self.names(value):  # one error a missing name, as jsonschema-rs reports them
                lines += [
                    f"{inner_pad}if {self.const(n)} not in {x}:",
                    f"{inner_pad}    {out}.append(_E('required', {here}, {where}, {x}))",
                ]
        elif key == "dependentRequired":
            for prop, needs in self.dependencies(value):
                if not needs:
                    continue
                lines.append(f"{inner_pad}if {self.const(prop)} in {x}:")
                for n in needs:
                    lines += [
                        f"{inner_pad}    if {self.const(n)} not in {x}:",
                        f"{inner_pad}        {out}.append(_E('dependentRequired', {here}, {where}, {x}))",
                    ]
        elif key == "properties":
            for name, sub in self.members(value):
                y = self.member(x, name)
                hoisted = y is not None
                inner = self.emit(
                    sub, (*sp, key, name), y or (y := self.fresh("y")), self.child_path(ip, name), out, deeper + 1
                )
                if inner and hoisted:
                    lines += [f"{inner_pad}if {y} is not _M:", *inner]
                elif inner:
                    lines += [
                        f"{inner_pad}{y} = {x}.get({self.const(name)}, _M)",
                        f"{inner_pad}if {y} is not _M:",
                        *inner,
                    ]
        elif key == "additionalProperties":
            known_names = self.const(frozenset(schema.get("properties", {})), "S")
            if value is False:
                lines = [
                    f"{inner_pad}if not {x}.keys() <= {known_names}:",
                    f"{inner_pad}    {out}.append(_E({key!r}, {here}, {where}, {x}))",
                ]
            elif value is not True and value != {}:
                k, y = self.fresh("k"), self.fresh("y")
                inner = self.emit(value, (*sp, key), y, self.child_path(ip, k, dynamic=True), out, deeper + 2)
                lines = [
                    f"{inner_pad}for {k}, {y} in {x}.items():",
                    f"{inner_pad}    if {k} not in {known_names}:",
                    *inner,
                    f"{inner_pad}        pass",
                ]
        elif key == "items":
            if value is not True and value != {}:
                i, y = self.fresh("i"), self.fresh("y")
                inner = self.emit(value, (*sp, key), y, self.child_path(ip, i, dynamic=True), out, deeper + 1)
                lines = [f"{inner_pad}for {i}, {y} in enumerate({x}):", *inner, f"{inner_pad}    pass"]
        elif key == "allOf":
            for index, sub in enumerate(self.subschemas(value)):
                lines += self.emit(sub, (*sp, key, index), x, ip, out, ind, known)
        elif key == "anyOf":
            test = self.valid({key: value}, x, known)
            if test == "True":
                return []
            lines = [f"{pad}if not {test}:"]
            groups = []
            for index, sub in enumerate(self.subschemas(value)):
                group = self.fresh("g")
                groups.append(f"tuple({group})")
                lines += [f"{pad}    {group} = []", *self.emit(sub, (*sp, key, index), x, ip, group, ind + 1, known)]
            branches = "(" + "".join(f"{g}, " for g in groups) + ")"
            lines.append(f"{pad}    {out}.append(_E('anyOf', {here}, {where}, {x}, None, {branches}))")
        elif key == "not":
            test = self.valid(value, x, known)
            if test != "False":
                lines = [f"{pad}if {test}:", f"{pad}    {out}.append(_E('not', {here}, {where}, {x}))"]
        elif key == "if":
            then = self.emit(schema.get("then", True), (*sp, "then"), x, ip, out, ind + 1, known)
            other = self.emit(schema.get("else", True), (*sp, "else"), x, ip, out, ind + 1, known)
            if then or other:
                lines = [
                    f"{pad}if {self.valid(value, x, known)}:",
                    *then,
                    f"{pad}    pass",
                    f"{pad}else:",
                    *other,
                    f"{pad}    pass",
                ]
        else:
            raise Unsupported(f"keyword {key!r}")
        if guard and lines and key not in ("allOf", "anyOf", "not", "if"):
            return [f"{pad}if {guard}:", *lines]
        return lines

    # -- reading the schema ------------------------------------------------------------
    @staticmethod
    def number(value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Unsupported(f"limit {value!r}")
        return value

    @staticmethod
    def count(value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise Unsupported(f"count {value!r}")
        return value

    @staticmethod
    def names(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise Unsupported(f"names {value!r}")
        return value

    @staticmethod
    def dependencies(value: Any) -> list[tuple[str, list[str]]]:
        if not isinstance(value, dict):
            raise Unsupported("dependentRequired that is not an object")
        return [(prop, _Generator.names(needs)) for prop, needs in value.items()]

    @staticmethod
    def members(value: Any) -> list[tuple[str, Any]]:
        if not isinstance(value, dict):
            raise Unsupported("properties that is not an object")
        return list(value.items())

    @staticmethod
    def subschemas(value: Any) -> list[Any]:
        if not isinstance(value, list) or not value:
            raise Unsupported("a list of subschemas that is empty or not a list")
        return value


__all__ = [
    "SINGLE_TESTS",
    "Checker",
    "Unsupported",
    "compile_schema",
    "load",
    "module_source",
    "pattern_of",
    "portable",
]
