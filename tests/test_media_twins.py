"""The compiled media look (``_fastjson.media_look``) answers as its Python twin does.

``media.look`` asks the C module first: for a data URI, or base64 with nothing around it,
it reads the header, checks the alphabet, sniffs the format and reads an image's pixel size
without Python. Wherever it answers, the answer is ``media.look_python``'s, field for field;
where it would have to decide something only the twin decides (a malformed header, broken
base64, whitespace around base64, WAV or MP3 audio), it declines. These tests hold it to
that on generated, truncated and spoiled media, and on the edges of every header it reads.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_media import jpeg_behind, mp3, png, wav, webp_vp8x

from wanspec.lint import keywords, media

pytestmark = pytest.mark.skipif(media._FAST_LOOK is None, reason="no C module in this install (a pure wheel)")

FAST = media._FAST_LOOK
DECLINED = media._DECLINED


def twins_agree(value: str) -> bool:
    """Whether the compiled look answered (it answered as the twin; asserted here)."""
    fast = FAST(value)
    if fast is DECLINED:
        return False
    assert fast == media.look_python(value), value[:200]
    return True


def webp_vp8(width: int, height: int) -> bytes:
    body = b"VP8 " + struct.pack("<I", 10) + b"\x9d\x01\x2a\x00\x00" + struct.pack("<HH", width, height) + bytes(8)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def webp_vp8l(width: int, height: int) -> bytes:
    bits = (width - 1) | (height - 1) << 14
    body = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + bits.to_bytes(4, "little") + bytes(8)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + bytes(20)


SIDE = st.integers(1, 20_000)
FILES = st.one_of(
    st.builds(png, SIDE, SIDE),
    st.builds(jpeg_behind, SIDE, SIDE, st.lists(st.integers(1, 65_000), max_size=5)),
    st.builds(webp_vp8x, st.integers(1, 1 << 24), st.integers(1, 1 << 24)),
    st.builds(webp_vp8, st.integers(0, 65_535), st.integers(0, 65_535)),
    st.builds(webp_vp8l, st.integers(1, 1 << 14), st.integers(1, 1 << 14)),
    st.builds(gif, st.integers(0, 65_535), st.integers(0, 65_535)),
    st.builds(wav, st.sampled_from([1.0, 5.0])),
    st.builds(mp3, st.sampled_from([2.0])),
    st.sampled_from([b"fLaC" + bytes(40), b"\x00\x00\x00\x18ftypmp42" + bytes(30), b"\x1a\x45\xdf\xa3" + bytes(30)]),
    st.binary(max_size=300),
    # the magic of one format, then anything: headers cut short or odd
    st.builds(
        lambda magic, rest: magic + rest,
        st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF\x00\x00\x00\x00WEBP", b"GIF87a", b"\xff\xd8"]),
        st.binary(max_size=120),
    ),
)

HEADERS = st.sampled_from(
    [
        "data:image/png;base64,",
        "data:image/png;base64,",
        "",
        "data:image/jpeg;base64,",
        "data:IMAGE/Webp;base64,",
        "data:;base64,",
        "data:image/png;charset=utf-8;base64,",
        "data:image/png;base64;name=x.png,",
        "data:image/png;base64x,",  # ";base64" in the parameters, as the twin reads it
        "data:image/png;x=;base64,",
        "data:image/png,",
        "data:,",
        "data:text/plain;charset=US-ASCII,",
        "data:a/b/c;base64,",
        "data:image;base64,",
        "data:image/;base64,",
        "data:/png;base64,",
        "data:é/png;base64,",
        "data:image/png;base64",
        "data:image/png base64,",
        "DATA:image/png;base64,",
        "",
        " ",
        "\n",
    ]
)


@st.composite
def inline(draw: st.DrawFn) -> str:
    """A header (or none), then a file's base64, cut, padded, spoiled, or followed by more."""
    encoded = base64.b64encode(draw(FILES)).decode()
    cut = draw(st.one_of(st.none(), st.integers(0, len(encoded))))
    if cut is not None:
        encoded = encoded[:cut]
    encoded = encoded.rstrip("=") + "=" * draw(st.integers(0, 3)) if draw(st.booleans()) else encoded
    if draw(st.integers(0, 2)) == 0:  # a third spoiled: a character added, or something after
        at = int(draw(st.floats(0, 1)) * len(encoded))
        encoded = encoded[:at] + draw(st.sampled_from("!=-_é \n\udc80😀:A+/")) + encoded[at:]
        encoded += draw(st.sampled_from(["", " ", "\n", "==", "=A"]))
    return draw(HEADERS) + encoded


@settings(max_examples=400, deadline=None)
@given(value=inline())
@example(value="data:image/png;base64," + base64.b64encode(png(1280, 720)).decode())
def test_twins_read_inline_media_alike(value):
    twins_agree(value)


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=80) | st.text(alphabet="ABCDabcd0189+/=:;,data/ \n", max_size=80))
def test_twins_read_any_text_alike(value):
    twins_agree(value)


