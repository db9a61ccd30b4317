"""Look inside inline media (data URIs and base64) without a network.

Only headers are decoded: the pixel size of PNG, JPEG, WEBP and GIF images, the format
and (for WAV) the duration of audio. Byte sizes come from the base64 length, so a 50 MB
inline file costs no more than its first few kilobytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

_DATA_URI = re.compile(r"data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(?:;[^,;]*)*),", re.ASCII)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}", re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_HEAD = 256 * 1024  # enough for any JPEG header with a large EXIF block


@dataclass(frozen=True, slots=True)
class Media:
    form: str  # "uuid" | "url" | "data-uri" | "base64" | "unknown"
    mime: str | None = None
    size: int | None = None  # decoded bytes
    head: bytes = b""
    broken: str | None = None  # why the inline data cannot be decoded


def classify(value: str) -> Media:
    if _UUID.fullmatch(value):
        return Media("uuid")
    if _URL.fullmatch(value):
        return Media("url")
    if value.startswith("data:"):
        m = _DATA_URI.match(value)
        if m is None:
            return Media("data-uri", broken="malformed data URI (expected data:<type>;base64,<data>)")
        payload = value[m.end() :]
        if ";base64" not in (m.group("params") or ""):
            return Media("data-uri", m.group("mime"), size=len(payload))
        return _inline("data-uri", payload, m.group("mime"))
    compact = value.strip()
    if len(compact) >= 16 and _BASE64.fullmatch(compact[:4096]) and _BASE64.fullmatch(compact[-4096:]):
        return _inline("base64", compact, None)
    return Media("unknown")


def _inline(form: str, payload: str, mime: str | None) -> Media:
    stripped = payload.rstrip("=")
    if len(stripped) % 4 == 1:
        return Media(form, mime, broken="base64 data has an impossible length")
    size = len(stripped) * 3 // 4
    head_chars = min(len(stripped), _HEAD // 3 * 4)
    chunk = stripped[:head_chars]
    chunk += "=" * (-len(chunk) % 4)
    try:
        head = base64.b64decode(chunk, validate=True)
    except (binascii.Error, ValueError):
        return Media(form, mime, size, broken="the base64 data does not decode")
    return Media(form, mime, size, head)


def sniff_format(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"fLaC"):
        return "flac"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def image_size(head: bytes, fmt: str) -> tuple[int, int] | None:
    """(width, height) from an image header, or None when the header is cut or odd."""
    try:
        if fmt == "png" and head[12:16] == b"IHDR":
            w, h = struct.unpack(">II", head[16:24])
            return w, h
        if fmt == "gif":
            w, h = struct.unpack("<HH", head[6:10])
            return w, h
        if fmt == "webp":
            kind = head[12:16]
            if kind == b"VP8 ":
                w, h = struct.unpack("<HH", head[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if kind == b"VP8L":
                b = head[21:25]
                w = 1 + (((b[1] & 0x3F) << 8) | b[0])
                h = 1 + (((b[3] & 0xF) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
                return w, h
            if kind == b"VP8X":
                w = 1 + int.from_bytes(head[24:27], "little")
                h = 1 + int.from_bytes(head[27:30], "little")
                return w, h
        if fmt == "jpeg":
            i = 2
            while i + 9 < len(head):
                if head[i] != 0xFF:
                    i += 1
                    continue
                marker = head[i + 1]
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                    i += 1 if marker == 0xFF else 2
                    continue
                length = struct.unpack(">H", head[i + 2 : i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", head[i + 5 : i + 9])
                    return w, h
                i += 2 + length
    except (struct.error, IndexError):
        return None
    return None


def wav_seconds(head: bytes) -> float | None:
    """Duration of a PCM WAV from its fmt and data chunk headers."""
    i, byte_rate = 12, None
    try:
        while i + 8 <= len(head):
            cid, size = head[i : i + 4], struct.unpack("<I", head[i + 4 : i + 8])[0]
            if cid == b"fmt ":
                byte_rate = struct.unpack("<I", head[i + 16 : i + 20])[0]
            elif cid == b"data":
                return size / byte_rate if byte_rate else None
            i += 8 + size + (size & 1)
    except struct.error:
        return None
    return None
