"""``wanspec cassettes coverage``: which parts of the contract recorded evidence backs.

Four kinds of item, all read from data: every schema id of the catalogue; every workflow a
model schema lists (``x-wanspec.workflows``, each with a ``when`` schema over the task);
every rule code the model schemas can emit (their ``x-rule`` tags and the catalogue's
codes for the keywords they use); every provider error code the protocol files name
(``loopback``: rejection codes, HTTP error codes, the job failure, the duplicate job).

An item is backed by an accepted request that exercises it (the request is of that
schema, matches the workflow, carries the field a rule is about: a rule on the whole task
by any request of its schema), or by a rejection the provider gave for it (the rejected
request lints with that code; the response carries that error code). Each item becomes
one diagnostic: WS820 (info) when backed, with its evidence; WS818 (warning) for a gap;
then WS821, the shares by kind, and WS819 (error) when the share is below the minimum.
So every ``--format`` reports coverage, and ``--min-coverage`` gates CI by exit status.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ...catalog import store
from ...errors import UsageError
from ...lint.engine import compiled
from ...lint.run import choose_schema, lint_payload
from ...records import Diagnostic, LintResult, Severity
from ...recordtype import field, recordclass
from .._cassette import Cassette, CassetteError, find_cassettes, read_cassette
from .._protocol import Phase, list_protocols, load_protocol
from .._recording import _skipped, skip_patterns
from .infer import infer_provider
from .verify import diagnostic

KINDS = ("schema", "workflow", "rule", "error code")
_RULE_KEYWORDS = (
    *("type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
    *("minLength", "maxLength", "pattern", "format", "minItems", "maxItems", "uniqueItems", "required"),
    *("dependentRequired", "x-pairs", "x-area", "x-aspectRatio", "x-media"),
)


@recordclass(frozen=False, slots=False)
class Item:
    """One thing evidence may back: its kind, its name, and the evidence found (cassette paths)."""

    kind: str
    name: str
    schema: str | None = None
    evidence: list[tuple[str, int | None, str]] = field(default_factory=list)  # (file, line, how)

    @property
    def backed(self) -> bool:
        return bool(self.evidence)


@recordclass(frozen=False, slots=False)
class Coverage:
    """Every item, in a stable order, and the shares backed."""

    items: dict[tuple[str, str], Item] = field(default_factory=dict)

    def add(self, kind: str, name: str, schema: str | None = None) -> Item:
        return self.items.setdefault((kind, name), Item(kind, name, schema))

    def share(self, kind: str | None = None) -> tuple[int, int]:
        """(backed, total) over one kind or all."""
        chosen = [i for i in self.items.values() if kind is None or i.kind == kind]
        return sum(i.backed for i in chosen), len(chosen)


# -- what there is to cover (all from the schemas and protocol files) -------------------------
def _rule_sites(schema: dict[str, Any]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """(code, field path) for every rule the schema can emit; the path is () for a rule on the task."""
    codes = store.keyword_codes()

    def walk(node: Any, fields: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
        if not isinstance(node, dict):
            return
        tag = node.get("x-rule")
        tagged = [tag] if isinstance(tag, str) else list(tag.values()) if isinstance(tag, dict) else []
        for code in tagged:
            yield code, fields
        for keyword in _RULE_KEYWORDS:
            if keyword in node and not (isinstance(tag, dict) and keyword in tag) and not isinstance(tag, str):
                yield codes.get(keyword, codes["*"]), fields
        if node.get("additionalProperties") is False:
            yield codes["additionalProperties"], fields
        for name, sub in (node.get("properties") or {}).items():
            yield from walk(sub, (*fields, name))
        if isinstance(node.get("items"), dict):
            yield from walk(node["items"], fields)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, ()):
                yield from walk(sub, fields)
        for key in ("then", "else", "not"):  # `if` is a condition, not a rule
            yield from walk(node.get(key), fields)

    yield from walk(schema, ())


def _error_codes(protocol: Any) -> list[str]:
    """The provider error codes the protocol's loopback data names (a ``{Parameter}`` template
    stands for a family of codes: ``invalid{Parameter}``)."""
    config = protocol.loopback
    found: list[Any] = []
    for value in config.get("reject", {}).get("codes", {}).values():
        found += value if isinstance(value, list) else [value]
    found += [e.get("code") for e in config.get("errors", {}).values() if isinstance(e, dict)]
    found += [config.get(k, {}).get("code") for k in ("jobFailure", "duplicateJob")]
    return list(dict.fromkeys(str(c) for c in found if c is not None))


def _code_pattern(code: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", code)
    return re.compile("^" + r"[A-Z]\w*".join(re.escape(p) for p in parts) + "$")


# -- the evidence -----------------------------------------------------------------------------
@recordclass(frozen=False, slots=False)
class _Inventory:
    coverage: Coverage
    sites: dict[str, list[tuple[str, tuple[str, ...]]]]  # schema id -> [(code, fields)]
    workflows: dict[str, list[tuple[str, dict[str, Any]]]]  # schema id -> [(name, when)]
    error_codes: dict[str, list[tuple[str, re.Pattern[str]]]]  # provider -> [(item name, pattern)]


def _inventory() -> _Inventory:

    cov = Coverage()
    sites, workflows = {}, {}
    cat = store.catalog()
    for schema_id in cat.ids():
        cov.add("schema", schema_id, schema_id)
        entry = cat.entries[schema_id]
        flows = [(w["name"], w.get("when", {})) for w in entry.raw.get("x-wanspec", {}).get("workflows", ())]
        workflows[schema_id] = flows
        for name, _ in flows:
            cov.add("workflow", f"{schema_id} › {name}", schema_id)
        sites[schema_id] = sorted(set(_rule_sites(compiled(schema_id).schema)))
        for code, _ in sites[schema_id]:
            cov.add("rule", code)
    codes = {}
    for provider in list_protocols():
        codes[provider] = [(f"{provider} › {c}", _code_pattern(c)) for c in _error_codes(load_protocol(provider))]
        for name, _ in codes[provider]:
            cov.add("error code", name)
    return _Inventory(cov, sites, workflows, codes)


def _present(task: Any, fields: tuple[str, ...]) -> bool:
    node = task
    for name in fields:
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
    return True


def _gather(inv: _Inventory, cassette: Cassette, provider: str) -> None:
    import jsonschema_rs  # deferred: loaded with the linter anyway; coverage uses it directly

    protocol = load_protocol(provider)
    skip = skip_patterns(provider)
    cov = inv.coverage
    for ex in cassette.exchanges:
        body = ex.response_json()
        operation = protocol.operation_for(ex.method, ex.path, ex.request_json())
        state = protocol.classify(operation, ex.status, body) if operation else None
        where = (cassette.path, ex.line)
        code = protocol.field("errorCode", body) if body is not None else None
        if code is not None and state is not None and state.phase in (Phase.REJECTED, Phase.FAILED):
            known = inv.error_codes.get(provider, ())
            exact = f"{provider} › {code}"
            name = (
                exact if any(n == exact for n, _ in known) else next((n for n, p in known if p.match(str(code))), exact)
            )
            item = cov.add("error code", name)
            item.evidence.append((*where, f"HTTP {ex.status} {code}"))
        if operation != "submit" or state is None:
            continue
        request = ex.request_json()
        tasks = request if isinstance(request, list) else [request]
        task = next((t for t in tasks if isinstance(t, dict) and not _skipped(t, skip)), None)
        if task is None:
            continue
        try:
            schema_id, _ = choose_schema(task, cassette.metadata.get("schema"))
            lint = [d for d in lint_payload(task, schema_id) if d.severity is Severity.ERROR]
        except UsageError:
            continue
        if schema_id is None:
            continue
        rejected = state.phase == Phase.REJECTED
        if rejected and (ex.status in (401, 402, 403, 429) or ex.status >= 500 or not lint):
            continue  # not about the request's content
        how = f"rejected ({code})" if rejected else "accepted"
        cov.add("schema", schema_id, schema_id).evidence.append((*where, how))
        for name, when in inv.workflows.get(schema_id, ()):
            if jsonschema_rs.is_valid(when, task):
                cov.add("workflow", f"{schema_id} › {name}", schema_id).evidence.append((*where, how))
        if rejected:
            for d in lint:
                cov.add("rule", d.code).evidence.append((*where, f"rejected ({code}) at {d.pointer or '/'}"))
        else:
            for rule, fields in inv.sites.get(schema_id, ()):
                if _present(task, fields):
                    detail = "/" + "/".join(fields) if fields else "the task"
                    cov.add("rule", rule).evidence.append((*where, f"accepted, {schema_id} {detail}"))


def _diagnostics(cov: Coverage, roots: str, min_share: float | None) -> Iterator[Diagnostic]:
    for item in sorted(cov.items.values(), key=lambda i: (KINDS.index(i.kind), i.name)):
        if item.backed:
            first_file, first_line, first_how = item.evidence[0]
            files = len({f for f, _, _ in item.evidence})
            more = f" (and {len(item.evidence) - 1} more, in {files} cassettes)" if len(item.evidence) > 1 else ""
            message = f"{item.kind} {item.name}: backed, {first_how}{more}"
            yield diagnostic("coverage-backed", message, file=first_file, line=first_line, schema=item.schema)
        else:
            message = f"{item.kind} {item.name}: no recorded request exercises it and no rejection names it"
            yield diagnostic("coverage-gap", message, file=roots, schema=item.schema)
    backed, total = cov.share()
    parts = ", ".join(f"{kind}s {'/'.join(map(str, cov.share(kind)))}" for kind in KINDS)
    share = backed / total if total else 1.0
    yield diagnostic("coverage-summary", f"{backed} of {total} items backed ({share:.1%}): {parts}", file=roots)
    if min_share is not None and share < min_share:
        message = f"coverage {share:.1%} is below the required minimum of {min_share:.1%}"
        yield diagnostic("coverage-below-minimum", message, file=roots)


def coverage_paths(
    paths: Iterable[str],
    sink: Callable[[Diagnostic], None] | None = None,
    min_share: float | None = None,
) -> tuple[LintResult, Coverage]:
    """Coverage of the contract by the cassettes under ``paths``; ``min_share`` in 0..1."""

    paths = list(paths)
    result = LintResult(unit="interaction")
    out = sink or result.diagnostics.append
    inv = _inventory()
    for path in find_cassettes(paths):
        result.files += 1
        try:
            cassette = read_cassette(path)
        except CassetteError:
            continue  # `cassettes verify` reports it; an unreadable file backs nothing
        provider = infer_provider(cassette)
        result.tasks += len(cassette.exchanges)
        if provider is not None:
            _gather(inv, cassette, provider)
    for d in _diagnostics(inv.coverage, ", ".join(paths), min_share):
        result.count(d)
        out(d)
    return result, inv.coverage
