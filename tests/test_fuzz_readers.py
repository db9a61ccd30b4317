"""Robustness of the other readers: cassettes, baselines and project configs.

Like the payload fuzzers (tests/test_fuzz.py): real files with bytes flipped, cut or
inserted (YAML anchors, aliases, tags, huge numbers among them), and documents built
from arbitrary values. Each reader must return its record or raise its own error
(CassetteError, UsageError/ConfigError) with a plain message; nothing else escapes.
A cassette that reads is also verified, so what the reader lets through is safe to use.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from wanspec.contract._cassette import Cassette, CassetteError, parse_cassette
from wanspec.contract.checks.verify import CassetteVerifier
from wanspec.lint.run import UsageError
from wanspec.project.baseline import read_baseline
from wanspec.project.config import ConfigError, load_config

FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
REAL_CASSETTES = sorted((ROOT / "cassettes").rglob("*.yaml"))
YAML_BITS = [
    "&a ",
    "*a",
    "&b [*a, *a, *a]",
    "<<: *a",
    "!!python/object/apply:os.system ['true']",
    "!!python/tuple [1]",
    "!!binary '%%'",
    "!!timestamp 99999-99-99",
    "!!int",
    "!!float 1e400",
    "9" * 4400,
    "1e400",
    "[" * 200,
    "{",
    "- ",
    ": ",
    "\t",
    "\x00",
    "'",
    '"',
    "\n  ",
    "http://[::1",
    "code: ",
    "\udcff",
    "\u2028",
]


def _mutate(draw: Any, text: str, bits: list[str]) -> str:
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "cut", "replace"]))
        if how == "insert":
            text = text[:at] + draw(st.sampled_from(bits)) + text[at:]
        elif how == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 200)) :]
        else:
            text = text[:at] + draw(st.sampled_from(bits)) + text[at + draw(st.integers(1, 20)) :]
    return text


@st.composite
def mutated_cassettes(draw: Any) -> str:
    source = draw(st.sampled_from(REAL_CASSETTES)).read_text(encoding="utf-8")
    return _mutate(draw, source, YAML_BITS)


@st.composite
def alias_documents(draw: Any) -> str:
    """Anchors and aliases in random places: chains, fans, self references."""
    n = draw(st.integers(1, 12))
    lines = []
    for i in range(n):
        refs = draw(st.lists(st.integers(0, n), max_size=12))
        items = ", ".join(f"*a{r}" if r < i else draw(st.sampled_from(["x", "1", "{}", "[]"])) for r in refs)
        lines.append(f"a{i}: &a{i} [{items}]")
    lines.append("interactions: " + draw(st.sampled_from(["[]", f"[*a{n - 1}]", "*a0", "&z [*z]"])))
    return "\n".join(lines) + "\nversion: 1\n"


def _reads_or_refuses(text: str) -> None:
    note(repr(text[:2000]))
    try:
        cassette = parse_cassette(text, "fuzz.yaml")
    except CassetteError as exc:
        assert str(exc) and (exc.line is None or exc.line >= 1)
        return
    assert isinstance(cassette, Cassette)
    found: list[Any] = []
    CassetteVerifier(found.append).verify(cassette)  # what reads must also verify without error


@pytest.mark.skipif(not REAL_CASSETTES, reason="no committed cassettes")
@FUZZ
@given(mutated_cassettes())
def test_cassette_reader_takes_any_mutation(text):
    _reads_or_refuses(text)


@FUZZ
@given(alias_documents())
def test_cassette_reader_takes_any_alias_graph(text):
    _reads_or_refuses(text)


@FUZZ
@given(st.text(max_size=300))
def test_cassette_reader_takes_any_text(text):
    _reads_or_refuses(text)


# -- baselines ---------------------------------------------------------------------------
numbers = st.one_of(
    st.integers(),
    st.floats(),
    st.sampled_from([10**300, -(2**63), 2**64, 0, -1]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=10))
values = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3)
)
entries = st.fixed_dictionaries(
    {"file": st.text(max_size=8) | values, "pointer": st.text(max_size=8), "code": st.sampled_from(["WS500", ""])},
    optional={"count": values},
)
baselines = st.one_of(
    st.fixed_dictionaries({"version": st.just(1) | values, "entries": st.lists(entries | values, max_size=4)}),
    values,
)


def _dumps(doc: Any) -> bytes:
    return json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")


GOOD_BASELINE = json.dumps(
    {
        "version": 1,
        "tool": "wanspec",
        "entries": [{"file": "a.json", "pointer": "/duration", "code": "WS500", "count": 2}],
    },
    indent=2,
)
JSON_BITS = ["9" * 5000, "1e400", "-1e400", "NaN", "[" * 3000, "{", ",", '"', "\\ud800", "true", "null", "\x00"]


@st.composite
def mutated_baselines(draw: Any) -> bytes:
    return _mutate(draw, GOOD_BASELINE, JSON_BITS).encode("utf-8", "surrogatepass")


def _write(data: bytes, name: str) -> str:
    folder = tempfile.mkdtemp(prefix="wanspec-fuzz-")
    path = os.path.join(folder, name)
    Path(path).write_bytes(data)
    return path


@FUZZ
@given(st.one_of(baselines.map(_dumps), mutated_baselines(), st.binary(max_size=200)))
def test_baseline_reader_takes_anything(data):
    note(repr(data[:2000]))
    path = _write(data, "baseline.json")
    try:
        counts = read_baseline(path)
    except UsageError as exc:
        assert "baseline" in str(exc) or path in str(exc)
    else:
        assert isinstance(counts, Counter)
        assert all(isinstance(n, int) and n >= 0 for n in counts.values())


def test_baseline_numbers_beyond_range_are_usage_errors_with_a_position():
    for literal in ("1e400", "9" * 5000, "-1", "true", "1.5"):
        text = '{"version": 1, "entries": [{"file": "a", "pointer": "", "code": "WS500", "count": ' + literal + "}]}"
        with pytest.raises(UsageError, match=r"baseline\.json:1:\d+"):
            read_baseline(_write(text.encode(), "baseline.json"))


# -- project configs ---------------------------------------------------------------------
GOOD_CONFIG = """\
select = ["WS5", "WS1"]
ignore = ["WS120"]
exclude = ["build/**"]

