"""Project configuration: find it, read it, check it, turn it into lint options.

``[tool.wanspec]`` in ``pyproject.toml`` or the top level of ``wanspec.toml``, found by
walking up from the working directory; the first directory holding wanspec config wins,
and there ``wanspec.toml`` beats ``pyproject.toml``. What the file may contain is a JSON
Schema shipped with the rule catalogue (``schemas/config.json``), so editors can use it
too; ``x-config`` annotations in it mark values that must name a rule, a rule selector or
a schema id, checked here against the catalogue with a "did you mean".

A mistake raises ``ConfigError`` (a ``UsageError``: exit status 2) naming the file and
the key. Nothing heavy is imported: tomllib only when a file is found, and the validator
(jsonschema-rs) is the one the linter loads anyway.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..catalog import store
from ..errors import ConfigError, suggest
from ..inputs import read_capped
from ..recordtype import field, recordclass
from .config_lookup import CONFIG_NAMES, find_config, parse_toml
from .globs import GlobSet
from .policy import Policy

__all__ = ["CONFIG_NAMES", "ConfigError", "ProjectConfig", "Suppression", "find_config", "load_config"]

#: A project config is a page of settings; anything this large is not one.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


@recordclass
class Suppression:
    """One finding accepted on purpose: ``file`` relative to the config's directory."""

    file: str
    code: str
    reason: str
    pointer: str | None = None
    task: int | None = None
    index: int = 0  # position in the config's ``suppress`` list, for messages
    line: int | None = None  # of its ``[[suppress]]`` header in the config file, when written so


@recordclass
class ProjectConfig:
    """A checked configuration; ``path`` is the file it came from."""

    path: str
    base: str
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy: Policy | None = None
    suppressions: tuple[Suppression, ...] = field(default=())


def _table(path: str, data: dict[str, Any]) -> dict[str, Any]:
    if os.path.basename(path) != "pyproject.toml":
        return data
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "wanspec" not in tool:
        raise ConfigError(f"{path}: no [tool.wanspec] table")
    table = tool["wanspec"]
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.wanspec] must be a table")
    return table


def load_config(path: str) -> ProjectConfig:
    """Read and check one config file (``pyproject.toml`` or ``wanspec.toml``)."""
    try:
        with open(path, "rb") as f:
            data, over = read_capped(f, MAX_CONFIG_BYTES)
        if over is not None:
            raise ConfigError(f"{path}: over {MAX_CONFIG_BYTES // 1048576} MiB; not a wanspec config")
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    table = _table(path, parse_toml(path, text))
    return from_mapping(table, path, text)


_SUPPRESS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*(?:tool\.wanspec\.)?suppress[ \t]*\]\]", re.M)


def _lines_of(text: str, matches: Iterator[re.Match[str]]) -> Iterator[int]:
    """1-based lines of matches in text order: counted on from the previous one (linear)."""
    line, at = 1, 0
    for m in matches:
        line += text.count("\n", at, m.start())
        at = m.start()
        yield line


def from_mapping(table: dict[str, Any], path: str, text: str = "") -> ProjectConfig:
    """Check a config mapping (as read from ``path``) and build the ProjectConfig."""
    where = "[tool.wanspec]" if os.path.basename(path) == "pyproject.toml" else ""
    problems = _check(table, _config_schema(), where)
    if problems:
        listed = "\n  ".join(problems)
        raise ConfigError(f"invalid configuration in {path}:\n  {listed}")
    base = os.path.dirname(os.path.abspath(path))
    policy = Policy(
        base=base,
        include=GlobSet.of(base, table["include"]) if "include" in table else None,
        exclude=GlobSet.of(base, table["exclude"]) if table.get("exclude") else None,
        schemas=tuple((GlobSet.of(base, [g]), sid) for g, sid in table.get("schemas", {}).items()),
        per_file_ignores=tuple(
            (GlobSet.of(base, [g]), tuple(sels)) for g, sels in table.get("per-file-ignores", {}).items()
        ),
        severity=tuple((_rule_code(k), v) for k, v in table.get("severity", {}).items()),
    )
    headers = list(_lines_of(text, _SUPPRESS_HEADER.finditer(text)))
    if len(headers) != len(table.get("suppress", ())):
        headers = []  # written another way (an inline array): no lines rather than wrong ones
    suppressions = tuple(
        Suppression(
            file=os.path.normpath(s["file"]).replace(os.sep, "/"),
            code=_rule_code(s["code"]),
            reason=s["reason"],
            pointer=s.get("pointer"),
            task=s.get("task"),
            index=i,
            line=headers[i] if i < len(headers) else None,
        )
        for i, s in enumerate(table.get("suppress", ()))
    )
    return ProjectConfig(
        path=path,
        base=base,
        select=tuple(table.get("select", ())),
        extend_select=tuple(table.get("extend-select", ())),
        ignore=tuple(table.get("ignore", ())),
        policy=policy,
        suppressions=suppressions,
    )


