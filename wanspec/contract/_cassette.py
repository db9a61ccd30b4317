"""Cassettes on disk: vcrpy's YAML format, read and written without vcrpy.

A cassette is vcrpy's ``{"version": 1, "interactions": [...]}`` document plus vcrpy's
``metadata`` mapping, in which wanspec keeps its own record under ``metadata.wanspec``
(provider, scenario, where the cassette came from, what the scenario expects). vcrpy
replays such a file unchanged; wanspec's audit, verify and drift read it here with a
safe YAML loader, so they work on any cassette, including ones vcrpy did not write.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from ..inputs import InputError, once, open_input, read_capped, walk
from ..recordtype import field, recordclass

CASSETTE_SUFFIXES = (".yaml", ".yml")
_MAX_BYTES = 32 * 1024 * 1024  # a cassette is a handful of HTTP exchanges, not a data set


class CassetteError(Exception):
    """A cassette file that cannot be read: missing, not YAML, or not a vcrpy cassette.

    ``line`` is where in the file, when known.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class CassetteInaccessible(CassetteError):
    """The file could not be opened or read at all (an environment problem: exit status 2),
    including a pipe or device found in a directory and a directory that cannot be listed."""


@recordclass
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


@recordclass
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
    except (ValueError, RecursionError):  # not JSON, a 5,000-digit number, 100,000 '['
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
        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep=deep)
            except (ValueError, OverflowError, TypeError, AttributeError, LookupError) as exc:
                # the safe constructors' own failures on odd values: int("1" * 5000), the
                # timestamp 99999-01-01 (its pattern does not match: AttributeError)
                reason = str(exc).split(":")[0][:120]
                raise yaml.constructor.ConstructorError(
                    None, None, f"a value cannot be read ({reason})", node.start_mark
                ) from None

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


#: Cassettes written by vcrpy and wanspec use no anchors or aliases; a hand-written one may
#: use a few. Past these budgets a document is refused before it is built: 1.7 KB of
#: nested aliases ("billion laughs") expands to a billion nodes in anything that walks it.
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 64


def _check_graph(root: Any) -> None:
    """Refuse a composed YAML node graph that is cyclic, too deep or expands too much.

    Iterative (no recursion), linear in the nodes of the graph: each node is entered once,
    and its expanded size (what it becomes once every alias is copied out) is summed from
    its children's when it is left.
    """
    import yaml

    size: dict[int, int] = {}
    on_path: set[int] = set()
    aliases = 0
    stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, leaving = stack.pop()
        key = id(node)
        children = node.value if isinstance(node, yaml.SequenceNode) else ()
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if leaving:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            if size[key] > MAX_EXPANDED_NODES:
                raise CassetteError(
                    f"not a cassette: aliases expand to more than {MAX_EXPANDED_NODES:,} values",
                    line=node.start_mark.line + 1,
                )
            continue
        if key in on_path:
            raise CassetteError("not a cassette: an alias refers to itself", line=node.start_mark.line + 1)
        if key in size:  # a second use of an anchored node
            aliases += 1
            if aliases > MAX_ALIASES:
                raise CassetteError(f"not a cassette: more than {MAX_ALIASES} aliases", line=node.start_mark.line + 1)
            continue
        if depth > MAX_DEPTH:
            raise CassetteError(
                f"not a cassette: nested more than {MAX_DEPTH} levels deep", line=node.start_mark.line + 1
            )
        if not children:
            size[key] = 1
            continue
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children)


