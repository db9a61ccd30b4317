"""Published specs, read into one neutral form for ``wanspec schemas check``.

Two kinds of source are read, neither imported nor executed:

* the ``runware-sdk`` wheel's generated ``runware/types/task_map.py``, parsed with ``ast``:
  ``SCHEMAS_VERSION``, one params and one result ``TypedDict`` per curated model (the model
  id and slug are in each class's docstring), ``NotRequired`` marking optional fields,
  ``Literal`` value sets, and the module-level map of model id → ``ModelEntry``;
* a JSON Schema or OpenAPI document (a provider's per-model schema, a fal endpoint's
  OpenAPI): the request body's object schema, local ``$ref``s resolved, ``allOf`` merged.

Both become a :class:`Published` of :class:`ModelSpec`, whose fields say only what a
payload author needs: present or not, required or not, JSON types, and a finite value set
when the source gives one (an enum, a ``Literal``, a small integer range).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from typing import Any

from ..errors import UsageError
from ..inputs import read_capped
from ..jsontools import json_type, split_pointer
from ..recordtype import field, recordclass

_MAX_SPEC_BYTES = 64 * 1024 * 1024
_MAX_RANGE = 1000  # an integer range this small is compared as a set of values
_MAX_DEPTH = 6  # nested objects compared this deep (payloads are shallow)


class SpecError(UsageError):
    """A spec cannot be found or read (exit status 2 at the command line)."""


@recordclass
class Field:
    """One field as a spec states it. ``types`` and ``values`` are None when not stated;
    ``values`` are canonical JSON texts (so 5 and 5.0 are one value, true and 1 two);
    ``children`` is None for an object whose fields the spec does not list."""

    required: bool
    types: frozenset[str] | None = None
    values: frozenset[str] | None = None
    children: dict[str, Field] | None = None
    stated: str = ""  # how the source says it, for citations
    line: int | None = None


@recordclass
class ModelSpec:
    model: str
    params: dict[str, Field]
    result: dict[str, Field] | None = None
    task_type: str | None = None
    slug: str | None = None
    where: str = ""  # the source's name for it (a class, a JSON pointer)
    line: int | None = None


@recordclass
class Published:
    """One published spec: what it says about which models, and where it comes from."""

    source: str  # "runware-sdk 1.8.0", a file path or a URL
    path: str
    sha256: str
    models: dict[str, ModelSpec]
    version: str | None = None
    fetched: str | None = None  # when it was downloaded (ISO 8601, UTC), for --fetch
    provider: str | None = None  # set when the spec lists a provider's models: ids can go missing
    catalogue: dict[str, str] = field(default_factory=dict)  # model id -> slug, for a full list

    def cite(self, where: str = "") -> str:
        parts = [self.source]
        if self.version:
            parts.append(f"schemas {self.version}")
        if self.fetched:
            parts.append(f"fetched {self.fetched}")
        head = f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]
        return f"{head} › {where}" if where else head


def canonical(value: Any) -> str:
    """A value's JSON text with integral floats as integers (5.0 and 5 are one duration)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def value_type(text: str) -> str:
    """The JSON type of a canonical value text (``integer`` for whole numbers)."""
    return json_type(json.loads(text))


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data, over = read_capped(f, _MAX_SPEC_BYTES)  # a device says size 0: the read is capped too
    except OSError as exc:
        raise SpecError(f"cannot read {path}: {exc.strerror or exc}") from None
    if over is not None:
        raise SpecError(f"{path} is over {_MAX_SPEC_BYTES // 1048576} MiB; a spec that large is not read")
    return data


# -- the runware-sdk wheel ---------------------------------------------------------------
_DOC = re.compile(r"Inference (params|result) for curated model `([^`]+)`(?: \(slug: ([^)]+)\))?")
_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "dict": "object"}
_TYPES |= {"list": "array", "tuple": "array", "None": "null", "Mapping": "object", "Sequence": "array"}


def find_runware_sdk() -> tuple[str, str | None]:
    """The installed ``runware/types/task_map.py`` and the wheel's version, found without
    importing the SDK (its package imports its network client)."""
    import importlib.util
    from importlib import metadata

    try:
        spec = importlib.util.find_spec("runware")  # a top-level lookup runs no package code
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for base in locations:
        path = os.path.join(base, "types", "task_map.py")
        if os.path.isfile(path):
            try:
                version: str | None = metadata.version("runware-sdk")
            except metadata.PackageNotFoundError:
                version = None
            return path, version
    raise SpecError("runware-sdk is not installed (pip install runware-sdk), or give --runware-sdk PATH or --spec")


