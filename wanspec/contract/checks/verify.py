"""Offline verification of recorded interactions: the linter, the API and the docs must agree.

For every cassette: each request is a known operation of its provider's protocol; an
accepted submission lints clean; a rejected one is flagged by the linter on the parameter
the API named; each response is one of the protocol's documented states and validates
against that state's schema; and each job reads acknowledgement → polls → one terminal
state. Findings are ordinary ``Diagnostic`` records (codes WS8xx in ``rules.json``), so
every reporter renders them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ...catalog import store
from ...errors import CatalogError, UsageError
from ...lint.run import LintOptions, lint_payload
from ...records import Diagnostic, LintResult, Severity
from ...recordtype import field, recordclass
from .._cassette import Cassette, CassetteError, CassetteInaccessible, Exchange, find_cassettes, read_cassette
from .._errors import ContractError
from .._protocol import JOB_OUTCOMES, PHASES, Phase, Protocol, State, load_protocol
from .infer import infer_provider


def diagnostic(name: str, message: str, **where: Any) -> Diagnostic:
    rule = store.rules()[store.rule_codes_by_name()[name]]
    return Diagnostic(rule.code, rule.severity, message, environment=rule.environment, **where)


@recordclass
class Step:
    """One exchange, understood: which operation it was and which state its response is in."""

    exchange: Exchange
    operation: str | None
    state: State | None
    phase: Phase | None
    job: str | None


def _param_paths(param: Any) -> list[str]:
    items = param if isinstance(param, list) else [param] if param else []
    return [str(p).replace("[", ".").replace("]", "").strip(".") for p in items if p]


def _pointer_path(pointer: str) -> str:
    parts = [p for p in pointer.split("/")[1:] if not p.isdigit()]
    return ".".join(parts)


def _agrees(param_paths: list[str], lint_errors: list[Diagnostic]) -> bool:
    flagged = [_pointer_path(d.pointer) for d in lint_errors]
    for p in param_paths:
        for f in flagged:
            if not f:
                continue
            if f == p or f.startswith(p + ".") or p.startswith(f + ".") or f.split(".")[-1] == p.split(".")[-1]:
                return True
    return False


@recordclass(frozen=False, slots=False)
class CassetteVerifier:
    """Checks one cassette at a time; ``sink`` receives each diagnostic as it is found."""

    sink: Callable[[Diagnostic], None]
    result: LintResult = field(default_factory=LintResult)
    options: LintOptions | None = None  # selection, per-file ignores and severities (a project config)

    def emit(self, d: Diagnostic) -> None:
        kept = d if self.options is None else self.options.apply(d)
        if kept is not None:
            self.result.count(kept)
            self.sink(kept)

    def verify_path(self, path: str) -> None:
        self.result.files += 1
        try:
            cassette = read_cassette(path)
        except CassetteError as exc:
            rule = "cassette-inaccessible" if isinstance(exc, CassetteInaccessible) else "cassette-unreadable"
            self.emit(diagnostic(rule, f"cannot read cassette: {exc}", file=path, line=exc.line))
            return
        self.verify(cassette)

    def verify(self, cassette: Cassette) -> None:

        path = cassette.path
        if not cassette.exchanges:
            self.emit(
                diagnostic(
                    "empty-cassette",
                    "the cassette records no interactions (a failed recording?): it is evidence of nothing",
                    file=path,
                )
            )
            return
        provider = infer_provider(cassette)
        if provider is None:
            self.emit(
                diagnostic(
                    "unknown-operation",
                    "the cassette names no provider (metadata.wanspec.provider) and its requests' hosts and paths "
                    "fit no single provider's protocol: cannot tell which protocol applies",
                    file=path,
                )
            )
            return

        try:
            protocol = load_protocol(provider)
        except (ContractError, CatalogError):
            self.emit(diagnostic("unknown-operation", f"unknown provider {provider!r} in the metadata", file=path))
            return
        schema = cassette.metadata.get("schema") if isinstance(cassette.metadata.get("schema"), str) else None
        steps = [self._step(protocol, ex, path, schema) for ex in cassette.exchanges]
        self.result.tasks += len(steps)
        self._lifecycle(steps, path)
        self._expectation(cassette, steps)

    def _expectation(self, cassette: Cassette, steps: list[Step]) -> None:
        """The recorded outcome of the first submission against the scenario's ``expect``."""
        expect = cassette.expect
        if expect not in (Phase.ACCEPTED, Phase.REJECTED):
            return
        first = next((s for s in steps if s.operation == "submit"), None)
        if first is None:
            self.emit(
                diagnostic(
                    "scenario-expectation",
                    f"the scenario expects the request to be {expect}, but the recording holds no submission",
                    file=cassette.path,
                )
            )
            return
        # a synchronous answer that is already the result (or the job's failure) was accepted
        outcome = Phase.ACCEPTED if first.phase in JOB_OUTCOMES else first.phase
        if outcome in (Phase.ACCEPTED, Phase.REJECTED) and outcome != expect:
            self.emit(
                diagnostic(
                    "scenario-expectation",
                    f"the scenario expects the request to be {expect}, the recording shows it {outcome}",
                    file=cassette.path,
                    task=first.exchange.index,
                    line=first.exchange.line,
                )
            )

    # -- one exchange ------------------------------------------------------------------
    def _step(self, protocol: Protocol, ex: Exchange, path: str, schema: str | None) -> Step:
        where = {"file": path, "task": ex.index, "line": ex.line, "schema": f"{protocol.provider}/_protocol"}
        request = ex.request_json()
        operation = protocol.operation_for(ex.method, ex.path, request)
        if operation is None:
            self.emit(
                diagnostic(
                    "unknown-operation",
                    f"{ex.method} {ex.path} is neither a submission nor a poll of the {protocol.provider} protocol",
                    **where,
                )
            )
            return Step(ex, None, None, None, None)
        body = ex.response_json()
        state = protocol.classify(operation, ex.status, body)
        if state is None:
            status = protocol.field("status", body) if body is not None else None
            said = f" with status {status!r}" if status is not None else ""
            self.emit(
                diagnostic(
                    "unrecognised-response",
                    f"HTTP {ex.status} response to {operation}{said} is none of the documented "
                    f"{protocol.provider} states",
                    **where,
                )
            )
            return Step(ex, operation, None, None, None)
        for problem in protocol.validate(state, body):
            self.emit(
                diagnostic(
                    "response-shape",
                    f"{state.name} response, {problem.pointer or '/'}: {problem.message}",
                    **{**where, "pointer": problem.pointer},
                )
            )
        if operation == "submit":
            self._check_request(protocol, ex, request, state, where, schema)
        job = protocol.field("jobId", body) if body is not None else None
        return Step(ex, operation, state, state.phase, str(job) if job is not None else None)

    def _check_request(
        self,
        protocol: Protocol,
        ex: Exchange,
        request: Any,
        state: State,
        where: dict[str, Any],
        schema: str | None,
    ) -> None:
        if request is None:
            return
        try:
            lint = [d for d in lint_payload(request, schema) if d.severity is Severity.ERROR]
        except UsageError as exc:
            self.emit(diagnostic("recorded-request-not-clean", f"cannot lint the request: {exc}", **where))
            return
        shown = "; ".join(f"{d.pointer or '/'} {d.code} {d.message}" for d in lint[:3])
        if state.phase == Phase.REJECTED:
            body = ex.response_json()
            code = protocol.field("errorCode", body)
            message = protocol.field("errorMessage", body)
            params = _param_paths(protocol.field("errorParameter", body))
            api = f"the API rejected it ({code}: {message})" if code is not None else "the API rejected it"
            if ex.status in (401, 402, 403, 429) or ex.status >= 500:
                return  # not about the request's content: nothing for the linter to agree with
            if not lint:
                self.emit(diagnostic("linter-missed-rejection", f"{api}, but the request lints clean", **where))
            elif params and not _agrees(params, lint):
                self.emit(
                    diagnostic(
                        "linter-missed-rejection",
                        f"{api} naming {', '.join(params)}, but the linter flags other fields: {shown}",
                        **where,
                    )
                )
        elif lint:
            self.emit(
                diagnostic(
                    "recorded-request-not-clean",
                    f"the API accepted this request, but it does not lint clean: {shown}",
                    **where,
                )
            )

    # -- the job lifecycle --------------------------------------------------------------
    def _lifecycle(self, steps: list[Step], path: str) -> None:
        jobs: list[list[Step]] = []
        by_id: dict[str, list[Step]] = {}
        for s in steps:
            if s.phase is None:
                continue
            if s.operation == "submit":
                jobs.append([s])
                if s.job:
                    by_id[s.job] = jobs[-1]
            elif s.job and s.job in by_id:
                by_id[s.job].append(s)
            elif jobs:
                jobs[-1].append(s)
            else:
                jobs.append([s])
        for job in jobs:
            phases = [_lifecycle_phase(s) for s in job if not _transient(s)]
            problem = _lifecycle_problem(phases)
            if problem is None and job[0].operation != "submit":
                problem = f"the job does not start with a submission ({' → '.join(phases)})"
            if problem:
                ex = job[0].exchange
                self.emit(diagnostic("job-lifecycle", problem, file=path, task=ex.index, line=ex.line))


