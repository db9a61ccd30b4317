"""Inline media: real pixel sizes, byte sizes and WAV/MP3 durations, read from headers only."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        # no page restricts the image container: a GIF is checked like any image (16 px is too small)
        (uri(b"GIF89a\x10\x00\x10\x00", "image/gif"), ["WS611"]),
        (uri(b"GIF89a\x00\x02\x00\x02", "image/gif"), []),
        (uri(b"BM" + bytes(60), "image/bmp"), []),  # an unrecognised container is no finding either
        (uri(png(1280, 720), "image/jpeg"), ["WS613"]),  # but a data URI must not lie about its bytes
        (uri(wav(5), "audio/wav"), ["WS613"]),  # nor is audio an image
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
    flac = {**T2V, "inputs": {"audio": uri(b"fLaC" + bytes(40), "audio/flac")}}
    assert [c for c, _ in codes(flac)] == ["WS613"]  # the docs name WAV/MP3: here a container rule is stated


# -- MP3: frames, ID3 tags, Xing/VBRI headers -------------------------------------------------
def mp3_frame(kbps: int = 128, rate: int = 44100, pad: int = 0) -> bytes:
    """One MPEG-1 Layer III frame (stereo) of silence."""
    index = (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320).index(kbps) + 1
    rate_i = (44100, 48000, 32000).index(rate)
    header = bytes([0xFF, 0xFB, index << 4 | rate_i << 2 | pad << 1, 0x00])
    length = 144 * kbps * 1000 // rate + pad
    return header + bytes(length - 4)


def mp3(seconds: float, kbps: int = 128, *, id3: int = 0, xing: bool = False, vbr: bool = False) -> bytes:
    frames = round(seconds * 44100 / 1152)
    tag = b"ID3\x04\x00\x00" + bytes([(id3 >> 21) & 0x7F, (id3 >> 14) & 0x7F, (id3 >> 7) & 0x7F, id3 & 0x7F])
    body = b"".join(mp3_frame(kbps if not vbr or i % 2 else 320) for i in range(frames))
    if xing:  # an Info frame first, holding the frame count (what encoders write)
        info = bytearray(mp3_frame(kbps))
        info[36:48] = b"Xing" + struct.pack(">II", 1, frames)
        body = bytes(info) + body
    return (tag + bytes(id3) if id3 else b"") + body + b"TAG" + bytes(125)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (mp3(3.2), []),
        (mp3(29.5), []),
        (mp3(2.0), ["WS614"]),
        (mp3(31.0), ["WS614"]),
        (mp3(2.0, id3=2048), ["WS614"]),  # behind an ID3v2 tag
        (mp3(10.0, id3=300_000), []),  # a tag with cover art larger than the first read
        (mp3(40.0, id3=300_000), ["WS614"]),
        (mp3(40.0, kbps=64), ["WS614"]),  # longer than the first 256 KiB: timed from size and bit rate
        (mp3(20.0, kbps=64), []),
        (mp3(45.0, vbr=True), ["WS614"]),  # variable bit rate without a Xing header: average rate
        (mp3(2.0, xing=True), ["WS614"]),  # the Xing frame count
    ],
    ids=lambda v: f"{len(v)}B" if isinstance(v, bytes) else str(v),
)
def test_mp3_duration(data, expected):
    payload = {**T2V, "inputs": {"audio": uri(data, "audio/mpeg")}}
    assert [c for c, _ in codes(payload)] == expected


def test_mp3_duration_is_read_from_frame_headers():
    from wanspec.lint import media as _media

    for seconds, kwargs in ((3.0, {}), (12.5, {"id3": 4096}), (40.0, {"kbps": 64}), (31.0, {"xing": True})):
        media = _media.classify(uri(mp3(seconds, **kwargs), "audio/mpeg"))
        frames = round(seconds * 44100 / 1152)
        assert _media.mp3_seconds(media) == pytest.approx(frames * 1152 / 44100, rel=0.01), (seconds, kwargs)
    assert _media.mp3_seconds(_media.classify(uri(b"ID3\x04\x00\x00\x00\x00\x00\x10" + bytes(40)))) is None
    assert _media.mp3_seconds(_media.classify(uri(bytes([0xFF, 0xFB, 0xF0, 0]) + bytes(100)))) is None  # bad rate


def test_the_byte_limit_holds_for_mp3_too():
    data = mp3(5.0)
    data += bytes(-len(data) % 3)  # no base64 padding before the filler
    big = "data:audio/mpeg;base64," + base64.b64encode(data).decode() + "A" * (21 * 1024 * 1024)
    assert "WS612" in [c for c, _ in codes({**T2V, "inputs": {"audio": big}})]


def test_each_media_finding_cites_what_states_its_limit():
    def cited(payload):
        return {d.code: d.doc for d in lint_payload(payload)}

    assert "10MB file size limit" in cited(frame(uri(png(100, 100))))["WS611"]
    assert "RFC 2397" in cited(frame(uri(png(1280, 720), "image/jpeg")))["WS613"]
    assert "UUID, URL, Data URI, or Base64" in cited(frame("C:\\boat.png"))["WS610"]
    audio = cited({**T2V, "inputs": {"audio": uri(mp3(2.0), "audio/mpeg")}})
    assert "WAV/MP3, 3-30 seconds" in audio["WS614"]
    # no finding quotes a size limit unless it is about size
    for code, doc in cited(frame(uri(png(1280, 720), "image/jpeg"))).items():
        assert "10MB" not in doc, code
    assert cited({**T2V, "inputs": {"audio": 5}})["WS111"].endswith('"Audio input (UUID or URL)."')
    assert cited({**T2V, "inputs": {"audio": ""}})["WS610"].endswith('"Audio input (UUID or URL)."')
    big = "data:image/png;base64," + base64.b64encode(png(1280, 720)).decode() + "A" * (14 * 1024 * 1024)
    assert "10MB file size limit" in cited(frame(big))["WS612"]


def test_wavespeed_media_has_no_undocumented_limits():
    payload = {
        "image": uri(b"GIF89a\x00\x02\x00\x02" + bytes(12 * 1024 * 1024), "image/gif"),
        "prompt": "A boat drifts",
    }
    assert codes(payload) == []  # the WaveSpeed page names no container or byte limit
    assert [c for c, _ in codes({**payload, "image": uri(png(640, 640), "image/webp")})] == ["WS613"]


# -- only the start is decoded: findings as if the whole head were --------------------------
def wav_behind(seconds: float, chunk: int) -> bytes:
    """A WAV whose fmt and data headers come after a ``chunk``-byte LIST chunk."""
    plain = wav(seconds)
    return plain[:12] + b"LIST" + struct.pack("<I", chunk) + bytes(chunk) + plain[12:]


def jpeg_behind(width: int, height: int, segments: list[int]) -> bytes:
    """A JPEG whose SOF comes after APP1 segments of these sizes (past 256 KiB: not read)."""
    plain = jpeg(width, height)
    apps = b"".join(b"\xff\xe1" + struct.pack(">H", n + 2) + bytes(n) for n in segments)
    return plain[:2] + apps + plain[2:]


_MEDIA = st.one_of(
    st.builds(png, st.integers(1, 5000), st.integers(1, 5000)).map(lambda b: (b, "image/png", "image")),
    st.builds(
        jpeg_behind, st.integers(1, 5000), st.integers(1, 5000), st.lists(st.integers(1, 65_000), max_size=5)
    ).map(lambda b: (b, "image/jpeg", "image")),
    st.builds(wav_behind, st.sampled_from([2.0, 5.0, 40.0]), st.integers(0, 300_000)).map(
        lambda b: (b, "audio/wav", "audio")
    ),
    st.builds(mp3, st.sampled_from([2.0, 5.0]), id3=st.integers(0, 9_000)).map(lambda b: (b, "audio/mpeg", "audio")),
)


@settings(max_examples=150, deadline=None)
@given(
    media=_MEDIA,
    spoil=st.one_of(
        st.none(),
        st.tuples(st.floats(0, 1), st.sampled_from(["!", "=", "-", "_", "é", " ", "\n", "\udc80"])),
    ),
    tail=st.integers(0, 3),
)
def test_findings_from_the_first_kilobytes_match_a_whole_head_decoded(media, spoil, tail):
    """Only the first 128 base64 characters are decoded at once; the rest of the first
    256 KiB is checked to be base64 and decoded only when a header lies beyond (a JPEG's
    SOF, after its EXIF; a WAV's fmt, after a LIST chunk). Whatever the media, and wherever
    a character that is not base64 sits, the findings are those of decoding it all."""
    from unittest import mock

    from wanspec.lint import keywords
    from wanspec.lint import media as _media

    data, mime, kind = media
    encoded = base64.b64encode(data).decode().rstrip("=")[: max(0, len(data) * 4 // 3 - tail)]
    if spoil is not None:
        at = int(spoil[0] * len(encoded))
        encoded = encoded[:at] + spoil[1] + encoded[at + 1 :]
    value = f"data:{mime};base64,{encoded}"
    config = {"kind": kind, "minSide": 360, "maxSide": 2000, "minSeconds": 3, "maxSeconds": 30}
    found = list(keywords.check_media(config, value))  # read in C where the compiled look answers

    def in_python(**patches: object) -> list[tuple[str, str]]:
        with mock.patch.multiple(_media, _FAST_LOOK=None, _SEEN={}, **patches):
            return list(keywords.check_media(config, value))

    assert in_python() == found
    assert in_python(_PEEK=1 << 30) == found  # as if the whole head were decoded at once
    assert in_python(_FAST_ALPHABET=None) == found  # the alphabet checked in Python, as without a compiler
    # and "does not decode" means what strict decoding of those 256 KiB says
    checked = encoded.rstrip("=")[: _media._HEAD // 3 * 4]
    if len(encoded.rstrip("=")) % 4 != 1:
        try:
            base64.b64decode(checked + "=" * (-len(checked) % 4), validate=True)
            decodes = True
        except ValueError:
            decodes = False
        assert decodes == (_media.classify(value).broken is None)


@given(
    st.lists(
        st.tuples(
            st.sampled_from([(1280, 720), (100, 100), (5000, 300), (720, 1280)]),
            st.integers(0, 3_000),  # bytes after the header: the inline file's size
            st.sampled_from(["image/png", "image/jpeg", "audio/wav"]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([None, 1_000, 2_000]),
)
def test_a_remembered_judgement_is_what_judging_again_gives(images, max_bytes):
    """A place of a schema remembers what it judged of inline media by everything it read
    but the size, where no limit applies to the size: each image of a batch, in any order,
    gets the findings it gets alone (a size over the limit is named each time)."""
    from wanspec.lint import keywords

    config = {"kind": "image", "minSide": 300, "maxSide": 2000, "cite": {"sides": "the docs"}}
    if max_bytes is not None:
        config["maxBytes"] = max_bytes
    remembered = keywords.findings_at(keywords.check_media, config)
    for (width, height), padding, mime in images:
        value = uri(png(width, height) + bytes(padding), mime)
        assert list(remembered(value)) == list(keywords.check_media(config, value))