def read_runware_sdk(path: str, version: str | None = None) -> Published:
    """Read a ``task_map.py`` (a file, or an SDK directory holding ``runware/types/``)."""
    if os.path.isdir(path):
        for candidate in ("runware/types/task_map.py", "types/task_map.py", "task_map.py"):
            if os.path.isfile(os.path.join(path, candidate)):
                path = os.path.join(path, candidate)
                break
        else:
            raise SpecError(f"no runware/types/task_map.py under {path}")
    data = _read_bytes(path)
    try:
        tree = ast.parse(data, filename=path)
    except (SyntaxError, ValueError) as exc:
        raise SpecError(f"{path} is not Python source: {exc}") from None
    except (RecursionError, MemoryError):
        raise SpecError(f"{path} nests too deeply to be a generated task map") from None
    schemas_version = None
    params: dict[str, tuple[str | None, ast.ClassDef]] = {}
    results: dict[str, ast.ClassDef] = {}
    catalogue: dict[str, str] = {}
    task_types: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            target = node.targets[0] if isinstance(node, ast.Assign) else node.target
            name = target.id if isinstance(target, ast.Name) else ""
            if name == "SCHEMAS_VERSION" and isinstance(node.value, ast.Constant):
                schemas_version = str(node.value.value)
            elif isinstance(node.value, ast.Dict):
                _model_map(node.value, catalogue, task_types)
        elif isinstance(node, ast.ClassDef):
            m = _DOC.search(ast.get_docstring(node) or "")
            if m is None:
                continue
            if m.group(1) == "params":
                params[m.group(2)] = (m.group(3), node)
            else:
                results[m.group(2)] = node
    if not params:
        raise SpecError(f"{path} holds no model params TypedDicts: not a runware-sdk task map")
    models = {}
    for model, (slug, cls) in params.items():
        try:
            fields = _typed_dict(cls)
            result = _typed_dict(results[model]) if model in results else None
        except RecursionError:
            raise SpecError(f"{path}: {cls.name} nests too deeply to be a generated TypedDict") from None
        task_type = task_types.get(model) or _literal_one(fields.get("taskType"))
        models[model] = ModelSpec(model, fields, result, task_type, slug or catalogue.get(model), cls.name, cls.lineno)
    shown = "runware/types/task_map.py"
    source = f"runware-sdk {version} {shown}" if version else path
    return Published(
        source,
        path,
        hashlib.sha256(data).hexdigest(),
        models,
        version=schemas_version,
        provider="runware",
        catalogue=catalogue or {m: s.slug or "" for m, s in models.items()},
    )


def _literal_one(f: Field | None) -> str | None:
    if f is None or f.values is None or len(f.values) != 1:
        return None
    v = json.loads(next(iter(f.values)))
    return v if isinstance(v, str) else None


def _model_map(node: ast.Dict, catalogue: dict[str, str], task_types: dict[str, str]) -> None:
    """Entries ``"id": ModelEntry(task_type=..., id=slug)`` of a module-level dict."""
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Call)):
            continue
        kw = {k.arg: k.value.value for k in value.keywords if isinstance(k.value, ast.Constant)}
        if "id" in kw:
            catalogue[key.value] = str(kw["id"])
            if "task_type" in kw:
                task_types[key.value] = str(kw["task_type"])


def _typed_dict(cls: ast.ClassDef) -> dict[str, Field]:
    out = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            out[stmt.target.id] = _annotation(stmt.annotation, stmt.lineno)
    return out


def _subscript(node: ast.expr) -> tuple[str, list[ast.expr]] | None:
    if not isinstance(node, ast.Subscript):
        return None
    head = node.value
    name = head.id if isinstance(head, ast.Name) else head.attr if isinstance(head, ast.Attribute) else ""
    args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
    return name, args


