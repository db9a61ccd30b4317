"""The compiled JSON reader (wanspec/lint/_fastjson.c) builds exactly what the stdlib
decoder with wanspec's hooks builds, or declines and lets that decoder read the text.

"Exactly" means the same types (``True`` is not ``1``, ``1.0`` is not ``1``), the same
float bits (``-0.0``), the same key order, and no flag the hooks would have raised: a
duplicate key, NaN, a number out of range. Every text it accepts must be one the stdlib
accepts. The reference below is the decoder wanspec falls back to, run by itself.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
import sysconfig
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from wanspec.lint import media, positions, source, speedups
from wanspec.lint.stack import from_the_bottom


def _compiler_present() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc) is not None


def _checkout_shadows_install() -> bool:
    """wanspec imported from a checkout while pip installed it elsewhere (``python -m
    pytest`` run in the checkout puts it first): the installed extension is not the one
    imported, so nothing here can speak for it."""
    import importlib.metadata

    import wanspec

    try:
        dist = importlib.metadata.distribution("wanspec")
    except importlib.metadata.PackageNotFoundError:
        return True
    installed = os.path.realpath(str(dist.locate_file("wanspec/__init__.py")))
    return os.path.exists(installed) and installed != os.path.realpath(wanspec.__file__)


@pytest.fixture(scope="module")
def fast():
    try:
        from wanspec.lint import _fastjson
    except ImportError:
        if _checkout_shadows_install():
            pytest.skip("this checkout shadows the installed wanspec (run pytest, or python -P -m pytest)")
        if _compiler_present() and speedups.wanted():
            pytest.fail(
                "a C compiler is here but wanspec.lint._fastjson is not importable: the install "
                "did not build it (hatch_build.py; an editable install: pip install -e . again)"
            )
        pytest.skip("no compiled reader in this install (no C compiler, or WANSPEC_PURE_PYTHON)")
    return _fastjson


def _on_any_stack(call: Any, *args: Any) -> Any:
    """``call(*args)`` with the hooks' flags cleared, read again on a fresh stack if the
    caller's ran out, as wanspec reads: how deep a text may nest is its own."""
    flags = source._FLAGS
    flags.duplicate = flags.non_finite = False
    try:
        return call(*args)
    except RecursionError:
        flags.duplicate = flags.non_finite = False
        return from_the_bottom(call, *args)


def _reference(text: str) -> tuple[str, Any]:
    """What the stdlib decoder with the hooks makes of ``text``: ("value", v) when it reads
    it without a flag, else ("flagged", None) or ("error", None)."""
    flags = source._FLAGS
    try:
        value = _on_any_stack(source._DECODER.decode, text)
    except (json.JSONDecodeError, RecursionError, ValueError):
        return "error", None
    if flags.duplicate or flags.non_finite:
        return "flagged", None
    return "value", value


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down, the same float bits, the same key order,
    and strings of the same width (an ASCII-flagged string holding a byte past 0x7f equals
    its Latin-1 twin code unit for code unit, but prints and encodes wrong)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, str):
        return a == b and a.isascii() == b.isascii()
    if isinstance(a, dict):
        return (
            all(_same(x, y) for x, y in zip(a, b, strict=False))
            and len(a) == len(b)
            and all(_same(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _reference_scan(text: str, at: int) -> tuple[str, Any]:
    """The stdlib scanner's ``scan_once`` at ``at``, with the hooks: ("value", (v, end)) or not."""
    flags = source._FLAGS
    try:
        got = _on_any_stack(source._DECODER.scan_once, text, at)
    except (StopIteration, ValueError, RecursionError):
        return "error", None
    return ("flagged", None) if flags.duplicate or flags.non_finite else ("value", got)


def _agrees(fast: Any, text: str) -> Any:
    """Checks the compiled reader against the reference on ``text``, whole (``loads``) and
    as a value at each place one may start (``scan``, as array items are read); returns
    what ``loads`` answered."""
    got = fast.loads(text)
    kind, want = _reference(text)
    if got is not fast.FALLBACK:
        assert kind == "value", f"accepted a text the stdlib path {kind}: {text!r}"
        assert _same(got, want), (text, got, want)
    for at in {0, 1, len(text) // 2, len(text) - 1, len(text)} if len(text) < 4096 else {0, 1}:
        scanned = fast.scan(text, at)
        if scanned is fast.FALLBACK:
            continue
        kind_at, want_at = _reference_scan(text, at)
        assert kind_at == "value", f"scanned a value the stdlib scanner {kind_at}: {text!r} at {at}"
        assert scanned[1] == want_at[1] and _same(scanned[0], want_at[0]), (text, at, scanned, want_at)
    return got


# -- generated JSON: everything the compiled reader reads must come out the same ------------

_strings = st.text(st.characters(codec="utf-8"), max_size=12) | st.text(st.characters(max_codepoint=0x7F), max_size=80)
_numbers = (
    st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.0, -0.0, 5e-324, 1.7976931348623157e308, 0.1, 1e16, 123456789.0])
)
_values = st.recursive(
    st.none() | st.booleans() | _numbers | _strings,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_strings, kids, max_size=4),
    max_leaves=24,
)


@st.composite
def _json_texts(draw: Any) -> str:
    value = draw(_values)
    return json.dumps(
        value,
        ensure_ascii=draw(st.booleans()),
        indent=draw(st.sampled_from([None, 0, 2, "\t"])),
        separators=draw(st.sampled_from([None, (",", ":"), (" , ", " : ")])),
    ) + draw(st.sampled_from(["", "\n", "\r\n", " \t "]))


@given(_json_texts())
def test_generated_json_reads_the_same(fast, text):
    got = _agrees(fast, text)
    if got is fast.FALLBACK:
        # it declines only what it documents (lone surrogates are not generated): long integers
        assert any(len(tok) > 18 for tok in _digit_runs(text)), text


def _digit_runs(text: str) -> list[str]:
    runs, cur = [], ""
    for ch in text:
        if ch.isdigit() and ch.isascii():
            cur += ch
        else:
            runs.append(cur)
            cur = ""
    return [*runs, cur]


_ALPHABET = '{}[]":,.-+eE0123456789 \t\n\r\\/ubfnrtaxlsNIy\x00\x1f\x7f\u00e9\u4e2d\U0001f600\ud800'


@given(_json_texts(), st.data())
def test_mutated_json_is_read_the_same_or_declined(fast, text, data):
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(text)))
        how = data.draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        ch = data.draw(st.sampled_from(_ALPHABET))
        if how == "insert":
            text = text[:at] + ch + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        elif how == "replace":
            text = text[:at] + ch + text[at + 1 :]
        else:
            end = data.draw(st.integers(at, len(text)))
            text = text[:at] + text[at:end] * 2 + text[end:]
    _agrees(fast, text)


