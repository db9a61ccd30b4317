"""The base classes of the generated request models: wire form and validation by the linter.

A request model validates by linting its wire form (``lint_payload`` against its schema),
before pydantic looks at the types, so every rule the schema states is enforced and each
finding becomes one pydantic error at the field it is about, with the linter's code::

    pydantic_core.ValidationError: 1 validation error for RunwareWan26Request
    duration
      WS500 duration is 12; allowed: 5, 10, 15 [...] [type=wanspec, input_value=12, ...]

Warnings (documented no-op combinations) never reject a model. Fields carry the
provider's names as aliases (``model_json_schema(by_alias=True)`` is the payload's shape;
construction takes either name) and serialise under them, with only the fields that were
set, so a model dumped anywhere (``model_dump``, FastAPI's ``response_model``) is the wire
form.
"""

from __future__ import annotations

import types
import typing
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, PydanticUndefined, ValidationError

from ..jsontools import split_pointer
from ..lint.run import lint_payload
from ..records import Severity


def _no_null_defaults(schema: dict[str, Any]) -> None:
    """A field left out is not sent, so its JSON Schema names no default; a documented one stays."""
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict) and "default" in prop and prop["default"] is None:
            del prop["default"]


def closed(schema: dict[str, Any]) -> None:
    """For a schema object that takes no other fields: no null defaults, no strays."""
    _no_null_defaults(schema)
    schema["additionalProperties"] = False


class WireModel(BaseModel):
    """An object of a request: fields under Python names, aliases as the provider spells them."""

    # Unknown fields are kept (and sent) so that the linter, not pydantic, reports them
    # (WS100 with "did you mean"); the JSON Schema still says which fields exist. Patterns
    # are the schemas' (ECMA-262 style), which Python's re reads as written.
    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="allow",
        use_attribute_docstrings=True,
        regex_engine="python-re",
        json_schema_extra=_no_null_defaults,
    )

    @model_serializer(mode="wrap")
    def _wire(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        """Only the fields that were set: a documented default the request did not send is
        not sent (a ``null`` or a default would change what the provider does)."""
        data = handler(self)
        if not isinstance(data, dict):
            return data
        fields = type(self).model_fields
        keep = set(self.model_extra or ())
        for name in self.model_fields_set:
            keep |= {name, fields[name].alias or name} if name in fields else {name}
        return {k: v for k, v in data.items() if k in keep}

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
            wire = to_wire(cls, data)
            errors = [d for d in lint_payload(wire, schema=cls.schema_id) if d.severity is Severity.ERROR]
            if errors:
                raise ValidationError.from_exception_data(cls.__name__, [_line_error(d, wire) for d in errors])
        return handler(data)


def _line_error(d: Any, wire: Any) -> InitErrorDetails:
    """One finding as a pydantic error: ``loc`` is the field's path in wire names (list
    indexes as ints, like pydantic's own), the message starts with the wanspec code."""
    loc = tuple(int(p) if p.isdigit() else p for p in split_pointer(d.pointer))
    value: Any = wire
    for part in loc:
        in_list = isinstance(value, list) and isinstance(part, int) and part < len(value)
        value = value[part] if in_list or (isinstance(value, dict) and part in value) else None
    error = PydanticCustomError("wanspec", "{code} {detail}", {"code": d.code, "detail": d.message, "doc": d.doc})
    return {"type": error, "loc": loc, "input": value}


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
    by_name = {name: (f.alias or name, f.annotation) for name, f in cls.model_fields.items()}
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
