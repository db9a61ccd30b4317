"""An independent leak detector for the tests: every encoding of a key, computed here from
first principles (not with wanspec's own matcher, so a bug there cannot hide a leak)."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote


def encodings(key: str) -> dict[str, bytes]:
    """Encoded copies of ``key`` to look for, by name (bytes, compared case-insensitively)."""
    data = key.encode()
    out = {
        "raw": data,
        "json-escaped": "".join(f"\\u{ord(c):04x}" for c in key).encode(),
        "yaml-json-escaped": "".join(f"\\\\u{ord(c):04x}" for c in key).encode(),
        "percent": quote(key, safe="").encode(),
        "percent-all": "".join(f"%{b:02x}" for b in data).encode(),
        "hex": data.hex().encode(),
    }
    for pad in range(3):
        # the stretch of the encoding that depends only on the key's bytes, not on neighbours
        full = base64.b64encode(b"\x00" * pad + data)
        first = (8 * pad + 5) // 6
        last = (8 * (pad + len(data))) // 6
        core = full[first:last]
        out[f"base64/{pad}"] = core
        out[f"base64url/{pad}"] = core.replace(b"+", b"-").replace(b"/", b"_")
    return out


def leaks(blob: bytes | str, key: str) -> list[str]:
    """The encodings of ``key`` found in ``blob`` (case-insensitive: header names are lower-cased)."""
    haystack = (blob.encode("utf-8", "surrogateescape") if isinstance(blob, str) else blob).lower()
    return [name for name, needle in encodings(key).items() if needle.lower() in haystack]


def tree_leaks(root: Path, key: str) -> dict[str, list[str]]:
    """Every file under ``root`` (hidden ones too) with the encodings of ``key`` it holds."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and (hit := leaks(path.read_bytes(), key)):
            found[str(path.relative_to(root))] = hit
    return found
