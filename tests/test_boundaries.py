"""Every documented numeric and length limit, just inside and just outside, per model.

The limits below are copied from the provider docs (/work/shared/docs/*.txt, quoted next to
each table), never read from the schemas. Each row takes a small valid base payload of one
model, changes some fields (JSON Pointer -> new value, ``DEL`` removes the field) and states
the outcome: ``[]`` (nothing at all: the bases are clean) or exactly the diagnostics expected,
as (code, pointer[, severity]).

Rows the linter gets wrong carry ``bug=...``: a strict xfail, listed in the report.
"""

from __future__ import annotations

import base64
import copy
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

import wanspec
from wanspec import LintOptions

# -- schema ids --------------------------------------------------------------------------------
W26 = "runware/alibaba:wan@2.6"
FL = "runware/alibaba:wan@2.6-flash"
P25 = "runware/alibaba:wan@2.5-preview"
I25 = "runware/alibaba:wan@2.5-image"
I26 = "runware/alibaba:wan@2.6-image"
Q20 = "runware/runware:qwen-image@2.0"
QPRO = "runware/runware:qwen-image@2.0-pro"
A8 = "runware/runware:200@8"
A9 = "runware/runware:200@9"
WSP = "wavespeed/alibaba/wan-2.6/image-to-video-flash"
TOA = "toapis/wan2.6-flash"

# -- base payloads: one small valid task per model and workflow -----------------------------------
TASK = "3f0c2d4e-8a1b-4c5d-9e6f-7a8b9c0d1e2f"  # a UUID v4
IMG = "https://cdn.lumenframe.studio/inputs/frame.jpg"
VID = "https://cdn.lumenframe.studio/refs/motion.mp4"
REF = "c64351d5-4c59-42f7-95e1-eace013eddab"
VIDEO = {"taskType": "videoInference", "taskUUID": TASK}
IMAGE = {"taskType": "imageInference", "taskUUID": TASK}

BASES: dict[str, dict[str, Any]] = {
    "w26-t2v": {
        **VIDEO,
        "model": "alibaba:wan@2.6",
        "positivePrompt": "A lighthouse in a storm",
        "width": 1280,
        "height": 720,
        "duration": 5,
    },
    "w26-i2v": {
        **VIDEO,
        "model": "alibaba:wan@2.6",
        "positivePrompt": "The lighthouse beam sweeps the sea",
        "inputs": {"frameImages": [IMG]},
        "resolution": "720p",
        "duration": 5,
    },
    "w26-r2v": {
        **VIDEO,
        "model": "alibaba:wan@2.6",
        "positivePrompt": "character1 dances in the rain",
        "inputs": {"referenceVideos": [VID]},
        "width": 1280,
        "height": 720,
        "duration": 5,
    },
    "fl-i2v": {
        **VIDEO,
        "model": "alibaba:wan@2.6-flash",
        "positivePrompt": "A heron lifts off a misty lake",
        "inputs": {"frameImages": [IMG]},
        "resolution": "720p",
        "duration": 5,
    },
    "fl-r2v": {
        **VIDEO,
        "model": "alibaba:wan@2.6-flash",
        "positivePrompt": "character1 skates through a park",
        "inputs": {"referenceImages": [REF]},
        "width": 1280,
        "height": 720,
        "duration": 5,
    },
    "p25-t2v": {
        **VIDEO,
        "model": "alibaba:wan@2.5-preview",
        "positivePrompt": "A glacier calves into the sea",
        "width": 1280,
        "height": 720,
        "duration": 5,
    },
    "p25-i2v": {
        **VIDEO,
        "model": "alibaba:wan@2.5-preview",
        "positivePrompt": "The rider gallops across dunes",
        "inputs": {"frameImages": [IMG]},
        "resolution": "720p",
        "duration": 5,
    },
    "p25-a2v": {
        **VIDEO,
        "model": "alibaba:wan@2.5-preview",
        "positivePrompt": "A jazz trio plays in a club",
        "inputs": {"audio": "https://cdn.lumenframe.studio/audio/trio.mp3"},
        "width": 1280,
        "height": 720,
        "duration": 5,
    },
    "i25": {
        **IMAGE,
        "model": "alibaba:wan@2.5-image",
        "positivePrompt": "A cinematic still of a canyon",
        "width": 1280,
        "height": 1280,
    },
    "i26": {
        **IMAGE,
        "model": "alibaba:wan@2.6-image",
        "positivePrompt": "A product photograph of a watch",
        "width": 1280,
        "height": 1280,
    },
    "q20": {
        **IMAGE,
        "model": "alibaba:qwen-image@2.0",
        "positivePrompt": "A poster that says HELLO",
        "width": 1024,
        "height": 1024,
    },
    "qpro": {
        **IMAGE,
        "model": "alibaba:qwen-image@2.0-pro",
        "positivePrompt": "A poster that says HELLO",
        "width": 1024,
        "height": 1024,
    },
    "a8": {
        **VIDEO,
        "model": "runware:200@8",
        "inputs": {"referenceImages": [REF], "referenceVideos": [VID]},
    },
    "a9": {
        **VIDEO,
        "model": "runware:200@9",
        "inputs": {"referenceImages": [REF], "referenceVideos": [VID]},
    },
    "wsp": {"image": IMG, "prompt": "The heron takes flight"},
    "toa-i2v": {"model": "wan2.6-flash", "image_urls": [IMG]},
    "toa-r2v": {"model": "wan2.6-flash", "metadata": {"reference_urls": [VID]}},
}
SCHEMA_OF = {  # which schema each base belongs to (forced when linting)
    "w26-t2v": W26,
    "w26-i2v": W26,
    "w26-r2v": W26,
    "fl-i2v": FL,
    "fl-r2v": FL,
    "p25-t2v": P25,
    "p25-i2v": P25,
    "p25-a2v": P25,
    "i25": I25,
    "i26": I26,
    "q20": Q20,
    "qpro": QPRO,
    "a8": A8,
    "a9": A9,
    "wsp": WSP,
    "toa-i2v": TOA,
    "toa-r2v": TOA,
}