# -- the survey of an array's slice: the same verdict, items and stop as the Python pass ------


def _python_survey(array: Any, start: int, bound: int) -> Any:
    end = source.SliceEnd()
    for _ in source._slice_items(array, start, bound, end, source._CHECK):  # the stdlib scanner alone
        pass
    return end


def _surveys_agree(text: str, start: int, bound: int) -> Any:
    array = source._opened_array(text, [])
    if array is None:
        return None
    got = source._compiled_survey(array, start, bound)
    if got is not None:
        want = _python_survey(array, start, bound)
        assert want.clean, f"surveyed as clean a slice the stdlib scanner does not read: {text!r} {start} {bound}"
        assert (got.items, got.count, got.stop) == (want.items, want.count, want.stop), (text, start, bound)
    return got


@st.composite
def _array_texts(draw: Any) -> str:
    items = draw(st.lists(_values, min_size=1, max_size=6))
    seps = [draw(st.sampled_from([",", ", ", ",\n  ", " ,\t"])) for _ in items[1:]]
    body = "".join(
        json.dumps(v, ensure_ascii=draw(st.booleans())) + sep for v, sep in zip(items, [*seps, ""], strict=True)
    )
    return draw(st.sampled_from(["[", "[ ", "[\n"])) + body + draw(st.sampled_from(["]", " ]\n", "]\r\n"]))


@given(_array_texts(), st.data())
def test_array_surveys_agree(fast, text, data):
    if data.draw(st.booleans()):  # now and then a mutation: a stray byte, a lost one, a duplicated run
        at = data.draw(st.integers(0, len(text)))
        ch = data.draw(st.sampled_from(_ALPHABET))
        text = data.draw(st.sampled_from([text[:at] + ch + text[at:], text[:at] + text[at + 1 :]]))
    _surveys_agree(text, 0, len(text))  # the whole array, as the serial read surveys it
    start = data.draw(st.sampled_from([0, data.draw(st.integers(0, len(text)))]))
    bound = data.draw(st.sampled_from([len(text), data.draw(st.integers(0, len(text)))]))
    _surveys_agree(text, start, bound)  # a slice, as a worker surveys it


def test_array_surveys_read_clean_arrays_and_decline_the_rest(fast):
    text = '[{"a": 1}, {"b": [true, null, -0.5e3]}]'
    whole = _surveys_agree(text, 0, len(text))
    assert (whole.items, whole.count, whole.stop) == ([1, 11], 2, len(text))
    mid = _surveys_agree('[{"a": 1}, {"b": 2}, {"c": 3}]', 11, 14)  # a middle slice: one item
    assert (mid.items, mid.count, mid.stop) == ([11, 21], 1, 21)
    for broken in [
        '[{"a": 1, "a": 2}]',  # duplicate key
        '[{"a": 1, "\\u0061": 2}]',  # the same key, escaped: declined, and the stdlib flags it
        '[{"a": NaN}]',
        "[1e400]",
        "[" + "9" * 30 + "]",  # long integer: the stdlib reads it; this survey leaves it
        '["\\ud800"]',
        "[1,]",
        "[1] x",
        "[" * 70 + "]" * 70,
        '[{"k": 1}, {"k": 2}]'[:-1],
        "[{" + ",".join(f'"k{i}": {i}' for i in range(60)) + "}]",  # more keys than it keeps
    ]:
        array = source._opened_array(broken, [])
        assert source._compiled_survey(array, 0, len(broken)) is None, broken
        _surveys_agree(broken, 0, len(broken))


# -- listing a container's children, for positions: what positions._listed lists ---------


