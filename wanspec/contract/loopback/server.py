"""A real HTTP server on 127.0.0.1 that speaks a provider's documented protocol.

Tests (and users writing offline tests) point a client or an official SDK at
``LoopbackServer(provider).base_url``. The server checks the bearer key, lints each
submitted task with wanspec's own schemas and rejects it the way the provider does,
acknowledges good ones, answers ``pending`` polls, then the result. Every body it sends
is rendered from the ``loopback`` templates of the provider's protocol file, so it
conforms to the response schemas unless a :class:`Behaviour` knob bends it on purpose
to imitate API drift (a renamed field, a string cost, a new status word…).
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import json
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

from ... import lint_payload
from ...catalog import store
from ...jsontools import MISSING as _MISSING
from ...jsontools import pointer_of
from ...jsontools import resolve as resolve_pointer
from ...lint import run
from ...lint.engine import compiled
from ...records import Severity
from ...recordtype import field, recordclass
from .._protocol import Phase, Protocol, load_protocol, placeholders, render
from .hostile import Hostile, Raw, echo_fields, echo_headers, huge_body, odd_answer

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

DEFAULT_COST = 0.25


@recordclass(slots=False)
class Behaviour:
    """How the loopback server behaves, including the ways it can drift from the docs.

    * ``polls_before_done``: polls answered "pending" before the terminal answer.
    * ``cost``: payload -> price reported in results (default 0.25).
    * ``rename_fields``: response keys renamed wherever they appear (``videoURL`` -> ``videoUrl``).
    * ``add_fields``: new response fields; a name goes into the job's item, a ``/pointer`` anywhere.
    * ``cost_as_string``: report the cost as a string.
    * ``error_code_renames``: provider error codes renamed (``unsupportedDuration`` -> …).
    * ``max_duration``: a tighter duration limit, enforced with the provider's duration error.
    * ``status_words``: status words replaced (``processing`` -> ``running``).
    * ``fail_jobs``: jobs end in the provider's failed state.
    * ``http_status_overrides``: state name -> HTTP status sent with that state's body
      (``"rejected"`` covers every error answer).
    * ``transient_errors``: operation -> HTTP statuses its first calls answer (then normal).
    * ``retry_after``: seconds sent in ``Retry-After`` with transient errors.
    * ``hostile``: a :class:`~wanspec.contract.loopback.hostile.Hostile` provider: the key echoed in
      every channel, odd answers, slow drip, silence, huge bodies, absurd ``Retry-After``.
    """

    polls_before_done: int = 1
    cost: Callable[[dict[str, Any]], float] | None = None
    rename_fields: Mapping[str, str] = field(default_factory=dict)
    add_fields: Mapping[str, Any] = field(default_factory=dict)
    cost_as_string: bool = False
    error_code_renames: Mapping[str, str] = field(default_factory=dict)
    max_duration: int | None = None
    status_words: Mapping[str, str] = field(default_factory=dict)
    fail_jobs: bool = False
    http_status_overrides: Mapping[str, int] = field(default_factory=dict)
    transient_errors: Mapping[str, Sequence[int]] = field(default_factory=dict)
    retry_after: float | None = None
    hostile: Hostile | None = None


class ReceivedRequest(NamedTuple):
    """One request as the server saw it (a tuple: ``method, path, headers, body = r``)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


class SentResponse(NamedTuple):
    """One response as the server sent it (``responses[i]`` answers ``requests[i]``)."""

    status: int
    headers: dict[str, str]
    body: Any


@recordclass(frozen=False, slots=False)
class _Job:
    task: dict[str, Any]
    created: _dt.datetime
    model: str | None
    polls: int = 0
    sync: bool = False  # delivered with the submission's answer: polls find it done


Reply = tuple[int, dict[str, str], Any]


