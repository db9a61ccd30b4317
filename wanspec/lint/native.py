"""A model schema as a program the compiled checker runs (``_fastjson.check``).

The generated Python checker (``lint.compiler``) walks a task in Python bytecode: on a
clean task that is as slow as jsonschema-rs converting the task into its own values, and
on a task with errors it is most of the engine's time. The compiled checker walks the
same task in C, following a *program*: nested tuples that mirror, node for node, the code
``compiler`` writes for the schema (see ``_fastcheck.h`` for how it is read). So the two
find the same errors, in the same order, with the same arguments to the same error
builder; tests/test_native.py holds them to it, on every bundled schema.

Two kinds of node, as in the generated code:

* an *error node* (``errors``): a tuple of ``E_*`` operations, each appending errors;
* a *validity node* (``valid``): True, False, or a tuple of ``V_*`` operations that must
  all hold (``not``, ``if`` and ``anyOf`` need no more, and it stops at the first failure).

Whatever Python reads better stays in Python, as a callable in the program: a regular
expression, a format (jsonschema-rs' verdict, remembered), a custom keyword's findings,
JSON equality of containers, and the error builder. The program is built in the running
process (it holds those callables), in 1-3 ms a model; the engine calls the C function
directly (a ``functools.partial``), which raises ``runtime.Fallback`` itself. A schema ``compiler``
cannot take raises ``compiler.Unsupported`` here too: the keywords, and the places, are the
same.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Collection
from typing import Any

from . import runtime, speedups
from .compiler import (
    _APPLIES,
    _IGNORED,
    SINGLE_TESTS,
    Checker,
    KeywordMaker,
    StringCheck,
    Unsupported,
    _Generator,
    _literal,
    pattern_of,
)

# Opcodes: the numbers _fastcheck.h switches on.
(
    V_TYPE,
    V_EQ,
    V_ENUM_STR,
    V_ANY,
    V_CMP,
    V_LEN,
    V_PATTERN,
    V_CALL,
    V_FORMAT,
    V_REQUIRED,
    V_DEPREQ,
    V_PROPS,
    V_ADDL_FALSE,
    V_ADDL,
    V_ITEMS,
    V_NOT,
    V_IF,
    V_CUSTOM,
) = range(1, 19)
(
    E_FALSE,
    E_TYPED,
    E_TEST,
    E_CUSTOM,
    E_REQUIRED,
    E_DEPREQ,
    E_PROPS,
    E_ADDL_FALSE,
    E_ADDL,
    E_ITEMS,
    E_ANYOF,
    E_NOT,
    E_IF,
) = range(101, 114)

#: A JSON type's bit; a value's bits are its type's (an integer is also a number).
TYPE_BITS = {"object": 1, "array": 2, "string": 4, "boolean": 8, "null": 16, "number": 32, "integer": 64}
EQ_SAME, EQ_TEXT, EQ_NUMBER, EQ_CALL = range(4)
_GE, _LE = 0, 1

Node = Any  # an error node (tuple), or a validity node (True, False or a tuple)


class _Builder:
    def __init__(
        self,
        custom: Collection[str],
        sep: str,
        keyword: KeywordMaker,
        rs_check: StringCheck,
    ) -> None:
        self.custom = frozenset(custom)
        self.sep = sep
        self._keyword = keyword
        self._rs_check = rs_check
        #: one callable (and one format memory) for each distinct subschema that needs it
        self._made: dict[tuple[str, str], Any] = {}

    def made(self, kind: str, key: str, make: Callable[[], Any]) -> Any:
        found = self._made.get((kind, key))
        if found is None:
            found = self._made[(kind, key)] = make()
        return found

    # -- single tests ---------------------------------------------------------------------
    @staticmethod
    def bits(value: Any) -> int:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise Unsupported(f"type {value!r}")
        try:
            return sum({TYPE_BITS[n] for n in names})
        except KeyError as exc:
            raise Unsupported(f"type {value!r}") from exc

    @staticmethod
    def constant(value: Any) -> Any:
        """``value`` as the program holds it; a value with no literal (NaN, an infinity) is
        Unsupported, as the generated code's constants are (``compiler._literal``)."""
        _literal(value)
        return value

    @staticmethod
    def rules(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``dependentRequired``'s rules that require something: ((name, (needed, ...)), ...)."""
        return tuple((prop, tuple(needs)) for prop, needs in _Generator.dependencies(value) if needs)

    def equal(self, value: Any) -> tuple[Any, ...]:
        if value is None or isinstance(value, bool):
            return (V_EQ, EQ_SAME, value)
        if isinstance(value, str):
            return (V_EQ, EQ_TEXT, value)
        if isinstance(value, (int, float)):
            return (V_EQ, EQ_NUMBER, self.constant(value))
        return (V_EQ, EQ_CALL, self.constant(value), runtime.json_equal)

    def enum(self, values: Any) -> Node:
        if not isinstance(values, list):
            raise Unsupported("enum that is not a list")
        if values and all(isinstance(v, str) for v in values):
            return ((V_ENUM_STR, frozenset(values)),)
        if not values:
            return False
        return ((V_ANY, tuple((self.equal(v),) for v in values)),)

    def string(self, sub: dict[str, Any], kind: str) -> tuple[Any, ...]:
        """One ``pattern`` or ``format`` test, with the callables the generated code uses."""
        key = repr(sub)
        if kind == "format":
            fmt = self.made("format", key, lambda: runtime.format_check(self._rs_check(sub), sub["format"]))
            name = sub["format"]
            return (V_FORMAT, fmt.seen, fmt, runtime.SURE_SHAPES.get(name, 0) if isinstance(name, str) else 0)
        source, same = pattern_of(sub)
        if same is not None:
            search = self.made("search", same, lambda: runtime.search_of(same))
            return (V_PATTERN, search, self.made("portable", same, lambda: runtime.portable_pattern(search)))
        dialect = self.made(
            "dialect", key, lambda: runtime.dialect_pattern(runtime.search_of(source), self._rs_check(sub))
        )
        return (V_CALL, dialect)

    def custom_check(self, name: str, config: Any) -> Callable[[Any], Any] | None:
        if name not in self.custom:
            return None  # a tag: checks nothing
        check: Callable[[Any], Any] = self.made(
            "keyword", repr((name, self.constant(config))), lambda: self._keyword(name, config)
        )
        return check

    # -- validity ---------------------------------------------------------------------------
    def valid(self, schema: Any) -> Node:
        """``compiler._Generator.valid``, as a validity node. The generated code also uses
        what is known of the value's type to leave out tests; the program tests the type
        where the generated code would, and that gives the same answer."""
        if schema is True or schema == {}:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        terms: list[Any] = []
        single = _Generator.single_type(schema)
        if single is not None:
            terms.append((V_TYPE, self.bits(single)))
        for key, value in schema.items():
            if key == "type" and single is not None:
                continue
            for term in self.valid_keyword(schema, key, value):
                if term is False:
                    return False
                terms.append(term)
        return tuple(terms) if terms else True

    def valid_keyword(self, schema: dict[str, Any], key: str, value: Any) -> list[Any]:
        """The terms one keyword adds (False: the schema can never hold)."""
        if key in _IGNORED or key in ("then", "else"):
            return []
        if key.startswith("x-"):
            check = self.custom_check(key, value)
            return [] if check is None else [(V_CUSTOM, check)]
        applies = _APPLIES.get(key)
        guard = TYPE_BITS[applies] if applies else 0
        if key == "type":
            return [(V_TYPE, self.bits(value))]
        if key == "const":
            return [self.equal(value)]
        if key == "enum":
            node = self.enum(value)
            return [False] if node is False else list(node)
        if key in ("minimum", "maximum"):
            return [(V_CMP, guard, _GE if key == "minimum" else _LE, self.constant(_Generator.number(value)))]
        if key in ("minLength", "maxLength", "minItems", "maxItems"):
            # a count past any length reads the same as the largest length there can be
            count = min(_Generator.count(value), sys.maxsize)
            return [(V_LEN, guard, _GE if key.startswith("min") else _LE, count)]
        if key in ("pattern", "format"):
            return [self.string({key: value}, key)]
        if key == "required":
            names = _Generator.names(value)
            return [(V_REQUIRED, tuple(names))] if names else []
        if key == "dependentRequired":
            rules = self.rules(value)
            return [(V_DEPREQ, rules)] if rules else []
        if key == "properties":
            members = []
            for name, sub in _Generator.members(value):
                inner = self.valid(sub)
                if inner is not True:
                    members.append((name, inner))
            return [(V_PROPS, tuple(members))] if members else []
        if key == "additionalProperties":
            known = frozenset(schema.get("properties", {}))
            if value is False:
                return [(V_ADDL_FALSE, known)]
            if value is not True and value != {}:
                return [(V_ADDL, known, self.valid(value))]
            return []
        if key == "items":
            return [] if value is True or value == {} else [(V_ITEMS, self.valid(value))]
        if key == "allOf":
            terms = []
            for sub in _Generator.subschemas(value):
                inner = self.valid(sub)
                if inner is False:
                    return [False]
                if inner is not True:
                    terms.extend(inner)
            return terms
        if key == "anyOf":
            branches = [self.valid(sub) for sub in _Generator.subschemas(value)]
            return [] if True in branches else [(V_ANY, tuple(branches))]
        if key == "not":
            inner = self.valid(value)
            return [False] if inner is True else [] if inner is False else [(V_NOT, inner)]
        if key == "if":
            then, other = self.valid(schema.get("then", True)), self.valid(schema.get("else", True))
            if then is True and other is True:
                return []
            return [(V_IF, self.valid(value), then, other)]
        raise Unsupported(f"keyword {key!r}")

    # -- every error ------------------------------------------------------------------------
    def errors(self, schema: Any, sp: tuple[Any, ...]) -> list[Any]:
        """``compiler._Generator.emit``, as the operations of an error node."""
        if schema is True or schema == {}:
            return []
        if schema is False:
            return [(E_FALSE, sp)]
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        single = _Generator.single_type(schema)
        typed: list[Any] = []  # the keywords about exactly the one type the schema allows
        ops: list[Any] = []
        for key, value in schema.items():
            if key == "type" and single is not None:
                continue
            if single is not None and _APPLIES.get(key) == single:
                typed.extend(self.keyword_errors(schema, sp, key, value))
            else:
                ops.extend(self.keyword_errors(schema, sp, key, value))
        if single is None:
            return ops
        return [(E_TYPED, self.bits(single), (*sp, "type"), tuple(typed)), *ops]

    def keyword_errors(self, schema: dict[str, Any], sp: tuple[Any, ...], key: str, value: Any) -> list[Any]:
        here = (*sp, key)
        if key in _IGNORED or key in ("then", "else"):
            return []
        if key.startswith("x-"):
            check = self.custom_check(key, value)
            return [] if check is None else [(E_CUSTOM, key, here, check, self.sep)]
        if key in SINGLE_TESTS:
            test = self.valid({key: value})
            return [] if test is True else [(E_TEST, key, here, test)]
        if key == "required":
            names = _Generator.names(value)
            return [(E_REQUIRED, here, tuple(names))] if names else []
        if key == "dependentRequired":
            rules = self.rules(value)
            return [(E_DEPREQ, here, rules)] if rules else []
        if key == "properties":
            members = []
            for name, sub in _Generator.members(value):
                inner = self.errors(sub, (*here, name))
                if inner:
                    members.append((name, tuple(inner)))
            return [(E_PROPS, tuple(members))] if members else []
        if key == "additionalProperties":
            known = frozenset(schema.get("properties", {}))
            if value is False:
                return [(E_ADDL_FALSE, here, known)]
            if value is not True and value != {}:
                inner = self.errors(value, here)
                return [(E_ADDL, known, tuple(inner))] if inner else []
            return []
        if key == "items":
            if value is True or value == {}:
                return []
            inner = self.errors(value, here)
            return [(E_ITEMS, tuple(inner))] if inner else []
        if key == "allOf":
            ops = []
            for index, sub in enumerate(_Generator.subschemas(value)):
                ops.extend(self.errors(sub, (*here, index)))
            return ops
        if key == "anyOf":
            test = self.valid({key: value})
            if test is True:
                return []
            branches = tuple(tuple(self.errors(sub, (*here, i))) for i, sub in enumerate(_Generator.subschemas(value)))
            return [(E_ANYOF, here, test, branches)]
        if key == "not":
            test = self.valid(value)
            return [] if test is False else [(E_NOT, here, test)]
        if key == "if":
            then = self.errors(schema.get("then", True), (*sp, "then"))
            other = self.errors(schema.get("else", True), (*sp, "else"))
            if not then and not other:
                return []
            return [(E_IF, self.valid(value), tuple(then), tuple(other))]
        raise Unsupported(f"keyword {key!r}")


def program(
    schema: Any,
    keyword: KeywordMaker,
    rs_check: StringCheck,
    sep: str,
    custom: Collection[str],
) -> tuple[Any, ...]:
    """The program of ``schema`` (its root error node). Raises ``Unsupported``."""
    try:
        return tuple(_Builder(custom, sep, keyword, rs_check).errors(schema, ()))
    except RecursionError as exc:  # nested past what this stack allows
        raise Unsupported(f"a schema nested too deep to build: {type(exc).__name__}") from exc


def load(
    schema: Any,
    make_error: Callable[..., Any],
    keyword: KeywordMaker,
    rs_check: StringCheck,
    sep: str,
    custom: Collection[str],
) -> Checker | None:
    """``check(task) -> [error, ...]`` run by the compiled checker, called as the generated
    checker is (a plain JSON task; ``runtime.Fallback`` when jsonschema-rs must answer);
    None without the C module. Raises ``Unsupported``."""
    run, _ = speedups.entry("check")
    if run is None:
        return None
    code = program(schema, keyword, rs_check, sep, custom)
    # no Python frame between the engine and C: the C function raises Fallback itself
    check = functools.partial(run, code, runtime.error_builder(make_error), make_error, runtime.Fallback)
    check.program = code  # type: ignore[attr-defined]  # for the tests
    return check


__all__ = ["TYPE_BITS", "load", "program"]