def _transient(step: Step) -> bool:
    """A poll answered 429 or 5xx: clients retry it, so it is not a state of the job."""
    status = step.exchange.status
    return step.operation == "poll" and step.phase == Phase.REJECTED and (status == 429 or status >= 500)


def _lifecycle_phase(step: Step) -> str:
    # an error envelope in answer to a poll (Runware's timeoutProvider) ends the job: it failed
    return Phase.FAILED if step.operation == "poll" and step.phase == Phase.REJECTED else step.phase or ""


# rejected; answered at once with the result (synchronous delivery); or acknowledged, polled, ended
_LIFECYCLE = re.compile(r"^(R|[SF]|AP*[SF])$")


def _lifecycle_problem(phases: list[str]) -> str | None:
    letters = {Phase.ACCEPTED: "A", Phase.PENDING: "P", Phase.SUCCEEDED: "S", Phase.FAILED: "F", Phase.REJECTED: "R"}
    if _LIFECYCLE.match("".join(letters.get(Phase(p), "?") if p in PHASES else "?" for p in phases)):
        return None
    seq = " → ".join(phases)
    if not phases or phases[0] not in (Phase.ACCEPTED, Phase.REJECTED, *JOB_OUTCOMES):
        return f"the job does not start with a submission ({seq})"
    if phases[0] == Phase.REJECTED:
        return f"nothing may follow a rejected submission ({seq})"
    terminal = [p for p in phases if p in JOB_OUTCOMES]
    if not terminal:
        return f"the job never reaches a terminal state ({seq})"
    if len(terminal) > 1 or phases[-1] not in JOB_OUTCOMES:
        return f"the job goes on after its terminal state ({seq})"
    return f"the job's states are out of order ({seq})"


def verify_paths(
    paths: Iterable[str], sink: Callable[[Diagnostic], None] | None = None, *, options: LintOptions | None = None
) -> LintResult:
    """Verify every cassette under ``paths``; diagnostics go to ``sink`` or into the result.

    ``options`` selects the rules and applies a project's per-file ignores and severities.
    """
    result = LintResult(unit="interaction")
    verifier = CassetteVerifier(sink or result.diagnostics.append, result, options)
    for path in find_cassettes(paths):
        verifier.verify_path(path)
    return result
