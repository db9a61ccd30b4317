"""Download a published spec once, keep it in a cache, and say where and when it came from.

``wanspec schemas check`` is offline unless asked (``--fetch URL``). A fetched document is
stored as ``<cache>/<sha256 of the URL>.spec`` with a ``.meta.json`` beside it recording the
URL, the time of download (UTC) and the sha256 of the bytes; later runs read the cache
unless told to refresh. Both files are written atomically, the body first and the record
(with the body's sha256) last, and a cached body is used only when it still hashes to its
record: an interrupted run leaves at most a body without a record, which the next run
downloads again. The recorded URL has no query values (a keyed or signed URL carries its
secret there); the cache is keyed by a hash of the full URL.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

from ..files import write_atomic
from ..recordtype import recordclass
from .sources import SpecError

MAX_BYTES = 16 * 1024 * 1024  # no per-model schema or endpoint OpenAPI comes near this
TIMEOUT = 30.0


def shown_url(url: str) -> str:
    """The URL as it may be written down: no user info, no query values (a signed or keyed
    URL carries its secret there); the cache is keyed by a hash of the full URL instead."""
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "<an unreadable URL>"
    netloc = f"{host}:{port}" if port else host
    query = "&".join(f"{k}=…" for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


@recordclass
class Fetched:
    url: str  # as shown_url writes it
    path: str  # the cached body
    fetched: str  # ISO 8601, UTC
    sha256: str
    cached: bool  # read from the cache, not downloaded in this run


def default_cache_dir(env: dict[str, str]) -> str:
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "wanspec", "specs")


def fetch(url: str, cache_dir: str, *, refresh: bool = False) -> Fetched:
    """The spec at ``url``, from the cache when it is there (and ``refresh`` is false)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a port that is not a number, brackets that do not close
        ok = False
    if not ok:
        raise SpecError(f"--fetch takes an http(s) URL with a host, not {shown_url(url)}")
    if parts.username is not None or parts.password is not None:
        raise SpecError(f"--fetch takes no credentials in the URL (they would be recorded): {shown_url(url)}")
    key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    body_path = os.path.join(cache_dir, f"{key}.spec")
    meta_path = os.path.join(cache_dir, f"{key}.meta.json")
    if not refresh:
        meta = _read_meta(meta_path, body_path, key)
        if meta is not None:
            return meta
    data = _download(url)
    digest = hashlib.sha256(data).hexdigest()
    when = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(f"{shown_url(url)} did not send UTF-8 text") from None
    from pathlib import Path

    try:
        write_atomic(Path(body_path), text)
        record = {"url": shown_url(url), "key": key, "fetched": when, "sha256": digest, "bytes": len(data)}
        write_atomic(Path(meta_path), json.dumps(record, indent=2) + "\n")
    except OSError as exc:
        raise SpecError(f"cannot write the spec cache {cache_dir}: {exc.strerror or exc}") from None
    return Fetched(shown_url(url), body_path, when, digest, cached=False)


def _read_meta(meta_path: str, body_path: str, key: str) -> Fetched | None:
    """The cached entry, if complete and intact (its bytes still hash to the recorded sum)."""
    try:
        with open(meta_path, encoding="utf-8") as f:
            meta = json.load(f)
        with open(body_path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("sha256") != digest:
        return None
    return Fetched(str(meta.get("url")), body_path, str(meta.get("fetched")), digest, cached=True)


def _download(url: str) -> bytes:
    import http.client
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": "application/json, application/yaml;q=0.9, */*;q=0.1"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # the scheme is checked above
            declared = response.headers.get("Content-Length")
            if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
                raise SpecError(
                    f"{shown_url(url)} is {_size(int(declared))}; a spec over {_size(MAX_BYTES)} is not read"
                )
            data: bytes = response.read(MAX_BYTES + 1)
            if declared is not None and declared.isdigit() and len(data) < int(declared):
                raise SpecError(
                    f"cannot fetch {shown_url(url)}: the connection closed after {len(data)} of {declared} bytes"
                )
    except urllib.error.HTTPError as exc:
        raise SpecError(f"cannot fetch {shown_url(url)}: HTTP {exc.code}") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise SpecError(f"cannot fetch {shown_url(url)}: {reason}") from None
    if len(data) > MAX_BYTES:
        raise SpecError(f"{shown_url(url)} sent more than {_size(MAX_BYTES)}; a spec is never that large")
    return data


def _size(n: int) -> str:
    return f"{n / 1048576:g} MiB" if n >= 1048576 else f"{n:,} bytes"
