"""Inline media: real pixel sizes, byte sizes and WAV durations, read from headers only."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest

from wanspec import lint_payload

BASE = {
    "taskType": "videoInference",
    "taskUUID": "8f6a3c2e-1b4d-4e5f-9a8b-7c6d5e4f3a2b",
    "model": "alibaba:wan@2.6",
    "positivePrompt": "The portrait turns towards the window",
    "resolution": "720p",
    "duration": 5,
}

# audio-to-video is text-to-video with a soundtrack: explicit sizes, no resolution preset
T2V = {**{k: v for k, v in BASE.items() if k != "resolution"}, "width": 1280, "height": 720}


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))


def jpeg(width: int, height: int, exif: int = 0) -> bytes:
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"\x00" * exif if exif else b""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x00" * 9
    return b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + app1 + sof + b"\xff\xd9"


def webp_vp8x(width: int, height: int) -> bytes:
    body = (
        b"VP8X"
        + struct.pack("<I", 10)
        + b"\x00\x00\x00\x00"
        + (width - 1).to_bytes(3, "little")
        + (height - 1).to_bytes(3, "little")
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def wav(seconds: float, rate: int = 8000) -> bytes:
    data = int(seconds * rate) * 2
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", data)
        + b"\x00" * min(data, 64)
    )


def uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def frame(value: str) -> dict:
    return {**BASE, "inputs": {"frameImages": [value]}}


def codes(payload) -> list[tuple[str, str]]:
    return [(d.code, d.pointer) for d in lint_payload(payload)]


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (uri(png(1280, 720)), []),
        (uri(png(360, 360)), []),
        (uri(png(2000, 2000)), []),
        (uri(png(359, 720)), ["WS611"]),
        (uri(png(2001, 1080)), ["WS611"]),
        (uri(jpeg(1024, 768), "image/jpeg"), []),
        (uri(jpeg(200, 200, exif=30000), "image/jpeg"), ["WS611"]),  # SOF far behind an EXIF block
        (uri(webp_vp8x(4000, 3000), "image/webp"), ["WS611"]),
        (base64.b64encode(png(300, 300)).decode(), ["WS611"]),  # raw base64, no data: prefix
        (uri(b"GIF89a\x10\x00\x10\x00", "image/gif"), ["WS613"]),  # GIF is not a documented format
        ("data:image/png;base64,!!!!", ["WS613"]),
        ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQAAABkCAIAAAD/gAIDAAAAAA==", ["WS611"]),
        ("C:\\Users\\me\\boat.png", ["WS610"]),
        ("c64351d5-4c59-42f7-95e1-eace013eddab", []),
        ("https://example.com/boat.png", []),
    ],
)
def test_frame_image(image, expected):
    assert [c for c, _ in codes(frame(image))] == expected


def test_pointer_is_the_media_value():
    assert codes(frame(uri(png(100, 100)))) == [("WS611", "/inputs/frameImages/0")]


def test_byte_size_comes_from_the_base64_length():
    big = "data:image/png;base64," + base64.b64encode(png(1280, 720)).decode() + "A" * (14 * 1024 * 1024)
    assert [c for c, _ in codes(frame(big))] == ["WS612"]


@pytest.mark.parametrize(("seconds", "expected"), [(3.0, []), (30.0, []), (2.5, ["WS614"]), (31.0, ["WS614"])])
def test_wav_duration(seconds, expected):
    payload = {**T2V, "inputs": {"audio": uri(wav(seconds), "audio/wav")}}
    assert [c for c, _ in codes(payload)] == expected


def test_audio_must_be_wav_or_mp3():
    payload = {**T2V, "inputs": {"audio": uri(png(10, 10))}}
    assert [c for c, _ in codes(payload)] == ["WS613"]
