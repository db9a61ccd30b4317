"""Look inside inline media (data URIs and base64) without a network.

Only headers are decoded: the pixel size of PNG, JPEG, WEBP and GIF images, the format
and the duration of audio (WAV from its chunk headers; MP3 from its frame headers, past
an ID3 tag, with the frame count of a Xing/Info or VBRI header when there is one). Byte
sizes come from the base64 length, so a 50 MB inline file costs no more than its first
few hundred kilobytes: those are checked to be base64 (vector compares, no decoding), and only
the first hundred bytes decoded unless a header lies further in (a JPEG's, after its EXIF).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from collections.abc import Iterator

from ..recordtype import recordclass
from . import speedups

_DATA_URI = re.compile(r"data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(?:;[^,;]*)*),", re.ASCII)
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}", re.ASCII)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_HEAD = 256 * 1024  # enough for any JPEG header with a large EXIF block
_EDGE = 4096  # base64 alone: the characters read at each end to tell it from text
#: Base64 characters decoded up front (96 bytes: the format and any fixed-offset header, PNG,
#: GIF, WEBP, WAV), then more only where a header lies further in (a JPEG's frame header).
#: Decoding was most of what inline media cost a messy batch: 4 ns a character.
_PEEK = 128
_LONGER = (4096, _HEAD // 3 * 4)
_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@recordclass
class Media:
    form: str  # "uuid" | "url" | "data-uri" | "base64" | "unknown"
    mime: str | None = None
    size: int | None = None  # decoded bytes
    head: bytes = b""  # the first decoded bytes (see _PEEK); the rest through read()
    broken: str | None = None  # why the inline data cannot be decoded
    encoded: str = ""  # the base64 text (unpadded), for reading past the head

    def read(self, offset: int, n: int) -> bytes:
        """Decoded bytes ``offset`` to ``offset + n`` (fewer at the end; empty when undecodable)."""
        if offset < len(self.head) and offset + n <= len(self.head):
            return self.head[offset : offset + n]
        start = offset // 3 * 4
        stop = -(-(offset + n) // 3) * 4
        chunk = self.encoded[start:stop]
        try:
            data = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        except (binascii.Error, ValueError):
            return b""
        return data[offset % 3 : offset % 3 + n]


#: What the x-media keyword judges of a string: ``(form, mime, size, broken, decoded, fmt,
#: pixels, seconds)``. ``decoded``: there are decoded bytes to look at; ``fmt``: the format
#: sniffed from them; ``pixels``: an image's (width, height); ``seconds``: WAV or MP3 audio's
#: duration (each None when the data does not say).
Look = tuple[str, str | None, int | None, str | None, bool, str | None, tuple[int, int] | None, float | None]

_FAST_LOOK, _DECLINED = speedups.entry("media_look")
#: The Python twin's answers for the last few strings (up to a megabyte each): a batch often
#: repeats an image, and a task whose numbers were sent as strings is checked twice.
_SEEN: dict[str, Look] = {}
_SEEN_CHARS = 1 << 20
_SEEN_ITEMS = 16


def look(value: str) -> Look:
    """What the x-media keyword judges of ``value``: in C for inline images and data URIs
    (0.5 µs for a 2.6 KB PNG, against 3.3 µs in Python), else ``look_python``."""
    if _FAST_LOOK is not None and (found := _FAST_LOOK(value)) is not _DECLINED:
        return found  # type: ignore[no-any-return]
    if len(value) > _SEEN_CHARS:
        return look_python(value)
    found = _SEEN.get(value)
    if found is None:
        if len(_SEEN) >= _SEEN_ITEMS:
            _SEEN.clear()
        found = _SEEN[value] = look_python(value)
    return found


def look_python(value: str) -> Look:
    """``look`` in Python: classify, then the format from the first bytes, an image's pixel
    size and an audio file's duration (the compiled twin, ``_fastjson.media_look``, answers
    the same or declines; tests/test_media_twins.py holds the two to each other)."""
    media = classify(value)
    fmt = sniff_format(media.head) if media.head else None
    pixels = pixel_size(media, fmt) if fmt and KINDS[fmt] == "image" else None
    seconds = audio_seconds(media, fmt) if fmt in ("wav", "mp3") else None
    return (media.form, media.mime, media.size, media.broken, bool(media.head), fmt, pixels, seconds)


def classify(value: str) -> Media:
    if value.startswith("data:"):  # first: neither a UUID nor a URL starts so
        m = _DATA_URI.match(value)
        if m is None:
            return Media("data-uri", broken="malformed data URI (expected data:<type>;base64,<data>)")
        payload = value[m.end() :]
        if ";base64" not in (m.group("params") or ""):
            return Media("data-uri", m.group("mime"), size=len(payload))
        return _inline("data-uri", payload, m.group("mime"))
    if _UUID.fullmatch(value):
        return Media("uuid")
    if _URL.fullmatch(value):
        return Media("url")
    compact = value.strip()
    if len(compact) >= 16 and _BASE64.fullmatch(compact[:_EDGE]) and _BASE64.fullmatch(compact[-_EDGE:]):
        return _inline("base64", compact, None)
    return Media("unknown")


def _inline(form: str, payload: str, mime: str | None) -> Media:
    stripped = payload.rstrip("=")
    if len(stripped) % 4 == 1:
        return Media(form, mime, broken="base64 data has an impossible length")
    size = len(stripped) * 3 // 4
    head_chars = min(len(stripped), _HEAD // 3 * 4)
    # the first _HEAD bytes must decode, as before; checking the alphabet is what strict
    # decoding checks here (the length is possible and the padding was stripped)
    if not is_base64(stripped, 0, head_chars):
        return Media(form, mime, size, broken="the base64 data does not decode")
    peek = stripped[: min(head_chars, _PEEK)]
    head = binascii.a2b_base64(peek + "=" * (-len(peek) % 4))
    return Media(form, mime, size, head, encoded=stripped)


_FAST_ALPHABET, _FALLBACK = speedups.entry("base64_alphabet")


def is_base64(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` is all base64 characters, without padding (offsets not
    negative): the compiled reader's vector compares where it runs (0.3 µs for a 2.6 KB
    image, where encoding and translating a copy took 1.1 µs, and about 4 µs in a run)."""
    if _FAST_ALPHABET is not None and (clean := _FAST_ALPHABET(text, start, stop)) is not _FALLBACK:
        return clean  # type: ignore[no-any-return]
    try:
        return not text[start:stop].encode("ascii").translate(None, _ALPHABET)
    except UnicodeEncodeError:
        return False