def _listings_agree(fast: Any, text: str) -> int:
    """At every bracket of ``text`` (in strings too), the compiled listing is the Python
    one, in the same order, or it declines; returns how many it listed."""
    from wanspec.lint import positions

    listed = 0
    for at, ch in enumerate(text):
        if ch not in "{[":
            continue
        got = fast.children(text, at)
        if got is fast.FALLBACK:
            continue
        want, cut = positions._listed(text, at, len(text))
        assert not cut
        assert type(got) is type(want)
        assert (list(got.items()) if isinstance(got, dict) else got) == (
            list(want.items()) if isinstance(want, dict) else want
        ), (text, at)
        listed += 1
    return listed


@given(_json_texts())
def test_listings_agree_on_json(fast, text):
    _listings_agree(fast, text)


@given(_json_texts(), st.data())
def test_listings_agree_on_mutated_json(fast, text, data):
    at = data.draw(st.integers(0, len(text)))
    ch = data.draw(st.sampled_from(_ALPHABET))
    _listings_agree(fast, text[:at] + ch + text[at:])


def test_listings_of_tasks(fast):
    """Every request example of the docs, as a line and pretty-printed, lists the same
    (these are the texts findings are located in)."""
    listed = 0
    for line in _doc_lines():
        for text in (line, json.dumps(json.loads(line), indent=2)):
            listed += _listings_agree(fast, text)
    assert listed > 100
    text = '{"a": 1, "b": {"c": [1, 2]}, "a": 3}'  # the later duplicate wins, as in the parser
    assert _listings_agree(fast, text) == 3 and fast.children(text, 0) == {"a": (29, 34), "b": (9, 14)}
    assert fast.children("[1, [2], {}]", 0) == [1, 4, 9]
    assert fast.children("1", 0) == [] and fast.children("[1]", 5) == []
    assert fast.children('{"\\u0061": 1}', 0) is fast.FALLBACK  # an escaped name: left to Python
    assert fast.children('{"a": NaN}', 0) is fast.FALLBACK


# -- walking to one place, for positions: what PositionIndex.offset answers from listings --


def _offset_by_listings(text: str, at: int, tokens: tuple[str, ...], key: bool) -> int:
    """The Python twin of the walk: each step a lookup in positions._listed's listing of
    the container (as PositionIndex.offset steps through its tables)."""

    def listing(i: int) -> Any:
        table, cut = positions._listed(text, i, len(text))
        assert not cut
        return table

    return positions.follow(at, tokens, 0, key, listing)


def _places(value: Any) -> list[tuple[str, ...]]:
    """Every place in ``value`` as tokens, and beside each a few that are not there."""
    out: list[tuple[str, ...]] = [()]
    if isinstance(value, dict):
        for name, child in value.items():
            out += [(name, *rest) for rest in _places(child)]
        out += [("missing",), ("",)]
    elif isinstance(value, list):
        for n, child in enumerate(value):
            out += [(str(n), *rest) for rest in _places(child)]
        out += [(str(len(value)),), ("01",), ("x",), ("",), ("9" * 30,)]
    return out


def _walks_agree(fast: Any, text: str, tokens_list: list[tuple[str, ...]], unique: bool) -> int:
    """From every bracket of ``text``, each place's walk is its listings' answer, or a
    decline; returns how many it answered."""
    answered = 0
    for at, ch in enumerate(text):
        if ch not in "{[" and at:
            continue
        for tokens in tokens_list:
            for first in {0, min(1, len(tokens))}:
                for key in (False, True):
                    got = fast.walk(text, at, tokens, first, key, unique)
                    if got is fast.FALLBACK:
                        continue
                    assert got == _offset_by_listings(text, at, tokens[first:], key), (text, at, tokens, first, key)
                    answered += 1
        if unique:
            break  # the text is one value: ``unique`` speaks of it from its start
    return answered


@given(_json_texts())
def test_walks_agree_with_the_listings_on_json(fast, text):
    value = json.loads(text)
    places = _places(value)
    _walks_agree(fast, text, places, unique=False)
    if fast.loads(text) is not fast.FALLBACK:  # read by the compiled reader: no name twice
        at = len(text) - len(text.lstrip(" \t\r\n"))
        assert _walks_agree(fast, text[at:], places, unique=True) or not isinstance(value, dict | list)


@given(_json_texts(), st.data())
def test_walks_agree_with_the_listings_on_mutated_json(fast, text, data):
    at = data.draw(st.integers(0, len(text)))
    ch = data.draw(st.sampled_from(_ALPHABET))
    places = _places(json.loads(text))
    _walks_agree(fast, text[:at] + ch + text[at:], places, unique=False)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "é"]), _values), max_size=6), st.booleans())
def test_a_name_given_twice_is_walked_to_where_the_listing_puts_it(fast, members, nested):
    """A later member of the same name wins, at each step (the parser keeps it too)."""
    text = "{" + ", ".join(f"{json.dumps(name)}: {json.dumps(value)}" for name, value in members) + "}"
    if nested:
        text = '{"x": [0, ' + text + "]}"
    places = [(*([] if not nested else ["x", "1"]), name, *rest) for name, value in members for rest in _places(value)]
    _walks_agree(fast, text, places, unique=False)


