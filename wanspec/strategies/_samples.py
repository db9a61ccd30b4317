"""Values that break a rule: inline media that fails each ``x-media`` limit, wrong types, values off a set.

The media samples are real headers (PNG, GIF, WAV, MP4) in data URIs, so the linter's media
checks read them as they would a user's file; byte limits are exceeded with zero padding.
"""

from __future__ import annotations

import base64
import math
import struct
from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import Any

_NOT_A_REFERENCE = "see attached file"


# -- inline media samples -------------------------------------------------------------------------
def _png(width: int, height: int) -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", width, height) + b"\x08\x02\0\0\0"
    )


def _gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\0\0\0"


def _wav(seconds: float) -> bytes:
    rate = 16000  # bytes a second: 8 kHz, 16-bit mono
    data = int(seconds * rate)
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, rate, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data)
    )


_SAMPLES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "png": ("image/png", lambda: _png(640, 640)),
    "gif": ("image/gif", lambda: _gif(640, 640)),
    "wav": ("audio/wav", lambda: _wav(5)),
    "mp4": ("video/mp4", lambda: b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"),
}
#: a declared media type that contradicts the sample's bytes, by kind
_MISLABELLED = {"image": ("image/jpeg", "png"), "audio": ("audio/mpeg", "wav")}
_MAX_INLINE = 16 * 1024 * 1024  # larger byte limits are not worth a test payload that big


@cache
def _data_uri(mime: str, head: bytes, total: int | None = None) -> str:
    head += b"\0" * (-len(head) % 3)
    text = base64.b64encode(head).decode()
    if total is not None and total > len(head):
        text += "A" * (4 * math.ceil((total - len(head)) / 3))
    return f"data:{mime};base64,{text}"


def media_values(config: dict[str, Any]) -> Iterator[tuple[str, Callable[[], str], str]]:
    """(rule name, value maker, description) for each way inline media can break ``config``."""
    kind = config.get("kind", "image")
    stated = config.get("formats") or []
    # without stated containers, any of the kind's samples will do for the other limits
    formats = stated or [f for f, (mime, _) in _SAMPLES.items() if mime.startswith(kind)]
    yield "media-reference", lambda: _NOT_A_REFERENCE, f"{kind} is neither a UUID, a URL nor inline data"
    other = next((f for f in _SAMPLES if f not in stated), None)
    if stated and other:
        mime, make = _SAMPLES[other]
        yield "media-format", partial(_data_uri, mime, make()), f"inline {other.upper()} where {kind} must be {formats}"
    mislabel = _MISLABELLED.get(kind)
    if mislabel is not None and mislabel[1] in formats:
        declared, fmt = mislabel
        yield (
            "media-format",
            partial(_data_uri, declared, _SAMPLES[fmt][1]()),
            f"a data URI saying {declared} over {fmt}",
        )
    if kind == "image" and "png" in formats:
        if "minSide" in config:
            low = config["minSide"] - 1
            yield "media-pixels", partial(_data_uri, "image/png", _png(low, low)), f"inline image {low}px a side"
        if "maxSide" in config:
            high = config["maxSide"] + 1
            yield "media-pixels", partial(_data_uri, "image/png", _png(high, high)), f"inline image {high}px a side"
    if kind == "audio" and "wav" in formats:
        for bound, seconds in (("minSeconds", -1), ("maxSeconds", 1)):
            if bound in config:
                length = config[bound] + seconds
                yield "media-duration", partial(_data_uri, "audio/wav", _wav(length)), f"inline WAV of {length} s"
    limit = config.get("maxBytes")
    fitting = next((f for f in formats if f in _SAMPLES), None)
    if limit is not None and limit <= _MAX_INLINE and fitting:
        mime, make = _SAMPLES[fitting]
        yield "media-bytes", partial(_data_uri, mime, make(), limit + 1), f"inline {kind} of {limit + 1} bytes"


# -- values of the wrong kind ---------------------------------------------------------------------
def wrong_type(types: Any) -> Any:
    allowed = set(types if isinstance(types, list) else [types])
    for value, kind in ((True, "boolean"), ("text", "string"), ([], "array"), ({}, "object")):
        if kind not in allowed:
            return value
    return None


def other_value(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "-x"
    return None


def not_in(values: list[Any]) -> Any:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if numbers and len(numbers) == len(values):
        return max(numbers) + 1
    strings = [v for v in values if isinstance(v, str)]
    if strings:
        return strings[0] + "-x"
    return None


def inline_sample(config: dict[str, Any]) -> str | None:
    """A data URI that satisfies ``config`` (a 640×640 PNG, a 5 s WAV, an MP4 header), if one fits."""
    formats = config.get("formats") or list(_SAMPLES)
    fmt = next((f for f in formats if f in _SAMPLES and f != "gif"), None)
    if fmt is None:
        return None
    fits = config.get("minSide", 0) <= 640 <= config.get("maxSide", 640) and (
        config.get("minSeconds", 0) <= 5 <= config.get("maxSeconds", 5)
    )
    mime, make = _SAMPLES[fmt]
    return _data_uri(mime, make()) if fits and mime.startswith(config.get("kind", "image")) else None
