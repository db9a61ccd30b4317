"""The base classes of the generated request models: wire form and validation by the linter.

A request model validates by linting its wire form (``lint_payload`` against its schema),
before pydantic looks at the types, so every rule the schema states is enforced exactly
once and the errors carry the linter's codes::

    pydantic_core.ValidationError: 1 validation error for RunwareWan26Request
      Value error, WS500 /duration: duration is 12; allowed: 5, 10, 15 [...]

Warnings (documented no-op combinations) never reject a model.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticUndefined

from ..lint.run import lint_payload
from ..records import Severity


class WireModel(BaseModel):
    """An object of a request: fields under Python names, aliases as the provider spells them."""

    # Unknown fields are kept (and sent) so that the linter, not pydantic, reports them
    # (WS100 with "did you mean").
    model_config = ConfigDict(populate_by_name=True, extra="allow", use_attribute_docstrings=True)

    def to_payload(self) -> dict[str, Any]:
        """The exact JSON the provider expects: its field names, only the fields that were set."""
        out: dict[str, Any] = self.model_dump(by_alias=True, exclude_unset=True, mode="json")
        return out


class RequestModel(WireModel):
    """One request (task) for one model schema; validation is the linter's."""

    schema_id: ClassVar[str]

    @model_validator(mode="wrap")
    @classmethod
    def _lint(cls, data: Any, handler: Any) -> Any:
        if isinstance(data, dict):
            problems = [
                f"{d.code} {d.pointer or '/'}: {d.message}"
                for d in lint_payload(to_wire(cls, data), schema=cls.schema_id)
                if d.severity is Severity.ERROR
            ]
            if problems:
                raise ValueError("\n".join(problems))
        return handler(data)


def _model_of(annotation: Any) -> type[WireModel] | None:
    """The WireModel class inside ``X | None``, ``list[X]`` or ``str | X``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, WireModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) in (typing.Union, list):
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
    return None


def to_wire(cls: type[WireModel], data: Any) -> Any:
    """Keyword arguments or a dict (Python names or aliases, models or dicts) as wire JSON."""
    if isinstance(data, WireModel):
        return data.to_payload()
    if isinstance(data, list):
        return [to_wire(cls, v) for v in data]
    if not isinstance(data, dict):
        return data
    by_name = {name: (f.serialization_alias or name, f.annotation) for name, f in cls.model_fields.items()}
    by_alias = {alias: (alias, ann) for alias, ann in by_name.values()}
    out: dict[str, Any] = {}
    for key, value in data.items():
        wire, annotation = by_alias.get(key) or by_name.get(key) or (key, None)
        inner = _model_of(annotation)
        out[wire] = to_wire(inner, value) if inner is not None else _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, WireModel):
        return value.to_payload()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def documented_default(cls: type[WireModel], name: str) -> Any:
    """The documented default of a field (what the provider uses when it is not sent)."""
    default = cls.model_fields[name].default
    return None if default is PydanticUndefined else default