def test_walks_to_the_places_of_tasks(fast):
    """Every request example of the docs, as a line and pretty-printed: each place found
    by walking, with and without ``unique``, where the listings find it."""
    answered = 0
    for line in _doc_lines():
        for text in (line, json.dumps(json.loads(line), indent=2)):
            places = _places(json.loads(text))
            answered += _walks_agree(fast, text, places, unique=False)
            answered += _walks_agree(fast, text, places, unique=True)
    assert answered > 1000


def test_walk_edges(fast):
    class Text(str):
        pass

    walk, no = fast.walk, fast.FALLBACK
    text = '{"a": 1, "b": {"c": [1, 2]}, "a": 3}'
    assert walk(text, 0, ("a",), 0, False, False) == 34  # the later duplicate wins, as in the listing
    assert walk(text, 0, ("a",), 0, True, False) == 29
    assert walk(text, 0, ("a",), 0, False, True) == 6  # ``unique`` trusts the caller: the first
    assert walk(text, 0, ("b", "c", "1"), 0, False, False) == 24
    assert walk(text, 0, ("b", "c", "2"), 0, False, False) == 20  # past the end: the array
    assert walk(text, 0, ("b", "x", "1"), 0, True, False) == 14  # a missing name: its object
    assert walk(text, 0, ("a", "b"), 0, False, False) == 34  # below a scalar: the scalar
    assert walk(text, 0, (), 0, True, False) == 0
    assert walk(text, 0, ("zzz", "b"), 1, False, False) == 14  # from the second token
    assert walk("[1, [2], {}]", 0, ("01",), 0, False, False) == 4  # str.isdigit and int() read it so
    assert walk("[1, [2], {}]", 0, ("\u0661",), 0, False, False) is no  # another script's digit
    assert walk("[1, [2], {}]", 0, ("1e0",), 0, False, False) == 0
    assert walk("[1]", 5, ("0",), 0, False, False) == 5
    assert walk('{"\\u0061": 1}', 0, ("a",), 0, False, False) is no  # an escaped name: left to Python
    assert walk('{"a": NaN}', 0, ("a",), 0, False, False) is no
    assert walk('{"a": 1, "b": NaN}', 0, ("a",), 0, False, True) == 6  # ``unique``: ends at its match
    assert walk('{"a": [1, 2', 0, ("a", "0"), 0, False, False) is no  # not JSON: left to Python
    assert walk('{"é": {"中": [0, {"😀": 5}]}}', 0, ("é", "中", "1", "😀"), 0, False, False) == 22
    assert walk("{}", 0, ("a",), 0, False, False) == 0
    assert walk(Text("{}"), 0, ("a",), 0, False, False) is no
    assert walk("{}", 0, ["a"], 0, False, False) is no  # tokens as a tuple only
    assert walk("{}", 0, (Text("a"),), 0, False, False) is no
    assert walk("{}", -1, ("a",), 0, False, False) is no
    with pytest.raises(TypeError):
        walk("{}", 0, ("a",), 0, False)


# -- hostile and edge texts, each named ----------------------------------------------------

