"""Read a model schema the way the strategies need it: evaluate subschemas, find tags.

The strategies work on the dereferenced schema (the one document the engine builds) and
evaluate it with python-jsonschema extended by the same custom keywords the linter uses,
so "valid" means what the schema says. Rule codes, severities and pointers come from the
schema's own tags (``x-rule``, ``x-severity``, ``x-pointer``) and the catalogue's keyword
defaults; nothing here knows a model.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from ..catalog import store
from ..jsontools import pointer_of
from ..lint import engine as _engine
from ..lint import keywords as _keywords
from ..records import Severity
from ..recordtype import recordclass

Path = tuple[str | int, ...]


pointer = pointer_of  # the RFC 6901 pointer of an instance path


@recordclass
class SchemaRule:
    """Which rule a failing keyword at a schema location belongs to."""

    code: str
    severity: Severity
    pointer_suffix: str | None  # x-pointer of the tagged node
    tagged_at: Path  # schema path of the node that gave the code
    tagged: bool = True  # False: the catalogue's default for the keyword


class ModelSchema:
    """One model's dereferenced schema with an evaluator and tag lookups."""

    def __init__(self, schema_id: str) -> None:
        compiled = _engine.compiled(schema_id)
        self.id = schema_id
        self.entry = compiled.entry
        self.schema: dict[str, Any] = compiled.schema
        from jsonschema import Draft202012Validator, validators

        cls = validators.extend(Draft202012Validator, _keywords.jsonschema_keywords())  # type: ignore[no-untyped-call]
        self._validator = cls(self.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        provider = store.providers().get(self.entry.provider, {})
        self.platform_parameters: tuple[str, ...] = tuple(provider.get("parameters", ()))

    # -- evaluation --------------------------------------------------------------------
    def errors(self, instance: Any, subschema: Any = None) -> list[Any]:
        """python-jsonschema errors of ``instance`` against the schema (or a subschema)."""
        v = self._validator if subschema is None else self._validator.evolve(schema=subschema)
        return list(v.iter_errors(instance))

    def valid(self, instance: Any, subschema: Any) -> bool:
        return bool(self._validator.evolve(schema=subschema).is_valid(instance))

    # -- tags ----------------------------------------------------------------------------
    def node(self, path: Path) -> Any:
        node: Any = self.schema
        for part in path:
            node = node[part]
        return node

    def rule(self, schema_path: Path, keyword: str) -> SchemaRule:
        """The code, severity and x-pointer for ``keyword`` failing at the node ``schema_path``.

        The nearest node at or above the failing keyword's node with an ``x-rule`` for it
        decides; otherwise the catalogue's default code for the keyword.
        """
        probe = schema_path
        while True:
            node = self.node(probe)
            if isinstance(node, dict) and "x-rule" in node:
                tag = node["x-rule"]
                code = tag if isinstance(tag, str) else tag.get(keyword)
                if code is not None:
                    return SchemaRule(code, _severity(code, node), node.get("x-pointer"), probe)
            if not probe:
                break
            probe = probe[:-1]
        code = keyword_code(keyword)
        return SchemaRule(code, _severity(code, {}), None, (), tagged=False)

    def severity_of(self, error: Any) -> Severity:
        """Severity of a python-jsonschema error raised against the whole schema."""
        path = tuple(error.absolute_schema_path)
        return self.rule(path[:-1], str(path[-1]) if path else "false").severity

    def base(self, path: Path) -> dict[str, Any]:
        """The unconditional subschema for an instance path (properties and items only)."""
        node: Any = self.schema
        for part in path:
            if not isinstance(node, dict):
                return {}
            node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
        return node if isinstance(node, dict) else {}

    def schema_configs(self, keyword: str, fields: list[str], node: Any = None) -> list[dict[str, Any]]:
        """Every ``keyword`` config on ``fields`` anywhere in the schema (conditional ones too)."""
        found = walk(self.schema if node is None else node)
        return [n[keyword] for _, n in found if keyword in n and n[keyword].get("fields") == fields]


def _severity(code: str, node: dict[str, Any]) -> Severity:
    if "x-severity" in node:
        return Severity(node["x-severity"])
    rule = store.rules().get(code)
    return rule.severity if rule else Severity.ERROR


def keyword_code(keyword: str) -> str:
    codes = store.keyword_codes()
    return codes.get(keyword, codes["*"])


@cache
def model_schema(schema_id: str) -> ModelSchema:
    return ModelSchema(schema_id)


def walk(node: Any, path: Path = ()) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every subschema (a dict) with its schema path, skipping values of data keywords."""
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            if k.startswith("x-") or k in ("const", "enum", "default", "examples", "dependentRequired"):
                continue
            if k in ("properties", "$defs", "patternProperties", "dependentSchemas"):
                for name, sub in v.items():
                    yield from walk(sub, (*path, k, name))
            elif isinstance(v, (dict, list)):
                yield from walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, i))