def _annotation(node: ast.expr, line: int) -> Field:
    # the generator marks optional fields with NotRequired and leaves required ones bare
    # (every class is total=False, so the bare ones are required by the generator's intent)
    required = True
    sub = _subscript(node)
    while sub is not None and sub[0] in ("NotRequired", "Required", "ReadOnly"):
        required = required and sub[0] != "NotRequired"
        node = sub[1][0]
        sub = _subscript(node)
    types, values = _types_of(node)
    return Field(required, types, values, None, ast.unparse(node), line)  # dict[str, object]: fields unknown


def _types_of(node: ast.expr) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """JSON types and (for ``Literal``) values of an annotation; None where it says nothing."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        parts = [_types_of(node.left), _types_of(node.right)]
        return _union(parts)
    if isinstance(node, ast.Constant) and node.value is None:
        return frozenset({"null"}), frozenset({"null"})
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        kind = _TYPES.get(name)
        return (frozenset({kind}) if kind else None), None
    sub = _subscript(node)
    if sub is None:
        return None, None
    name, args = sub
    if name == "Literal":
        vals = [a.value for a in args if isinstance(a, ast.Constant)]
        texts = frozenset(canonical(v) for v in vals)
        return frozenset(value_type(t) for t in texts), texts
    if name in ("Optional", "Union"):
        parts = [_types_of(a) for a in args]
        if name == "Optional":
            parts.append((frozenset({"null"}), frozenset({"null"})))
        return _union(parts)
    kind = _TYPES.get(name)
    return (frozenset({kind}) if kind else None), None


def _union(
    parts: list[tuple[frozenset[str] | None, frozenset[str] | None]],
) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    if any(t is None for t, _ in parts):
        return None, None
    types = frozenset().union(*(t for t, _ in parts if t is not None))
    values = None if any(v is None for _, v in parts) else frozenset().union(*(v for _, v in parts if v is not None))
    return types, values


# -- JSON Schema and OpenAPI ---------------------------------------------------------------
def read_spec_document(path: str, model: str | None, *, source: str | None = None) -> Published:
    """A JSON Schema or OpenAPI document describing one model's request body.

    The model id is ``model`` when given, else the document's own ``model`` field (a
    ``const`` or a one-value ``enum``, as a provider's per-model schema has).
    """
    data = _read_bytes(path)
    try:
        doc = json.loads(data)
    except RecursionError:
        raise SpecError(f"{path} nests too deeply to be a spec") from None
    except ValueError:
        doc = _yaml(data, path)
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: a spec must be a JSON (or YAML) object")
    resolver = _Resolver(doc)
    where = "the document"
    try:
        request, response, where = _request_schema(doc, path)
        params = _object_fields(resolver, request, 0)
        result = _object_fields(resolver, response, 0) if response is not None else None
    except (RecursionError, TypeError, AttributeError, ValueError) as exc:
        # a document of the right shape on top and anything underneath: say so, no traceback
        raise SpecError(f"{path}: the request schema ({where}) is not a usable JSON Schema ({exc})") from None
    if params is None:
        raise SpecError(f"{path}: the request schema ({where}) lists no properties")
    own = params.get("model")
    named = json.loads(next(iter(own.values))) if own and own.values and len(own.values) == 1 else None
    model_id = model or (named if isinstance(named, str) else None)
    if model_id is None:
        raise SpecError(f"{path}: the spec does not name its model; say which with --model ID or ID=FILE")
    spec = ModelSpec(str(named) if isinstance(named, str) else model_id, params, result, where=where)
    # the key is the id the spec is compared under; spec.model is the id it names itself
    return Published(source or path, path, hashlib.sha256(data).hexdigest(), {model_id: spec})


def _yaml(data: bytes, path: str) -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml comes with the contract extras
        raise SpecError(f"{path} is not JSON (and PyYAML is not installed to read YAML)") from None
    try:
        return yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path} is neither JSON nor YAML: {str(exc).splitlines()[0]}") from None


def _request_schema(doc: dict[str, Any], path: str) -> tuple[Any, Any, str]:
    """(request schema, response schema or None, where) in an OpenAPI or JSON Schema document."""
    if "openapi" in doc or "swagger" in doc:
        paths = doc.get("paths")
        for route, item in sorted(paths.items() if isinstance(paths, dict) else ()):
            op = item.get("post") if isinstance(item, dict) else None
            body = _json_content(op.get("requestBody") if isinstance(op, dict) else None)
            if body is not None and isinstance(op, dict):
                responses = op.get("responses") or {}
                ok = next((responses[c] for c in ("200", "201", "202") if c in responses), None)
                return body, _json_content(ok), f"POST {route}"
        raise SpecError(f"{path}: no POST operation with a JSON request body")
    for key in ("request_schema", "requestSchema", "input_schema", "inputSchema", "input"):
        if isinstance(doc.get(key), dict):
            out = doc.get("response_schema") or doc.get("responseSchema") or doc.get("output_schema")
            return doc[key], out if isinstance(out, dict) else None, f"/{key}"
    return doc, None, "the document's schema"


def _json_content(node: Any) -> Any:
    if not isinstance(node, dict):
        return None
    content = node.get("content")
    for mime, media in content.items() if isinstance(content, dict) else ():
        if "json" in mime and isinstance(media, dict) and "schema" in media:
            return media["schema"]
    return None


class _Resolver:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def resolve(self, node: Any, depth: int = 0) -> Any:
        """Follow local ``$ref``s and merge ``allOf`` members into one object schema."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 32:
            target = self._at(node["$ref"])
            rest = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **rest} if isinstance(target, dict) else target
            seen += 1
        if isinstance(node, dict) and isinstance(node.get("allOf"), list) and depth < _MAX_DEPTH:
            merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
            for part in node["allOf"]:
                part = self.resolve(part, depth + 1)
                if not isinstance(part, dict):
                    continue
                merged.setdefault("properties", {}).update(part.get("properties") or {})
                merged["required"] = [*merged.get("required", []), *part.get("required", [])]
                for k, v in part.items():
                    if k not in ("properties", "required"):
                        merged.setdefault(k, v)
            node = merged
        return node

    def _at(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}  # a remote reference says nothing we can read offline
        node: Any = self.doc
        for part in split_pointer(ref[1:]):
            node = node.get(part) if isinstance(node, dict) else None
        return node if node is not None else {}