HOSTILE = [
    "",
    " ",
    "\n",
    "{}",
    "[]",
    "0",
    "-0",
    "-0.0",
    "0.0",
    "1E5",
    "1e+5",
    "1e-5",
    "1.5E-07",
    "01",
    "1.",
    ".5",
    "1e",
    "1e+",
    "+1",
    "--1",
    "-",
    "0x10",
    "1_000",
    "1.5.2",
    "NaN",
    "[NaN]",
    "Infinity",
    "-Infinity",
    '{"a": Infinity}',
    "1e400",
    "-1e400",
    "1e-400",
    "9" * 18,
    "9" * 19,
    "-" + "9" * 18,
    "-" + "9" * 19,
    "-9223372036854775808",
    "18446744073709551616",
    "1" * 5000,
    "0." + "1" * 70,
    "1" + "0" * 63 + ".0",
    "true",
    "false",
    "null",
    "tru",
    "truex",
    "nul",
    "nulls",
    "[true1]",
    "True",
    "None",
    '{"a":1,"a":2}',
    '{"a":{"b":1,"b":1}}',
    '[{"k":1},{"k":1}]',
    '{"a":1,"b":{"a":2}}',
    '{"a":1,}',
    "[1,]",
    "{,}",
    "[,]",
    '{"a" 1}',
    '{"a":}',
    "{a:1}",
    "{'a':1}",
    '{"a":1 "b":2}',
    "[1] x",
    "[1] [2]",
    " [1] ",
    "\ufeff{}",
    "\u00a0[]",
    "\x0b[]",
    "[1]\x00",
    '"\\ud800"',
    '"\\udc00"',
    '"\\ud83d\\ude00"',
    '"\\ud83d"',
    '"\\ud83d\\u0041"',
    '"\\uDBFF\\uDFFF"',
    '"\\u00e9"',
    '"\\u00E9"',
    '"\\u12"',
    '"\\u12g4"',
    '"\\x41"',
    '"\\a"',
    '"\\',
    '"\\u',
    '"abc',
    '"a\nb"',
    '"a\tb"',
    '"a\x00b"',
    '"a\x1fb"',
    '"a\x7fb"',
    '"\\u0000"',
    '"\\/\\b\\f\\n\\r\\t\\"\\\\"',
    '"\u2028\u2029"',
    '"\u00e9"',
    '"\u4e2d\u6587"',
    '"\U0001f600"',
    '"\ud800"',
    '{"\ud800":1}',
    '{"\u00e9":1,"e":2}',
    '{"\u4e2d":[1,2]}',
    '{"k\\u00e9y":1,"k\\u00e9y":2}',
    '{"a":1,"\\u0061":2}',
    '{"' + "k" * 48 + '":1}',
    '{"' + "k" * 49 + '":1}',
    '{"' + "x" * 100 + '":1,"' + "x" * 100 + '":2}',
    "[" * 64 + "]" * 64,
    "[" * 65 + "]" * 65,
    "[" * 66 + "]" * 66,
    "[" * 5000 + "]" * 5000,
    '{"a":' * 70 + "1" + "}" * 70,
    "[" * 5000,
    "]" * 10,
    '"' + "a" * 100_000 + '"',
    '"' + "a" * 7 + '"',
    '"' + "a" * 8 + '"',
    '"' + "a" * 8 + '\\n"',
    '"' + "\u00e9" * 9 + '"',
    '"' + "a" * 15 + "\x01" + '"',
    '"' + "a" * 9 + '\\"' + '"',
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text(fast, text):
    _agrees(fast, text)


@pytest.mark.parametrize("kind_char", ["", "\u00e9", "\u4e2d", "\U0001f600"])
def test_every_string_kind_reads_the_same(fast, kind_char):
    """The same members in a text of each width (ASCII, Latin-1, BMP, astral): the reader
    runs one loop per width, and ASCII keys are shared between them through the key cache."""
    task = {
        "taskType": "videoInference",
        "positivePrompt": "a" * 40 + kind_char + "b" * 17,
        "inputs": {"frameImages": ["data:image/png;base64," + "QUJD" * 300]},
        kind_char + "key": [1, -2.5e-3, True, None, {"deep": kind_char * 3}],
        "duration": 5,
    }
    for ensure_ascii in (True, False):
        text = json.dumps(task, ensure_ascii=ensure_ascii)
        got = _agrees(fast, text)
        assert got is not fast.FALLBACK
        assert _same(got, task)


def test_each_unit_at_every_place_of_a_string_block_reads_the_same(fast):
    """One-byte strings are scanned sixteen bytes, then eight, then one at a time: a quote,
    a backslash, a control character or a byte past 0x7f at every place of the first
    blocks, alone or after an earlier wide byte, reads as the stdlib reads it (a wide byte
    makes a Latin-1 string, a control character a syntax error)."""
    units = ['\\"', "\\\\", "\\n", "\x00", "\x1f", " ", "\x7f", "\x80", "\xe9", "\xff"]
    for unit in units:
        for at in range(40):
            for before in ("", "\xe9", "\x7f"):
                body = before + "a" * at + unit + "b" * (40 - at)
                text = f'{{"k": "{body}", "after": ["{body}"]}}'
                got = _agrees(fast, text)
                assert (got is fast.FALLBACK) == (unit in ("\x00", "\x1f")), (unit, at, before)
                _listings_agree(fast, text)


def test_keys_that_share_a_cache_slot_stay_apart(fast):
    """Two thousand distinct keys (twice the cache's slots), read twice in alternation:
    a slot holding another key of the same length must never answer for this one."""
    fast.clear_keys()
    keys = [f"k{i:04d}" for i in range(2000)]
    for round_ in range(2):
        for i in range(0, len(keys), 7):
            chunk = keys[i : i + 7]
            text = json.dumps({k: n for n, k in enumerate(chunk)})
            got = _agrees(fast, text)
            assert list(got) == chunk, round_
    text = json.dumps(dict.fromkeys(keys, 0))
    assert list(fast.loads(text)) == keys


def test_texts_that_are_not_exact_str_are_declined(fast):
    class Text(str):
        pass

    assert fast.loads(Text("{}")) is fast.FALLBACK
    assert fast.loads(b"{}") is fast.FALLBACK


@pytest.mark.parametrize("kind_char", ["", "\u00e9", "\u4e2d", "\U0001f600"])
def test_newlines_count_what_str_count_counts(fast, kind_char):
    """Every string kind, lengths around the 16-lane blocks and the 4,080-byte rounds of
    the one-byte loop (where a lane would wrap past 255 line feeds), and ranges that
    start or stop anywhere, past the end, or backwards."""
    rnd = random.Random(7)
    texts = ["", "\n", "\n" * 4080, "\n" * 4081, "\n" * 70_000, "x\n" * 5000]
    for n in (15, 16, 17, 255, 4079, 4080, 4081, 8161, 100_003):
        texts.append("".join(rnd.choice("ab\n\r\u0a0a" if n % 2 else "\n\n\nz") for _ in range(n)))
    for text in texts:
        text = kind_char + text
        n = len(text)
        for start, stop in [(0, n), (0, n + 5), (n, n), (n + 3, n + 9), (5, 3), (0, 0)] + [
            tuple(sorted((rnd.randrange(n + 2), rnd.randrange(n + 2)))) for _ in range(20)
        ]:
            assert fast.newlines(text, start, stop) == text.count("\n", start, stop), (n, start, stop)
            assert positions.newlines(text, start, stop) == text.count("\n", start, stop)


_BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@pytest.mark.parametrize("kind_char", ["", "\u00e9", "\u4e2d", "\U0001f600"])
def test_the_base64_alphabet_check_agrees_with_encoding_and_translating(fast, kind_char):
    """Every code unit up to 0x2ff and a few wider ones, alone at every place of a block of
    64 (the vector loop), in its tail and past it; slices that start or stop anywhere."""

    def twin(text: str, start: int, stop: int) -> bool:
        try:
            return not text[start:stop].encode("ascii").translate(None, _BASE64.encode())
        except UnicodeEncodeError:
            return False

    rnd = random.Random(11)
    foreign = [chr(c) for c in range(0x300) if chr(c) not in _BASE64] + ["\u4e2d", "\ud800", "\U0001f600", "\uff21"]
    for n in (0, 1, 63, 64, 65, 127, 128, 129, 200, 2600):
        clean = "".join(rnd.choice(_BASE64) for _ in range(n))
        texts = [clean] + [
            clean[:at] + rnd.choice(foreign) + clean[at + 1 :] for at in rnd.sample(range(n), min(n, 24))
        ]
        for text in texts:
            text = kind_char + text
            size = len(text)
            ranges = [(len(kind_char), size), (0, size), (size, size + 4), (3, 1)]
            ranges += [tuple(sorted((rnd.randrange(size + 2), rnd.randrange(size + 2)))) for _ in range(8)]
            for start, stop in ranges:
                assert fast.base64_alphabet(text, start, stop) is twin(text, start, stop), (text, start, stop)
                assert media.is_base64(text, start, stop) is twin(text, start, stop)
    for c in map(chr, range(0x300)):  # each unit alone, at every place of a block
        for at in (0, 31, 63, 64, 70):
            text = "A" * at + c + "A" * (80 - at)
            assert fast.base64_alphabet(text, 0, len(text)) is (c in _BASE64)


_odd_strings = st.text(st.characters(codec="utf-8"), max_size=6) | st.sampled_from(
    ["\ud800", "a\udfff", "\ud83d\ude00", "😀", "é", "€", "\udc80é", "x" * 40 + "\ud800", "😀\udbff"]
)
_refusable = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _odd_strings,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_odd_strings, kids, max_size=4),
    max_leaves=20,
)


