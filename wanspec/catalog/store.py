"""The schemas shipped with wanspec: where they are, what they are for, and the rule codes.

Every schema is read through ``importlib.resources`` from the package's ``schemas``
directory (``schemas/`` at the repository top is mapped there in the wheel). Each model
schema carries its own metadata under ``x-wanspec`` (id, provider, title, docs, and for
payloads that name no model, a ``detect`` schema); provider files starting with ``_``
hold shared definitions referenced with ``$ref``. Nothing here knows any model: it only
indexes what the files say.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache, lru_cache
from typing import Any, Protocol

from ..errors import CatalogError, UnknownNameError, suggest
from ..records import Severity
from ..recordtype import recordclass


@recordclass
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    explanation: str = ""
    example: dict[str, Any] | None = None
    category: str = ""
    environment: bool = False  # the input could not be read or checked at all: exit status 2
    fix: str | None = None  # the generic fix kind `wanspec lint --fix` applies (project.fix.FIXES)


@recordclass
class SchemaEntry:
    id: str
    provider: str
    title: str
    path: str  # relative to the schemas root
    models: tuple[str, ...]
    docs: tuple[str, ...]
    detect: dict[str, Any] | None

    @property
    def raw(self) -> dict[str, Any]:
        """The schema file as written (read when first asked for)."""
        return _document(self.path)


class Resource(Protocol):
    """The part of ``importlib.resources.abc.Traversable`` the catalogue uses."""

    @property
    def name(self) -> str: ...
    def is_dir(self) -> bool: ...
    def is_file(self) -> bool: ...
    def iterdir(self) -> Any: ...
    def joinpath(self, *parts: str) -> Any: ...
    def read_text(self, encoding: str | None = None) -> str: ...


class _Dir:
    """A directory on the file system, with the Traversable methods the catalogue needs.

    ``importlib.resources.files()`` costs about 20 ms of start-up (it imports zipfile,
    tempfile and pathlib) and resolves, for a package installed on a file system, to
    this very directory; so that case is read with ``os`` and the rest (zip imports)
    goes through importlib.resources. tests/test_schemas.py checks both agree.
    """

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def is_dir(self) -> bool:
        return os.path.isdir(self.path)

    def is_file(self) -> bool:
        return os.path.isfile(self.path)

    def iterdir(self) -> list[_Dir]:
        return [_Dir(os.path.join(self.path, n)) for n in os.listdir(self.path)]

    def joinpath(self, *parts: str) -> _Dir:
        return _Dir(os.path.join(self.path, *parts))

    def read_text(self, encoding: str | None = None) -> str:
        with open(self.path, encoding=encoding or "utf-8") as f:
            return f.read()


@cache
def schemas_root(*, via_resources: bool = False) -> Resource:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the wanspec package
    packaged = os.path.join(here, "schemas")
    if not via_resources and os.path.isdir(packaged):
        return _Dir(packaged)
    if not via_resources and not os.path.exists(packaged):
        # a source checkout or an editable install: the top-level directory is the data
        source = os.path.join(os.path.dirname(here), "schemas")
        if os.path.isfile(os.path.join(source, "rules.json")):
            return _Dir(source)
    from importlib import resources

    return resources.files("wanspec").joinpath("schemas")


def _read(path: str) -> dict[str, Any]:
    node = schemas_root()
    for part in path.split("/"):
        node = node.joinpath(part)
    try:
        data = json.loads(node.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogError(f"cannot read bundled schema file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogError(f"bundled schema file {path} is not a JSON object")
    return data


@cache
def _document(path: str) -> dict[str, Any]:
    return _read(path)


#: Where the wheel keeps the schemas prebuilt at build time (wanspec.lint.prebuilt).
PREBUILT = "_prebuilt"


def prebuilt(path: str) -> dict[str, Any] | None:
    """The prebuilt form of the schema file ``path``, or None when there is none (a source
    checkout or an editable install: the caller builds it)."""
    node = schemas_root().joinpath(PREBUILT, *path.split("/"))
    if not node.is_file():
        return None
    return _read(f"{PREBUILT}/{path}")


def checker_module_name(path: str) -> str:
    """The module name of the prebuilt checker of the schema file ``path``."""
    return re.sub(r"[^0-9A-Za-z]", "_", path.removesuffix(".json").replace("/", "__"))


@cache
def _checker_file(path: str) -> str | None:
    root = schemas_root()
    if not isinstance(root, _Dir):  # a zip import: the checker is compiled at run time
        return None
    file = os.path.join(root.path, PREBUILT, "checkers", f"{checker_module_name(path)}.py")
    return file if os.path.isfile(file) else None


def prebuilt_checker_exists(path: str) -> bool:
    return _checker_file(path) is not None


def prebuilt_checker(path: str) -> Any | None:
    """The checker module the wheel ships for the schema file ``path`` (written by
    wanspec.lint.compiler when the wheel was built, byte-compiled by pip at install), or
    None when the install has none (a source checkout, an editable install, a schema the
    compiler leaves to jsonschema-rs)."""
    file = _checker_file(path)
    if file is None:
        return None
    import importlib.util  # here: only a run that builds a checker loads one

    spec = importlib.util.spec_from_file_location(f"wanspec._checkers.{checker_module_name(path)}", file)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry_record(entry: SchemaEntry) -> dict[str, Any]:
    """What the prebuilt index keeps of an entry (everything but the document)."""
    return {
        "id": entry.id,
        "provider": entry.provider,
        "title": entry.title,
        "path": entry.path,
        "models": list(entry.models),
        "docs": list(entry.docs),
        "detect": entry.detect,
    }


def squash(text: str) -> str:
    """Letters and digits only, lower case: how a model's title is found inside an id or slug."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _model_ids(schema: dict[str, Any]) -> tuple[str, ...]:
    model = schema.get("properties", {}).get("model", {})
    if "const" in model:
        return (model["const"],)
    return tuple(model.get("enum", ()))


