"""Cost estimates come from the schemas' pricing data and agree with the documented costs."""

from __future__ import annotations

import json

import pytest
from conftest import DOC_EXAMPLES, FLASH_TASK

from wanspec.contract import estimate_cost

MANIFEST = json.loads((DOC_EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
PRICED_EXAMPLES = [e for e in MANIFEST if e["kind"] == "response"]


@pytest.mark.parametrize("entry", PRICED_EXAMPLES, ids=lambda e: e["file"].split("/")[-1][:-5])
def test_estimate_matches_the_cost_in_the_documented_response(entry):
    request = json.loads((DOC_EXAMPLES / entry["answers"]).read_text(encoding="utf-8"))
    cost = json.loads((DOC_EXAMPLES / entry["file"]).read_text(encoding="utf-8"))["cost"]
    estimate = estimate_cost(request)
    assert estimate.amount == pytest.approx(cost, rel=0.01), estimate.basis


@pytest.mark.parametrize(
    ("change", "usd", "basis"),
    [
        ({}, 0.25, "720p, audio"),
        ({"duration": 10}, 0.5, "720p, audio"),
        ({"providerSettings": {"alibaba": {"audio": False}}}, 0.125, "720p, silent"),
        ({"resolution": "1080p"}, 0.375, "1080p, audio"),
        ({"resolution": None}, 0.375, "1080p, audio"),  # size unstated: priced at the dearer tier
    ],
)
def test_runware_flash_rates(change, usd, basis):
    task = {**FLASH_TASK, **change}
    task = {k: v for k, v in task.items() if v is not None}
    estimate = estimate_cost(task)
    assert estimate.amount == pytest.approx(usd) and basis in estimate.basis


def test_rejected_requests_are_free_and_unpriced_models_unknown():
    rejected = estimate_cost({**FLASH_TASK, "duration": 99})
    assert rejected.rejected and rejected.amount == 0 and "WS500" in rejected.basis
    image = json.loads(
        (DOC_EXAMPLES / "requests" / "runware-alibaba-models--09-wan2-6-image-text-to-image.json").read_text()
    )
    unknown = estimate_cost(image)
    assert not unknown.known and "no pricing data" in unknown.basis


def test_toapis_prices_in_yuan_are_converted_to_dollars():
    task = {"model": "wan2.6-flash", "image_urls": ["https://example.com/a.jpg"], "duration": 10, "audio": False}
    estimate = estimate_cost(task)
    assert estimate.currency == "CNY" and estimate.native == pytest.approx(2.5)  # 1080p default, silent
    assert estimate.amount == pytest.approx(2.5 * 0.14)