def load_yaml(text: str) -> Any:
    """Parse YAML text with the safe loader, within the alias and depth budgets.

    The one way wanspec reads cassette YAML (verify, audit, drift, record, replay):
    CassetteError, with the line when known, for anything it cannot or will not read.
    """
    import yaml

    try:
        loader = _loader()(text)
    except UnicodeEncodeError as exc:  # lone surrogates: text that did not come from UTF-8
        raise CassetteError(f"not UTF-8 text (character {exc.start})") from None
    # The collector would walk the growing node graph again and again while it is built
    # (measured: 640 recordings 1.2 s with it, 0.28 s without; the cost grows faster than
    # the file). Nothing here needs it: refused cycles are collected once it is back on.
    collecting = gc.isenabled()
    gc.disable()
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CassetteError(f"not valid YAML{where}: {problem}", line=mark.line + 1 if mark else None) from None
    except RecursionError:
        raise CassetteError("not valid YAML: nested too deeply") from None
    except (ValueError, OverflowError, TypeError) as exc:  # int("1" * 5000), a timestamp in year 99999
        raise CassetteError(f"a value cannot be read: {str(exc)[:200]}") from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def parse_cassette(text: str, path: str) -> Cassette:
    """Parse cassette text; raise CassetteError with a plain reason when it is not one."""
    data = load_yaml(text)
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError("not a vcrpy cassette: expected a mapping with an 'interactions' list")
    exchanges = []
    for i, item in enumerate(data["interactions"]):
        line = item.get("__line__") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
            raise CassetteError(f"interaction {i} has no request", line=line)
        req, resp = item["request"], item.get("response") or {}
        status = resp.get("status", {}) if isinstance(resp, dict) else {}
        code = status.get("code") if isinstance(status, dict) else None
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            raise CassetteError(f"interaction {i} has no response status code (an integer from 100 to 599)", line=line)
        uri = str(req.get("uri", ""))
        try:
            urlsplit(uri)
        except ValueError as exc:
            raise CassetteError(f"interaction {i}: the uri is not a URL ({exc})", line=line) from None
        exchanges.append(
            Exchange(
                index=i,
                method=str(req.get("method", "GET")).upper(),
                uri=uri,
                request_headers=_headers(req.get("headers")),
                request_body=_request_text(req.get("body")),
                status=code,
                response_headers=_headers(resp.get("headers")),
                response_body=_text(resp.get("body")),
                line=line,
            )
        )
    meta = data.get("metadata") or {}
    ours = meta.get("wanspec") if isinstance(meta, dict) else None
    return Cassette(path, tuple(exchanges), ours if isinstance(ours, dict) else {})


def read_cassette(path: str) -> Cassette:
    """Read one cassette file; CassetteError says why it cannot be used."""
    try:
        with open_input(path) as f:
            raw, over = read_capped(f, _MAX_BYTES)
    except FileNotFoundError:
        raise CassetteInaccessible("no such file") from None
    except IsADirectoryError:
        raise CassetteInaccessible("is a directory") from None
    except InputError as exc:  # a pipe or device found in a directory, an unlistable directory
        raise CassetteInaccessible(str(exc.strerror)) from None
    except OSError as exc:
        raise CassetteInaccessible(f"cannot read: {exc.strerror or exc}") from None
    if over is not None:
        raise CassetteError(f"file is over {_MAX_BYTES} bytes; cassettes that large are not read")
    if b"\x00" in raw:
        raise CassetteError("binary file, not a YAML cassette")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CassetteError(f"not UTF-8 (byte {exc.start})") from None
    return parse_cassette(text, path)


def find_cassettes(paths: Iterable[str]) -> Iterator[str]:
    """Cassette files under the given paths, sorted, recursively; a named file is always taken.

    A path that does not exist is yielded as is, so the caller reports it. Found files
    that are not regular, and directories that cannot be listed, are yielded marked
    (``wanspec.inputs.Found``): reading them raises CassetteInaccessible.
    """
    found: list[str] = []
    for top in paths:
        if os.path.isdir(top):
            walked = walk(top, lambda name: name.endswith(CASSETTE_SUFFIXES), lambda name: name.startswith("."))
            found.extend(sorted(walked))  # by whole path, as before: a subdirectory's files among the rest
        else:
            found.append(top)
    yield from once(found)  # a cassette reached twice (a directory and its subdirectory) is read once


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
