"""Cassettes on disk: vcrpy's YAML format, read and written without vcrpy.

A cassette is vcrpy's ``{"version": 1, "interactions": [...]}`` document plus vcrpy's
``metadata`` mapping, in which wanspec keeps its own record under ``metadata.wanspec``
(provider, scenario, where the cassette came from, what the scenario expects). vcrpy
replays such a file unchanged; wanspec's audit, verify and drift read it here with a
safe YAML loader, so they work on any cassette, including ones vcrpy did not write.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

CASSETTE_SUFFIXES = (".yaml", ".yml")
_MAX_BYTES = 32 * 1024 * 1024  # a cassette is a handful of HTTP exchanges, not a data set


class CassetteError(Exception):
    """A cassette file that cannot be read: missing, not YAML, or not a vcrpy cassette."""


class CassetteInaccessible(CassetteError):
    """The file could not be opened or read at all (an environment problem: exit status 2)."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """One recorded request and its response."""

    index: int
    method: str
    uri: str
    request_headers: Mapping[str, tuple[str, ...]]
    request_body: str | None
    status: int
    response_headers: Mapping[str, tuple[str, ...]]
    response_body: str | None
    line: int | None = None  # 1-based line of the interaction in the file, when known

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path or "/"

    def request_json(self) -> Any:
        """The request body parsed as JSON, or None (no body, or not JSON)."""
        return _json_or_none(self.request_body)

    def response_json(self) -> Any:
        """The response body parsed as JSON, or None (no body, or not JSON)."""
        return _json_or_none(self.response_body)


@dataclass(frozen=True, slots=True)
class Cassette:
    path: str
    exchanges: tuple[Exchange, ...]
    metadata: Mapping[str, Any] = field(default_factory=dict)  # metadata.wanspec

    @property
    def provider(self) -> str | None:
        value = self.metadata.get("provider")
        return value if isinstance(value, str) else None

    @property
    def scenario(self) -> str:
        value = self.metadata.get("scenario")
        return value if isinstance(value, str) else os.path.splitext(os.path.basename(self.path))[0]

    @property
    def expect(self) -> str | None:
        value = self.metadata.get("expect")
        return value if isinstance(value, str) else None


def _json_or_none(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, dict) and "string" in value:  # response bodies: {"string": ...}
        return _text(value["string"])
    return str(value)


def _request_text(value: Any) -> str | None:
    if isinstance(value, dict | list):  # recorded from a client that sent a Python value (aiohttp json=)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return _text(value)


def _headers(value: Any) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    if isinstance(value, dict):
        for name, values in value.items():
            items = values if isinstance(values, list) else [values]
            out[str(name)] = tuple(str(v) for v in items)
    return out


@cache
def _loader() -> Any:
    """A safe YAML loader (libyaml's when present) that knows the harmless Python tags old vcrpy
    cassettes hold (str, unicode, tuple) and remembers where each interaction starts.

    Not vcrpy's own loader: importing vcrpy patches-in aiohttp, requests and httpx stubs,
    about 300 ms that reading a cassette does not need.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            mapping = super().construct_mapping(node, deep=deep)
            if "request" in mapping and "response" in mapping:
                mapping["__line__"] = node.start_mark.line + 1
            return mapping

    def scalar(loader: Any, node: Any) -> Any:
        return loader.construct_scalar(node)

    def sequence(loader: Any, node: Any) -> Any:
        return tuple(loader.construct_sequence(node))

    for tag in ("python/str", "python/unicode"):
        Loader.add_constructor(f"tag:yaml.org,2002:{tag}", scalar)
    Loader.add_constructor("tag:yaml.org,2002:python/tuple", sequence)
    return Loader


def parse_cassette(text: str, path: str) -> Cassette:
    """Parse cassette text; raise CassetteError with a plain reason when it is not one."""
    import yaml

    try:
        data = yaml.load(text, Loader=_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CassetteError(f"not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise CassetteError("not valid YAML: nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError("not a vcrpy cassette: expected a mapping with an 'interactions' list")
    exchanges = []
    for i, item in enumerate(data["interactions"]):
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
            raise CassetteError(f"interaction {i} has no request")
        req, resp = item["request"], item.get("response") or {}
        status = resp.get("status", {}) if isinstance(resp, dict) else {}
        code = status.get("code") if isinstance(status, dict) else None
        if not isinstance(code, int):
            raise CassetteError(f"interaction {i} has no response status code")
        exchanges.append(
            Exchange(
                index=i,
                method=str(req.get("method", "GET")).upper(),
                uri=str(req.get("uri", "")),
                request_headers=_headers(req.get("headers")),
                request_body=_request_text(req.get("body")),
                status=code,
                response_headers=_headers(resp.get("headers")),
                response_body=_text(resp.get("body")),
                line=item.get("__line__"),
            )
        )
    meta = data.get("metadata") or {}
    ours = meta.get("wanspec") if isinstance(meta, dict) else None
    return Cassette(path, tuple(exchanges), ours if isinstance(ours, dict) else {})


def read_cassette(path: str) -> Cassette:
    """Read one cassette file; CassetteError says why it cannot be used."""
    try:
        size = os.path.getsize(path)
        if size > _MAX_BYTES:
            raise CassetteError(f"file is {size} bytes; cassettes over {_MAX_BYTES} bytes are not read")
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise CassetteInaccessible("no such file") from None
    except IsADirectoryError:
        raise CassetteInaccessible("is a directory") from None
    except OSError as exc:
        raise CassetteInaccessible(f"cannot read: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise CassetteError("binary file, not a YAML cassette")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CassetteError(f"not UTF-8 (byte {exc.start})") from None
    return parse_cassette(text, path)


def find_cassettes(paths: Iterable[str]) -> Iterator[str]:
    """Cassette files under the given paths, sorted, recursively; a named file is always taken.

    A path that does not exist is yielded as is, so the caller reports it.
    """
    for top in paths:
        if os.path.isdir(top):
            found = []
            for root, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(root, n) for n in files if n.endswith(CASSETTE_SUFFIXES)]
            yield from sorted(found)
        else:
            yield top


# -- writing -----------------------------------------------------------------------------
def _dump(data: Any) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value and len(value) < 100_000 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    out: str = yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=120)
    return out


def cassette_document(interactions: list[dict[str, Any]], metadata: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The YAML document: vcrpy's layout, wanspec's record under ``metadata.wanspec``."""
    doc: dict[str, Any] = {"interactions": interactions, "version": 1}
    if metadata:
        doc["metadata"] = {"wanspec": dict(metadata)}
    return doc


def serialize(doc: Mapping[str, Any]) -> str:
    """Stable, readable YAML: keys in insertion order, Unicode kept, multi-line strings as blocks."""
    return _dump(dict(doc))


def interaction(
    method: str,
    uri: str,
    request_body: Any,
    status: int,
    response_body: Any,
    *,
    request_headers: Mapping[str, str] | None = None,
    response_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One interaction in vcrpy's layout, from Python values (JSON bodies are serialised compactly)."""

    def body(value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 404: "Not Found"}
    return {
        "request": {
            "body": body(request_body),
            "headers": {k: [v] for k, v in (request_headers or {}).items()},
            "method": method,
            "uri": uri,
        },
        "response": {
            "status": {"code": status, "message": reasons.get(status, "")},
            "headers": {k: [v] for k, v in (response_headers or {"Content-Type": "application/json"}).items()},
            "body": {"string": body(response_body) or ""},
        },
    }
