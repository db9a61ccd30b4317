"""Leaf values that look like real requests: prompts, media URLs, UUIDs, numbers.

Everything is drawn from the subschema at hand (``type``, ``enum``, ``const``, bounds,
lengths, ``format``, ``pattern``, ``x-media``); the field's name only picks the flavour of
text (a prompt reads like a prompt, a URL under ``image_urls`` ends in ``.jpg``).
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

from ._samples import inline_sample

#: Phrases from the kind of prompts people send to video and image models.
PROMPT_PHRASES = (
    "A paper boat drifts down a rain-soaked gutter at dusk",
    "slow dolly-in on a lighthouse keeper lighting the lamp",
    "golden hour over terraced rice fields, mist rising",
    "a red fox trots across fresh snow, breath visible in the cold air",
    "cinematic close-up of hands kneading bread dough on a floured table",
    "neon reflections ripple in puddles on a crowded night-market street",
    "an astronaut floats past a window as Earth turns below",
    "handheld tracking shot following a cyclist through narrow cobbled lanes",
    "steam curls from a cup of tea beside a rain-streaked window",
    "a whale breaches in slow motion, spray catching the sunlight",
    "watercolour style, soft pastel palette",
    "shot on 35mm film, shallow depth of field, natural grain",
    "一只橘猫在窗台上晒太阳，尾巴轻轻摆动",
    "Kirschblüten fallen sanft auf einen stillen Teich",
    "the camera pulls back to reveal the whole valley",
    "children fly kites on a windy hilltop, clouds racing overhead",
)
NEGATIVE_PHRASES = (
    "blurry",
    "low quality",
    "watermark",
    "distorted hands",
    "text overlay",
    "oversaturated colours",
    "jpeg artifacts",
)
_SLUGS = ("harbor-dawn", "fox-in-snow", "market-night", "portrait-042", "kite-hill", "teacup", "reference-pose")
_HOSTS = (
    "https://cdn.example.com",
    "https://assets.example.org/uploads",
    "https://example-bucket.s3.amazonaws.com",
    "https://storage.googleapis.com/example-media",
)
_EXTENSIONS = {"jpeg": "jpg"}
_KIND_FORMATS = {"image": ("jpeg", "png", "webp"), "video": ("mp4", "webm"), "audio": ("mp3", "wav")}


def media_url(kind: str, formats: list[str] | tuple[str, ...] | None = None) -> st.SearchStrategy[str]:
    """An https URL of a media file of ``kind`` in one of ``formats``."""
    fmts = tuple(formats or _KIND_FORMATS.get(kind, ("bin",)))
    return st.builds(
        lambda host, slug, fmt: f"{host}/{kind}s/{slug}.{_EXTENSIONS.get(fmt, fmt)}",
        st.sampled_from(_HOSTS),
        st.sampled_from(_SLUGS),
        st.sampled_from(fmts),
    )


def media_reference(config: dict[str, Any]) -> st.SearchStrategy[str]:
    """What an ``x-media`` field holds in practice: a URL, an upload UUID, now and then inline data."""
    url = media_url(config.get("kind", "image"), config.get("formats"))
    inline = inline_sample(config)
    choices = [url, url, url, st.uuids(version=4).map(str)]
    return st.one_of(*choices, *([st.just(inline)] if inline else []))


def _kind_from_name(name: str) -> str | None:
    lowered = name.lower()
    for kind in ("image", "video", "audio"):
        if kind in lowered:
            return kind
    return None


def text(name: str, min_length: int, max_length: int | None) -> st.SearchStrategy[str]:
    """Prompt-like text for prompt fields, short words elsewhere, within the length bounds."""
    lowered = name.lower()
    pool: tuple[str, ...] = NEGATIVE_PHRASES if "negative" in lowered else PROMPT_PHRASES
    if "prompt" not in lowered:
        pool = tuple(s.replace("-", "") for s in _SLUGS)
    hi = max_length if max_length is not None else 2000

    def fit(parts: list[str]) -> str:
        out = ", ".join(parts)[:hi].rstrip()
        while len(out) < min_length:
            out = (out + " " + pool[0]).strip()[:hi]
            if len(out) >= hi:
                break
        return out

    return st.lists(st.sampled_from(pool), min_size=1, max_size=4).map(fit)


def number(node: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    lo = node.get("minimum")
    hi = node.get("maximum")
    if "exclusiveMinimum" in node:
        lo = node["exclusiveMinimum"] + (1 if integer else 1e-6)
    if "exclusiveMaximum" in node:
        hi = node["exclusiveMaximum"] - (1 if integer else 1e-6)
    if lo is None and hi is None:
        lo, hi = 0, 10_000
    elif lo is None:
        lo = min(0, hi) if hi is not None else 0
    elif hi is None:
        hi = lo + 10_000 if lo < 10_000 else lo * 2
    assert lo is not None and hi is not None
    ints = st.integers(math.ceil(lo), math.floor(hi))
    if "multipleOf" in node:
        step = node["multipleOf"]
        ints = st.integers(math.ceil(lo / step), math.floor(hi / step)).map(lambda k: k * step)
    if integer:
        return ints
    return st.one_of(ints, st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def string(node: dict[str, Any], name: str) -> st.SearchStrategy[str]:
    if "x-media" in node:
        return media_reference(node["x-media"])
    fmt = node.get("format")
    if fmt == "uuid":
        return st.uuids(version=4).map(str)
    if fmt in ("uri", "iri", "uri-reference"):
        kind = _kind_from_name(name)
        if kind:
            return media_url(kind)
        return st.sampled_from(
            ("https://hooks.example.com/wan/done", "https://api.example.org/v1/results", "https://example.com/upload")
        )
    if "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    return text(name, node.get("minLength", 0), node.get("maxLength"))