@recordclass(frozen=False, slots=False)
class Catalog:
    entries: dict[str, SchemaEntry]
    by_model: dict[str, SchemaEntry]

    @property
    def shared(self) -> dict[str, dict[str, Any]]:
        """``$id`` → shared definitions document (the ``_*.json`` files of each provider)."""
        return _shared()

    def get(self, schema_id: str) -> SchemaEntry:
        try:
            return self.entries[schema_id]
        except KeyError:
            raise self.unknown(schema_id) from None

    def unknown(self, schema_id: str) -> UnknownNameError:
        """What to raise for an id the catalogue does not have (a ``KeyError`` too), with
        the closest id: the one wording of every entry point that takes a schema id."""
        guess = self.suggest_schema(schema_id) if isinstance(schema_id, str) else None
        hint = f"; did you mean {guess!r}?" if guess else "; `wanspec schemas` lists them"
        return UnknownNameError("schema", str(schema_id), self.ids(), message=f"unknown schema {schema_id!r}{hint}")

    def ids(self) -> list[str]:
        return sorted(self.entries)

    def suggest_schema(self, name: str) -> str | None:
        return suggest(name, self.ids(), cutoff=0.6)

    def suggest_model(self, model: str) -> str | None:
        """The closest known model id: a near typo (same version numbers), else a model whose
        title is inside the id (``alibaba:wan@2.2-animate`` names "Wan2.2 Animate", which is
        ``runware:200@8``). Ids a schema keeps only for old payloads are never suggested."""
        import difflib

        retired = {m for e in self.entries.values() for m in (e.raw.get("x-wanspec") or {}).get("formerModels", ())}
        current = sorted(m for m in self.by_model if m not in retired)
        # a near typo, not another version: `alibaba:wan@3.5` is a different model from
        # `alibaba:wan@2.5-preview`, however alike the strings look
        digits = _digits(model)
        close = difflib.get_close_matches(model, current, n=3, cutoff=0.75)
        typo = next((c for c in close if _digits(c) == digits), None)
        if typo is not None:
            return typo
        wanted = squash(model)
        titled = [
            (len(squash(e.title)), m)
            for m in current
            if squash((e := self.by_model[m]).title) and squash(e.title) in wanted
        ]
        if titled and max(titled)[0] >= 8:  # a name, not just "wan26" inside a typo
            return max(titled)[1]
        return None


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def json_kind(value: Any) -> str:
    """What a JSON value is, in words, for messages (``a number (42)``, ``an array``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, list):
        return f"an array of {len(value)} items"
    return "an object" if isinstance(value, dict) else f"a {type(value).__name__}"


@cache
def catalog() -> Catalog:
    index = _prebuilt_index()
    if index is not None:
        entries = {r["id"]: _entry(r) for r in index["entries"]}
    else:
        entries = {}
        for rel in _schema_files(shared=False):
            doc = _document(rel)
            meta = doc.get("x-wanspec")
            if not isinstance(meta, dict) or "id" not in meta:
                raise CatalogError(f"{rel}: missing x-wanspec.id")
            entry = SchemaEntry(
                id=meta["id"],
                provider=meta.get("provider", rel.split("/")[0]),
                title=str(meta.get("title", meta["id"])),
                path=rel,
                models=_model_ids(doc),
                docs=tuple(meta.get("docs", ())),
                detect=meta.get("detect"),
            )
            entries[entry.id] = entry
    by_model = {model: entry for entry in entries.values() for model in entry.models}
    return Catalog(entries, by_model)


def _entry(record: dict[str, Any]) -> SchemaEntry:
    return SchemaEntry(
        id=record["id"],
        provider=record["provider"],
        title=record["title"],
        path=record["path"],
        models=tuple(record["models"]),
        docs=tuple(record["docs"]),
        detect=record["detect"],
    )


def _prebuilt_index() -> dict[str, Any] | None:
    if not schemas_root().joinpath(PREBUILT, "index.json").is_file():
        return None
    return _read(f"{PREBUILT}/index.json")


def _schema_files(*, shared: bool) -> list[str]:
    """Relative paths of the model schema files (or, with ``shared``, the ``_*.json`` ones), sorted."""
    root = schemas_root()
    out = []
    for provider_dir in sorted(root.iterdir(), key=lambda t: t.name):
        if not provider_dir.is_dir() or provider_dir.name.startswith((".", "_")):
            continue
        for item in sorted(provider_dir.iterdir(), key=lambda t: t.name):
            if item.name.endswith(".json") and item.name.startswith("_") == shared:
                out.append(f"{provider_dir.name}/{item.name}")
    return out


@cache
def _shared() -> dict[str, dict[str, Any]]:
    out = {}
    for rel in _schema_files(shared=True):
        doc = _document(rel)
        out[doc.get("$id", rel)] = doc
    return out


@cache
def rules() -> dict[str, Rule]:
    """Every rule code, from ``schemas/rules.json``."""
    data = _rules_document()
    out: dict[str, Rule] = {}
    for code, r in data["rules"].items():
        out[code] = Rule(
            code=code,
            name=r["name"],
            severity=Severity(r["severity"]),
            summary=r["summary"],
            explanation=r.get("explanation", ""),
            example=r.get("example"),
            category=r.get("category", ""),
            fix=r.get("fix"),
            environment=r.get("category") == "environment" or bool(r.get("environment")),
        )
    return out


@cache
def rule_codes_by_name() -> dict[str, str]:
    return {r.name: r.code for r in rules().values()}


def is_selector(sel: str) -> bool:
    """Whether ``sel`` selects rules: ``ALL``, a code, a prefix of codes (``WS4``) or a name."""
    return sel == "ALL" or sel in rule_codes_by_name() or any(code.startswith(sel) for code in rules())


def closest_selector(sel: str) -> str | None:
    """What a selector that selects nothing most likely meant: itself in upper case (codes
    are upper case, as in ruff: ``ws5`` is ``WS5``, not the nearest spelling ``WS925``),
    else the nearest code or name."""
    if sel.upper() != sel and is_selector(sel.upper()):
        return sel.upper()
    return suggest(sel, [*rules(), *rule_codes_by_name()], cutoff=0.6)


@cache
def keyword_codes() -> dict[str, str]:
    """Fallback rule codes for errors no ``x-rule`` tag claims, by JSON Schema keyword."""
    data: dict[str, str] = _rules_document()["keywords"]
    return data


def known_models() -> dict[str, dict[str, Any]]:
    """Model ids a provider lists that have no schema yet (``knownModels`` in rules.json)."""
    out: dict[str, dict[str, Any]] = {}
    for provider in providers().values():
        out.update(provider.get("knownModels") or {})
    return out


@cache
def _rules_document() -> dict[str, Any]:
    return _read("rules.json")


@cache
def sources() -> dict[str, str]:
    """Public addresses of the documents that ``x-doc`` citations name (rules.json ``sources``)."""
    data = _rules_document().get("sources", {})
    return {name: entry["url"] for name, entry in data.items() if isinstance(entry, dict) and "url" in entry}


@lru_cache(maxsize=4096)
def source_urls(citation: str) -> tuple[tuple[str, str], ...]:
    """(document, public address) for every source a citation names, in the citation's order."""
    found = [(citation.find(name), name, url) for name, url in sources().items() if name in citation]
    # "research/other-providers.md §1" and "§2" share a prefix: keep only the longest match at a place
    found = [f for f in found if not any(g[0] == f[0] and len(g[1]) > len(f[1]) for g in found)]
    return tuple((name, url) for _, name, url in sorted(found))


