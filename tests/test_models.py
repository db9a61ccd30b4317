"""wanspec.models: typed requests that accept exactly what the linter accepts."""

from __future__ import annotations

import json

import pydantic
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import wanspec
from wanspec import UsageError, lint_payload
from wanspec.models import MODELS, RequestModel, _generate, model_for
from wanspec.models._base import WireModel, _model_of, documented_default
from wanspec.strategies import invalid_payloads, payloads
from wanspec.strategies._invalid import shorten

SCHEMAS = [e.id for e in wanspec.list_schemas()]
Wan26 = model_for("runware/alibaba:wan@2.6")
TASK = {
    "task_type": "videoInference",
    "task_uuid": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "alibaba:wan@2.6",
    "positive_prompt": "A paper boat drifts down a rain-soaked gutter",
    "width": 1280,
    "height": 720,
}


def test_generated_source_is_what_the_generator_writes_from_the_schemas():
    assert _generate.TARGET.read_text(encoding="utf-8") == _generate.source(), (
        "schemas changed: run `python -m wanspec.models._generate`"
    )


@pytest.mark.parametrize("schema_id", SCHEMAS)
def test_model_fields_are_the_schema_properties(schema_id):
    model = model_for(schema_id)
    wire = {f.serialization_alias or name for name, f in model.model_fields.items()}
    assert wire == set(wanspec.load_schema(schema_id)["properties"])
    assert model.schema_id == schema_id and issubclass(model, RequestModel)
    assert model.__doc__ and schema_id in model.__doc__


def test_every_schema_has_a_model_and_unknown_ids_are_usage_errors():
    assert sorted(MODELS) == sorted(SCHEMAS)
    with pytest.raises(UsageError, match="unknown schema"):
        model_for("runware/nope")


def test_python_names_build_the_exact_wire_payload():
    inputs = {"frame_images": [{"image": "https://cdn.example.com/boat.jpg", "frame": "first"}]}
    task = Wan26(**TASK, inputs=inputs, duration=10)
    assert task.to_payload() == {
        "taskType": "videoInference",
        "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
        "model": "alibaba:wan@2.6",
        "positivePrompt": "A paper boat drifts down a rain-soaked gutter",
        "width": 1280,
        "height": 720,
        "duration": 10,
        "inputs": {"frameImages": [{"image": "https://cdn.example.com/boat.jpg", "frame": "first"}]},
    }
    assert task.positive_prompt.startswith("A paper boat")
    assert task.inputs is not None and task.inputs.frame_images is not None


def test_documented_defaults_are_readable_but_not_sent():
    task = Wan26(**TASK)
    assert (task.duration, task.output_quality, task.output_format) == (5, 95, "MP4")
    assert documented_default(Wan26, "number_results") == 1
    assert "duration" not in task.to_payload() and "outputQuality" not in task.to_payload()
    assert "Documented default: 5" in (Wan26.model_fields["duration"].description or "")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"duration": 12}, "WS500 /duration"),
        ({"width": "1280"}, "WS112 /width"),
        ({"width": 1920, "height": 1920}, "WS401 /"),
        ({"resolution": "720p"}, "WS405 /resolution"),
        ({"task_uuid": "not-a-uuid"}, "WS201 /taskUUID"),
        ({"settings": {"promptExtend": True}}, "WS700 /settings"),
        ({"frameImages": ["https://cdn.example.com/a.jpg"]}, "WS102 /frameImages"),
        ({"positive_prompt": ""}, "WS300 /positivePrompt"),
    ],
)
def test_validation_errors_carry_the_linter_codes(change, expected):
    with pytest.raises(pydantic.ValidationError) as caught:
        Wan26(**{**TASK, **change})
    code, pointer = expected.split(" ")
    loc = tuple(p for p in pointer.split("/") if p)  # the field, by its wire name, like pydantic's own locs
    found = [(e["type"], e["loc"], e["msg"].split(" ", 1)[0]) for e in caught.value.errors()]
    assert ("wanspec", loc, code) in found, found


def test_warnings_do_not_reject_a_model():
    task = Wan26(**TASK, provider_settings={"alibaba": {"shot_type": "multi", "prompt_extend": False}})
    assert task.to_payload()["providerSettings"] == {"alibaba": {"shotType": "multi", "promptExtend": False}}
    assert [d.code for d in lint_payload(task.to_payload())] == ["WS701"]


def test_nested_annotations_name_their_model_classes():
    assert _model_of(Wan26.model_fields["inputs"].annotation) is not None
    assert issubclass(_model_of(Wan26.model_fields["inputs"].annotation) or object, WireModel)


@pytest.mark.parametrize("schema_id", SCHEMAS)
@given(data=st.data())
def test_model_accepts_exactly_what_the_linter_accepts(schema_id, data):
    payload = data.draw(
        st.one_of(payloads(schema_id), invalid_payloads(schema_id).map(lambda bad: bad.payload)), label="payload"
    )
    note(json.dumps(shorten(payload), indent=2, ensure_ascii=False))
    errors = [d for d in lint_payload(payload, schema=schema_id) if d.severity == "error"]
    model = model_for(schema_id)
    try:
        built = model.model_validate(payload)
    except pydantic.ValidationError as exc:
        assert errors, f"the model rejects what the linter accepts: {exc}"
        found = [(e["loc"], e["msg"].split(" ", 1)[0]) for e in exc.errors()]
        assert found == [(_loc(d.pointer), d.code) for d in errors]  # one pydantic error per finding, at its field
    else:
        assert not errors, f"the model accepts what the linter rejects: {errors}"
        assert built.to_payload() == payload


def _loc(pointer: str) -> tuple[str | int, ...]:
    return tuple(int(p) if p.isdigit() else p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:])


def test_module_docstring_example_runs():
    import doctest

    import wanspec.models

    result = doctest.testmod(wanspec.models, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# -- where users put them: JSON Schema by alias, limits, wire form by default ----------------------
@pytest.mark.parametrize("schema_id", SCHEMAS)
@given(data=st.data())
def test_the_json_schema_by_alias_is_the_payload_shape(schema_id, data):
    """Every payload the linter accepts validates against ``model_json_schema(by_alias=True)``."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(model_for(schema_id).model_json_schema(by_alias=True))
    payload = data.draw(payloads(schema_id), label="payload")
    assert not list(validator.iter_errors(payload)), payload


def test_limits_are_field_constraints_and_strays_are_not_in_the_schema():
    schema = Wan26.model_json_schema(by_alias=True)
    props = schema["properties"]
    assert (props["outputQuality"]["minimum"], props["outputQuality"]["maximum"]) == (20, 99)
    assert props["positivePrompt"]["maxLength"] == 1500 and "taskUUID" in schema["required"]
    assert schema["additionalProperties"] is False
    assert "null" not in json.dumps(props["seed"])  # optional means "not sent", not null


def test_names_or_aliases_build_the_same_model_and_dump_as_the_wire_form():
    wire = Wan26(**TASK).to_payload()
    by_alias = Wan26.model_validate(wire)
    assert by_alias == Wan26(**TASK)
    assert by_alias.model_dump() == wire == json.loads(by_alias.model_dump_json())  # by alias, only what was set
    assert "outputQuality" not in wire and documented_default(Wan26, "output_quality") == 95
