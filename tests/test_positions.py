"""Pointers map back to the line and column of the value (or key) in the file."""

from __future__ import annotations

import json
import random
from typing import SupportsIndex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wanspec.jsontools import pointer_of
from wanspec.lint import positions, source
from wanspec.lint.positions import PositionIndex, scan
from wanspec.lint.source import Task, parse_text, read_json


@pytest.fixture(autouse=True, scope="module", params=["compiled", "pure"])
def json_reader(request):
    """Every test here runs twice: with the compiled reader (which locates findings by its
    listing of each container), and with its pure-Python twin (the text search,
    ``PositionIndex.search``, and the Python listing), which a wheel built without a
    compiler runs."""
    if request.param == "compiled" and not positions.LISTS_COMPILED:
        pytest.skip("no compiled reader in this install")
    with pytest.MonkeyPatch.context() as mp:
        if request.param == "pure":
            mp.setattr(source, "LISTS_COMPILED", False)
            mp.setattr(positions, "_FAST_CHILDREN", None)
            mp.setattr(source, "_FAST_LOADS", None)
            mp.setattr(positions, "_FAST_NEWLINES", None)
            mp.setattr(positions, "_FAST_WALK", None)
        yield request.param


TEXT = '{\n  "a": [1, {"b/c": 2, "t~": true}],\n  "é": "x",\n  "a": null\n}'


@pytest.mark.parametrize(
    ("pointer", "key", "expected"),
    [
        ("", False, (1, 1)),
        ("/a/0", False, (2, 9)),
        ("/a/1/b~1c", False, (2, 20)),
        ("/a/1/t~0", True, (2, 23)),
        ("/é", False, (3, 8)),
        ("/a", False, (4, 8)),  # the duplicate wins, as in the parser
        ("/a/1/missing/deeper", False, (2, 12)),  # falls back to the nearest ancestor
    ],
)
def test_locate(pointer, key, expected):
    assert scan(TEXT).locate(pointer, key=key) == expected


def test_duplicates_and_non_finite_literals():
    index = scan('{"x": 1, "x": NaN, "y": [Infinity, -Infinity]}')
    assert [(d.pointer, d.key) for d in index.duplicates] == [("", "x")]
    assert [p for p, _, _ in index.non_finite] == ["/x", "/y/0", "/y/1"]


def test_deep_nesting_is_iterative():
    depth = 20000
    index = scan("[" * depth + "]" * depth)
    assert len(index.values) == depth


def test_garbage_stops_the_scan_without_error():
    index = scan('{"a": 1, @@@ "b": 2}')
    assert "/a" in index.values and "/b" not in index.values


def test_first_line_offset_for_jsonl():
    assert scan('{"a": 5}', first_line=40).locate("/a") == (40, 7)


def test_pointer_escaping():
    assert pointer_of(["a/b", "m~n", 3]) == "/a~1b/m~0n/3"
    assert pointer_of([]) == "" and pointer_of(iter(["a", 0])) == "/a/0" and pointer_of([""]) == "/"


@given(st.lists(st.one_of(st.integers(-5, 10**6), st.text(alphabet="ab/~01 ", max_size=5)), max_size=6))
def test_pointer_of_escapes_every_token_as_rfc_6901_says(parts):
    """The joined fast path gives what escaping token by token gives."""
    assert pointer_of(parts) == "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@pytest.mark.parametrize(
    "text",
    [
        '[{"a": 1}, 2, {"b": [1, {"c": 3}]}, "x", null, []]',
        '\n[\n  {"a": 1},\n\n  7\n]\n',
        "[1]",
    ],
)
def test_a_clean_array_read_item_by_item_is_what_the_whole_read_gives(text):
    from wanspec.lint.source import read_json_bytes

    items, in_order = read_json("a.json", text.encode())
    assert in_order
    streamed = [(type(x).__name__, getattr(x, "index", None), getattr(x, "value", None), vars_of(x)) for x in items]
    whole = read_json_bytes("a.json", text.encode())
    expected = [
        (type(x).__name__, getattr(x, "index", None), getattr(x, "value", None), vars_of(x))
        for x in sorted([*whole.problems, *whole.tasks], key=lambda x: getattr(x, "index", getattr(x, "task", 0)))
    ]
    assert streamed == expected


def vars_of(item):  # a problem's text and place; a task's position of its first key
    if hasattr(item, "rule"):
        return (item.rule, item.message, item.line, item.column, item.task)
    return item.locate("")


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 1, "a": 2}]', "[NaN]", "[1,]", "[]", '{"a": 1}', "[1] 2"])
def test_anything_but_a_clean_array_is_read_whole(text):
    _, in_order = read_json("a.json", text.encode())
    assert not in_order


