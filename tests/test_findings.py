"""How findings are shaped: pointers of cross-field rules, citations, no double reports."""

from __future__ import annotations

import pytest

from wanspec import lint_payload

FLASH = {
    "taskType": "videoInference",
    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "Lanterns drift over a canal",
    "inputs": {"frameImages": ["https://example.com/canal.jpg"]},
    "resolution": "720p",
}
WAN26 = {**FLASH, "model": "alibaba:wan@2.6", "inputs": {}, "width": 1280, "height": 720, "duration": 5}
del WAN26["resolution"]
ANIMATE = {
    "taskType": "videoInference",
    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "runware:200@8",
    "inputs": {"referenceImages": ["https://e.com/a.png"], "referenceVideos": ["https://e.com/v.mp4"]},
}


def found(payload):
    return [(d.code, d.severity.value, d.pointer) for d in lint_payload(payload)]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # a cross-field rule points at the field it is about, once, wherever it fails
        # audio alone: the docs and the live page disagree (docs/doc-discrepancies.md D34)
        ({**FLASH, "inputs": {"audio": "https://e.com/a.mp3"}}, [("WS204", "warning", "/inputs")]),
        ({**FLASH, "inputs": {}}, [("WS600", "error", "/inputs")]),
        ({k: v for k, v in FLASH.items() if k != "inputs"}, [("WS600", "error", "/inputs")]),
        ({**FLASH, "width": 1280, "height": 720}, [("WS405", "error", "/resolution")]),
        # a numeric string is one finding (WS112), not also "not an allowed value"
        ({**WAN26, "duration": "5"}, [("WS112", "error", "/duration")]),
        ({**WAN26, "duration": "7"}, [("WS112", "error", "/duration"), ("WS500", "error", "/duration")]),
        # the documented default in replace mode is not a no-op worth a warning
        ({**ANIMATE, "advancedFeatures": {"wanAnimate": {"mode": "replace", "retargetPose": False}}}, []),
        (
            {**ANIMATE, "advancedFeatures": {"wanAnimate": {"mode": "replace", "retargetPose": True}}},
            [("WS703", "warning", "/advancedFeatures/wanAnimate/retargetPose")],
        ),
        # unknown fields: typos get a suggestion, other providers' parameters say so
        ({**WAN26, "negatvePrompt": "blur"}, [("WS100", "error", "/negatvePrompt")]),
        ({**WAN26, "CFGScale": 7}, [("WS101", "error", "/CFGScale")]),
        ({**WAN26, "checkNSFW": False}, [("WS102", "error", "/checkNSFW")]),
    ],
)
def test_findings(payload, expected):
    assert found(payload) == expected


def test_missing_field_cites_that_field():
    payload = {k: v for k, v in FLASH.items() if k != "positivePrompt"}
    (d,) = lint_payload(payload)
    assert d.code == "WS110" and "positivePrompt" in d.message and d.doc is not None and "max: 1500" in d.doc


def test_typo_hint():
    (d,) = lint_payload({**WAN26, "negatvePrompt": "blur"})
    assert d.hint == "did you mean 'negativePrompt'?" and "did you mean 'negativePrompt'?" in d.message


def test_platform_rules_cite_both_model_pages():
    (d,) = lint_payload({**WAN26, "outputQuality": 100})
    assert d.doc is not None and "runware-wan2.6.txt and runware-wan2.6-flash.txt" in d.doc


@pytest.mark.parametrize(
    ("prompt", "ok"),
    [("字" * 1500, True), ("字" * 1501, False), ("🎬" * 1500, True), ("é" * 1500, True)],
)
def test_prompt_length_counts_characters_not_bytes(prompt, ok):
    codes = [d.code for d in lint_payload({**FLASH, "positivePrompt": prompt})]
    assert codes == ([] if ok else ["WS300"])


def test_a_batch_that_repeats_a_wrong_model_id_is_matched_against_the_known_ids_once(monkeypatch):
    """Finding the closest id costs about 100 µs of string matching, and a batch sent with
    a wrong model repeats it in every task: each id is matched once, and every task still
    gets its finding, with the suggestion made for its own id."""
    from wanspec.catalog import store
    from wanspec.lint import run

    run._no_schema_for.cache_clear()
    asked: list[str] = []
    suggest = store.Catalog.suggest_model
    monkeypatch.setattr(store.Catalog, "suggest_model", lambda self, m: (asked.append(m), suggest(self, m))[1])
    typos = ["alibaba:wan@2.6-flahs", "alibaba:wan@2.6-flahs", "alibaba:wan@2.5-preveiw", "alibaba:wan@2.6-flahs"]
    batch = [{**FLASH, "taskUUID": f"8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2{i}", "model": m} for i, m in enumerate(typos)]
    try:
        diagnostics = [d for d in lint_payload(batch) if d.pointer == "/model"]
    finally:
        run._no_schema_for.cache_clear()
    assert sorted(asked) == ["alibaba:wan@2.5-preveiw", "alibaba:wan@2.6-flahs"]
    assert [d.task for d in diagnostics] == [0, 1, 2, 3]
    assert [d.hint for d in diagnostics] == [
        "did you mean 'alibaba:wan@2.6-flash'?",
        "did you mean 'alibaba:wan@2.6-flash'?",
        "did you mean 'alibaba:wan@2.5-preview'?",
        "did you mean 'alibaba:wan@2.6-flash'?",
    ]
