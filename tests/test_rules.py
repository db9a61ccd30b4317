"""The rule catalogue is complete and every rule's own example triggers it."""

from __future__ import annotations

import json

import pytest

from wanspec import LintOptions, get_rule, list_rules, list_schemas, load_schema
from wanspec.catalog.store import keyword_codes, rule_codes_by_name, schemas_root
from wanspec.lint.run import lint_bytes

RULES = list_rules()
SOURCE_RULES = {
    "json-syntax",
    "duplicate-key",
    "non-finite-number",
    "byte-order-mark",
    "invalid-utf8",
    "too-deep",
    "file-too-large",
    "empty",
    "not-a-task",
    "not-text",
    "unreadable",
}


def _codes_in(node, out):
    if isinstance(node, dict):
        rule = node.get("x-rule")
        if isinstance(rule, str):
            out.add(rule)
        elif isinstance(rule, dict):
            out.update(rule.values())
        for v in node.values():
            _codes_in(v, out)
    elif isinstance(node, list):
        for v in node:
            _codes_in(v, out)
    return out


def test_codes_are_stable_in_form_and_names_unique():
    assert all(r.code[:2] == "WS" and len(r.code) == 5 and r.code[2:].isdigit() for r in RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    assert {r.severity for r in RULES} <= {"error", "warning", "info"}


def test_every_code_a_schema_uses_is_in_the_catalogue():
    known = {r.code for r in RULES}
    used = set()
    for entry in list_schemas():
        used |= _codes_in(load_schema(entry.id), set())
    assert used <= known, used - known
    assert set(keyword_codes().values()) <= known


def test_every_source_problem_has_a_rule():
    assert set(rule_codes_by_name()) >= SOURCE_RULES


@pytest.mark.parametrize("rule", [r for r in RULES if r.example], ids=lambda r: f"{r.code}-{r.name}")
def test_rule_example_triggers_the_rule(rule):
    example = rule.example
    if "text" in example:
        data, name = example["text"].encode("utf-8"), example.get("file", "example.json")
    else:
        data, name = json.dumps(example["payload"]).encode("utf-8"), "example.json"
    result = lint_bytes(name, data, LintOptions(schema=example.get("schema")))
    codes = [d.code for d in result.diagnostics]
    assert rule.code in codes, (rule.code, [str(d) for d in result.diagnostics])
    # the example is about this rule: nothing else of error severity, unless it is a source problem
    others = [d for d in result.diagnostics if d.code != rule.code and d.severity.value == "error"]
    assert not others or rule.category == "source", [str(d) for d in others]


def test_rules_without_examples_are_few_and_tested_elsewhere():
    # WS005/WS007/WS011/WS012 need bytes or a file system (tests/test_hostile_input.py);
    # WS014 needs a project config (tests/test_baseline.py); the rest are covered by the
    # golden folders and the boundary tables.
    # contract, drift and coverage rules are about cassettes, not payloads: tests/contract/ covers each one
    # spec rules compare schemas with published specs: tests/test_speccheck.py covers each one
    missing = {r.code for r in RULES if not r.example and r.category not in ("contract", "drift", "coverage", "spec")}
    assert missing <= {
        "WS005",
        "WS014",
        "WS007",
        "WS011",
        "WS012",
        "WS116",
        "WS118",
        "WS119",
        "WS120",
        "WS202",
        "WS302",  # retired: the case is WS303 now (kept so configs naming it still work)
        "WS603",
        "WS612",
        "WS614",
    }


def test_get_rule_by_code_or_name():
    assert get_rule("ws401").name == "dimension-pair"
    assert get_rule("dimension-pair").code == "WS401"
    with pytest.raises(KeyError):
        get_rule("nope")


def test_catalogue_file_is_inside_the_schema_root():
    assert schemas_root().joinpath("rules.json").is_file()
