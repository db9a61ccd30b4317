"""Plain-language messages for validation errors, built from the schema's own values.

The schema holds the facts (limits, allowed values, citations); this module only knows
how to say "what is wrong, and what is allowed" for each JSON Schema keyword.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from ..errors import suggest
from ..jsontools import json_type, type_phrase


def field_name(path: tuple[str | int, ...] | list[str | int]) -> str:
    """``("inputs", "frameImages", 0, "frame")`` -> ``inputs.frameImages[0].frame``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the task"


_dumps = json.JSONEncoder(ensure_ascii=False).encode


def show(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of a value for a message."""
    if isinstance(value, str):
        if len(value) + 2 > limit:  # shown cut: escape only what is shown (an inline image is megabytes)
            return _dumps(value[:limit])[: limit - 4] + '…"'
        text = _dumps(value)
        return text if len(text) <= limit else text[: limit - 4] + '…"'
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"an array of {len(value)}"
    return json.dumps(value)


def is_numeric_string(value: Any) -> bool:
    """A string that reads as a finite number ("16", "5.0"). "Infinity", "nan" and "1e400"
    read as floats too, but no JSON number is one of them: such a string is only a string
    (the engines then agree on what else is wrong, since neither can hold the number)."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def did_you_mean(name: str, candidates: list[str]) -> str | None:
    return _did_you_mean(name, tuple(candidates))


@lru_cache(maxsize=4096)  # an editor re-lints the same misspelt keys on every keystroke (difflib: ~0.7 ms each)
def _did_you_mean(name: str, candidates: tuple[str, ...]) -> str | None:
    return suggest(name, candidates, cutoff=0.6)


def _types(value: Any) -> str:
    types = value if isinstance(value, list) else [value]
    return " or ".join(type_phrase(str(t)) for t in types)


def _listing(values: list[Any]) -> str:
    return ", ".join(show(v) for v in values)


def describe(keyword: str, value: Any, instance: Any, where: str) -> str:
    """The default message for ``keyword`` (with schema value ``value``) failing on ``instance``."""
    if keyword == "type":
        if is_numeric_string(instance):
            return f"{where} is the string {show(instance)}; it must be {_types(value)}, not a string"
        return f"{where} must be {_types(value)}, got {json_type(instance)} {show(instance)}"
    if keyword == "enum":
        return f"{where} is {show(instance)}; allowed: {_listing(value)}"
    if keyword == "const":
        return f"{where} is {show(instance)}; it must be {show(value)}"
    if keyword in ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"):
        rel = {
            "minimum": "at least",
            "exclusiveMinimum": "greater than",
            "maximum": "at most",
            "exclusiveMaximum": "less than",
        }[keyword]
        return f"{where} is {show(instance)}; it must be {rel} {value}"
    if keyword == "multipleOf":
        return f"{where} is {show(instance)}; it must be a multiple of {value}"
    if keyword in ("minLength", "maxLength"):
        rel = "at least" if keyword == "minLength" else "at most"
        n = len(instance) if isinstance(instance, str) else 0
        unit = "character" if value == 1 else "characters"
        return f"{where} has {n:,} characters; it must have {rel} {value:,} {unit}"
    if keyword in ("minItems", "maxItems"):
        rel = "at least" if keyword == "minItems" else "at most"
        n = len(instance) if isinstance(instance, list) else 0
        return f"{where} has {n} item{'s' * (n != 1)}; it must have {rel} {value}"
    if keyword == "uniqueItems":
        return f"{where} has repeated items; items must be unique"
    if keyword == "format":
        return f"{where} is {show(instance)}, which is not a valid {value}"
    if keyword == "pattern":
        return f"{where} is {show(instance)}, which does not have the required form"
    if keyword == "minProperties":
        return f"{where} must not be empty"
    if keyword == "false":
        return f"{where} is not allowed here"
    return f"{where} does not satisfy this rule ({keyword})"


def missing(where: str, name: str) -> str:
    return f"missing required field {name!r} in {where}"


def dependent(where: str, present: str, needed: list[str]) -> str:
    return f"{where}: {present!r} requires {' and '.join(repr(n) for n in needed)} as well"
