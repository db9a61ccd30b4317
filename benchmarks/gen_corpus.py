#!/usr/bin/env python3
"""Build the benchmark corpora: Runware ``videoInference`` tasks for ``alibaba:wan@2.6-flash``.

Standard library only, seeded and deterministic: the same ``--seed`` gives byte-identical files.

Output (``--out DIR``, default ``benchmarks/.corpus``)::

    one/payload.json          1 valid, fully populated task (pretty-printed)
    many/payload-NNNNN.json   2,000 pretty-printed tasks, ~20% invalid
    many.expected.json        label of every file in many/
    all.jsonl                 20,000 compact tasks, one per line, same mix
    all.expected.txt          "LINE<TAB>valid|invalid<TAB>KIND" per line of all.jsonl
    big.jsonl                 only with --lines N (the memory check uses 200,000)
    big.expected.txt
    reference-schema.json     a draft 2020-12 schema of the same rules, written from this
                              generator; run.py uses it only when no wanspec export is given,
                              so the harness can be tested against check-jsonschema and Ajv alone
    corpus.json               generator version, seed and counts (run.py checks it)

Every invalid task carries exactly one violation, named by its kind (``INVALID_KINDS``).
A few valid tasks carry only a *warning* (``WARNING_KINDS``: shotType with promptExtend false,
providerSettings.alibaba.audio together with inputs.audio); a linter may warn about them but they
are valid, and the expected labels say so.

Rules (docs: shared/docs/runware-wan2.6-flash.txt and the "Wan2.6 Flash" section of
shared/docs/runware-alibaba-models.txt):
  - taskType "videoInference", taskUUID UUID v4, model "alibaba:wan@2.6-flash"
  - positivePrompt 1-1500 chars, negativePrompt 1-500 chars (optional)
  - width/height together, one of the supported pairs; or resolution 720p/1080p, image-to-video
    only and never together with width/height
  - image-to-video: inputs.frameImages exactly 1 item (URL string or {"image": URL, "frame": "first"}),
    duration 2-15
  - reference-to-video: inputs.referenceImages (1-5) or inputs.referenceVideos (1-3), never with
    frameImages, width/height required, duration 2-10
  - inputs is required (no text-to-video on Flash) and needs one of the three visual inputs
  - seed 0-2147483647, outputFormat MP4|WEBM|MOV, outputQuality 20-99, numberResults 1-4
  - providerSettings.alibaba {promptExtend: bool, audio: bool, shotType: single|multi}
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 3
DEFAULT_SEED = 20261121
MODEL = "alibaba:wan@2.6-flash"
PAIRS = [
    (1280, 720),
    (720, 1280),
    (960, 960),
    (1088, 832),
    (832, 1088),
    (1920, 1080),
    (1080, 1920),
    (1440, 1440),
    (1632, 1248),
    (1248, 1632),
]
RESOLUTIONS = ["720p", "1080p"]
OUTPUT_FORMATS = ["MP4", "WEBM", "MOV"]
INVALID_SHARE = 0.20
WARNING_SHARE = 0.02
MANY_FILES = 2000
ALL_LINES = 20000

WORDS = [
    "animate",
    "the",
    "still",
    "image",
    "into",
    "a",
    "gentle",
    "continuous",
    "scene",
    "rain",
    "soaked",
    "greenhouse",
    "teahouse",
    "raindrops",
    "streak",
    "across",
    "glass",
    "ceiling",
    "soft",
    "ripples",
    "spread",
    "through",
    "shallow",
    "puddles",
    "mosaic",
    "floor",
    "steam",
    "rises",
    "from",
    "teacups",
    "brass",
    "kettles",
    "hanging",
    "ferns",
    "sway",
    "lantern",
    "reflections",
    "shimmer",
    "wet",
    "tiles",
    "white",
    "crane",
    "blinks",
    "slight",
    "head",
    "turns",
    "feather",
    "shifts",
    "preserve",
    "original",
    "composition",
    "subject",
    "identity",
    "realistic",
    "motion",
    "calm",
    "atmosphere",
    "coherent",
    "physics",
    "fluid",
    "camera",
    "stability",
    "delicate",
    "ambient",
    "detail",
    "violinist",
    "walks",
    "forward",
    "along",
    "cliff",
    "path",
    "coat",
    "tails",
    "whip",
    "in",
    "sea",
    "wind",
    "giant",
    "kites",
    "pull",
    "and",
    "sway",
    "overhead",
    "grass",
    "ripples",
    "gulls",
    "wheel",
    "ocean",
    "churns",
    "whitecaps",
    "subtle",
    "drift",
    "wide",
    "cinematic",
    "angle",
    "sunbeams",
    "shift",
    "through",
    "moving",
    "clouds",
    "windmill",
    "blades",
    "rotate",
    "tablecloth",
    "flutters",
    "flour",
    "dust",
    "glimmers",
    "warm",
    "wholesome",
    "mood",
    "whimsical",
    "realism",
    "rich",
    "environmental",
    "detail",
]
NEGATIVE_WORDS = [
    "flicker",
    "warped",
    "anatomy",
    "sudden",
    "camera",
    "jumps",
    "duplicated",
    "objects",
    "exaggerated",
    "motion",
    "blur",
    "low",
    "detail",
    "text",
    "watermark",
    "harsh",
    "transitions",
    "extra",
    "limbs",
    "oversaturated",
    "colors",
    "cartoon",
    "look",
    "abrupt",
    "cuts",
]
CJK = "雨中茶馆玻璃屋顶水滴流动蒸汽升起灯笼倒影白鹤眨眼轻轻转头保持构图真实运动平静氛围镜头稳定细节丰富"


# --------------------------------------------------------------------------- helpers


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def asset_url(rng: random.Random, ext: str) -> str:
    return f"https://assets.runware.ai/assets/inputs/{uuid4(rng)}.{ext}"


def text_of_length(rng: random.Random, words: list[str], n: int) -> str:
    """Exactly ``n`` characters of word salad (n >= 1)."""
    parts: list[str] = []
    size = -1
    while size < n:
        w = rng.choice(words)
        parts.append(w)
        size += len(w) + 1
    out = " ".join(parts)[:n].rstrip()
    while len(out) < n:  # rstrip may have shortened it
        out += "x"
    return out


def prompt(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.02:
        return text_of_length(rng, WORDS, 1500)  # boundary
    if r < 0.03:
        return rng.choice("abcxyz")  # boundary: 1 char
    if r < 0.08:  # Chinese prompt (BMP only: code points == UTF-16 units)
        return "".join(rng.choice(CJK) for _ in range(rng.randint(10, 200)))
    return text_of_length(rng, WORDS, int(rng.triangular(40, 1200, 420)))


def negative_prompt(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.02:
        return text_of_length(rng, NEGATIVE_WORDS, 500)
    return text_of_length(rng, NEGATIVE_WORDS, rng.randint(10, 220))


# --------------------------------------------------------------------------- valid tasks


def build_valid(
    rng: random.Random,
    *,
    mode: str | None = None,  # "i2v" | "r2v-images" | "r2v-videos"
    dims: str | None = None,  # "pair" | "resolution" (i2v only)
    max_duration: int | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """One valid task; keyword arguments pin the shape a mutation needs."""
    if mode is None:
        r = rng.random()
        mode = "i2v" if r < 0.7 else ("r2v-images" if r < 0.87 else "r2v-videos")
    if dims is None:
        dims = "resolution" if (mode == "i2v" and rng.random() < 0.3) else "pair"
    if mode != "i2v":
        dims = "pair"
    hi = 15 if mode == "i2v" else 10
    if max_duration is not None:
        hi = min(hi, max_duration)

    t: dict[str, Any] = {
        "taskType": "videoInference",
        "taskUUID": uuid4(rng),
        "model": MODEL,
        "positivePrompt": prompt(rng),
    }
    if full or rng.random() < 0.6:
        t["negativePrompt"] = negative_prompt(rng)
    if dims == "pair":
        w, h = rng.choice(PAIRS)
        t["width"], t["height"] = w, h
    else:
        t["resolution"] = rng.choice(RESOLUTIONS)
    if full or rng.random() < 0.9:
        r = rng.random()
        t["duration"] = 2 if r < 0.03 else hi if r < 0.06 else rng.randint(2, hi)
    if full or rng.random() < 0.5:
        r = rng.random()
        t["seed"] = 0 if r < 0.02 else 2147483647 if r < 0.04 else rng.randint(0, 2147483647)
    if full or rng.random() < 0.3:
        t["outputType"] = "URL"
    if full or rng.random() < 0.4:
        t["outputFormat"] = rng.choice(OUTPUT_FORMATS)
    if full or rng.random() < 0.3:
        r = rng.random()
        t["outputQuality"] = 20 if r < 0.05 else 99 if r < 0.1 else rng.randint(20, 99)
    if full or rng.random() < 0.3:
        t["numberResults"] = rng.randint(1, 4)
    if full:
        t["uploadEndpoint"] = f"https://storage.example.com/uploads/{uuid4(rng)}.mp4"
    if full or rng.random() < 0.15:
        t["webhookURL"] = f"https://hooks.example.com/runware/{uuid4(rng)}"
    if full or rng.random() < 0.2:
        t["deliveryMethod"] = "async"
    if full or rng.random() < 0.1:
        t["ttl"] = rng.choice([60, 300, 3600, 86400])
    if full or rng.random() < 0.2:
        t["includeCost"] = rng.random() < 0.5
    if full or rng.random() < 0.05:
        t["safety"] = {"checkContent": True, "mode": "fast"}

    inputs: dict[str, Any] = {}
    if mode == "i2v":
        url = asset_url(rng, rng.choice(["jpg", "png", "webp"]))
        obj = full or rng.random() < 0.5
        inputs["frameImages"] = [{"image": url, "frame": "first"} if obj else url]
    elif mode == "r2v-images":
        inputs["referenceImages"] = [asset_url(rng, "jpg") for _ in range(rng.randint(1, 5))]
    else:
        inputs["referenceVideos"] = [asset_url(rng, "mp4") for _ in range(rng.randint(1, 3))]
    custom_audio = (not full) and rng.random() < 0.12
    if custom_audio:
        inputs["audio"] = asset_url(rng, rng.choice(["mp3", "wav"]))

    if full or rng.random() < 0.75:
        ali: dict[str, Any] = {}
        if full or rng.random() < 0.7:
            ali["promptExtend"] = True if full else rng.random() < 0.75
        if not custom_audio and (full or rng.random() < 0.7):
            ali["audio"] = True if full else rng.random() < 0.6
        if ali.get("promptExtend", True) and (full or rng.random() < 0.5):
            ali["shotType"] = "multi" if full else rng.choice(["single", "multi"])
        t["providerSettings"] = {"alibaba": ali}
    t["inputs"] = inputs
    return t


def build_warning(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """A valid task that carries exactly one warning-level finding."""
    if rng.random() < 0.5:
        t = build_valid(rng)
        t["providerSettings"] = {"alibaba": {"promptExtend": False, "shotType": rng.choice(["single", "multi"])}}
        t["inputs"].pop("audio", None)
        return "warn_shottype_without_prompt_extend", t
    t = build_valid(rng, mode="i2v")
    t["inputs"]["audio"] = asset_url(rng, "mp3")
    t["providerSettings"] = {"alibaba": {"audio": rng.random() < 0.5}}
    return "warn_alibaba_audio_with_inputs_audio", t


# --------------------------------------------------------------------------- invalid tasks
# Each mutator returns a task with exactly one violation of the rules above.

Mut = Callable[[random.Random], dict[str, Any]]


def _pair(rng: random.Random, **kw: Any) -> dict[str, Any]:
    return build_valid(rng, dims="pair", **kw)


def m_missing_task_type(rng):
    t = build_valid(rng)
    del t["taskType"]
    return t


def m_wrong_task_type(rng):
    t = build_valid(rng)
    t["taskType"] = rng.choice(["imageInference", "videoinference"])
    return t


def m_bad_uuid(rng):
    t = build_valid(rng)
    u = t["taskUUID"]
    t["taskUUID"] = rng.choice([u[:-1], u.replace("-", ""), "not-a-uuid", "zzzzzzzz" + u[8:], u + "0"])
    return t


def m_missing_task_uuid(rng):
    t = build_valid(rng)
    del t["taskUUID"]
    return t


def m_wrong_model(rng):
    # Not a known model id either, so a linter cannot switch to another model's schema.
    t = build_valid(rng)
    t["model"] = rng.choice(["alibaba:wan@2.6-flsh", "alibaba:wan@2.6-flash-x", "alibaba:wan@26-flash"])
    return t


def m_missing_prompt(rng):
    t = build_valid(rng)
    del t["positivePrompt"]
    return t


def m_empty_prompt(rng):
    t = build_valid(rng)
    t["positivePrompt"] = ""
    return t


def m_prompt_too_long(rng):
    t = build_valid(rng)
    t["positivePrompt"] = text_of_length(rng, WORDS, rng.choice([1501, 1502, 1800, 3000]))
    return t


def m_negative_prompt_empty(rng):
    t = build_valid(rng)
    t["negativePrompt"] = ""
    return t


def m_negative_prompt_too_long(rng):
    t = build_valid(rng)
    t["negativePrompt"] = text_of_length(rng, NEGATIVE_WORDS, rng.choice([501, 600]))
    return t


def m_unsupported_pair(rng):
    t = _pair(rng)
    w, h = rng.choice([(1280, 1280), (1920, 720), (720, 720), (1080, 1080), (960, 1280)])
    t["width"], t["height"] = w, h
    return t


def m_width_without_height(rng):
    t = _pair(rng, mode="i2v")
    del t["height"]
    return t


def m_height_without_width(rng):
    t = _pair(rng, mode="i2v")
    del t["width"]
    return t


def m_string_width(rng):
    t = _pair(rng)
    t["width"] = str(t["width"])
    return t


def m_resolution_with_width(rng):
    t = _pair(rng, mode="i2v")
    t["resolution"] = rng.choice(RESOLUTIONS)
    return t


def m_bad_resolution(rng):
    t = build_valid(rng, mode="i2v", dims="resolution")
    t["resolution"] = rng.choice(["480p", "4k", "720"])
    return t


def m_reference_without_dims(rng):
    t = build_valid(rng, mode=rng.choice(["r2v-images", "r2v-videos"]))
    del t["width"], t["height"]
    return t


def m_duration_too_long(rng):
    t = build_valid(rng, mode="i2v")
    t["duration"] = rng.choice([16, 20, 30])
    return t


def m_duration_too_short(rng):
    t = build_valid(rng)
    t["duration"] = rng.choice([0, 1])
    return t


def m_duration_over_10_with_references(rng):
    t = build_valid(rng, mode=rng.choice(["r2v-images", "r2v-videos"]))
    t["duration"] = rng.randint(11, 15)
    return t


def m_duration_not_integer(rng):
    t = build_valid(rng, max_duration=9)
    t["duration"] = rng.choice([2.5, 5.5, 7.25])
    return t


def m_frame_images_with_references(rng):
    t = _pair(rng, mode="i2v", max_duration=10)
    t["inputs"]["referenceImages"] = [asset_url(rng, "jpg")]
    return t


def m_no_inputs(rng):
    t = _pair(rng)
    del t["inputs"]
    return t


def m_inputs_without_visual(rng):
    # an empty inputs object: audio alone is audio-to-video, which the sources disagree on
    # (a warning, docs/doc-discrepancies.md), so it is not an invalid kind
    t = _pair(rng)
    t["inputs"] = {}
    return t


def m_too_many_frame_images(rng):
    t = build_valid(rng, mode="i2v")
    t["inputs"]["frameImages"] = [asset_url(rng, "jpg") for _ in range(rng.randint(2, 3))]
    return t


def m_too_many_reference_images(rng):
    t = build_valid(rng, mode="r2v-images")
    t["inputs"]["referenceImages"] = [asset_url(rng, "jpg") for _ in range(rng.randint(6, 8))]
    return t


def m_too_many_reference_videos(rng):
    t = build_valid(rng, mode="r2v-videos")
    t["inputs"]["referenceVideos"] = [asset_url(rng, "mp4") for _ in range(rng.randint(4, 5))]
    return t


def m_frame_object_without_image(rng):
    t = build_valid(rng, mode="i2v")
    t["inputs"]["frameImages"] = [{"frame": "first"}]
    return t


def m_frame_position_last(rng):
    t = build_valid(rng, mode="i2v")
    t["inputs"]["frameImages"] = [{"image": asset_url(rng, "jpg"), "frame": "last"}]
    return t


def m_unknown_top_level_field(rng):
    t = build_valid(rng)
    name, value = rng.choice([("steps", 30), ("negativePromt", "blur"), ("fps", 24), ("motionStrength", 0.5)])
    t[name] = value
    return t


def m_unknown_inputs_field(rng):
    t = build_valid(rng)
    t["inputs"]["image"] = asset_url(rng, "jpg")
    return t


def m_unknown_alibaba_field(rng):
    t = build_valid(rng)
    ps = t.setdefault("providerSettings", {}).setdefault("alibaba", {})
    name, value = rng.choice([("watermark", True), ("promptExtension", True), ("shot_type", "single")])
    ps[name] = value
    return t


def m_bad_shot_type(rng):
    t = build_valid(rng)
    ps = t.setdefault("providerSettings", {}).setdefault("alibaba", {})
    ps["promptExtend"] = True
    ps["shotType"] = rng.choice(["double", "Single", "multiple"])
    return t


def m_prompt_extend_not_bool(rng):
    t = build_valid(rng)
    ps = t.setdefault("providerSettings", {}).setdefault("alibaba", {})
    ps["promptExtend"] = rng.choice(["true", 1])
    ps.pop("shotType", None)
    return t


def m_output_quality_out_of_range(rng):
    t = build_valid(rng)
    t["outputQuality"] = rng.choice([10, 19, 100])
    return t


def m_output_format_gif(rng):
    t = build_valid(rng)
    t["outputFormat"] = rng.choice(["GIF", "mp4", "AVI"])
    return t


def m_number_results_out_of_range(rng):
    t = build_valid(rng)
    t["numberResults"] = rng.choice([5, 0])
    return t


def m_seed_out_of_range(rng):
    t = build_valid(rng)
    t["seed"] = rng.choice([-1, 2147483648])
    return t


INVALID_KINDS: dict[str, Mut] = {
    name[2:]: fn for name, fn in sorted(globals().items()) if name.startswith("m_") and callable(fn)
}
WARNING_KINDS = ["warn_shottype_without_prompt_extend", "warn_alibaba_audio_with_inputs_audio"]


def build_task(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """Return (kind, task); kind is "valid", a warn_* kind (also valid) or an invalid kind."""
    r = rng.random()
    if r < INVALID_SHARE:
        kind = rng.choice(sorted(INVALID_KINDS))
        return kind, INVALID_KINDS[kind](rng)
    if r < INVALID_SHARE + WARNING_SHARE:
        return build_warning(rng)
    return "valid", build_valid(rng)


def is_valid_kind(kind: str) -> bool:
    return kind == "valid" or kind.startswith("warn_")


# --------------------------------------------------------------------------- messy tasks
# What real CI batches look like (issue 14): long prompts up to the 1,500-character limit, inline
# images as base64 data URIs, and most tasks carrying one or more findings. Each mutator below
# breaks one field of its own, so any set of them can be applied together and each still makes
# its own finding; a task is invalid exactly when at least one was applied.

MESSY_INVALID_SHARE = 0.72
MESSY_MEDIA_SHARE = 0.6


def png_data_uri(rng: random.Random, width: int, height: int, size: int) -> str:
    """A data URI holding a PNG whose header says ``width``×``height``, padded to ``size`` bytes.

    Linters read only the header (x-media: format and pixel size); the rest is random bytes,
    which is what the base64 of compressed image data looks like to a parser.
    """
    import base64
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    head = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    body = rng.getrandbits(8 * max(0, size - len(head))).to_bytes(max(0, size - len(head)), "little")
    return "data:image/png;base64," + base64.b64encode(head + body).decode("ascii")


def _inline_image(rng: random.Random) -> str:
    w, h = rng.choice([(720, 1280), (1280, 720), (960, 960), (1024, 1024), (1920, 1080), (600, 800)])
    return png_data_uri(rng, w, h, int(rng.triangular(600, 4000, 1200)))


def build_messy_valid(rng: random.Random) -> dict[str, Any]:
    """A valid task with a long prompt and, often, its images inline."""
    t = build_valid(rng)
    t["positivePrompt"] = text_of_length(rng, WORDS, int(rng.triangular(600, 1500, 1400)))
    if rng.random() < MESSY_MEDIA_SHARE:
        inputs = t["inputs"]
        if "frameImages" in inputs:
            item = inputs["frameImages"][0]
            data = _inline_image(rng)
            inputs["frameImages"] = [{"image": data, "frame": "first"} if isinstance(item, dict) else data]
        elif "referenceImages" in inputs:
            inputs["referenceImages"] = [_inline_image(rng) for _ in inputs["referenceImages"]]
    return t


def x_seed(rng, t):
    t["seed"] = rng.choice([-1, 2147483648, -42])


def x_output_quality(rng, t):
    t["outputQuality"] = rng.choice([10, 19, 100])


def x_number_results(rng, t):
    t["numberResults"] = rng.choice([5, 0, 12])


def x_output_format(rng, t):
    t["outputFormat"] = rng.choice(["GIF", "mp4", "AVI"])


def x_unknown_top_level(rng, t):
    name, value = rng.choice([("steps", 30), ("fps", 24), ("motionStrength", 0.5), ("guidance", 7)])
    t[name] = value


def x_unknown_inputs(rng, t):
    t["inputs"]["image"] = asset_url(rng, "jpg")


def x_prompt_too_long(rng, t):
    t["positivePrompt"] = text_of_length(rng, WORDS, rng.choice([1501, 1520, 1600]))


def x_negative_prompt_too_long(rng, t):
    t["negativePrompt"] = text_of_length(rng, NEGATIVE_WORDS, rng.choice([501, 540]))


def x_bad_uuid(rng, t):
    t["taskUUID"] = rng.choice(["not-a-uuid", t["taskUUID"][:-1], t["taskUUID"].replace("-", "")])


def x_duration(rng, t):
    t["duration"] = rng.choice([0, 1, 40])


def x_ttl(rng, t):
    t["ttl"] = rng.choice([0, 30, 59])


def x_include_cost(rng, t):
    t["includeCost"] = rng.choice(["yes", "no"])


MESSY_MUTATORS: dict[str, Callable[[random.Random, dict[str, Any]], None]] = {
    name[2:]: fn for name, fn in sorted(globals().items()) if name.startswith("x_") and callable(fn)
}


def build_messy_task(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """(kind, task): kind is "valid" or the "+"-joined mutators applied (1-4 of them)."""
    t = build_messy_valid(rng)
    if rng.random() >= MESSY_INVALID_SHARE:
        return "valid", t
    k = rng.choices([1, 2, 3, 4], weights=[45, 35, 15, 5])[0]
    names = sorted(rng.sample(sorted(MESSY_MUTATORS), k))
    for name in names:
        MESSY_MUTATORS[name](rng, t)
    return "+".join(names), t


# --------------------------------------------------------------------------- reference schema


def reference_schema() -> dict[str, Any]:
    """Draft 2020-12 schema of the rules above (for testing the harness without wanspec)."""
    url = {"type": "string", "minLength": 1}
    pair_rules = [
        {
            "if": {"properties": {"width": {"const": w}}, "required": ["width"]},
            "then": {"properties": {"height": {"const": h}}},
        }
        for w, h in PAIRS
    ]
    has_refs = {"anyOf": [{"required": ["referenceImages"]}, {"required": ["referenceVideos"]}]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.invalid/wanspec-bench/alibaba-wan-2.6-flash.json",
        "title": "Runware videoInference task for alibaba:wan@2.6-flash (benchmark reference)",
        "type": "object",
        "additionalProperties": False,
        "required": ["taskType", "taskUUID", "model", "positivePrompt", "inputs"],
        "properties": {
            "taskType": {"const": "videoInference"},
            "taskUUID": {"type": "string", "format": "uuid"},
            "model": {"const": MODEL},
            "positivePrompt": {"type": "string", "minLength": 1, "maxLength": 1500},
            "negativePrompt": {"type": "string", "minLength": 1, "maxLength": 500},
            "width": {"type": "integer", "enum": sorted({w for w, _ in PAIRS})},
            "height": {"type": "integer", "enum": sorted({h for _, h in PAIRS})},
            "resolution": {"enum": RESOLUTIONS},
            "duration": {"type": "integer", "minimum": 2, "maximum": 15},
            "seed": {"type": "integer", "minimum": 0, "maximum": 2147483647},
            "outputType": {"const": "URL"},
            "outputFormat": {"enum": OUTPUT_FORMATS},
            "outputQuality": {"type": "integer", "minimum": 20, "maximum": 99},
            "numberResults": {"type": "integer", "minimum": 1, "maximum": 4},
            "webhookURL": {"type": "string", "format": "uri"},
            "uploadEndpoint": {"type": "string", "format": "uri"},
            "deliveryMethod": {"const": "async"},
            "ttl": {"type": "integer", "minimum": 60},
            "includeCost": {"type": "boolean"},
            "safety": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"checkContent": {"type": "boolean"}, "mode": {"enum": ["none", "fast", "full"]}},
            },
            "providerSettings": {"$ref": "#/$defs/providerSettings"},
            "inputs": {"$ref": "#/$defs/inputs"},
        },
        "dependentRequired": {"width": ["height"], "height": ["width"]},
        "allOf": [
            *pair_rules,
            # resolution: image-to-video only, never with width/height
            {
                "if": {"required": ["resolution"]},
                "then": {
                    "not": {"anyOf": [{"required": ["width"]}, {"required": ["height"]}]},
                    "properties": {"inputs": {"required": ["frameImages"]}},
                },
            },
            # reference-to-video: width/height required, duration <= 10
            {
                "if": {"required": ["inputs"], "properties": {"inputs": has_refs}},
                "then": {"required": ["width", "height"], "properties": {"duration": {"maximum": 10}}},
            },
        ],
        "$defs": {
            "frameImage": {
                "oneOf": [
                    url,
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["image"],
                        "properties": {"image": url, "frame": {"const": "first"}},
                    },
                ]
            },
            "inputs": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "frameImages": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 1,
                        "items": {"$ref": "#/$defs/frameImage"},
                    },
                    "referenceImages": {"type": "array", "minItems": 1, "maxItems": 5, "items": url},
                    "referenceVideos": {"type": "array", "minItems": 1, "maxItems": 3, "items": url},
                    "audio": url,
                },
                "anyOf": [
                    {"required": ["frameImages"]},
                    {"required": ["referenceImages"]},
                    {"required": ["referenceVideos"]},
                ],
                "if": {"required": ["frameImages"]},
                "then": {"not": has_refs},
            },
            "providerSettings": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "alibaba": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "promptExtend": {"type": "boolean"},
                            "audio": {"type": "boolean"},
                            "shotType": {"enum": ["single", "multi"]},
                        },
                    }
                },
            },
        },
    }


# --------------------------------------------------------------------------- writers


def dump_pretty(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def dump_line(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


Builder = Callable[[random.Random], tuple[str, dict[str, Any]]]


def write_jsonl(path: Path, labels: Path, rng: random.Random, n: int, build: Builder) -> dict[str, int]:
    counts = {"lines": n, "invalid": 0, "warning_only": 0}
    with path.open("w", encoding="utf-8", newline="\n") as out, labels.open("w", encoding="utf-8", newline="\n") as lab:
        buf: list[str] = []
        lbuf: list[str] = []
        for i in range(1, n + 1):
            kind, task = build(rng)
            ok = is_valid_kind(kind)
            counts["invalid"] += not ok
            counts["warning_only"] += kind.startswith("warn_")
            buf.append(dump_line(task))
            lbuf.append(f"{i}\t{'valid' if ok else 'invalid'}\t{kind}\n")
            if len(buf) >= 2000:
                out.write("".join(buf))
                lab.write("".join(lbuf))
                buf.clear()
                lbuf.clear()
        out.write("".join(buf))
        lab.write("".join(lbuf))
    counts["bytes"] = path.stat().st_size
    return counts


def write_tree(out: Path, folder: str, n: int, rng: random.Random, build: Builder) -> dict[str, Any]:
    """``n`` pretty-printed task files in ``out/folder`` and their labels in ``folder.expected.json``."""
    many = out / folder
    many.mkdir(exist_ok=True)
    for old in many.glob("payload-*.json"):
        old.unlink()
    labels: dict[str, dict[str, Any]] = {}
    for i in range(1, n + 1):
        kind, task = build(rng)
        name = f"payload-{i:05d}.json"
        (many / name).write_text(dump_pretty(task), encoding="utf-8")
        labels[f"{folder}/{name}"] = {"valid": is_valid_kind(kind), "kind": kind}
    (out / f"{folder}.expected.json").write_text(dump_pretty(labels), encoding="utf-8")
    n_bad = sum(not v["valid"] for v in labels.values())
    print(f"{folder}/: {n} files, {n_bad} invalid ({100 * n_bad / max(1, n):.1f}%)")
    return {
        "files": n,
        "invalid": n_bad,
        "warning_only": sum(v["kind"].startswith("warn_") for v in labels.values()),
        "bytes": sum(p.stat().st_size for p in many.glob("payload-*.json")),
    }


def main(argv: list[str] | None = None) -> int:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=here / ".corpus", help="output folder (default: benchmarks/.corpus)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--profile",
        choices=("clean", "messy"),
        default="clean",
        help="clean: ~20%% invalid, one violation each; messy: long prompts, inline images, most tasks "
        "with 1-4 violations",
    )
    ap.add_argument("--files", type=int, default=MANY_FILES, help="files in many/ (default 2000)")
    ap.add_argument("--jsonl-lines", type=int, default=ALL_LINES, help="lines in all.jsonl (default 20000)")
    ap.add_argument(
        "--large-files", type=int, default=0, metavar="N", help="also write many-large/ with N files (run.py: 20000)"
    )
    ap.add_argument(
        "--lines",
        type=int,
        default=0,
        metavar="N",
        help="also write big.jsonl with N lines (the memory check uses 200000)",
    )
    ap.add_argument("--only-big", action="store_true", help="with --lines/--large-files: write only those")
    args = ap.parse_args(argv)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    meta_path = out / "corpus.json"
    meta: dict[str, Any] = {}
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
    if (
        meta.get("seed") != args.seed
        or meta.get("generator_version") != GENERATOR_VERSION
        or meta.get("profile", "clean") != args.profile
    ):
        meta = {}
    messy = args.profile == "messy"
    build: Builder = build_messy_task if messy else build_task
    seed = f"{args.seed}:messy" if messy else str(args.seed)
    meta.update(
        {
            "generator_version": GENERATOR_VERSION,
            "seed": args.seed,
            "profile": args.profile,
            "model": MODEL,
            "invalid_kinds": sorted(MESSY_MUTATORS if messy else INVALID_KINDS),
            "warning_kinds": [] if messy else WARNING_KINDS,
        }
    )

    if not args.only_big:
        (out / "reference-schema.json").write_text(dump_pretty(reference_schema()), encoding="utf-8")

        one = out / "one"
        one.mkdir(exist_ok=True)
        one_rng = random.Random(f"{seed}:one")
        first = build_valid(one_rng, mode="i2v", dims="pair", full=True)
        if messy:  # the pre-commit case with a long prompt and an inline image, still valid
            first["positivePrompt"] = text_of_length(one_rng, WORDS, 1500)
            first["inputs"]["frameImages"] = [{"image": _inline_image(one_rng), "frame": "first"}]
        (one / "payload.json").write_text(dump_pretty(first), encoding="utf-8")

        meta["many"] = write_tree(out, "many", args.files, random.Random(f"{seed}:many"), build)
        c = write_jsonl(
            out / "all.jsonl", out / "all.expected.txt", random.Random(f"{seed}:all"), args.jsonl_lines, build
        )
        meta["all"] = c
        print(f"all.jsonl: {c['lines']} lines, {c['invalid']} invalid, {c['bytes'] / 1e6:.1f} MB")

    if args.large_files:
        meta["many-large"] = write_tree(out, "many-large", args.large_files, random.Random(f"{seed}:large"), build)

    if args.lines:
        c = write_jsonl(out / "big.jsonl", out / "big.expected.txt", random.Random(f"{seed}:big"), args.lines, build)
        meta["big"] = c
        print(f"big.jsonl: {c['lines']} lines, {c['invalid']} invalid, {c['bytes'] / 1e6:.1f} MB")

    meta_path.write_text(dump_pretty(meta), encoding="utf-8")
    print(f"corpus written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
