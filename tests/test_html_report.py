"""``--format html``: one self-contained page that carries what ``--format json`` carries.

The page is read back with the stdlib HTML parser and compared with the JSON output of
lint, cassette verification, drift and coverage; it links to nothing and escapes what it
shows; and a real headless Chromium (Debian's package; ``.ci/run`` installs it) renders
it at a laptop's 1366×768, with a screenshot whose pixels are checked.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import ROOT
from html_report import as_json, read_report

CASSETTES = ROOT / "cassettes"


def _both(run_cli, *args: str) -> tuple[str, dict]:
    html = run_cli(*args, "--format", "html")
    json_run = run_cli(*args, "--format", "json")
    assert html.exit_code == json_run.exit_code
    return html.stdout, json_run.json()


@pytest.mark.parametrize(
    "args",
    [
        ("lint", str(ROOT / "examples")),
        ("cassettes", "verify", str(CASSETTES)),
        ("cassettes", "coverage", str(CASSETTES), "--min-coverage", "100"),
        ("drift", str(CASSETTES / "runware"), str(CASSETTES / "toapis")),
    ],
    ids=["lint", "verify", "coverage", "drift"],
)
def test_the_page_carries_exactly_the_json_output(run_cli, args):
    html, expected = _both(run_cli, *args)
    assert as_json(html) == expected
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")


def test_the_page_links_to_nothing_and_forbids_fetching(run_cli):
    html, _ = _both(run_cli, "lint", str(ROOT / "examples"))
    page = read_report(html)
    assert page.urls == []  # no src, href, … at all
    assert page.csp is not None and "default-src 'none'" in page.csp
    assert not {"link", "img", "iframe", "object", "embed"} & set(page.tags)


def test_hostile_text_is_shown_not_run(run_cli, tmp_path):
    name = tmp_path / '<img src=x onerror=alert(1)>".json'
    model = "</script><script>alert(2)</script>"
    name.write_text(json.dumps({"taskType": "videoInference", "model": model, "duration": "</script>"}))
    html, expected = _both(run_cli, "lint", str(name))
    page = read_report(html)
    assert page.urls == [] and page.tags.count("script") == 2  # the summary block and the filter script
    assert page.diagnostics == expected["diagnostics"]
    assert any(model in d["message"] for d in expected["diagnostics"]), expected  # the hostile text is shown
    assert "<img" not in html and "</script><script>" not in html


# -- in a real browser ---------------------------------------------------------------------------
def _browser() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _run_browser(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"]
    command += ["--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1366,768", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes], int]:
    """(width, height, rows of raw pixels, bytes per pixel) of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        chunks += [body] if kind == b"IDAT" else []
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(b"".join(chunks)), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - bpp] if i >= bpp else 0, prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows, bpp


def _has_colour(rows: list[bytes], bpp: int, colour: tuple[int, int, int], ys: range) -> bool:
    want = bytes(colour)
    return any(row[x : x + 3] == want for y in ys for row in (rows[y],) for x in range(0, len(row), bpp))


def test_the_report_renders_in_a_headless_browser(run_cli, tmp_path, capsys):
    browser = _browser()
    if browser is None:
        with capsys.disabled():
            print("\nSKIP reason: no Chromium on this machine (apt-get install chromium; .ci/run does)")
        pytest.skip("no Chromium on this machine (apt-get install chromium; .ci/run does)")
    html, expected = _both(run_cli, "lint", str(ROOT / "examples"))
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    taken = _run_browser(browser, tmp_path / "profile", f"--screenshot={shot}", page.as_uri())
    assert shot.exists(), taken.stderr[-2000:]
    width, height, rows, bpp = _png_pixels(shot.read_bytes())
    assert (width, height) == (1366, 768)
    assert _has_colour(rows, bpp, (0x1F, 0x29, 0x33), range(0, 40))  # the header band
    assert _has_colour(rows, bpp, (0xC6, 0x28, 0x28), range(57, 130))  # the red error badge, above the table
    assert len({row for row in rows[200:700]}) > 50  # text, not a blank page
    dom = _run_browser(browser, tmp_path / "profile", "--dump-dom", page.as_uri()).stdout
    rendered = read_report(dom)
    assert rendered.diagnostics == expected["diagnostics"]  # the rows survive the browser's parsing
    assert f'data-rows="{len(expected["diagnostics"])}"' in dom  # the page's script ran
    assert 'data-overflow="false"' in dom  # no sideways scrolling at 1366 px