def _headers(media: Media) -> Iterator[bytes]:
    """The decoded start of the media, longer each time, ending with all that ``_inline``
    checked: a header found in a shorter start is the one the whole would give."""
    yield media.head
    yield from _longer_heads(media)


def _longer_heads(media: Media) -> Iterator[bytes]:
    """``_headers`` past the first (most headers are in it: PNG, GIF, WEBP, WAV)."""
    done = _PEEK
    for chars in _LONGER:
        if len(media.encoded) <= done:
            return
        chunk = media.encoded[:chars]
        yield binascii.a2b_base64(chunk + "=" * (-len(chunk) % 4))
        done = chars


def pixel_size(media: Media, fmt: str) -> tuple[int, int] | None:
    """``image_size`` of an inline image, decoding no more of it than its header needs."""
    if (found := image_size(media.head, fmt)) is not None:
        return found
    for head in _longer_heads(media):
        if (found := image_size(head, fmt)) is not None:
            return found
    return None


def audio_seconds(media: Media, fmt: str) -> float | None:
    """Duration of inline WAV or MP3 audio (None when its headers do not say)."""
    if fmt == "mp3":
        return mp3_seconds(media)
    for head in _headers(media):
        if (found := wav_seconds(head)) is not None:
            return found
    return None


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


#: What a format is, by its kind of content (sniffed formats only).
KINDS = {"png": "image", "jpeg": "image", "webp": "image", "gif": "image"}
KINDS |= {"wav": "audio", "mp3": "audio", "flac": "audio", "mp4": "video", "webm": "video"}

#: The format a data URI's media type declares (RFC 2397: the type of the data).
_DECLARED = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/webp": "webp",
    "image/gif": "gif",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpeg3": "mp3",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "audio/webm": "webm",
}


