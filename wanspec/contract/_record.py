"""``wanspec record``: re-run recorded scenarios against the live API, within a budget.

A scenario is a cassette: its metadata names the provider and what it expects, and its
first submission is the request to send again, rewritten the way it will be sent (volatile
fields such as Runware's ``taskUUID`` replaced by fresh ones here, so the price is the price
of those exact bytes). Every scenario is priced before anything is sent (``_pricing``); the
run refuses to start when the total exceeds the budget or a price is unknown, and a
:class:`Budget` sees every request body again just before it leaves (``on_send``), so no
rewrite after planning can spend more. A request is free only when the linter says the
provider will reject it *as sent*.

Cassettes are recorded into a staging directory beside ``out`` (``.wanspec-record-<pid>-…``)
and moved into place only when every scenario finished; an exception or a signal turned
into one removes it, and a staging directory left by a killed run (its process gone) is
removed by the next run, which says so.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import WanspecError
from ..files import process_alive
from ..recordtype import field, recordclass
from ._cassette import Cassette, CassetteError, find_cassettes, read_cassette
from ._errors import AuthenticationFailed, ContractError, JobFailed, RequestRejected, UnexpectedResponse
from ._pricing import Estimate, estimate_cost
from ._protocol import Phase, load_protocol
from ._recording import _skipped, recording, skip_patterns, volatile_fields

STAGING_PREFIX = ".wanspec-record-"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-")


class RecordError(WanspecError):
    """The recording cannot start or cannot finish (exit status 2 at the command line)."""


class BudgetExceeded(RecordError):
    """A request about to be sent would take the run over ``--max-cost`` (it is not sent)."""


@recordclass
class Scenario:
    name: str  # path relative to the scenario directory, e.g. runware/flash-i2v.yaml
    provider: str
    payload: dict[str, Any]
    metadata: dict[str, Any]
    endpoint: str | None = None  # the submission's path, for providers that route by URL (WaveSpeed)
    estimate: Estimate | None = None


@recordclass(frozen=False, slots=False)
class Plan:
    scenarios: list[Scenario]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)

    @property
    def total(self) -> float:
        return sum(s.estimate.amount or 0.0 for s in self.scenarios if s.estimate is not None)

    @property
    def unpriced(self) -> list[Scenario]:
        return [s for s in self.scenarios if s.estimate is None or not s.estimate.known]


def _submission(cassette: Cassette, protocol: Any) -> tuple[dict[str, Any], dict[str, Any], str] | None:
    """(the task to send again, the task as recorded, the submission's path) of a cassette."""

    volatile, skip = volatile_fields(protocol), skip_patterns(protocol.provider)
    for ex in cassette.exchanges:
        body = ex.request_json()
        if protocol.operation_for(ex.method, ex.path, body) != "submit":
            continue
        if isinstance(body, list):
            tasks = [t for t in body if isinstance(t, dict) and not _skipped(t, skip)]
            body = tasks[0] if len(tasks) == 1 else None
        if isinstance(body, dict):
            clean = {k: v for k, v in body.items() if k not in volatile}
            return as_sent(clean, protocol), body, ex.path
    return None


def as_sent(task: dict[str, Any], protocol: Any) -> dict[str, Any]:
    """The task exactly as the client will send it: a job id the client must choose
    (Runware's ``taskUUID``) is chosen here, fresh, so pricing sees the final bytes."""
    pointer = protocol.operations["submit"].client_job_id
    out = dict(task)
    if pointer and not out.get(pointer.lstrip("/")):
        out[pointer.lstrip("/")] = str(uuid.uuid4())
    return out


def sent_tasks(body: Any, provider: str) -> list[dict[str, Any]]:
    """The tasks in a submission body as sent (a Runware batch less its authentication task)."""
    skip = skip_patterns(provider)
    items = body if isinstance(body, list) else [body]
    return [t for t in items if isinstance(t, dict) and not _skipped(t, skip)]


@recordclass(frozen=False, slots=False)
class Budget:
    """What a run may spend, checked on the exact body of every submission before it is sent."""

    max_cost: float
    allow_unpriced: bool = False
    spent: float = 0.0
    submissions: int = 0

    def guard(self, provider: str, schema: str | None, free: bool = False) -> Callable[[str, Any], None]:
        """An ``on_send`` hook for one scenario's client (``free``: sent with an invalid key on purpose)."""

        def on_send(operation: str, body: Any) -> None:
            if operation != "submit":
                return
            total = 0.0
            for task in sent_tasks(body, provider):
                estimate = Estimate(schema, 0.0, rejected=True) if free else estimate_cost(task, schema)
                if not estimate.known and not self.allow_unpriced:
                    raise BudgetExceeded(f"refusing to send a request that cannot be priced ({estimate.basis})")
                total += estimate.amount or 0.0
            if not _finite(self.max_cost, self.spent, total):
                raise BudgetExceeded(
                    f"refusing to send a request: the budget ({self.max_cost:g} USD), the spending so far "
                    f"({self.spent:g}) and the request's price ({total:g}) must be finite numbers"
                )
            if self.spent + total > self.max_cost + 1e-9:
                raise BudgetExceeded(
                    f"refusing to send a request priced {total:.4f} USD: {self.spent:.4f} USD spent of "
                    f"--max-cost {self.max_cost:g} USD"
                )
            self.spent += total
            self.submissions += 1

        return on_send


def plan(source: str, provider: str, names: Iterable[str] = ()) -> Plan:
    """The scenarios of ``provider`` under ``source`` (all, or those named), each priced."""

    protocol = load_protocol(provider)
    wanted = {n.strip() for n in names if n.strip()}
    out = Plan([])
    root = source if os.path.isdir(source) else os.path.dirname(source)
    seen = set()
    for path in find_cassettes([source]):
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        try:
            cassette = read_cassette(path)
        except CassetteError as exc:
            out.skipped.append((rel, f"unreadable: {exc}"))
            continue
        if cassette.provider != provider:
            continue
        seen.add(cassette.scenario)
        if wanted and cassette.scenario not in wanted and rel not in wanted:
            continue
        found = _submission(cassette, protocol)
        if found is None:
            out.skipped.append((rel, "no single submitted task to send again"))
            continue
        payload, _recorded, endpoint = found
        schema = cassette.metadata.get("schema")
        # priced as it will be sent: with the fresh job id, not as recorded (a version-1 or
        # missing taskUUID made the recorded one "rejected", the sent one is accepted and billed)
        estimate = estimate_cost(payload, schema if isinstance(schema, str) else None)
        if cassette.metadata.get("credentials") == "invalid":
            estimate = Estimate(estimate.schema, 0.0, basis="sent with an invalid key on purpose: free", rejected=True)
        meta = {k: v for k, v in cassette.metadata.items() if k not in ("recorded_at", "source", "doc")}
        out.scenarios.append(Scenario(rel, provider, payload, meta, endpoint, estimate))
    unknown = wanted - seen - {s.name for s in out.scenarios}
    if unknown:
        raise RecordError(f"no {provider} scenario named {', '.join(sorted(unknown))} under {source}")
    return out


INVALID_KEY = "wanspec-invalid-key-on-purpose"


def scenario_env(s: Scenario, env: Mapping[str, str]) -> dict[str, str]:
    """The environment a scenario's client reads its key from: a scenario about a refused key
    (``credentials: invalid`` in its metadata) gets a key no provider knows."""

    out = dict(env)
    if s.metadata.get("credentials") == "invalid":
        out[str(load_protocol(s.provider).env.get("apiKey", ""))] = INVALID_KEY
    return out


def _finite(*numbers: float) -> bool:
    """Whether every amount is a finite number: a budget check must fail closed, and NaN
    compares false both ways (``total > nan`` never refuses)."""
    return all(math.isfinite(n) for n in numbers)


def check_budget(p: Plan, max_cost: float, allow_unpriced: bool = False) -> None:
    """Raise RecordError when the plan costs more than ``max_cost`` USD or cannot be priced."""
    if not p.scenarios:
        raise RecordError("no scenarios to record")
    if p.unpriced and not allow_unpriced:
        names = ", ".join(s.name for s in p.unpriced)
        raise RecordError(f"cannot price {names}: no pricing data (pass --allow-unpriced to accept the risk)")
    if not _finite(max_cost, p.total):
        raise RecordError(
            f"the budget ({max_cost:g} USD) and the estimated cost ({p.total:g} USD) must be finite numbers"
        )
    if p.total > max_cost + 1e-9:
        raise RecordError(
            f"estimated cost {p.total:.4f} USD exceeds --max-cost {max_cost:g} USD; "
            "raise the budget or choose scenarios with --scenarios"
        )


def stale_staging(parent: str) -> tuple[list[str], list[str]]:
    """(removed, left) staging directories under ``parent`` from runs that are not this one:
    those whose process is gone are removed; the rest are named with how to remove them."""
    removed: list[str] = []
    left: list[str] = []
    try:
        names = sorted(n for n in os.listdir(parent) if n.startswith(STAGING_PREFIX))
    except OSError:
        return removed, left
    for name in names:
        path = os.path.join(parent, name)
        m = _STAGING.match(name)
        if not os.path.isdir(path) or (m and int(m.group(1)) == os.getpid()):
            continue
        if m and not process_alive(int(m.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(f"removed {path}, left by an interrupted run (process {m.group(1)} is gone)")
        else:
            left.append(f"{path} belongs to a running or unknown recording; if none is running: rm -rf {path}")
    return removed, left


def _prepare_out(out: str) -> str:
    if os.path.exists(out) and (not os.path.isdir(out) or os.listdir(out)):
        raise RecordError(f"{out} exists and is not an empty directory: record into a fresh directory")
    parent = os.path.dirname(os.path.abspath(out)) or "."
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=parent)


@recordclass
class Outcome:
    scenario: str
    state: str  # succeeded | failed | rejected
    detail: str


def record(
    p: Plan,
    out: str,
    client_factory: Callable[[Scenario], Any],
    *,
    secrets: Iterable[str] = (),
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run every scenario of the plan through a recording client; move the cassettes to ``out``.

    ``client_factory`` must give each client the ``on_send`` of a :class:`Budget`; on any
    exception (a signal included, once the caller turns it into one) the staging directory
    is removed before the exception goes on.
    """

    staging: str | None = None
    outcomes: list[Outcome] = []
    try:
        staging = _prepare_out(out)
        for s in p.scenarios:
            target = os.path.join(staging, *s.name.split("/"))
            meta = {**s.metadata, "source": "recorded"}
            with recording(target, provider=s.provider, record_mode="all", metadata=meta, secrets=secrets):
                client = client_factory(s)
                try:
                    result = client.run(s.payload)
                    outcome = Outcome(s.name, result.phase, f"{result.status} {result.video_url or ''}".strip())
                except (RequestRejected, AuthenticationFailed, JobFailed) as exc:
                    # the API's answer, whatever it is, is what the scenario records; rate limits and
                    # server errors that outlast the retries are not answers: the run stops
                    state = Phase.FAILED if isinstance(exc, JobFailed) else Phase.REJECTED
                    outcome = Outcome(s.name, state, f"{exc.code}: {exc.message}")
                except UnexpectedResponse as exc:
                    # a response the protocol does not describe is evidence of drift: keep the recording
                    outcome = Outcome(s.name, "unrecognised", str(exc))
                except ContractError as exc:
                    raise RecordError(f"{s.name}: {exc}") from None
                finally:
                    close = getattr(client, "close", None)
                    if close is not None:
                        close()
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
        if os.path.isdir(out):
            os.rmdir(out)  # empty, checked by _prepare_out
        os.rename(staging, out)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    return outcomes