def _rule_code(code_or_name: str) -> str:
    by_name = store.rule_codes_by_name()
    return by_name.get(code_or_name, code_or_name.upper())


@cache
def _config_schema() -> dict[str, Any]:
    return store._read("config.json")


# -- checking ---------------------------------------------------------------------------
def _check(table: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    import jsonschema_rs

    odd = sorted({f"{_key(where, path)}: {why}" for path, why in _odd_values(table)})
    if odd:
        return odd
    problems = list(_unknown_keys(table, schema, schema, where))
    validator = jsonschema_rs.validator_for(schema)
    for error in validator.iter_errors(table):
        if type(error.kind).__name__ != "AdditionalProperties":  # said above, with a "did you mean"
            problems.append(f"{_key(where, error.instance_path)}: {_explain(error)}")
    problems += _catalogue_values(table, schema, schema, where, ())
    return problems


#: A config is a few tables deep; the validator gives up (an exception) at about 255.
MAX_DEPTH = 32


def _odd_values(table: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Values no setting can take and the validator cannot see: TOML dates and times, and
    nesting past MAX_DEPTH. Iterative, so any depth tomllib returns is safe to walk."""
    import datetime

    stack: list[tuple[Any, tuple[str | int, ...]]] = [(table, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            yield path[:MAX_DEPTH], f"nested more than {MAX_DEPTH} levels deep"
        elif isinstance(value, datetime.date | datetime.time):
            yield path, "must not be a date or time"
        elif isinstance(value, dict):
            stack.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


def _key(where: str, path: Any) -> str:
    parts = [where] if where else []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else (p if p.replace("-", "").isalnum() else json.dumps(p)))
    return ".".join(parts).replace(".[", "[") or "(top level)"


def _explain(error: Any) -> str:
    kind = type(error.kind).__name__
    if kind == "Type":
        wanted = error.kind.types if hasattr(error.kind, "types") else None
        shown = {"array": "an array of strings", "object": "a table", "string": "a string", "integer": "an integer"}
        expected = " or ".join(shown.get(t, t) for t in wanted) if wanted else "another type"
        return f"must be {expected}, not {_describe(error.instance)}"
    if kind == "Enum":  # the engine's own message lists two values, then "or N other candidates"
        return f"must be one of {', '.join(json.dumps(v) for v in error.kind.options)}, not {_describe(error.instance)}"
    return str(error.message)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"the number {value}" if isinstance(value, int | float) else type(value).__name__


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _unknown_keys(
    value: Any, node: dict[str, Any], root: dict[str, Any], where: str, path: tuple[Any, ...] = ()
) -> Iterator[str]:
    node = _resolve(node, root)
    if isinstance(value, dict) and "properties" in node:
        known = list(node["properties"])
        for key, sub in value.items():
            if key in known:
                yield from _unknown_keys(sub, node["properties"][key], root, where, (*path, key))
            elif node.get("additionalProperties") is False:
                guess = suggest(key, known, cutoff=0.6)
                hint = f"did you mean {guess!r}?" if guess else f"known keys: {', '.join(known)}"
                yield f"{_key(where, (*path, key))}: unknown key {key!r}; {hint}"
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _unknown_keys(item, node["items"], root, where, (*path, i))


def _catalogue_values(
    value: Any, node: dict[str, Any], root: dict[str, Any], where: str, path: tuple[Any, ...]
) -> Iterator[str]:
    """Values the schema marks with ``x-config`` must exist in the rule catalogue or the schemas."""
    node = _resolve(node, root)
    if "x-config" in node:
        if (problem := _catalogue_problem(node["x-config"], value)) is not None:
            yield f"{_key(where, path)}: {problem}"
        return
    if isinstance(value, dict):
        names = node.get("propertyNames", {})
        for key, sub in value.items():
            if "x-config" in names and (problem := _catalogue_problem(names["x-config"], key)) is not None:
                yield f"{_key(where, (*path, key))}: {problem}"
            child = node.get("properties", {}).get(key, node.get("additionalProperties"))
            if isinstance(child, dict):
                yield from _catalogue_values(sub, child, root, where, (*path, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            yield from _catalogue_values(item, node["items"], root, where, (*path, i))


def _catalogue_problem(kind: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return None  # a type error, reported by the schema
    rules = store.rules()
    names = sorted(r.name for r in rules.values())
    if kind == "schema-id":
        cat = store.catalog()
        return None if value in cat.entries else str(cat.unknown(value))
    if kind == "rule" and (value.upper() in rules or value in names):
        return None
    if kind == "rule-selector" and store.is_selector(value):
        return None
    close = store.closest_selector(value) if kind == "rule-selector" else suggest(value, [*rules, *names], cutoff=0.6)
    what = "rule" if kind == "rule" else "rule selector"
    return f"unknown {what} {value!r}; " + (
        f"did you mean {close!r}?" if close else "`wanspec explain --list` lists the rules"
    )
