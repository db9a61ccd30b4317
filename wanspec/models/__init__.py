"""Typed request models (pydantic), one per schema, validated by the linter itself.

    >>> from wanspec.models import RunwareWan26Request, model_for
    >>> task = RunwareWan26Request(
    ...     task_type="videoInference",
    ...     task_uuid="8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    ...     model="alibaba:wan@2.6",
    ...     positive_prompt="A paper boat drifts down a rain-soaked gutter",
    ...     width=1280,
    ...     height=720,
    ... )
    >>> task.to_payload()["taskUUID"]
    '8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b'

Fields take Python names (``task_uuid``) or the provider's (``taskUUID``);
``to_payload()`` gives the exact wire JSON with only the fields that were set. A model
accepts exactly what ``wanspec lint`` accepts: construction runs the linter on the wire
form and a ``pydantic.ValidationError`` carries its codes (``WS500 /duration: ...``).
The classes are generated from the schemas (``python -m wanspec.models._generate``).
Importing this module imports pydantic; ``wanspec lint`` never does.
"""

from __future__ import annotations

from ..catalog.store import catalog
from ._base import RequestModel, WireModel
from ._generated import *  # noqa: F403 (the generated classes, listed in _generated.__all__)
from ._generated import MODELS
from ._generated import __all__ as _generated_names


def model_for(schema_id: str) -> type[RequestModel]:
    """The request model class of ``schema_id`` (see ``wanspec schemas``)."""
    try:
        return MODELS[schema_id]
    except KeyError:
        raise catalog().unknown(schema_id) from None


__all__ = ["MODELS", "RequestModel", "WireModel", "model_for", *_generated_names]