class LoopbackServer:
    """A provider's API on ``127.0.0.1`` (port 0: the system picks one), in a daemon thread."""

    def __init__(self, provider: str, *, api_key: str = "sentinel", behaviour: Behaviour | None = None) -> None:
        self.provider = provider
        self.protocol: Protocol = load_protocol(provider)
        self.behaviour = behaviour or Behaviour()
        self.requests: list[ReceivedRequest] = []
        self.responses: list[SentResponse] = []
        self.__key = api_key
        self._config: dict[str, Any] = self.protocol.loopback
        self._jobs: dict[str, _Job] = {}
        self._transient: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.stopping = threading.Event()  # releases handlers that drip or stay silent
        self.bytes_sent = 0
        self._current = threading.local()  # the operation the handler thread is answering

    def __repr__(self) -> str:
        return f"LoopbackServer({self.provider!r}, url={self.url if self._server else None!r})"

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> LoopbackServer:
        from http.server import ThreadingHTTPServer  # ~50 ms of imports, paid only when serving

        from .http import Handler  # deferred with http.server, which it subclasses

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.owner = self  # type: ignore[attr-defined]
        self._server = server
        # a short poll interval: shutdown() waits up to one interval, and tests start many servers
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=f"loopback-{self.provider}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's origin, ``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError("the loopback server is not running")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, with the provider's path prefix (``…/v1``, ``…/api/v3``)."""
        prefix: str = self._config.get("prefix", "")
        return self.url + prefix

    # -- one request ----------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        """Answer one request: (HTTP status, extra headers, JSON body); both are recorded."""
        self._current.operation = self._current.reason = None
        with self._lock:
            try:
                status, extra, body = self._answer(method, path, headers, raw)
                if self.behaviour.hostile is not None and self.behaviour.hostile.echo_key:
                    status, extra, body = self._echo(status, extra, body, self._sent_key(headers))
            except Exception as exc:  # a broken Behaviour hook: answer 500, never kill the handler
                status, extra, body = self._error(500, {"message": f"loopback failure: {type(exc).__name__}: {exc}"})
            self.responses.append(SentResponse(status, extra, body if isinstance(body, Raw) else copy.deepcopy(body)))
            return status, extra, body

    def _answer(self, method: str, path: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self.requests.append(ReceivedRequest(method, path, dict(headers), raw.decode("utf-8", "replace")))
            return self._error(400, {"message": "the body is not JSON"})
        self.requests.append(ReceivedRequest(method, path, dict(headers), body))
        if not self._authenticated(headers, body):
            return self._error(401)
        operation = self.protocol.operation_for(method, path, body)
        if operation is None:
            known_route = self.protocol.operation_for(method, path, match_body=False) is not None
            return (
                self._error(400, {"message": "this endpoint takes another body"}) if known_route else self._error(404)
            )
        planned = self.behaviour.transient_errors.get(operation, ())
        done = self._transient.get(operation, 0)
        if done < len(planned):
            self._transient[operation] = done + 1
            extra = {} if self.behaviour.retry_after is None else {"Retry-After": f"{self.behaviour.retry_after:g}"}
            status, headers_out, out = self._error(planned[done])
            return status, {**headers_out, **extra}, out
        self._current.operation = operation
        hostile = self.behaviour.hostile
        if hostile is not None and hostile.answer_on == operation:
            odd = self._hostile_answer(hostile, self._sent_key(headers))
            if odd is not None:
                if operation == "submit":
                    self._submit(path, body)  # the job exists, as on a provider that answers oddly
                return odd
        if operation == "submit":
            return self._submit(path, body)
        return self._poll(path, body)

    # -- a hostile provider ---------------------------------------------------------------
    def reason(self) -> str | None:
        """A reason phrase this handler thread's answer carries instead of the standard one."""
        return getattr(self._current, "reason", None)

    def stalls(self) -> tuple[bool, float | None]:
        """(stay silent, seconds between bytes) for the answer this handler thread is sending:
        a hostile server stalls only the ``answer_on`` operation's answers."""
        hostile = self.behaviour.hostile
        if hostile is None or getattr(self._current, "operation", None) != hostile.answer_on:
            return False, None
        return hostile.silent, hostile.drip

    def _sent_key(self, headers: Mapping[str, str]) -> str | None:
        value = _header(headers, self.protocol.auth.get("header", "Authorization")) or ""
        scheme = str(self.protocol.auth.get("scheme", "Bearer"))
        key = value[len(scheme) :].strip() if value.startswith(scheme) else value.strip()
        return key or None

    def _hostile_answer(self, hostile: Hostile, key: str | None) -> Reply | None:
        echo = key if hostile.echo_key else None
        if hostile.retry_after is not None:
            status, headers, body = self._error(503)
            return status, {**headers, "Retry-After": hostile.retry_after}, body
        if hostile.fail_with is not None:
            return self._error(hostile.fail_with, {"message": f"boom for {echo or 'you'}"})
        if hostile.answer is not None:
            return odd_answer(hostile.answer, echo)
        if hostile.huge is not None:
            return 200, {}, huge_body(hostile.huge)
        return None

    def _echo(self, status: int, headers: dict[str, str], body: Any, key: str | None) -> Reply:
        """The reply with the caller's key in every channel it has room for."""
        if not key:
            return status, headers, body
        self._current.reason = f"Key {key}"  # the status line's reason phrase (vcrpy records it)
        headers = {**headers, **echo_headers(key)}
        if isinstance(body, Raw):
            if status >= 400 and not body.data and body.chunks is None:
                from .hostile import html_page  # deferred: only a hostile server's error page

                body = Raw(html_page(key))
            return status, headers, body
        if isinstance(body, dict):
            body = {**body, **echo_fields(key)}
            message = self.protocol.field_pointer("errorMessage", body)
            if message is not None:
                _set(body, message, f"{resolve_pointer(body, message)} (Invalid API key {key})")
            url = self.protocol.field_pointer("videoUrl", body)
            if url is not None and isinstance(resolve_pointer(body, url), str):
                _set(body, url, f"{resolve_pointer(body, url)}?token={key}&sig={key}")
        return status, headers, body

    def _authenticated(self, headers: Mapping[str, str], body: Any) -> bool:
        """The key in the auth header, or in an authentication task where the protocol allows one."""
        auth = self.protocol.auth
        if _header(headers, auth.get("header", "Authorization")) == f"{auth.get('scheme', 'Bearer')} {self.__key}":
            return True
        in_body = auth.get("bodyTask")
        tasks = body if isinstance(body, list) else []
        return in_body is not None and any(
            isinstance(t, dict)
            and all(t.get(k) == v for k, v in in_body["match"].items())
            and t.get(in_body["field"]) == self.__key
            for t in tasks
        )

    def _submit(self, path: str, body: Any) -> Reply:

        task = resolve_pointer(body, self._config.get("task", ""))
        if isinstance(task, list):  # a batch (Runware): the first task that asks for something
            task = next((t for t in task if isinstance(t, dict) and not run._is_auth(t)), None)
        if not isinstance(task, dict):
            return self._error(400, {"message": "the request holds no task object"})
        schema = None
        if "schema" in self._config:
            schema = render(self._config["schema"], self.protocol.path_params("submit", path))
            if schema not in store.catalog().entries:
                return self._error(404, {"message": f"unknown model {schema}"})
        errors = [d for d in lint_payload(task, schema) if d.severity is Severity.ERROR]
        if errors:
            return self._reject(task, errors[0].code, errors[0].pointer, errors[0].message, errors[0].schema)
        duration_pointer, duration = self._request_value("duration", task)
        limit = self.behaviour.max_duration
        if limit is not None and isinstance(duration, int | float) and duration > limit:
            detail = f"duration {duration:g} is not supported; the longest is {limit} seconds"
            code = store.rule_codes_by_name()["duration"]  # what the linter would say of it
            chosen, _ = run.choose_schema(task, schema)
            return self._reject(task, code, duration_pointer or "", detail, chosen)
        _, job_id = self._request_value("jobId", task)
        if not isinstance(job_id, str) or not job_id:
            job_id = _new_id(self._config.get("jobIdFormat", "{uuid}"))
        elif job_id in self._jobs and "duplicateJob" in self._config:  # an id the client chose, sent twice
            duplicate = {k: v for k, v in self._config["duplicateJob"].items() if not k.startswith("x-")}
            return self._error(int(self._config.get("reject", {}).get("http", 400)), {**duplicate, "jobId": job_id})
        _, model = self._request_value("model", task)
        if not isinstance(model, str):
            model = self.protocol.path_params("submit", path).get("model")
        sync = self._delivery(task) == "sync"
        self._jobs[job_id] = _Job(task, _dt.datetime.now(_dt.UTC), model, sync=sync)
        if sync:
            return self._finish(job_id, "sync-result")
        return self._respond("ack", Phase.ACCEPTED, job_id)

    def _delivery(self, task: dict[str, Any]) -> str:
        """``sync`` or ``async``: the task's own ``deliveryMethod``, else the protocol's rule for it."""
        config = self._config.get("delivery", {})
        _, asked = self._request_value("deliveryMethod", task)
        if asked in ("sync", "async"):
            return str(asked)
        import jsonschema_rs  # deferred: loaded with the linter anyway; named here for is_valid

        for rule in config.get("rules", ()):
            if jsonschema_rs.is_valid(rule.get("when", {}), task):
                return str(rule["mode"])
        return str(config.get("default", "async"))

    def _poll(self, path: str, body: Any) -> Reply:
        job_id = self.protocol.path_params("poll", path).get("jobId")
        pointer = self.protocol.operations["poll"].job_id_pointer
        if job_id is None and pointer is not None:
            found = resolve_pointer(body, pointer)
            job_id = found if isinstance(found, str) else None
        job = self._jobs.get(job_id or "")
        if job is None or job_id is None:
            return self._error(404, {"jobId": job_id})
        job.polls += 1
        if job.polls <= self.behaviour.polls_before_done and not job.sync:
            return self._respond("processing", Phase.PENDING, job_id)
        return self._finish(job_id, "success")

    def _finish(self, job_id: str, state: str) -> Reply:
        """A job's terminal answer: ``state`` (a poll's or a synchronous submission's result), or
        the provider's failure when the behaviour fails jobs."""
        if self.behaviour.fail_jobs:
            failure = self._config.get("jobFailure", {})
            return self._respond("failed", Phase.FAILED, job_id, self._renamed(failure))
        return self._respond(state, Phase.SUCCEEDED, job_id)

    # -- rendering ------------------------------------------------------------------------
    def _respond(self, state: str, phase: str, job_id: str, extra: Mapping[str, Any] | None = None) -> Reply:
        job = self._jobs[job_id]
        words = self.protocol.statuses.get(phase, ())
        word = self.behaviour.status_words.get(words[0], words[0]) if words else None
        variables = {**self._job_variables(job_id, job), "status": word, **(extra or {})}
        out = self._drift(render(self._template(state, job.task), variables))
        return self.behaviour.http_status_overrides.get(state, 200), {}, out

    def _template(self, state: str, task: Mapping[str, Any]) -> Any:
        """The template a state answers with: a variant for the task's type (image results
        name their fields ``image…``) or the protocol's default."""
        _, kind = self._request_value("taskType", dict(task))
        variant = self._config.get("variants", {}).get(kind) if isinstance(kind, str) else None
        if isinstance(variant, dict) and state in variant:
            return variant[state]
        return self._config["templates"][state]

    def _job_variables(self, job_id: str, job: _Job) -> dict[str, Any]:
        _, seed = self._request_value("seed", job.task)
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            seed = int(hashlib.sha256(job_id.encode()).hexdigest()[:8], 16) % 2**31
        video_id = str(uuid.uuid5(uuid.NAMESPACE_URL, job_id))
        _, task_type = self._request_value("taskType", job.task)
        return {
            "taskType": task_type,
            "imageId": video_id,
            "imageUrl": f"{self.url}/media/{video_id}.jpg",
            "jobId": job_id,
            "baseUrl": self.base_url,
            "model": job.model,
            "createdAt": job.created.isoformat().replace("+00:00", "Z"),
            "createdAtUnix": int(job.created.timestamp()),
            "expiresAtUnix": int(job.created.timestamp()) + 86400,
            "videoId": video_id,
            "videoUrl": f"{self.url}/media/{video_id}.mp4",
            "seed": seed,
            "cost": self._cost(job.task),
        }

    def _cost(self, task: dict[str, Any]) -> float | None:
        condition = self._config.get("costWhen")
        if condition is not None:
            import jsonschema_rs

            if not jsonschema_rs.is_valid(condition, task):
                return None
        return self.behaviour.cost(task) if self.behaviour.cost is not None else DEFAULT_COST

    def _reject(self, task: dict[str, Any], rule: str, pointer: str, detail: str, schema: str | None = None) -> Reply:
        config = self._config.get("reject", {})
        segments = [s for s in pointer.split("/")[1:] if not s.isdigit()]
        parameter = ".".join(segments) or None
        variables = {
            "parameter": parameter,
            "Parameter": segments[-1][:1].upper() + segments[-1][1:] if segments else None,
            "parameterLower": parameter.lower() if parameter else None,
            "detail": detail,
        }
        codes = config.get("codes", {})
        code = _first_fit(codes.get(rule, codes.get("*")), variables)
        documented = config.get("messages", {}).get(code) if code else None  # the provider's own words
        message = _first_fit(documented or config.get("message", "{detail}"), variables)
        _, job_id = self._request_value("jobId", task)
        _, task_type = self._request_value("taskType", task)
        json_type, allowed = parameter_facts(schema, task, pointer) if schema else (None, None)
        documentation = config.get("documentation", {}).get(task_type) if isinstance(task_type, str) else None
        extra = {
            "code": code,
            "message": message,
            "parameter": parameter,
            "jobId": job_id,
            "type": config.get("types", {}).get(json_type) if json_type else None,
            "documentation": _first_fit(documentation, variables),
            "allowedValues": allowed,
        }
        return self._error(int(config.get("http", 400)), extra)

    def _error(self, status: int, extra: Mapping[str, Any] | None = None) -> Reply:
        known = self._config.get("errors", {}).get(str(status), {})
        given = {k: v for k, v in (extra or {}).items() if v is not None}
        variables = self._renamed({"http": status, **known, **given})
        sent = self.behaviour.http_status_overrides.get(Phase.REJECTED, status)
        return sent, {}, self._drift(render(self._config["templates"]["rejected"], variables))

    def _renamed(self, variables: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(variables)
        if out.get("code") is not None:
            out["code"] = self.behaviour.error_code_renames.get(str(out["code"]), out["code"])
        return out

    def _drift(self, body: Any) -> Any:
        b = self.behaviour
        if b.cost_as_string:
            pointer = self.protocol.field_pointer("cost", body)
            if pointer is not None:
                _set(body, pointer, str(resolve_pointer(body, pointer)))
        for name, value in b.add_fields.items():
            item = resolve_pointer(body, self._config.get("item", ""))
            target = item if isinstance(item, dict) else body
            if name.startswith("/"):
                _set(body, name, value)
            elif isinstance(target, dict):
                target[name] = value
        return _rename_keys(body, b.rename_fields) if b.rename_fields else body

    def _request_value(self, name: str, task: dict[str, Any]) -> tuple[str | None, Any]:
        for pointer in self._config.get("request", {}).get(name, ()):
            value = resolve_pointer(task, pointer)
            if value is not _MISSING:
                return pointer, value
        return None, None


def parameter_facts(schema_id: str, task: Any, pointer: str) -> tuple[str | None, list[Any] | None]:
    """(the JSON type the schema declares for the field at ``pointer``, the values it allows there
    when the task breaks an ``enum``): what a provider's error names as ``type`` and ``allowedValues``."""

    schema = compiled(schema_id).schema
    node: Any = schema
    for segment in pointer.split("/")[1:]:
        if not isinstance(node, dict):
            node = None
            break
        node = node.get("properties", {}).get(segment) if not segment.isdigit() else node.get("items")
    declared = node.get("type") if isinstance(node, dict) else None
    json_type = declared[0] if isinstance(declared, list) and declared else declared
    return (json_type if isinstance(json_type, str) else None), _allowed(schema, task, pointer)


def _allowed(schema: dict[str, Any], task: Any, pointer: str) -> list[Any] | None:
    import jsonschema_rs  # deferred: only a rejection that names allowed values pays

    for err in jsonschema_rs.validator_for(schema).iter_errors(task):
        path = list(err.schema_path)
        if path and path[-1] == "enum" and pointer_of(err.instance_path) == pointer:
            values = resolve_pointer(schema, pointer_of(path))
            return list(values) if isinstance(values, list) else None
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _first_fit(templates: str | list[str] | None, variables: Mapping[str, Any]) -> str | None:
    """The first text template whose placeholders are all known, rendered."""
    options = [templates] if isinstance(templates, str) else list(templates or ())
    for option in options:
        if all(variables.get(name) is not None for name in placeholders(option)):
            rendered: str = render(option, variables)
            return rendered
    return None


def _new_id(form: str) -> str:
    fresh = uuid.uuid4()
    rendered: str = render(form, {"uuid": str(fresh), "hex": fresh.hex})
    return rendered


def _set(doc: Any, pointer: str, value: Any) -> None:
    parent_pointer, _, key = pointer.rpartition("/")
    parent = resolve_pointer(doc, parent_pointer)
    if isinstance(parent, dict):
        parent[key] = value
    elif isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
        parent[int(key)] = value


def _rename_keys(node: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {renames.get(k, k): _rename_keys(v, renames) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_keys(v, renames) for v in node]
    return node