@cache
def providers() -> dict[str, Any]:
    """What ``rules.json`` says of each provider (parsed once; treat it as read-only)."""
    data: dict[str, Any] = _rules_document().get("providers", {})
    return data


@cache
def dereferenced(schema_id: str) -> dict[str, Any]:
    """A model schema with the shared definitions it refers to inlined: one document, so
    every error's schema path is also a location in it. Cached: treat it as read-only."""
    entry = catalog().get(schema_id)
    shared = catalog().shared
    if not shared or "$ref" not in repr(entry.raw):
        return entry.raw
    import jsonschema_rs  # loaded when a schema is first needed, not at import

    registry = jsonschema_rs.Registry(list(shared.items()))
    result: dict[str, Any] = jsonschema_rs.dereference(entry.raw, registry=registry)
    return result


@cache
def environment_codes() -> frozenset[str]:
    """Codes of the rules that mean "the input could not be read or checked": exit status 2."""
    return frozenset(r.code for r in rules().values() if r.environment)


def source_url(doc: str | None) -> str | None:
    """The one public address a citation is followed to (reports, SARIF, `explain`): an
    https address the citation quotes, else a page it starts with (``runware.ai/docs/…``),
    else the first document it names that rules.json ``sources`` has an address for."""
    return _source_url(doc) if doc else None


