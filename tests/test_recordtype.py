"""``@recordclass``, the project's one record style, behaves like a frozen slotted dataclass.

The records replaced ``dataclasses`` to save start-up time (docs/performance.md), so each
dataclass behaviour the code and its users lean on is pinned here: construction, keyword-only
fields, defaults and factories, immutability, equality and hashing over compared fields,
``repr``, pickling and copying, ``replace``, pattern matching, and the errors a bad
definition gets.
"""

from __future__ import annotations

import copy
import pickle
import sys

import pytest

from wanspec import Diagnostic, LintResult, Severity
from wanspec.recordtype import (
    KW_ONLY,
    FrozenInstanceError,
    astuple,
    field,
    fields,
    fromtuple,
    maker,
    recordclass,
    replace,
)


@recordclass
class Point:
    """A frozen, slotted record."""

    x: int
    y: int = 0
    _: KW_ONLY
    label: str = ""
    tags: list[str] = field(default_factory=list, compare=False)
    note: str = field(default="", repr=False)


@recordclass(frozen=False, slots=False)
class Counter:
    name: str
    seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.name = self.name.upper()


def test_construction_positional_and_keyword_with_defaults():
    p = Point(1, label="a")
    assert (p.x, p.y, p.label, p.tags, p.note) == (1, 0, "a", [], "")
    assert Point(x=1, y=2) == Point(1, 2)


def test_fields_after_kw_only_cannot_be_given_by_position():
    with pytest.raises(TypeError):
        Point(1, 2, "a")  # type: ignore[misc]


def test_a_missing_or_unknown_argument_is_a_type_error():
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]


def test_each_instance_gets_its_own_default_from_a_factory():
    a, b = Point(1), Point(2)
    a.tags.append("t")
    assert b.tags == []


def test_frozen_records_refuse_assignment_and_deletion():
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.x
    with pytest.raises(AttributeError):  # slotted: no stray attributes either
        object.__setattr__(p, "other", 1)


def test_equality_and_hash_use_the_compared_fields_only():
    assert Point(1, tags=["a"]) == Point(1, tags=["b"])
    assert hash(Point(1, tags=["a"])) == hash(Point(1, tags=["b"]))
    assert Point(1) != Point(2)
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_records_of_different_classes_are_never_equal():
    @recordclass
    class Other:
        x: int
        y: int = 0
        _: KW_ONLY
        label: str = ""

    assert Point(1) != Other(1)
    assert Point(1) != (1, 0, "")


def test_repr_shows_the_shown_fields_in_order():
    assert repr(Point(1, label="a", note="hidden")) == "Point(x=1, y=0, label='a', tags=[])"


def test_pickle_and_copies_round_trip():
    p = Point(1, 2, label="a", tags=["t"], note="n")
    for clone in (pickle.loads(pickle.dumps(p)), copy.copy(p), copy.deepcopy(p)):
        assert clone == p and clone.tags == ["t"] and clone.note == "n"


def test_a_record_travels_as_a_tuple_of_its_values_and_comes_back_equal():
    p = Point(1, 2, label="a", tags=["t"], note="n")
    values = astuple(p)
    assert values == (1, 2, "a", ["t"], "n") and values[3] is p.tags  # shallow, in field order
    back = fromtuple(Point, pickle.loads(pickle.dumps(values)))
    assert back == p and back.note == "n" and type(back) is Point
    with pytest.raises(FrozenInstanceError):
        back.x = 5  # type: ignore[misc]
    d = Diagnostic("WS500", Severity.ERROR, "m", file="a.json", line=3, fixable=True)
    assert fromtuple(Diagnostic, astuple(d)) == d and fromtuple(Diagnostic, astuple(d)).fixable
    made = maker(Diagnostic)(*astuple(d))  # every value in field order, positionally
    assert made == d and made.fixable and type(made) is Diagnostic and maker(Diagnostic) is maker(Diagnostic)
    with pytest.raises(TypeError):
        maker(Point)(1, 2)  # every field, defaults or not


def test_replace_makes_a_changed_copy_and_checks_the_names():
    p = Point(1, label="a")
    assert replace(p, y=5) == Point(1, 5, label="a")
    assert p.y == 0
    with pytest.raises(TypeError):
        replace(p, nope=1)


@pytest.mark.skipif(sys.version_info < (3, 13), reason="copy.replace is new in Python 3.13")
def test_copy_replace_works_on_records():
    assert copy.replace(Point(1), y=2) == Point(1, 2)  # type: ignore[attr-defined]


def test_pattern_matching_uses_the_positional_fields():
    match Point(3, 4):
        case Point(x, y):
            assert (x, y) == (3, 4)
        case _:
            pytest.fail("no match")


def test_fields_lists_the_table_in_definition_order():
    assert [f.name for f in fields(Point)] == ["x", "y", "label", "tags", "note"]
    assert [f.name for f in fields(Point(1))] == ["x", "y", "label", "tags", "note"]
    with pytest.raises(TypeError):
        fields(object())


@recordclass(slots=False)
class Loose:
    a: int
    b: str = "b"


@recordclass
class Parent:
    a: int
    b: str = "b"


class Child(Parent):
    def total(self) -> str:
        return f"{self.a}{self.b}"


def test_mutable_records_take_assignment_run_post_init_and_are_unhashable():
    c = Counter("a")
    assert c.name == "A"
    c.seen.add("x")
    assert c == Counter("a", {"x"})
    with pytest.raises(TypeError):
        hash(c)


def test_every_kind_of_record_sets_each_field_to_its_own_value():
    """A frozen slotted record sets its slots through their descriptors, bypassing its own
    ``__setattr__``; a frozen record without slots, through ``object.__setattr__``; a
    mutable one, by assignment. Each field must get its own value, whether the record is
    constructed, rebuilt from a tuple or unpickled, and a subclass's records too."""

    for cls in (Loose, Parent, Child):
        made = cls(1, "z")
        assert (made.a, made.b) == (1, "z")
        for again in (fromtuple(cls, astuple(made)), pickle.loads(pickle.dumps(made))):
            assert type(again) is cls and (again.a, again.b) == (1, "z")
        with pytest.raises(FrozenInstanceError):
            made.a = 5  # type: ignore[misc]
    assert Child(3, "c").total() == "3c"


def test_a_mutable_default_is_refused_at_definition():
    with pytest.raises(ValueError, match="default_factory"):

        @recordclass
        class Bad:
            items: list[int] = []  # noqa: RUF012


def test_a_field_without_default_after_one_with_a_default_is_refused():
    with pytest.raises(TypeError, match="non-default"):

        @recordclass
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_the_public_records_are_records():
    d = Diagnostic("WS100", Severity.ERROR, "m", file="f", fixable=True)
    assert d == Diagnostic("WS100", Severity.ERROR, "m", file="f")  # fixable is not compared
    assert replace(d, line=3).line == 3
    assert pickle.loads(pickle.dumps(d)) == d
    result = LintResult()
    result.files += 1  # a run's result is mutable
    assert result.files == 1


@recordclass
class One:
    only: str


@recordclass(frozen=False)
class Box:
    items: list[Point] = field(default_factory=list)


def test_records_of_one_field_and_nested_records_pickle_too():
    """Workers send findings back pickled: a record pickles as its class and its values."""
    box = Box([Point(1, tags=["a"]), Point(2, label="b")])
    again = pickle.loads(pickle.dumps(box))
    assert again == box and again.items[0].tags == ["a"]
    assert pickle.loads(pickle.dumps(One("x"))) == One("x")
    assert copy.deepcopy(One("x")) == One("x")