def _nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for level in range(depth - 1):
        value = [value] if level % 2 else {"k": value}
    return value


@given(_refusable)
def test_refused_agrees_with_its_python_twin(fast, value):
    """Whether jsonschema-rs would refuse an error's instance (a surrogate anywhere, in a
    value or a key; 256 containers deep): the C answer is the Python one."""
    from wanspec.lint import runtime

    assert fast.refused(value) is runtime.refused_python(value), value


def test_refused_at_the_depth_limit_and_on_odd_values(fast):
    from wanspec.lint import runtime

    assert fast.RS_DEPTH_LIMIT == runtime.RS_DEPTH_LIMIT
    for depth in (1, 2, 254, 255, 256, 257, 5000):  # C stops at the limit: no deeper walk
        for leaf in (1, "ok", "\ud800"):
            value = _nested(depth, leaf)
            assert fast.refused(value) is runtime.refused_python(value), (depth, leaf)
    assert fast.refused({"\ud800": 1}) is True and fast.refused([{"a": ["x", "\udfff"]}]) is True
    assert fast.refused({1: "x"}) is fast.FALLBACK  # not JSON: the twin says what it says

    class Text(str):
        pass

    class Mapping(dict):  # type: ignore[type-arg]
        pass

    for odd in (Text("\ud800"), Mapping(a="\ud800"), ("\ud800",), b"\xed\xa0\x80", 1.5, None):
        assert fast.refused(odd) is runtime.refused_python(odd) is False, odd  # exact types only, as the twin
    assert runtime.refused({"a": "\ud800"}) is True  # and through the name the error builder calls


@pytest.mark.parametrize(
    ("name", "twin", "text", "expected"),
    [
        ("newlines", lambda: positions.newlines, "a\nb\n", 1),  # str.count counts to the end's last
        ("base64_alphabet", lambda: media.is_base64, "QUJD!", True),  # a slice ends before the last
    ],
)
def test_the_scans_decline_offsets_a_slice_reads_from_the_end(fast, name, twin, text, expected):
    """Negative offsets, and texts that are not exact str, are left to the Python twin,
    which then reads them as Python's own slicing and counting do."""

    class Text(str):
        pass

    scan = getattr(fast, name)
    assert scan(text, -1, 4) is fast.FALLBACK
    assert scan(text, 0, -1) is fast.FALLBACK
    assert scan(Text(text), 0, 4) is fast.FALLBACK
    assert twin()(text, 0, -1) == expected
    with pytest.raises(TypeError):
        scan(text, 0)


