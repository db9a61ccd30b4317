"""``wanspec drift OLD NEW``: what changed between two recordings of the same scenarios.

Scenarios pair up by their path relative to OLD and NEW (``runware/flash-i2v.yaml``).
Within a scenario, the exchanges that play the same part are compared: the submission's
response, the first pending poll and the terminal response (the number of polls is timing,
not contract). Each change is a ``Diagnostic`` whose rule (WS9xx in ``rules.json``) says
whether it breaks clients: severity ``error`` is breaking, ``warning`` non-breaking, ``info``
informational, so reporters, ``--select``/``--ignore`` and exit codes work as for lint.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ...errors import CatalogError
from ...jsontools import json_type
from ...lint.run import LintOptions
from ...project.policy import Policy
from ...records import Diagnostic, LintResult
from ...recordtype import recordclass
from .._cassette import Cassette, CassetteError, CassetteInaccessible, find_cassettes, read_cassette
from .._errors import ContractError
from .._protocol import JOB_OUTCOMES, Phase, Protocol, load_protocol
from .infer import infer_provider
from .verify import diagnostic


@recordclass
class DriftOptions:
    cost_tolerance: float = 0.05  # relative change in cost that is not reported
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    policy: Policy | None = None  # a project config's per-file ignores and severities
    missing_breaking: bool = False  # a scenario not re-recorded is WS913 (breaking), not WS918 (listed)


def shape(value: Any, pointer: str = "") -> dict[str, str]:
    """Every field path in a JSON document with its type; array items merge under index 0."""
    out = {pointer or "/": json_type(value, integers=False)} if pointer else {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(shape(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}"))
    elif isinstance(value, list):
        for item in value:
            for path, kind in shape(item, f"{pointer}/0").items():
                out.setdefault(path, kind)
    return out


@recordclass
class _Part:
    role: str  # "submission", "pending poll", "terminal poll"
    index: int
    line: int | None
    status: int
    body: Any
    phase: str | None


def _read(cassette: Cassette, protocol: Protocol) -> tuple[dict[str, _Part], dict[str, set[str]]]:
    """In one pass over a recording: the exchanges that play each part (the submission, the
    first pending poll, the terminal poll), and the status words used, by the phase of the
    state they were in ("?" for a response no state describes)."""
    parts: dict[str, _Part] = {}
    words: dict[str, set[str]] = {}
    for ex in cassette.exchanges:
        op = protocol.operation_for(ex.method, ex.path, ex.request_json())
        body = ex.response_json()
        state = protocol.classify(op, ex.status, body) if op else None
        phase = state.phase if state is not None else None
        word = protocol.field("status", body) if body is not None else None
        if isinstance(word, str):
            words.setdefault(phase or "?", set()).add(word)
        if op == "submit":
            role = "submission"
        elif phase == Phase.PENDING:
            role = "pending poll"
        elif phase in JOB_OUTCOMES or (op == "poll" and phase is None):
            role = "terminal poll"
        else:
            continue
        parts.setdefault(role, _Part(role, ex.index, ex.line, ex.status, body, phase))
    return parts, words


def _outcome(parts: dict[str, _Part]) -> str | None:
    sub = parts.get("submission")
    return sub.phase if sub is not None else None


class _Differ:
    def __init__(self, protocol: Protocol, options: DriftOptions, new_path: str, emit: Callable[[Diagnostic], None]):
        self.p, self.options, self.path, self.emit = protocol, options, new_path, emit

    def report(self, name: str, message: str, part: _Part, pointer: str = "") -> None:
        self.emit(
            diagnostic(name, message, file=self.path, task=part.index, line=part.line, pointer=pointer, hint=None)
        )

    def compare(
        self,
        old: dict[str, _Part],
        new: dict[str, _Part],
        old_vocab: dict[str, set[str]],
        new_vocab: dict[str, set[str]],
    ) -> None:
        o_out, n_out = _outcome(old), _outcome(new)
        if o_out != n_out and Phase.REJECTED in (o_out, n_out) and "submission" in new:
            # the outcome changed: that is the change; HTTP statuses and status words follow from it
            sub = new["submission"]
            if n_out == Phase.REJECTED:
                code = self.p.field("errorCode", sub.body)
                msg = self.p.field("errorMessage", sub.body)
                self.report("accepted-now-rejected", f"the request is now rejected ({code}: {msg})", sub)
            else:
                self.report("rejected-now-accepted", "the request, rejected before, is now accepted", sub)
            return
        for role in ("submission", "pending poll", "terminal poll"):
            if role in old and role in new:
                self.compare_part(old[role], new[role])
        first = next(iter(new.values()), None)
        if first is None:
            return
        old_end, new_end = old.get("terminal poll"), new.get("terminal poll")
        if old_end is not None and new_end is None and n_out == Phase.ACCEPTED:
            last = max(new.values(), key=lambda part: part.index)
            self.report(
                "job-never-terminates",
                f"the job used to end {old_end.phase}, now the recording ends with it {last.phase or 'unanswered'}",
                last,
            )
        if old_end is not None and new_end is not None and {old_end.phase, new_end.phase} == JOB_OUTCOMES:
            rule = "job-now-fails" if new_end.phase is Phase.FAILED else "job-now-succeeds"
            self.report(rule, f"the job used to end {old_end.phase}, now it ends {new_end.phase}", new_end)
        # words compared within a phase both recordings reached: a job that now succeeds
        # instead of failing says "completed" instead of "failed", which is not new vocabulary
        for phase in sorted(set(old_vocab) | set(new_vocab)):
            if phase != "?" and not (phase in old_vocab and phase in new_vocab):
                continue
            was, now = old_vocab.get(phase, set()), new_vocab.get(phase, set())
            for word in sorted(now - was):
                self.report("status-word-added", f"new status word {word!r} (before: {', '.join(sorted(was))})", first)
            for word in sorted(was - now):
                self.report("status-word-removed", f"status word {word!r} no longer seen", first)

    def compare_part(self, old: _Part, new: _Part) -> None:
        role = new.role
        if old.status != new.status:
            self.report("http-status-changed", f"{role}: HTTP {old.status} → {new.status}", new)
        if old.phase != new.phase:
            return  # different states (rejected vs accepted): their shapes are not comparable
        a, b = shape(old.body), shape(new.body)
        removed = [k for k in a if k not in b and not any(k.startswith(r + "/") for r in a if r != k and r not in b)]
        added = [k for k in b if k not in a and not any(k.startswith(r + "/") for r in b if r != k and r not in a)]
        for k in removed:
            twin = next((x for x in added if x.rsplit("/", 1)[0] == k.rsplit("/", 1)[0] and b[x] == a[k]), None)
            hint = f" (renamed to {twin.rsplit('/', 1)[1]!r}?)" if twin else ""
            self.report("response-field-removed", f"{role}: field {k} ({a[k]}) is gone{hint}", new, k)
        for k in added:
            self.report("response-field-added", f"{role}: new field {k} ({b[k]})", new, k)
        for k in a.keys() & b.keys():
            if a[k] != b[k] and "null" not in (a[k], b[k]):
                self.report("response-field-type-changed", f"{role}: field {k} was {a[k]}, is now {b[k]}", new, k)
        if new.phase in (Phase.REJECTED, Phase.FAILED):
            for fld, rule in (
                ("errorCode", "error-code-changed"),
                ("errorParameter", "error-parameter-changed"),
                ("errorMessage", "error-message-changed"),
            ):
                x, y = self.p.field(fld, old.body), self.p.field(fld, new.body)
                if x != y:
                    self.report(rule, f"{role}: {fld} {x!r} → {y!r}", new)
        x, y = self.p.field("cost", old.body), self.p.field("cost", new.body)
        if _number(x) and _number(y) and x != y:
            change = (y - x) / x if x else float("inf")
            if abs(change) > self.options.cost_tolerance:
                rule = "cost-increased" if y > x else "cost-decreased"
                self.report(rule, f"{role}: cost {x:g} → {y:g} ({change:+.1%})", new)


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _index(root: str) -> dict[str, str]:
    if os.path.isfile(root):
        return {os.path.basename(root): root}
    return {os.path.relpath(p, root).replace(os.sep, "/"): p for p in find_cassettes([root])}


def drift(
    old_root: str, new_root: str, options: DriftOptions | None = None, sink: Callable[[Diagnostic], None] | None = None
) -> LintResult:
    """Compare two cassette sets (directories, or two single files); one Diagnostic per change."""
    opts = options or DriftOptions()
    chosen = LintOptions(select=opts.select, ignore=opts.ignore, policy=opts.policy).apply
    result = LintResult(unit="scenario")
    out = sink or result.diagnostics.append

    def emit(d: Diagnostic) -> None:
        if (kept := chosen(d)) is not None:
            result.count(kept)
            out(kept)

    old_files, new_files = _index(old_root), _index(new_root)
    if os.path.isfile(old_root) and os.path.isfile(new_root):
        old_files, new_files = {"scenario": old_root}, {"scenario": new_root}
    for name in sorted(old_files.keys() | new_files.keys()):
        result.files += 1
        if name not in new_files:
            if opts.missing_breaking:
                emit(
                    diagnostic(
                        "scenario-missing", f"scenario {name} has no cassette in {new_root}", file=old_files[name]
                    )
                )
            else:
                message = f"scenario {name} was not re-recorded in {new_root}: not compared"
                emit(diagnostic("scenario-not-compared", message, file=old_files[name]))
            continue
        if name not in old_files:
            emit(diagnostic("scenario-added", f"new scenario {name} (nothing to compare with)", file=new_files[name]))
            continue
        try:
            which = old_files[name]
            old = read_cassette(which)
            which = new_files[name]
            new = read_cassette(which)
        except CassetteError as exc:
            rule = "cassette-inaccessible" if isinstance(exc, CassetteInaccessible) else "cassette-unreadable"
            emit(diagnostic(rule, f"cannot compare {name}: {exc}", file=which, line=exc.line))
            continue

        provider = infer_provider(new) or infer_provider(old)
        try:
            protocol = load_protocol(provider or "")
        except (ContractError, CatalogError):
            emit(diagnostic("unknown-operation", f"unknown provider {provider!r}: cannot compare", file=new.path))
            continue
        result.tasks += 1
        differ = _Differ(protocol, opts, new.path, emit)
        (old_parts, old_words), (new_parts, new_words) = _read(old, protocol), _read(new, protocol)
        differ.compare(old_parts, new_parts, old_words, new_words)
    return result