[schemas]
"runware/*.json" = "runware/alibaba:wan@2.6-flash"

[severity]
WS500 = "warning"

[[suppress]]
file = "payloads/a.json"
code = "WS500"
pointer = "/duration"
task = 0
reason = "a long clip on purpose"
"""
TOML_BITS = [
    "[" * 300,
    "{a = " * 50,
    "9" * 5000,
    "inf",
    "nan",
    "1e400",
    "\x00",
    '"',
    "'''",
    "[[suppress]]\n",
    "= ",
    "\n",
    "\udcff",
    "1979-05-27T07:32:00Z",
    "0x" + "f" * 100,
]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v) if v == v and abs(v) != float("inf") else "nan"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return '""'


toml_values = st.recursive(
    st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=12,
)
CONFIG_KEYS = [
    "select",
    "extend-select",
    "ignore",
    "include",
    "exclude",
    "schemas",
    "severity",
    "per-file-ignores",
    "x",
]


@st.composite
def configs(draw: Any) -> str:
    if draw(st.booleans()):
        return _mutate(draw, GOOD_CONFIG, TOML_BITS)
    table = draw(st.dictionaries(st.sampled_from(CONFIG_KEYS), toml_values, max_size=5))
    text = "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in table.items())
    for _ in range(draw(st.integers(0, 3))):
        suppression = draw(st.dictionaries(st.sampled_from(["file", "code", "reason", "pointer", "task"]), toml_values))
        text += "[[suppress]]\n" + "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in suppression.items())
    return text


@FUZZ
@given(configs())
def test_config_reader_takes_anything(text):
    note(text[:3000])
    path = _write(text.encode("utf-8", "surrogateescape"), "wanspec.toml")
    try:
        config = load_config(path)
    except ConfigError as exc:
        assert path in str(exc)
    else:
        assert config.path == path


def test_a_cassette_uri_whose_path_holds_a_broken_url_is_verified_without_a_traceback():
    """Found by the fuzz profile: ``https:http://[::1//api.runware.ai/v1`` splits as a URL
    (scheme ``https``, path ``http://[::1//api.runware.ai/v1``), so the reader kept it, and
    matching the path to a provider operation split that path again, which raised
    ``ValueError: Invalid IPv6 URL`` out of ``wanspec verify``."""
    source = REAL_CASSETTES[0].read_text(encoding="utf-8")
    uri = next(line for line in source.splitlines() if line.strip().startswith("uri: "))
    text = source.replace(uri, uri.replace("uri: ", "uri: https:http://[::1//", 1).replace("//https://", "//"), 1)
    assert "http://[::1//" in text
    cassette = parse_cassette(text, "broken-uri.yaml")  # it splits as a URL: read, not refused
    found: list[Any] = []
    CassetteVerifier(found.append).verify(cassette)
    assert found  # an unrecognised request is a finding