def test_nothing_is_kept_after_a_text_is_read_or_declined(fast):
    """Objects built before a decline (a duplicate key at the end, a syntax error deep in)
    are freed: memory after 30,000 reads is what it was after the first 3,000."""
    texts = [
        json.dumps({"prompt": "p" * 200, "list": list(range(20)), "nested": {"x": [1.5, "y" * 30]}}),
        '{"a":[1,2,{"b":"' + "c" * 100 + '"}],"z":{"q":[true,null]},"a":1}',  # duplicate: declined
        '{"a":[1,2,{"b":"' + "c" * 100 + '"}],"z":[1,2,NaN]}',  # declined deep inside
        '{"a":"' + "\u4e2d" * 50 + '\\n","b":[' + "1," * 50 + "1x]}",  # escaped, then a syntax error
        '{"k\\u00e9":"v\\t","' + "n" * 60 + '":[]}',
    ]

    def run(times: int) -> None:
        for _ in range(times):
            for t in texts:
                v = fast.loads(t)
                w = fast.scan("[" + t, 1)
                x = fast.survey("[" + t + "," + t + "]", 1, len(t) + 3)
                y = fast.children(t, 0)
                z = fast.walk(t, 0, ("a", "2", "b"), 0, False, False)
                del v, w, x, y, z

    run(3_000)
    tracemalloc.start()
    try:
        run(100)
        before = tracemalloc.get_traced_memory()[0]
        run(30_000)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 64 * 1024, after - before


def test_built_from_these_sources(fast):
    """The extension this install runs was compiled from the C sources in this checkout
    (hatch_build.py compiles their digest in): a stale build fails here, not in a benchmark."""
    spec = importlib.util.spec_from_file_location("_wanspec_hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    assert hook.source_digest(str(ROOT)) == fast.SOURCE_DIGEST, (
        "wanspec.lint._fastjson was built from other sources: reinstall (pip install -e . or pip install .)"
    )


# -- the lint itself, with and without the compiled reader -----------------------------------


def _wanspec(*args: str, pure: bool, cwd: Any) -> subprocess.CompletedProcess[bytes]:
    """``wanspec ARGS`` in a child, with or without the compiled reader. The child starts
    in ``cwd`` (not the checkout, which would shadow the installed package) and must say,
    through ``--version``, that it runs the reader asked for."""
    env = {k: v for k, v in os.environ.items() if k != speedups.PURE_PYTHON_VARIABLE}
    if pure:
        env[speedups.PURE_PYTHON_VARIABLE] = "1"
    version = subprocess.run(
        [sys.executable, "-m", "wanspec", "--version"], capture_output=True, text=True, env=env, cwd=cwd, check=True
    )
    assert ("JSON reader and checker: pure Python" if pure else "JSON reader and checker: compiled") in version.stdout
    return subprocess.run([sys.executable, "-m", "wanspec", *args], capture_output=True, env=env, cwd=cwd, timeout=300)


def _lint_output(path: str, pure: bool) -> tuple[int, bytes, bytes]:
    proc = _wanspec("lint", "--format", "json", "-j", "1", path, pure=pure, cwd=os.path.dirname(path))
    return proc.returncode, proc.stdout, proc.stderr


def test_the_lint_reports_the_same_bytes_without_the_compiled_reader(fast, tmp_path):
    """``WANSPEC_PURE_PYTHON=1`` runs the stdlib reader alone: every report byte is the same,
    on lines the compiled reader reads and on the lines it hands back."""
    lines = [json.dumps(json.loads(t)) for t in _doc_lines()]
    lines += [
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","duration":5,"duration":10}',
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","duration":NaN}',
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","seed":' + "9" * 30 + "}",
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","positivePrompt":"\\ud83d"}',
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","positivePrompt":"\u4e2d\u6587","width":1e400}',
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash",}',
        "[" * 70 + "]" * 70,
        '{"taskType": "videoInference", "model": "alibaba:wan@2.6-flash", "inputs": {"frameImages": ["x"]}}',
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    compiled = _lint_output(str(path), pure=False)
    pure = _lint_output(str(path), pure=True)
    assert compiled[0] == 1
    assert compiled == pure
    assert b'"WS002"' in compiled[1] and b'"WS003"' in compiled[1]  # duplicate key, NaN


def test_arrays_report_the_same_bytes_without_the_compiled_reader(fast, tmp_path):
    """A JSON array read in slices on two cores, and serially: its items are surveyed and
    built by the compiled reader, except those it hands back (a long integer, a surrogate
    escape, a duplicate key, NaN), and every report byte is the same without it."""
    lines = _doc_lines()
    items = [json.loads(t) for t in lines] * ((3 << 20) // sum(map(len, lines)) + 1)
    odd = [
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","seed":' + "9" * 30 + "}",
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","positivePrompt":"\\ud83d"}',
        '{"taskType":"videoInference","model":"alibaba:wan@2.6-flash","positivePrompt":"\\ud83d\\ude00"}',
    ]
    text = "[\n" + ",\n".join([*map(json.dumps, items), *odd]) + "\n]\n"
    assert len(text) > 2 << 20  # past MIN_ARRAY_BYTES: read in slices with -j 2
    clean = tmp_path / "clean.json"
    clean.write_text(text, encoding="utf-8")
    dup = tmp_path / "dup.json"
    dup.write_text(text.replace('"duration"', '"duration": 1, "duration"', 3), encoding="utf-8")
    for path in (clean, dup):
        outputs = set()
        for jobs in ("1", "2"):
            for pure in (False, True):
                proc = _wanspec("lint", "--format", "json", "-j", jobs, str(path), pure=pure, cwd=tmp_path)
                assert proc.returncode == 1, proc.stderr
                outputs.add(proc.stdout)
        assert len(outputs) == 1, path.name