DEL = object()


@dataclass(frozen=True)
class Row:
    id: str
    base: str
    change: dict[str, Any]
    expect: tuple[tuple[str, ...], ...] = ()
    bug: str | None = None


ROWS: list[Row] = []


def row(name: str, base: str, change: dict[str, Any], *expect: tuple[str, ...], bug: str | None = None) -> None:
    ROWS.append(Row(f"{SCHEMA_OF[base]}|{base}|{name}", base, change, expect, bug))


# -- text of an exact length, counted in characters (code points) -------------------------------
EN = "A slow dolly shot through a rain-soaked night market, lanterns swaying over steaming stalls. "
ZH = "雨夜的霓虹街道上，一只白鹤缓缓展翅，灯笼在风中轻轻摇晃。"
EMOJI = "🌊🎬🐉🏮🌧🦢"  # each one code point (no variation selectors or joiners)


def text(n: int, alphabet: str = EN) -> str:
    out = (alphabet * (n // len(alphabet) + 1))[:n]
    assert len(out) == n
    return out


# ============================================================================================
# positivePrompt length, per model
#   Wan2.6 / Wan2.6 Flash: "positivePrompt string required min: 1 max: 1500"
#   Wan2.5-Preview: "Positive prompt: 1-2000 characters (supports English and Chinese)."
#   Wan2.5-Preview Image: "Positive prompt: 1-2000 characters"; Wan2.6 Image: "1-2100 characters"
#   Qwen-Image-2.0 / -Pro: "Positive prompt: 2-2000 characters."
#   Wan2.2 Animate: "Positive prompt: 1-2000 characters (Default: 视频中的人在做动作)."
# ============================================================================================
POSITIVE = [
    ("w26-t2v", 1, 1500),
    ("fl-i2v", 1, 1500),
    ("p25-t2v", 1, 2000),
    ("i25", 1, 2000),
    ("i26", 1, 2100),
    ("q20", 2, 2000),
    ("qpro", 2, 2000),
    ("a8", 1, 2000),
    ("a9", 1, 2000),
]
for base, lo, hi in POSITIVE:
    P = "/positivePrompt"
    row(f"prompt-{lo - 1}-below-min", base, {P: text(lo - 1)}, ("WS300", P))
    row(f"prompt-{lo}-min", base, {P: text(lo)})
    row(f"prompt-{hi}-max", base, {P: text(hi)})
    row(f"prompt-{hi + 1}-over-max", base, {P: text(hi + 1)}, ("WS300", P))
    row(f"prompt-{hi}-max-cjk", base, {P: text(hi, ZH)})
    row(f"prompt-{hi}-max-emoji", base, {P: text(hi, EMOJI)})
    row(f"prompt-{hi + 1}-over-max-cjk", base, {P: text(hi + 1, ZH)}, ("WS300", P))

# ============================================================================================
# negativePrompt length
#   Wan2.6 / Flash: "negativePrompt string min: 1 max: 500"; Wan2.5-Preview, Wan2.5/2.6 Image:
#   "Negative prompt: 1-500 characters"; Qwen: "Negative prompt: 2-500 characters (text-to-image
#   only)."
# ============================================================================================
NEGATIVE = [
    ("w26-t2v", 1, 500),
    ("fl-i2v", 1, 500),
    ("p25-t2v", 1, 500),
    ("i25", 1, 500),
    ("i26", 1, 500),
    ("q20", 2, 500),
    ("qpro", 2, 500),
]
for base, lo, hi in NEGATIVE:
    N = "/negativePrompt"
    row(f"negative-{lo - 1}-below-min", base, {N: text(lo - 1)}, ("WS301", N))
    row(f"negative-{lo}-min", base, {N: text(lo)})
    row(f"negative-{hi}-max", base, {N: text(hi)})
    row(f"negative-{hi + 1}-over-max", base, {N: text(hi + 1)}, ("WS301", N))
    row(f"negative-{hi}-max-cjk", base, {N: text(hi, ZH)})
    row(f"negative-{hi}-max-emoji", base, {N: text(hi, EMOJI)})

# ============================================================================================
# duration, per model and workflow
# ============================================================================================
D = "/duration"
# Wan2.6: "Text-to-video and image-to-video: 5, 10, or 15 seconds";
# "Reference-to-video: 2-10 seconds";
# the model page types it "float … Allowed values 3 values".
for v in (5, 10, 15, 10.0):
    row(f"duration-{v}", "w26-t2v", {D: v})
for v in (4, 6, 7.5, 16):
    row(f"duration-{v}", "w26-t2v", {D: v}, ("WS500", D))
for v in (5, 15):
    row(f"duration-{v}", "w26-i2v", {D: v})
for v in (2, 20):
    row(f"duration-{v}", "w26-i2v", {D: v}, ("WS500", D))
for v in (5, 10):
    row(f"duration-{v}", "w26-r2v", {D: v})
# the docs allow 2-10 s, Runware's published types only 5/10/15: the values only the docs allow
# draw a sources-disagree warning (docs/doc-discrepancies.md D33)
for v in (2, 7, 9.5):
    row(f"duration-{v}", "w26-r2v", {D: v}, ("WS204", D, "warning"))
for v in (1, 11, 15):
    row(f"duration-{v}", "w26-r2v", {D: v}, ("WS500", D))
# Wan2.6 Flash: "duration integer min: 2 max: 15"; "Image-to-video: 2-15 seconds";
# "Reference-to-video: 2-10 seconds".
for v in (2, 7, 15):
    row(f"duration-{v}", "fl-i2v", {D: v})
for v in (1, 16):
    row(f"duration-{v}", "fl-i2v", {D: v}, ("WS500", D))
row("duration-5.5-not-integer", "fl-i2v", {D: 5.5}, ("WS111", D))
for v in (2, 10):
    row(f"duration-{v}", "fl-r2v", {D: v})
for v in (11, 15):
    row(f"duration-{v}", "fl-r2v", {D: v}, ("WS500", D))
row("duration-1", "fl-r2v", {D: 1}, ("WS500", D))
row("duration-16", "fl-r2v", {D: 16}, ("WS500", D))
# Wan2.5-Preview: "Duration: 5 or 10 seconds (default: 5)." (every workflow)
for base in ("p25-t2v", "p25-i2v", "p25-a2v"):
    row("duration-5", base, {D: 5})
    row("duration-10", base, {D: 10})
    for v in (4, 6, 15):
        row(f"duration-{v}", base, {D: v}, ("WS500", D))
# WaveSpeed: "| duration | integer | No | 5 | 2 ~ 15 |"
for v in (2, 15):
    row(f"duration-{v}", "wsp", {D: v})
for v in (1, 16):
    row(f"duration-{v}", "wsp", {D: v}, ("WS500", D))
row("duration-5.5-not-integer", "wsp", {D: 5.5}, ("WS111", D))
# ToAPIs: "Video duration (seconds) Supported values: 5, 10, 15 Default: 5"
for base in ("toa-i2v", "toa-r2v"):
    for v in (5, 10, 15):
        row(f"duration-{v}", base, {D: v})
    for v in (2, 7, 20):
        row(f"duration-{v}", base, {D: v}, ("WS500", D))
# Wan2.2 Animate: "The output video duration matches the reference video length."
# (no duration parameter)
row("duration-not-a-parameter", "a8", {D: 5}, ("WS101", D))
row("duration-not-a-parameter", "a9", {D: 5}, ("WS101", D))

# A number sent as a string is WS112; if its value is also not allowed, WS500 as well
# (tests/test_findings.py pins that convention for Wan2.6).
row("duration-string-10-allowed-value", "w26-t2v", {D: "10"}, ("WS112", D))
row("duration-string-7-not-allowed", "w26-t2v", {D: "7"}, ("WS112", D), ("WS500", D))
row("duration-string-7-allowed-value", "fl-i2v", {D: "7"}, ("WS112", D))
row(
    "duration-string-16-out-of-range",
    "fl-i2v",
    {D: "16"},
    ("WS112", D),
    ("WS500", D),
)
row(
    "duration-string-10-allowed-value",
    "p25-t2v",
    {D: "10"},
    ("WS112", D),
)
row(
    "duration-string-7-not-allowed",
    "p25-t2v",
    {D: "7"},
    ("WS112", D),
    ("WS500", D),
)
row(
    "duration-string-16-out-of-range",
    "wsp",
    {D: "16"},
    ("WS112", D),
    ("WS500", D),
)
row(
    "duration-string-10-allowed-value",
    "toa-i2v",
    {D: "10"},
    ("WS112", D),
)
row(
    "duration-string-7-not-allowed",
    "toa-i2v",
    {D: "7"},
    ("WS112", D),
    ("WS500", D),
)

# ============================================================================================
# Runware platform options (runware-wan2.6.txt / runware-wan2.6-flash.txt "API Options",
# platform-level, so every Runware video model):
#   outputQuality "integer min: 20 max: 99"; numberResults "integer min: 1 max: 4";
#   ttl "integer min: 60";
#   seed "integer min: 0 max: 2147483647".
# Qwen's own examples send "numberResults": 2 and 3.
# ============================================================================================
for base in ("w26-t2v", "fl-i2v", "p25-t2v", "a8", "a9"):
    for v in (20, 99):
        row(f"outputQuality-{v}", base, {"/outputQuality": v})
    for v in (19, 100):
        row(f"outputQuality-{v}", base, {"/outputQuality": v}, ("WS114", "/outputQuality"))
    for v in (1, 4):
        row(f"numberResults-{v}", base, {"/numberResults": v})
    for v in (0, 5):
        row(f"numberResults-{v}", base, {"/numberResults": v}, ("WS114", "/numberResults"))
    row("ttl-60", base, {"/ttl": 60})
    row("ttl-59", base, {"/ttl": 59}, ("WS114", "/ttl"))
    for v in (0, 2147483647):
        row(f"seed-{v}", base, {"/seed": v})
    for v in (-1, 2147483648):
        row(f"seed-{v}", base, {"/seed": v}, ("WS114", "/seed"))
for base in ("q20", "qpro"):
    for v in (1, 4):
        row(f"numberResults-{v}", base, {"/numberResults": v})
    for v in (0, 5):
        row(f"numberResults-{v}", base, {"/numberResults": v}, ("WS114", "/numberResults"))
# WaveSpeed: "| seed | integer | No | -1 | -1 ~ 2147483647 |"
for v in (-1, 0, 2147483647):
    row(f"seed-{v}", "wsp", {"/seed": v})
for v in (-2, 2147483648):
    row(f"seed-{v}", "wsp", {"/seed": v}, ("WS114", "/seed"))

# ============================================================================================
# Wan2.2 Animate tunables: "Steps: 2-50 (default: 30)." "Frame rate: 4-60 FPS (default: 16)."
# prevSegCondFrames "integer Min: 1 Max: 5 Default: 1". (Turbo has "reduced steps (6)"
# pre-configured, so steps is only tested on runware:200@8.)
# ============================================================================================
PSC = "/advancedFeatures/wanAnimate/prevSegCondFrames"
for base in ("a8", "a9"):
    for v in (1, 5):
        row(f"prevSegCondFrames-{v}", base, {PSC: v})
    for v in (0, 6):
        row(f"prevSegCondFrames-{v}", base, {PSC: v}, ("WS114", PSC))
    for v in (4, 60):
        row(f"fps-{v}", base, {"/fps": v})
    for v in (3, 61):
        row(f"fps-{v}", base, {"/fps": v}, ("WS114", "/fps"))
for v in (2, 50):
    row(f"steps-{v}", "a8", {"/steps": v})
for v in (1, 51):
    row(f"steps-{v}", "a8", {"/steps": v}, ("WS114", "/steps"))

# ============================================================================================
# Frame / reference image and video counts
#   Wan2.6, Flash: frameImages "items: 1"; "Supports up to 5 images via inputs.referenceImages";
#   "up to 3 videos via inputs.referenceVideos". Wan2.5-Preview: "Supports first frame via
#   inputs.frameImages". Wan2.6 Image: "up to 4 images". Qwen: "up to 3 images".
#   Animate: "inputs.referenceImages with 1 image (required)", "inputs.referenceVideos with 1 video
#   (required)". ToAPIs image_urls: "only supports 1 image".
# ============================================================================================
FR, RI, RV = "/inputs/frameImages", "/inputs/referenceImages", "/inputs/referenceVideos"
for base in ("w26-i2v", "fl-i2v", "p25-i2v"):
    row("frameImages-1", base, {FR: [IMG]})
    row("frameImages-2", base, {FR: [IMG, IMG]}, ("WS601", FR))
    row("frameImages-0", base, {FR: []}, ("WS601", FR))
for base in ("w26-r2v", "fl-r2v"):
    row("referenceImages-5", base, {"/inputs": {"referenceImages": [REF] * 5}})
    row("referenceImages-6", base, {"/inputs": {"referenceImages": [REF] * 6}}, ("WS603", RI))
    row("referenceVideos-3", base, {"/inputs": {"referenceVideos": [VID] * 3}})
    row("referenceVideos-4", base, {"/inputs": {"referenceVideos": [VID] * 4}}, ("WS603", RV))
row("referenceImages-4", "i26", {"/inputs": {"referenceImages": [REF] * 4}})
row("referenceImages-5", "i26", {"/inputs": {"referenceImages": [REF] * 5}}, ("WS603", RI))
for base in ("q20", "qpro"):
    row("referenceImages-3", base, {"/inputs": {"referenceImages": [REF] * 3}})
    row("referenceImages-4", base, {"/inputs": {"referenceImages": [REF] * 4}}, ("WS603", RI))
for base in ("a8", "a9"):
    row("referenceImages-2", base, {RI: [REF, REF]}, ("WS603", RI))
    row("referenceImages-0", base, {RI: []}, ("WS603", RI))
    row("referenceVideos-2", base, {RV: [VID, VID]}, ("WS603", RV))
row("image_urls-2", "toa-i2v", {"/image_urls": [IMG, IMG]}, ("WS601", "/image_urls"))
row("image_urls-0", "toa-i2v", {"/image_urls": []}, ("WS601", "/image_urls"))
row(
    "reference_urls-0",
    "toa-r2v",
    {"/metadata/reference_urls": []},
    ("WS116", "/metadata/reference_urls"),
)
row("reference_urls-3", "toa-r2v", {"/metadata/reference_urls": [VID] * 3})


# ============================================================================================
# Image models: total pixel area, aspect ratio, side limit
#   Wan2.5-Preview Image: "Minimum 768×768 total pixels (589,824), maximum 1440×1440 total pixels
#   (2,073,600), aspect ratio between 1:4 and 4:1". Wan2.6 Image: "Minimum 1280×1280 total pixels
#   (1,638,400), maximum 1440×1440 … (2,073,600), aspect ratio between 1:4 and 4:1"; it also
#   recommends sizes below that minimum (a warning for those, see docs/doc-discrepancies.md).
#   Qwen: "total area limit of 2,097,152 pixels (2048×1024 equivalent)" and "a temporary backend
#   validation limiting width and height to a maximum value of 2048"; no aspect-ratio limit.
# ============================================================================================
def size(w: int, h: int) -> dict[str, int]:
    return {"/width": w, "/height": h}


for w, h in ((768, 768), (1024, 576), (1440, 1440), (1920, 1080), (640, 2560), (2560, 640)):
    row(f"size-{w}x{h}", "i25", size(w, h))
for w, h in ((768, 767), (1024, 575), (1440, 1441), (1921, 1080)):
    row(f"size-{w}x{h}-area", "i25", size(w, h), ("WS402", ""))
for w, h in ((639, 2560), (2561, 640)):
    row(f"size-{w}x{h}-ratio", "i25", size(w, h), ("WS403", ""))

for w, h in (
    (1280, 1280),
    (1600, 1024),
    (1440, 1440),
    (1920, 1080),
    (640, 2560),
    (700, 2800),
    (2800, 700),
):
    row(f"size-{w}x{h}", "i26", size(w, h))
for w, h in ((1280, 1279), (1599, 1024), (1441, 1440), (1920, 1081)):
    row(f"size-{w}x{h}-area", "i26", size(w, h), ("WS402", ""))
for w, h in ((700, 2801), (2801, 700)):
    row(f"size-{w}x{h}-ratio", "i26", size(w, h), ("WS403", ""))
for w, h in (
    (1280, 720),
    (720, 1280),
    (1280, 960),
    (960, 1280),
    (1200, 800),
    (800, 1200),
    (1344, 576),
):
    row(f"size-{w}x{h}-recommended-below-min", "i26", size(w, h), ("WS402", "/width", "warning"))

for base in ("q20", "qpro"):
    for w, h in ((2048, 1024), (1024, 2048), (1448, 1448), (2048, 256), (1, 1)):
        row(f"size-{w}x{h}", base, size(w, h))
    for w, h in ((2048, 1025), (1449, 1448)):
        row(f"size-{w}x{h}-area", base, size(w, h), ("WS402", ""))
    row("size-2049x512-side", base, size(2049, 512), ("WS404", "/width"))
    row("size-512x2049-side", base, size(512, 2049), ("WS404", "/height"))
    row("size-4096x512-side-area-exact", base, size(4096, 512), ("WS404", "/width"))

# Video models: fixed size lists (a few in and out per model)
for base, ok, bad in (
    ("w26-t2v", [(1280, 720), (1248, 1632), (1440, 1440)], [(1280, 721), (854, 480), (1280, 1280)]),
    ("fl-r2v", [(1920, 1080), (832, 1088)], [(1280, 1280), (640, 640)]),
    ("p25-t2v", [(854, 480), (640, 640), (1632, 1248)], [(1280, 1280), (848, 480)]),
    ("a8", [(480, 1280), (1280, 1280), (704, 832)], [(720, 1280), (1920, 1080)]),
):
    for w, h in ok:
        row(f"size-{w}x{h}", base, size(w, h))
    for w, h in bad:
        row(f"size-{w}x{h}", base, size(w, h), ("WS401", ""))


# ============================================================================================
# Inline media (data URIs built here)
#   "Input image requirements: 360-2000 pixels, 10MB file size limit."
#   (Wan2.6, Flash, Wan2.5-Preview)
#   "Audio requirements: WAV/MP3, 3-30 seconds duration, 15MB file size limit."
# ============================================================================================
def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@cache
def png(w: int, h: int, level: int = 9) -> str:
    raw = (b"\x00" + b"\x30\x60\x90" * w) * h
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw, level))
        + _chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(data).decode()