def test_a_one_line_text_is_searched_for_line_breaks_once_not_per_finding():
    """Every position in a one-line array (what ``json.dumps(tasks)`` writes) is on line 1,
    as in every JSON Lines line. Finding that out may search the text once; searching it
    again for each finding would make a one-line array of n tasks cost n² characters."""

    class Watched(str):
        scanned = 0

        def find(self, sub: str, start: SupportsIndex | None = 0, end: SupportsIndex | None = None) -> int:
            stop = len(self) if end is None else int(end)
            Watched.scanned += stop - int(start or 0)
            return str.find(self, sub, start, stop)

    text = Watched(json.dumps([{"duration": 40, "n": i} for i in range(2000)]))
    index = PositionIndex(text)
    offsets = range(0, len(text), 7)
    assert all(index.line_col(o) == (1, o + 1) for o in offsets)
    assert Watched.scanned <= len(text)


# -- the search shortcut gives exactly what the scan gives ----------------------------------
# names that are written as themselves, names the search must leave to the scan, and names
# that also turn up as values; escapes spell some of them otherwise (\u0061 is "a")
NAMES = ["a", "seed", "model", "b.c", "x@1", "a/b", "m~n", 'q"t', "é", "dur", "duration"]
SCALARS = st.one_of(st.integers(-5, 5), st.sampled_from(NAMES), st.booleans(), st.none(), st.just('say "a"'))


def _pairs_json(node, rnd_ws, escape: int) -> str:
    """JSON text of ``node``, where an object is a list of (name, value) pairs (so that a
    name can repeat), with white space chosen by the draws; ``escape`` seeds which names
    with an "a" spell it ``\\u0061`` (0: none)."""
    coin = random.Random(escape)
    sp = " " * rnd_ws
    if isinstance(node, tuple) and node and node[0] == "obj":
        parts = []
        for name, value in node[1]:
            key = json.dumps(name, ensure_ascii=False)
            if escape and "a" in name and coin.random() < 0.5:
                key = key.replace("a", "\\u0061", 1)
            parts.append(f"{key}{sp}:{sp}{_pairs_json(value, rnd_ws, escape and coin.randrange(1, 99))}")
        return "{" + f",{sp}".join(parts) + "}"
    if isinstance(node, list):
        return "[" + f",{sp}".join(_pairs_json(v, rnd_ws, escape + i) for i, v in enumerate(node)) + "]"
    return json.dumps(node, ensure_ascii=False)


NODES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(st.just("obj"), st.lists(st.tuples(st.sampled_from(NAMES), inner), max_size=4)),
    ),
    max_leaves=12,
)
TASKS = st.tuples(st.just("obj"), st.lists(st.tuples(st.sampled_from(NAMES), NODES), min_size=1, max_size=5))


def _pointers(node, prefix=""):
    yield prefix
    if isinstance(node, tuple) and node and node[0] == "obj":
        for name, value in node[1]:
            token = name.replace("~", "~0").replace("/", "~1")
            yield from _pointers(value, f"{prefix}/{token}")
        yield f"{prefix}/missing"
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _pointers(value, f"{prefix}/{i}")
        yield f"{prefix}/{len(node)}"


@given(task=TASKS, ws=st.integers(0, 2), escape=st.integers(0, 9), key=st.booleans())
def test_a_task_is_located_by_search_exactly_where_the_scan_locates_it(task, ws, escape, key):
    text = _pairs_json(task, ws, escape)
    value, _, index = parse_text(text)
    assert index is not None
    located = Task(0, value, index)
    for pointer in _pointers(task):
        assert located.locate(pointer, key=key) == PositionIndex(text).locate(pointer, key=key), pointer


@given(
    tasks=st.lists(TASKS, min_size=1, max_size=4),
    escapes=st.lists(st.integers(0, 9), min_size=4, max_size=4),
    ws=st.integers(0, 2),
    key=st.booleans(),
)
def test_an_array_item_is_searched_within_itself(tasks, escapes, ws, key):
    # every item has the same names: a search over the whole text would find each many times;
    # some items spell a name with an escape, and what one item holds says nothing of the next
    text = "[" + f",{' ' * ws}\n".join(_pairs_json(t, ws, e) for t, e in zip(tasks, escapes, strict=False)) + "]"
    items, _ = read_json("a.json", text.encode())  # read whole if a name repeats: then nothing is searched
    for item in items:
        if not hasattr(item, "locate"):
            continue
        for pointer in _pointers(tasks[item.index]):
            expected = PositionIndex(text).locate(f"/{item.index}{pointer}", key=key)
            assert item.locate(pointer, key=key) == expected, (item.index, pointer)