def _doc_lines() -> list[str]:
    """Each request example of the docs (tests/data/doc_examples), a task a text."""
    from conftest import DOC_EXAMPLES

    tasks: list[Any] = []
    for path in sorted((DOC_EXAMPLES / "requests").glob("*.json")):
        value = json.loads(path.read_text(encoding="utf-8"))
        tasks += value if isinstance(value, list) else [value]
    assert len(tasks) >= 40
    return [json.dumps(t, ensure_ascii=False) for t in tasks]


def test_the_switch_turns_the_compiled_reader_off(tmp_path):
    code = "from wanspec.lint import speedups, source; print(speedups.active(), source._FAST_LOADS is None)"
    env = {**os.environ, speedups.PURE_PYTHON_VARIABLE: "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path, check=True
    )
    assert out.stdout.split() == ["{'fastjson':", "False}", "True"]


def test_every_read_of_the_lint_goes_through_the_compiled_reader(fast):
    """Whole texts (a file, a JSON Lines line) and array items, surveyed and built."""
    assert source._FAST_LOADS is fast.loads and source._FAST_SCAN is fast.scan
    assert source._PLAIN_SCAN.__name__ == source._validating_scan().__name__ == "compiled_first"
    assert positions._FAST_NEWLINES is fast.newlines  # an array's lines, counted for its slices
    assert media._FAST_ALPHABET is fast.base64_alphabet  # the start of every inline image


def test_integers_and_floats_keep_their_exact_values(fast):
    for literal in ["123456789012345678", "-123456789012345678", "0.1", "2.5e-308", "4.9e-324", "1e308"]:
        got = fast.loads(literal)
        assert got is not fast.FALLBACK
        assert _same(got, json.loads(literal))
    assert math.copysign(1.0, fast.loads("-0.0")) == -1.0
    assert fast.loads("-0") == 0 and type(fast.loads("-0")) is int


# -- the C code itself, under AddressSanitizer and UndefinedBehaviorSanitizer ----------------

_SANITIZED_RUNNER = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("wanspec.lint._fastjson", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
sys.modules["wanspec.lint._fastjson"] = module  # what wanspec.lint.speedups imports
import pytest
# -s: a sanitizer writes its report to fd 2 and aborts, so fd 2 must not be captured
sys.exit(pytest.main(["-q", "-s", "-p", "no:cacheprovider", "-x", sys.argv[2], "-k", sys.argv[3]]))
"""


@pytest.mark.slow
def test_the_reader_under_sanitizers(tmp_path):
    """The reader's own tests (generated, mutated, hostile, sliced, listed, and memory after
    30,000 reads) with the C code built under ASan and UBSan: an out-of-bounds read, a
    use after free or an overflow aborts the run. Skipped without gcc's sanitizer runtimes."""
    in_process = "not lint_reports and not arrays_report and not switch and not built_from and not sanitizers"
    run_sanitized(tmp_path, __file__, in_process)


def run_sanitized(tmp_path: Path, tests: str, select: str) -> None:
    """Run the tests of the file ``tests`` that ``select`` (-k) picks, in a process whose
    C module is built under ASan and UBSan (tests/test_native.py runs its own this way)."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("no gcc")
    runtimes = [
        subprocess.run([gcc, f"-print-file-name={lib}"], capture_output=True, text=True).stdout.strip()
        for lib in ("libasan.so", "libubsan.so")
    ]
    if not all(os.path.isabs(r) and os.path.exists(r) for r in runtimes):
        pytest.skip("gcc has no sanitizer runtimes here")
    built = tmp_path / f"_fastjson{sysconfig.get_config_var('EXT_SUFFIX')}"
    compiled = subprocess.run(
        [
            gcc,
            "-O1",
            "-g",
            "-fno-omit-frame-pointer",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
            "-shared",
            "-fPIC",
            f"-I{sysconfig.get_paths()['include']}",
            str(ROOT / "wanspec" / "lint" / "_fastjson.c"),
            "-o",
            str(built),
        ],
        capture_output=True,
        text=True,
    )
    if compiled.returncode != 0:
        pytest.skip(f"the sanitized build failed: {compiled.stderr[-500:]}")
    runner = tmp_path / "run_sanitized.py"
    runner.write_text(_SANITIZED_RUNNER, encoding="utf-8")
    # PYTHONMALLOC=malloc: every object its own allocation, so ASan sees the end of each buffer
    env = {**os.environ, "LD_PRELOAD": " ".join(runtimes), "ASAN_OPTIONS": "detect_leaks=0", "PYTHONMALLOC": "malloc"}
    proc = subprocess.run(
        [sys.executable, str(runner), str(built), tests, select],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=900,
    )
    report = proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, report
    assert "passed" in proc.stdout and "ERROR: AddressSanitizer" not in report and "runtime error" not in report