@cache
def wav(seconds: float, rate: int = 250, channels: int = 1, bits: int = 8) -> str:
    align = channels * bits // 8
    n = int(seconds * rate) * align
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * align, align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", n) + bytes(n)
    return "data:audio/wav;base64," + base64.b64encode(b"RIFF" + struct.pack("<I", len(body)) + body).decode()


class Lazy:
    """A media value built only when the row runs (some are 10-20 MB)."""

    def __init__(self, label: str, make: Any) -> None:
        self.label, self.make = label, make

    def __repr__(self) -> str:
        return self.label


F0, AU = "/inputs/frameImages/0", "/inputs/audio"
for base in ("w26-i2v", "fl-i2v", "p25-i2v"):
    for w, h in ((360, 360), (2000, 2000), (360, 2000)):
        row(f"frame-{w}x{h}px", base, {F0: Lazy(f"png {w}x{h}", lambda w=w, h=h: png(w, h))})
    for w, h in ((359, 400), (2001, 1000), (200, 200)):
        row(
            f"frame-{w}x{h}px",
            base,
            {F0: Lazy(f"png {w}x{h}", lambda w=w, h=h: png(w, h))},
            ("WS611", F0),
        )
    # stored (uncompressed) PNGs: 1800×1800 is ~9.7 MB, 1920×1920 ~11.1 MB
    # (over 10 MB whether MB means 10^6 or 2^20 bytes)
    row("frame-9.7MB", base, {F0: Lazy("png 1800x1800 stored", lambda: png(1800, 1800, 0))})
    row(
        "frame-11.1MB",
        base,
        {F0: Lazy("png 1920x1920 stored", lambda: png(1920, 1920, 0))},
        ("WS612", F0),
    )