@given(
    tasks=st.lists(TASKS, min_size=1, max_size=3),
    escape=st.integers(0, 9),
    ws=st.integers(0, 2),
    key=st.booleans(),
    array=st.booleans(),
)
def test_a_tasks_first_places_are_walked_then_listed_with_the_answers_of_a_full_scan(tasks, escape, ws, key, array):
    """Where the compiled reader runs, a task's first questions are walked to, each alone
    (``_FAST_WALK``), and the rest answered from listings of its containers: the walk
    gives what the listings give, for a JSON Lines line or for the items of an array,
    names written twice or escaped included (an escaped name is left to the listings).
    A text the compiled reader read (``unique``) is walked to the first match."""
    texts = [_pairs_json(t, ws, escape) for t in tasks]
    text = f"[{', '.join(texts)}]" if array else texts[0]
    unique = not array and source._FAST_LOADS is not None and source._FAST_LOADS(text) is not source._FALLBACK
    index = PositionIndex(text, unique=unique)
    listed = PositionIndex(text)
    asked = 0
    for n, task in enumerate(tasks if array else tasks[:1]):
        prefix = f"/{n}" if array else ""
        for pointer in _pointers(task):
            asked += bool(prefix + pointer)
            got = index.locate(prefix + pointer, key=key)
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(positions, "_FAST_WALK", None)
                assert got == listed.locate(prefix + pointer, key=key), pointer
    if positions._FAST_WALK is not None and unique and "\\" not in text:  # nothing to decline
        assert index._walked == min(asked, positions.WALKED_QUESTIONS)
    assert index._walked <= positions.WALKED_QUESTIONS * len(tasks)


@pytest.mark.parametrize("text", ["", "   ", "{", "[", '"x"', "{}", "[]", '{"a": [1', '[{"a": 1}, ', '{"a": {"b"'])
@pytest.mark.parametrize("pointer", ["/a", "/a/b", "/0/a", "/0", ""])
def test_odd_texts_are_located_where_the_listings_locate_them(text, pointer):
    walked = [PositionIndex(text).locate(pointer, key=k) for k in (False, True)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(positions, "_FAST_WALK", None)
        listed = [PositionIndex(text).locate(pointer, key=k) for k in (False, True)]
    assert walked == listed


def test_a_task_with_many_findings_is_walked_a_few_times_then_listed():
    """A walk reads each container of its path to the end: after WALKED_QUESTIONS of them
    a task's containers are listed once, so 5,000 findings in one task cost 5,000 lookups,
    not 5,000 passes over it."""
    text = json.dumps({"items": [{"v": i} for i in range(5_000)]})
    index = PositionIndex(text, unique=True)
    for i in range(5_000):
        assert index.locate(f"/items/{i}/v") == (1, text.index(f'"v": {i}' + "}") + 6)
    if positions._FAST_WALK is not None:
        assert index._walked == positions.WALKED_QUESTIONS
        # /items and each item asked about after the walks, listed once
        assert index._tables is not None and len(index._tables) == 1 + 5_000 - positions.WALKED_QUESTIONS


def test_what_one_array_item_spells_says_nothing_of_the_next():
    text = '[{"x": 1}, {"\\u0061": "a"}]'  # item 1's only plain "a" is a value, not its key
    items = [t for t in read_json("a.json", text.encode())[0] if isinstance(t, Task)]
    assert items[0].locate("/x") == (1, 8)
    assert items[1].locate("/a", key=True) == PositionIndex(text).locate("/1/a", key=True) == (1, 13)


def test_the_search_answers_for_plain_names_and_leaves_the_rest_to_the_scan():
    text = '{"seed": 1, "inputs": {"image": "x", "a/b": 2}, "model": "seed", "dur": {"a": 1}, "z": {"a": 2}}'
    value, _, index = parse_text(text)
    assert index is not None
    assert index.search("", "/inputs/image", value) == text.index('"x"')
    assert index.search("", "/inputs/image", value, key=True) == text.index('"image"')
    assert index.search("", "/seed", value) is None  # "seed" is also a value
    assert index.search("", "/dur/a", value) is None  # two members are called "a"
    assert index.search("", "/inputs/a~1b", value) is None  # a name the search leaves alone
    assert index.search("", "/height", value) is None  # missing: the scan names the nearest ancestor
    assert index.search("", "", value) is None


@given(
    lines=st.lists(st.text(alphabet="ab \t{}", max_size=12), min_size=1, max_size=30),
    picks=st.lists(st.integers(0, 10_000), min_size=1, max_size=25),
)
def test_lines_are_counted_for_a_few_questions_then_tabled_with_the_same_answers(lines, picks):
    text = "\n".join(lines)
    index = PositionIndex(text, first_line=3)
    past_the_first_line = 0
    for pick in picks:
        offset = pick % (len(text) + 1)
        before = text[:offset]
        past_the_first_line += "\n" in before
        assert index.line_col(offset) == (3 + before.count("\n"), offset - (before.rfind("\n") + 1) + 1)
    assert index._counted == min(past_the_first_line, 8)
    assert (index._newlines is not None) == (past_the_first_line > 8)  # then a table, built once