def declared_format(mime: str | None) -> str | None:
    """The format a data URI's media type names, when it names one this module sniffs."""
    return _DECLARED.get(mime.lower()) if mime else None


# -- MP3 ------------------------------------------------------------------------------------
_BITRATES = {  # kbit/s by (MPEG-1?, layer), index 1-14
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(False, 3)] = _BITRATES[(False, 2)]
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits


@recordclass
class _Frame:
    length: int  # bytes
    samples: int
    rate: int  # samples per second
    bitrate: int  # bit/s
    side_info: int  # bytes of side information after the header (where a Xing header starts)


def _frame(h: bytes) -> _Frame | None:
    """An MPEG audio frame header (4 bytes), or None when the bytes are not one."""
    if len(h) < 4 or h[0] != 0xFF or h[1] & 0xE0 != 0xE0:
        return None
    version, layer_bits = (h[1] >> 3) & 3, (h[1] >> 1) & 3
    rate_i, br_i, pad = (h[2] >> 2) & 3, h[2] >> 4, (h[2] >> 1) & 1
    if version == 1 or layer_bits == 0 or rate_i == 3 or br_i in (0, 15):
        return None  # reserved values, or free format (no length to walk by)
    mpeg1, layer = version == 3, 4 - layer_bits
    bitrate = _BITRATES[(mpeg1, layer)][br_i - 1] * 1000
    rate = _RATES[version][rate_i]
    if layer == 1:
        return _Frame((12 * bitrate // rate + pad) * 4, 384, rate, bitrate, 0)
    samples = 1152 if mpeg1 or layer == 2 else 576
    mono = (h[3] >> 6) == 3
    side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    return _Frame(samples // 8 * bitrate // rate + pad, samples, rate, bitrate, side)


def _id3_end(media: Media) -> int:
    """Where the audio starts: after an ID3v2 tag (its size is syncsafe, plus a footer)."""
    head = media.read(0, 10)
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = (head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F)
    return 10 + size + (10 if head[5] & 0x10 else 0)


def mp3_seconds(media: Media) -> float | None:
    """Duration of inline MP3 from its frame headers (None when no frames are found).

    A Xing/Info or VBRI header gives the frame count exactly. Otherwise the frames in the
    first 256 KiB are walked; a file that ends there is timed exactly, a longer one from
    its size and the bit rate seen (constant bit rate files are timed exactly this way).
    """
    total = media.size or 0
    start = _id3_end(media)
    window = media.read(start, _HEAD)
    first = None
    for i in range(min(len(window) - 4, 8192) + 1):  # skip padding and junk before the first frame
        f = _frame(window[i : i + 4])
        if f is None:
            continue
        nxt = _frame(window[i + f.length : i + f.length + 4])
        if nxt is not None or i + f.length >= len(window):  # two frames in a row: not a false sync
            first = i
            break
    if first is None:
        return None
    frame = _frame(window[first : first + 4])
    assert frame is not None
    frames = _vbr_frames(window, first, frame)
    if frames is not None:
        return frames * frame.samples / frame.rate
    seconds = 0.0
    walked = 0
    i = first
    while i + 4 <= len(window):
        f = _frame(window[i : i + 4])
        if f is None:
            break
        seconds += f.samples / f.rate
        walked += f.length
        i += f.length
    if start + len(window) >= total or walked == 0:  # the whole file was in the window
        return seconds
    audio_bytes = total - start - first - (128 if media.read(total - 128, 3) == b"TAG" else 0)
    return audio_bytes * seconds / walked  # the rest at the rate of what was walked


def _vbr_frames(window: bytes, first: int, frame: _Frame) -> int | None:
    at = first + 4 + frame.side_info
    if window[at : at + 4] in (b"Xing", b"Info") and len(window) >= at + 12:
        flags = struct.unpack(">I", window[at + 4 : at + 8])[0]
        if flags & 1:
            return int(struct.unpack(">I", window[at + 8 : at + 12])[0])
    vbri = first + 36
    if window[vbri : vbri + 4] == b"VBRI" and len(window) >= vbri + 18:
        return int(struct.unpack(">I", window[vbri + 14 : vbri + 18])[0])
    return None