for base in ("w26-i2v", "fl-i2v", "p25-a2v"):
    for s in (3, 30):
        row(f"audio-wav-{s}s", base, {AU: Lazy(f"wav {s}s", lambda s=s: wav(s))})
    for s in (2.9, 30.5):
        row(f"audio-wav-{s}s", base, {AU: Lazy(f"wav {s}s", lambda s=s: wav(s))}, ("WS614", AU))
    # 192 kHz stereo 32-bit: 9 s is ~13.8 MB, 11 s ~16.9 MB (over 15 MB by either reading)
    row("audio-wav-13.8MB", base, {AU: Lazy("wav 9s hi-res", lambda: wav(9, 192000, 2, 32))})
    row(
        "audio-wav-16.9MB",
        base,
        {AU: Lazy("wav 11s hi-res", lambda: wav(11, 192000, 2, 32))},
        ("WS612", AU),
    )
row(
    "audio-empty-string",
    "w26-i2v",
    {AU: ""},
    ("WS610", AU),
)


# -- running a row ------------------------------------------------------------------------------
def _set(payload: dict[str, Any], pointer: str, value: Any) -> None:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node: Any = payload
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is DEL:
        node.pop(last, None)
    else:
        node[last] = value


def build(r: Row) -> dict[str, Any]:
    payload = copy.deepcopy(BASES[r.base])
    for pointer, value in r.change.items():
        _set(payload, pointer, value.make() if isinstance(value, Lazy) else value)
    return payload


