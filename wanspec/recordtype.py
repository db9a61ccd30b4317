"""The project's one record style: ``@recordclass`` classes, frozen and slotted by default.

A record reads like a dataclass (annotated fields, defaults, ``field(...)``, ``_: KW_ONLY``,
``__post_init__``) and behaves like one made with ``dataclass(frozen=True, slots=True)``:
keyword or positional construction, ``==`` and ``hash`` over the compared fields, a
``repr`` of the shown ones, pickling, ``__match_args__``, and ``copy.replace`` (through
``__replace__``; :func:`replace` on every Python).

Why not ``dataclasses``: a pre-commit hook starts ``wanspec lint`` on every commit, and
``dataclasses`` compiles six methods per class from source at import, plus imports
``inspect``, ``ast``, ``dis`` and ``tokenize``: about 20 ms of a 80 ms start on the lint
path's 25 records (docs/performance.md). Here only ``__init__`` is compiled, in one small
``exec`` per class, and a frozen record sets its slots through their descriptors, so
construction is faster than a frozen dataclass's; every other method is one shared
function that reads the class's field table.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar, dataclass_transform, overload

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "KW_ONLY",
    "FrozenInstanceError",
    "astuple",
    "field",
    "fields",
    "fromtuple",
    "maker",
    "recordclass",
    "replace",
]

_T = TypeVar("_T")
_C = TypeVar("_C", bound=type)


class FrozenInstanceError(AttributeError):
    """Assigning to (or deleting) a field of a frozen record."""


if TYPE_CHECKING:  # type checkers know dataclasses' marker; at run time it is only a name
    from dataclasses import KW_ONLY
else:

    class KW_ONLY:
        """Annotate ``_: KW_ONLY`` in a record: the fields after it are keyword-only."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Field:
    """One field of a record: its name, default (or factory), and whether it is compared and shown."""

    __slots__ = ("compare", "default", "default_factory", "kw_only", "name", "repr")

    def __init__(self, default: Any, default_factory: Any, compare: bool, repr: bool) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.compare = compare
        self.repr = repr
        self.kw_only = False

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, default={self.default!r}, default_factory={self.default_factory!r})"


