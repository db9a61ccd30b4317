"""Public views of the bundled schemas and rules (for ``wanspec schemas`` and ``explain``)."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import UnknownNameError
from . import store


def list_schemas() -> list[store.SchemaEntry]:
    """Every bundled schema, sorted by id."""
    cat = store.catalog()
    return [cat.entries[i] for i in cat.ids()]


def load_schema(schema_id: str, *, standard: bool = False) -> dict[str, Any]:
    """The schema document for ``schema_id``, with shared definitions inlined.

    With ``standard=True``, the result is plain draft 2020-12 that any validator (Ajv,
    check-jsonschema, an editor) understands: wanspec's annotations are removed, rules
    of warning severity are dropped, ``x-pairs`` becomes the equivalent ``anyOf`` and
    keywords with no standard equivalent (pixel area, aspect ratio, inline media) are
    left out, so the standard schema accepts a little more than wanspec does.
    """
    schema = copy.deepcopy(store.dereferenced(schema_id))
    if standard:
        from .lower import to_standard  # deferred: only exports and editors lower schemas

        schema = to_standard(schema, schema_id)
    return schema


def list_rules() -> list[store.Rule]:
    return [r for _, r in sorted(store.rules().items())]


def get_rule(code_or_name: str) -> store.Rule:
    """A rule by code (``WS401``) or name (``dimension-pair``).

    Raises ``UnknownNameError`` (a ``KeyError`` too) with the nearest code or name.
    """
    rules = store.rules()
    if code_or_name.upper() in rules:
        return rules[code_or_name.upper()]
    names = store.rule_codes_by_name()
    code = names.get(code_or_name)
    if code is None:
        raise UnknownNameError("rule", code_or_name, [*rules, *names], listing="`wanspec explain --list` lists them")
    return rules[code]