@pytest.mark.parametrize(
    "data",
    [
        png(1280, 720),
        png(1, 1)[:23],  # IHDR cut a byte short
        png(1, 1)[:16],
        jpeg_behind(640, 480, []),
        jpeg_behind(640, 480, [30_000, 60_000]),  # the SOF past 90 KB of APP1 segments
        jpeg_behind(640, 480, [65_000] * 5),  # the SOF past 256 KiB: no size, as in Python
        b"\xff\xd8\xff" + b"\x00" * 300_000,  # a JPEG walk that finds no marker in 256 KiB
        b"\xff\xd8" + b"\xff" * 5000,  # fill bytes
        webp_vp8x(4000, 3000),
        webp_vp8x(4000, 3000)[:26],  # VP8X sides cut short: read from the bytes there are
        webp_vp8x(4000, 3000)[:24],
        webp_vp8(300, 200),
        webp_vp8(300, 200)[:29],
        webp_vp8l(300, 200),
        webp_vp8l(300, 200)[:24],
        gif(16, 16),
        gif(16, 16)[:9],
        b"BM" + bytes(60),
        b"",
    ],
    ids=lambda d: f"{d[:4]!r}+{len(d)}",
)
@pytest.mark.parametrize("shape", ["uri", "uri-unpadded", "bare"])
def test_twins_read_each_image_header_alike_and_the_compiled_one_answers(data, shape):
    encoded = base64.b64encode(data).decode()
    if shape == "uri-unpadded":
        encoded = encoded.rstrip("=")
    value = encoded if shape == "bare" else "data:image/png;base64," + encoded
    answered = twins_agree(value)
    # base64 alone needs 16 characters; anything else here is inline image data C reads
    assert answered == (shape != "bare" or len(encoded) >= 16)


@pytest.mark.parametrize(
    "value",
    [
        "c64351d5-4c59-42f7-95e1-eace013eddab",  # a UUID: the twin's regular expressions
        "https://example.com/boat.png",
        "C:\\Users\\me\\boat.png",
        "data:image/png;base64,!!!!",  # broken: the twin says how
        "data:image/png;base64,A",  # an impossible length
        "data:image/png",  # malformed
        " " + base64.b64encode(png(9, 9)).decode(),  # whitespace around base64: the twin strips it
        "data:audio/wav;base64," + base64.b64encode(wav(5)).decode(),  # durations are Python's
        "data:audio/mpeg;base64," + base64.b64encode(mp3(2.0)).decode(),
    ],
)
def test_the_compiled_look_declines_what_only_the_twin_decides(value):
    assert not twins_agree(value)


def test_what_lies_past_the_first_256_kib_is_not_read():
    value = "data:image/png;base64," + base64.b64encode(png(9, 9)).decode().rstrip("=")
    value += "A" * (media._HEAD // 3 * 4 - len(value) + 22) + "!A"  # the "!" just past the window
    assert twins_agree(value)
    inside = value[:-3] + "!AA"  # one character inside it is read: broken, as the twin says
    assert not twins_agree(inside)
    assert media.look(inside)[3] == "the base64 data does not decode"


def test_the_twins_share_their_constants():
    fast = media.speedups.fastjson()
    assert (fast.MEDIA_PEEK, fast.MEDIA_WINDOW, fast.MEDIA_EDGE) == (media._PEEK, media._HEAD // 3 * 4, media._EDGE)


def test_strings_of_every_width_are_read_alike():
    b64 = base64.b64encode(png(500, 500)).decode()
    for wide in ("é", "\u20ac", "😀"):  # one-, two- and four-byte code units
        for value in (f"data:image/png;base64,{b64}{wide}", f"data:image/png;x={wide};base64,{b64}", f"{wide}{b64}"):
            twins_agree(value)
        assert twins_agree(f"data:image/png;x={wide};base64,{b64}")


def test_the_keyword_judges_either_look_alike(monkeypatch):
    """check_media's findings come from ``look``: the same with and without the C module."""
    config = {"kind": "image", "minSide": 360, "maxSide": 2000, "maxBytes": 1000, "cite": {"sides": "the docs"}}
    values = ["data:image/png;base64," + base64.b64encode(png(w, h)).decode() for w, h in ((100, 100), (800, 600))] + [
        "data:image/jpeg;base64," + base64.b64encode(png(800, 600)).decode(),
        "data:text/plain," + "x" * 2000,
    ]
    fast = [list(keywords.check_media(config, v)) for v in values]
    monkeypatch.setattr(media, "_FAST_LOOK", None)
    media._SEEN.clear()
    assert [list(keywords.check_media(config, v)) for v in values] == fast
    assert [rule for found in fast for rule, _ in found] == ["media-pixels", "media-format", "media-bytes"]


def test_hostile_arguments_are_declined_or_refused():
    assert FAST(b"data:image/png;base64,AAAA") is DECLINED  # bytes: not the twin's input
    assert FAST(type("S", (str,), {})("data:,x")) is DECLINED  # a str subclass
    with pytest.raises(TypeError):
        FAST()  # type: ignore[call-arg]


@pytest.mark.slow
def test_the_compiled_look_under_sanitizers(tmp_path):
    """This file's tests with the C module built under ASan and UBSan."""
    from test_fastjson import run_sanitized

    run_sanitized(tmp_path, str(Path(__file__)), "not sanitizers")