@lru_cache(maxsize=1024)  # a report cites the same few passages thousands of times
def _source_url(doc: str) -> str | None:
    import re  # only citations shown in full pay for it

    quoted = re.search(r"https://[^\s\"'›;,)]+", doc)
    if quoted:
        return quoted.group(0).rstrip(".")
    bare = re.match(r"([a-z0-9-]+(?:\.[a-z0-9-]+)+/[^\s\"'›;,)]*[^\s\"'›;,):.])", doc)  # runware.ai/docs/... › …
    if bare:
        return f"https://{bare.group(1)}"
    named = source_urls(doc)
    return named[0][1] if named else None


@cache
def rule_urls() -> dict[str, str]:
    """For each rule code a schema cites, the public page of its first citation (SARIF's
    ``helpUri``): the nearest ``x-doc`` at or above a node whose ``x-rule`` names the code."""
    found: dict[str, str] = {}
    by_keyword = keyword_codes()

    def walk(node: Any, doc: str | None) -> None:
        if isinstance(node, dict):
            doc = node.get("x-doc", doc) if isinstance(node.get("x-doc"), str) else doc
            rule = node.get("x-rule")
            codes = [rule] if isinstance(rule, str) else list(rule.values()) if isinstance(rule, dict) else []
            codes += [by_keyword[k] for k in node if k in by_keyword]  # x-pairs: WS401, required: WS110...
            for code in codes:
                url = source_url(doc)
                if isinstance(code, str) and url and code not in found:
                    found[code] = url
            for value in node.values():
                walk(value, doc)
        elif isinstance(node, list):
            for value in node:
                walk(value, doc)

    cat = catalog()
    for schema_id in cat.ids():
        walk(cat.entries[schema_id].raw, None)
    for shared in cat.shared.values():
        walk(shared, None)
    return found