@overload
def field(*, default: _T, compare: bool = True, repr: bool = True) -> _T: ...
@overload
def field(*, default_factory: Callable[[], _T], compare: bool = True, repr: bool = True) -> _T: ...
@overload
def field(*, compare: bool = True, repr: bool = True) -> Any: ...
def field(
    *,
    default: Any = MISSING,
    default_factory: Any = MISSING,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default factory, or one left out of ``==``/``hash`` or of the ``repr``."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, compare, repr)


def fields(record_or_class: object) -> tuple[Field, ...]:
    """The fields of a record class (or of a record), in definition order."""
    cls = record_or_class if isinstance(record_or_class, type) else type(record_or_class)
    try:
        return cls.__record_fields__  # type: ignore[attr-defined,no-any-return]
    except AttributeError:
        raise TypeError(f"{cls.__qualname__} is not a record") from None


def astuple(obj: object) -> tuple[Any, ...]:
    """The values of a record in field order, shallow (unlike ``dataclasses.astuple``): with
    ``fromtuple``, a record's cheapest form to send to another process (plain values pickle
    several times faster than records)."""
    return type(obj).__record_values__(obj)  # type: ignore[attr-defined,no-any-return]


def fromtuple(cls: type[_T], values: Iterable[Any]) -> _T:
    """The record of class ``cls`` holding ``values`` in field order (what ``astuple`` gave),
    set as they are: ``__init__`` is not run, as in unpickling."""
    return _rebuild(cls, *values)  # type: ignore[no-any-return]


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the record ``obj`` with ``changes`` applied (``dataclasses.replace`` for records)."""
    return obj.__replace__(**changes)  # type: ignore[attr-defined,no-any-return]


# -- the shared methods: one function for every record, reading its class's field table ----------


def _repr(self: Any) -> str:
    shown = type(self).__record_repr__
    return f"{type(self).__qualname__}({', '.join(f'{n}={getattr(self, n)!r}' for n in shown)})"


def _eq(self: Any, other: Any) -> Any:
    if type(other) is not type(self):
        return NotImplemented
    key = type(self).__record_key__
    return key is None or key(self) == key(other)


def _hash(self: Any) -> int:
    key = type(self).__record_key__
    return hash(key(self) if key is not None else ())


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _replace_method(self: Any, /, **changes: Any) -> Any:
    for f in type(self).__record_fields__:
        if f.name not in changes:
            changes[f.name] = getattr(self, f.name)
    return type(self)(**changes)


def _reduce(self: Any) -> tuple[Any, ...]:
    """Pickle a slotted record as its class and its values in field order."""
    cls = type(self)
    return _rebuild, (cls, *cls.__record_values__(self))


def _values_getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A record's values in field order, as a tuple (``attrgetter`` gives a bare value for one name)."""
    if len(names) > 1:
        return attrgetter(*names)
    return lambda r: tuple(getattr(r, n) for n in names)


def maker(cls: type[_T]) -> Callable[..., _T]:
    """The record class ``cls`` made from every value in field order, as positional
    arguments, set as they are (``__init__`` is not run, as in ``fromtuple``): for a record
    made by the thousand, 0.64 µs where keywords to ``__init__`` take 1.0 µs (13 fields)."""
    return _maker(cls)  # type: ignore[no-any-return]


def _rebuild(cls: type, *values: Any) -> Any:
    """Unpickle a record: its class's ``__record_make__`` sets each slot in turn, no loop."""
    return _maker(cls)(*values)


def _maker(cls: type) -> Any:
    make = cls.__dict__.get("__record_make__")
    if make is None:  # compiled on the first unpickling, so importing a record costs nothing more
        names = [f.name for f in cls.__record_fields__]  # type: ignore[attr-defined]
        scope: dict[str, Any] = {"__new": object.__new__, "__set": object.__setattr__, "__cls": cls}
        if "__slots__" in cls.__dict__:  # each slot set through its own descriptor (see _init_source)
            _bind_slots(cls, scope)
            body = "".join(f"    __s_{n}(self, {n})\n" for n in names)
        else:
            body = "".join(f"    __set(self, {n!r}, {n})\n" for n in names)
        source = f"def __record_make__({', '.join(names)}):\n    self = __new(__cls)\n{body}    return self\n"
        exec(source, scope)
        make = scope["__record_make__"]
        type.__setattr__(cls, "__record_make__", make)
    return make


# -- building a record class --------------------------------------------------------------------


def _collect(cls: type, kw_only: bool) -> list[Field]:
    """The class's fields from its own annotations (records do not inherit fields)."""
    out: list[Field] = []
    keyword = kw_only
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063 (own, unevaluated)
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if annotation is KW_ONLY or text in ("KW_ONLY", "dataclasses.KW_ONLY"):
            keyword = True
            continue
        if text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        value = cls.__dict__.get(name, MISSING)
        f = value if isinstance(value, Field) else Field(value, MISSING, True, True)
        if isinstance(f.default, list | dict | set):
            raise ValueError(
                f"mutable default {type(f.default).__name__} for field {name}: use field(default_factory=...)"
            )
        f.name = name
        f.kw_only = keyword
        out.append(f)
    seen_default = False
    for f in out:
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if not f.kw_only and seen_default and not has_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
        seen_default = seen_default or (has_default and not f.kw_only)
    return out


def _init_source(cls: type, table: list[Field], frozen: bool, slots: bool) -> tuple[str, dict[str, Any]]:
    """``__init__``'s source and the names it refers to (defaults and factories by field).

    A frozen, slotted record sets each slot through the slot's own descriptor
    (``__s_<name>``, bound into the names once the class exists, ``_bind_slots``): a
    record of six fields is made in 0.47 µs instead of 0.64 µs through
    ``object.__setattr__``, which looks the name up in the class first."""
    names: dict[str, Any] = {"__MISSING": MISSING, "__set": object.__setattr__}
    params: list[str] = []
    body: list[str] = []
    keyword_started = False
    for f in table:
        if f.kw_only and not keyword_started:
            params.append("*")
            keyword_started = True
        if f.default_factory is not MISSING:
            names[f"__f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__MISSING")
            body.append(f"    if {f.name} is __MISSING: {f.name} = __f_{f.name}()")
        elif f.default is not MISSING:
            names[f"__d_{f.name}"] = f.default
            params.append(f"{f.name}=__d_{f.name}")
        else:
            params.append(f.name)
        if not frozen:
            body.append(f"    self.{f.name} = {f.name}")
        elif slots:
            body.append(f"    __s_{f.name}(self, {f.name})")
        else:
            body.append(f"    __set(self, {f.name!r}, {f.name})")
    if "__post_init__" in cls.__dict__:
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass") + "\n"
    return source, names


def _build(cls: type, *, frozen: bool, slots: bool, kw_only: bool, eq: bool) -> type:
    table = _collect(cls, kw_only)
    namespace = dict(cls.__dict__)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    for f in table:
        if slots or isinstance(namespace.get(f.name), Field):
            namespace.pop(f.name, None)  # a default lives in __init__; a slot cannot share its name
            if not slots and f.default is not MISSING:
                namespace[f.name] = f.default  # as dataclasses leaves it: the class attribute is the default
    if slots:
        namespace["__slots__"] = tuple(f.name for f in table)
    source, names = _init_source(cls, table, frozen, slots)
    exec(source, names)
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    namespace["__init__"] = init
    namespace["__record_fields__"] = tuple(table)
    namespace["__record_repr__"] = tuple(f.name for f in table if f.repr)
    compared = [f.name for f in table if f.compare]
    namespace["__record_key__"] = attrgetter(*compared) if compared else None
    namespace["__record_values__"] = _values_getter([f.name for f in table])
    namespace["__match_args__"] = tuple(f.name for f in table if not f.kw_only)
    namespace.setdefault("__repr__", _repr)
    namespace["__replace__"] = _replace_method
    if eq:
        namespace.setdefault("__eq__", _eq)
        if frozen:
            namespace.setdefault("__hash__", _hash)
        elif "__hash__" not in cls.__dict__ or cls.__dict__["__hash__"] is None:
            namespace["__hash__"] = None  # mutable and compared by value: unhashable, as dataclasses makes it
    if frozen:
        namespace["__setattr__"] = _frozen_setattr
        namespace["__delattr__"] = _frozen_delattr
    if slots:
        namespace["__reduce__"] = _reduce
    new = type(cls)(cls.__name__, cls.__bases__, namespace)
    new.__qualname__ = cls.__qualname__
    if slots:
        _bind_slots(new, names)
    return new


def _bind_slots(cls: type, names: dict[str, Any]) -> None:
    """Each slot's setter, under ``__s_<name>``, for the compiled functions that read ``names``."""
    for f in cls.__record_fields__:  # type: ignore[attr-defined]
        names[f"__s_{f.name}"] = cls.__dict__[f.name].__set__


@overload
def recordclass(cls: _C, /) -> _C: ...
@overload
def recordclass(
    *, frozen: bool = True, slots: bool = True, kw_only: bool = False, eq: bool = True
) -> Callable[[_C], _C]: ...
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def recordclass(
    cls: Any = None, /, *, frozen: bool = True, slots: bool = True, kw_only: bool = False, eq: bool = True
) -> Any:
    """Make ``cls`` a record: ``@recordclass`` (frozen, slotted) or ``@recordclass(frozen=False, ...)``."""

    def wrap(c: type) -> type:
        return _build(c, frozen=frozen, slots=slots, kw_only=kw_only, eq=eq)

    return wrap if cls is None else wrap(cls)