def _object_fields(resolver: _Resolver, schema: Any, depth: int) -> dict[str, Field] | None:
    schema = resolver.resolve(schema)
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return None
    required = {r for r in schema.get("required") or () if isinstance(r, str)}
    return {
        name: schema_field(resolver.resolve(sub), name in required, resolver, depth)
        for name, sub in schema["properties"].items()
    }


def schema_field(node: Any, required: bool, resolver: _Resolver | None = None, depth: int = 0) -> Field:
    """A JSON Schema property as a :class:`Field` (also used for wanspec's own schemas)."""
    resolver = resolver or _Resolver({})
    if not isinstance(node, dict):
        return Field(required)
    types, values = json_schema_types(node, resolver)
    if types is None and isinstance(node.get("properties"), dict):
        types = frozenset({"object"})  # properties without a type: an object schema all the same
    children = None
    if types is not None and types <= {"object", "null"} and depth < _MAX_DEPTH:
        children = _object_fields(resolver, node, depth + 1)
    stated = ", ".join(
        f"{k}: {json.dumps(node[k])}" for k in ("type", "enum", "const", "minimum", "maximum") if k in node
    )
    return Field(required, types, values, children, stated)


def json_schema_types(node: dict[str, Any], resolver: _Resolver) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    if "const" in node:
        text = canonical(node["const"])
        return frozenset({value_type(text)}), frozenset({text})
    if isinstance(node.get("enum"), list):
        texts = frozenset(canonical(v) for v in node["enum"])
        return frozenset(value_type(t) for t in texts), texts
    for key in ("anyOf", "oneOf"):
        if isinstance(node.get(key), list):
            parts = [json_schema_types(resolver.resolve(p), resolver) for p in node[key] if isinstance(p, dict)]
            return _union(parts) if parts else (None, None)
    kind = node.get("type")
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else None
    types = frozenset(k for k in kinds if isinstance(k, str)) if kinds is not None else None
    if types is None:
        return None, None
    values = None
    lo, hi = node.get("minimum"), node.get("maximum")
    bounded = isinstance(lo, int | float) and isinstance(hi, int | float) and not isinstance(lo, bool)
    if types <= {"integer", "number"} and bounded and lo is not None and hi is not None and hi - lo <= _MAX_RANGE:
        # a number range is compared by its whole numbers; the type comparison says that
        # it also takes fractions
        import math

        values = frozenset(canonical(v) for v in range(math.ceil(lo), math.floor(hi) + 1))
    return types, values