# the documented Wan2.5 Image id draws a sources-disagree warning on every payload (Runware's
# published types give the model another id); the golden folder covers it, the limits here do not
QUIET = {"i25": ("WS204",)}


def lint(r: Row, engine: str = "fast") -> list[tuple[str, str, str]]:
    options = LintOptions(schema=SCHEMA_OF[r.base], engine=engine, ignore=QUIET.get(r.base, ()))
    diags = wanspec.lint_payload(build(r), options=options)
    return sorted((d.code, d.pointer, d.severity.value) for d in diags)


def _expected(r: Row) -> list[tuple[str, str, str]]:
    return sorted((e[0], e[1], e[2] if len(e) > 2 else "error") for e in r.expect)


def _params(*, bugs: bool) -> list[Any]:
    return [
        pytest.param(
            r,
            id=r.id,
            marks=[pytest.mark.xfail(strict=True, reason=r.bug)] if bugs and r.bug else [],
        )
        for r in ROWS
    ]


@pytest.mark.parametrize("r", _params(bugs=True))
def test_boundary(r: Row) -> None:
    assert lint(r) == _expected(r)


@pytest.mark.parametrize("r", _params(bugs=False))
def test_boundary_engines_agree(r: Row) -> None:
    assert lint(r, "reference") == lint(r, "fast")


def test_bases_are_clean() -> None:
    for name, payload in BASES.items():
        options = LintOptions(schema=SCHEMA_OF[name], ignore=QUIET.get(name, ()))
        assert wanspec.lint_payload(payload, options=options) == [], name


def test_row_ids_are_unique() -> None:
    dup = [k for k, n in Counter(r.id for r in ROWS).items() if n > 1]
    assert dup == []


def test_webhook_that_is_not_a_uri_is_reported_once() -> None:
    payload = {**BASES["w26-t2v"], "webhookURL": "not a url"}
    diags = wanspec.lint_payload(payload, schema=W26)
    assert [(d.code, d.pointer) for d in diags] == [("WS117", "/webhookURL")]
