"""One generic HTTP client over a provider's protocol file; the provider classes only name it.

The URL and body of each call, the field holding the job id, the status words and what
they mean all come from ``schemas/<provider>/_protocol.json``. What is written here is
plain HTTP practice: bearer authentication, exponential backoff between polls, retries of
idempotent calls on 429/5xx and connection errors (honouring ``Retry-After``), and typed
errors. The API key lives in one private :class:`~wanspec.contract._secrets.Secret` (its
``repr`` is a mask) and is set on the request by an httpx auth hook, so no local variable
ever holds it. Against a hostile server (``_transport``): every call has a wall-clock
deadline (the per-call ``timeout``, and the poll ``timeout`` over a whole wait), bodies are
capped (``max_body``) and parsed with a depth limit (``max_depth``), and a response is in a
state only when it is JSON, its HTTP status fits, and it validates against the state's
schema; anything else is :class:`~wanspec.contract._errors.UnexpectedResponse`.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote, urlsplit

from ... import __version__
from ...recordtype import recordclass
from .._errors import (
    ContractError,
    JobFailed,
    MissingCredentials,
    PollTimeout,
    TransportFailed,
    UnexpectedResponse,
    error_for_status,
)
from .._protocol import Phase, Protocol, State, key_variable, load_protocol, render
from .._protocol import api_key as environment_key
from .._secrets import Secret, redact_data, redact_secrets

if TYPE_CHECKING:
    import httpx

_RETRYABLE = frozenset({429, 500, 502, 503, 504})
#: phases a client reports as progress or success: only for a 2xx answer that fits its schema
_GOOD_PHASES = frozenset({Phase.ACCEPTED, Phase.PENDING, Phase.SUCCEEDED})
MAX_BODY = 16 * 1024 * 1024
MAX_DEPTH = 64


@recordclass
class PollPolicy:
    """How to wait for a job: the first delay, its growth and cap, the overall timeout,
    how often to retry an idempotent call that failed transiently, and the clock (tests
    inject a fake ``sleep`` and ``clock``)."""

    initial: float = 1.0
    factor: float = 1.5
    max_delay: float = 10.0
    timeout: float = 1200.0
    retries: int = 3
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        # each test is written to fail on NaN (which compares false both ways): a NaN
        # timeout would be a wait that never ends, a NaN or infinite delay a crash in sleep()
        finite = all(math.isfinite(x) for x in (self.initial, self.factor, self.max_delay, self.timeout))
        if not (
            finite
            and self.initial >= 0
            and self.max_delay >= 0
            and self.factor >= 1
            and self.timeout > 0
            and self.retries >= 0
        ):
            raise ValueError(
                "PollPolicy needs finite numbers: initial >= 0, factor >= 1, max_delay >= 0 and timeout > 0; "
                "and retries >= 0"
            )

    def delays(self) -> Iterator[float]:
        """The backoff sequence: initial, initial×factor, … capped at max_delay."""
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * self.factor, self.max_delay)


@recordclass
class Submission:
    """The provider accepted a job: its id, its first status word and the raw answer.

    ``phase`` is ``accepted``, or ``succeeded`` when the provider delivered the result with
    its answer (Runware's synchronous ``imageInference``): then there is nothing to poll.
    """

    provider: str
    job_id: str
    status: str | None
    raw: Any
    http_status: int
    phase: str = "accepted"


@recordclass
class JobStatus:
    """One poll: the provider's status word and the phase it means."""

    job_id: str
    status: str | None
    phase: str
    raw: Any
    http_status: int


@recordclass
class JobResult:
    """A finished job: the video URL, and the seed and cost when the provider reports them."""

    provider: str
    job_id: str
    status: str | None
    phase: str
    video_url: str | None
    seed: int | None
    cost: float | None
    raw: Any


class ProtocolClient:
    """Submit, poll and wait for jobs of one provider, as its protocol file describes.

    ``api_key`` defaults to the provider's environment variable (``RUNWARE_API_KEY``…);
    without either, :class:`MissingCredentials` is raised. ``http`` lets callers bring
    their own ``httpx.Client`` (a recorder, a mock transport); otherwise one is made and
    closed with this client. With ``strict=True`` every response is also validated
    against its state's schema and a non-conforming one raises UnexpectedResponse (progress
    and success bodies always are). ``max_body`` caps a response body (bytes, ResponseTooLarge
    beyond it), ``max_depth`` its nesting; ``on_send(operation, body)`` is called with every
    request body just before it is sent, and may raise to stop it.
    """

    provider: ClassVar[str]

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        policy: PollPolicy = PollPolicy(),  # noqa: B008 (a frozen record: shared safely)
        timeout: float = 30.0,
        strict: bool = False,
        max_body: int = MAX_BODY,
        max_depth: int = MAX_DEPTH,
        on_send: Callable[[str, Any], None] | None = None,
    ) -> None:
        self.protocol: Protocol = load_protocol(self.provider)
        key = api_key if api_key is not None else environment_key(self.provider)
        if not key:
            raise MissingCredentials(f"{self.provider}: no API key; pass api_key= or set {key_variable(self.provider)}")
        if max_body < 1 or max_depth < 1 or not (math.isfinite(timeout) and timeout > 0):
            raise ValueError("ProtocolClient needs max_body >= 1, max_depth >= 1 and a finite timeout > 0")
        self.__key = key if isinstance(key, Secret) else Secret(key)
        self.base_url = (base_url or self.protocol.env["baseUrl"]).rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an http(s) URL with a host, not {self.base_url!r}")
        self.policy = policy
        self.timeout = timeout
        self.strict = strict
        self.max_body = max_body
        self.max_depth = max_depth
        self.on_send = on_send
        if http is None:
            import httpx

            from ._transport import DeadlineTransport  # deferred: _transport imports httpx and httpcore

            http = httpx.Client(timeout=timeout, transport=DeadlineTransport())
            self._owns_http = True
        else:
            self._owns_http = False
        self._http = http

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- the public surface ---------------------------------------------------------------
    def submit(self, payload: dict[str, Any]) -> Submission:
        """Send one job; never retried (a retry could start a second, billed job)."""
        payload = dict(payload)
        client_id = self.protocol.operations["submit"].client_job_id
        if client_id and not payload.get(client_id.lstrip("/")):
            payload[client_id.lstrip("/")] = str(uuid.uuid4())
        status, body = self._call("submit", {"payload": payload}, self._deadline())
        state = self._interpret("submit", status, body)
        job_id = self.protocol.field("jobId", body)
        if client_id and not job_id:
            job_id = payload[client_id.lstrip("/")]
        if not isinstance(job_id, str) or not job_id:
            raise UnexpectedResponse(self.provider, status, "the acknowledgement carries no job id", body)
        return Submission(self.provider, job_id, self._status(body), _scrubbed(body), status, state.phase)

    def poll(self, job_id: str, *, deadline: float | None = None) -> JobStatus:
        """Ask once how the job is doing; retried on 429/5xx and connection errors until
        ``deadline`` (``policy.clock()`` time; default: the poll policy's timeout from now)."""
        if deadline is None:
            deadline = self.policy.clock() + self.policy.timeout
        status, body = self._call("poll", {"jobId": job_id}, deadline, job_id=job_id)
        state = self._interpret("poll", status, body)
        return JobStatus(job_id, self._status(body), state.phase, _scrubbed(body), status)

    def wait(self, job_id: str) -> JobResult:
        """Poll with backoff until the job succeeds (JobFailed if it fails, PollTimeout if slow).

        The first poll comes after ``policy.initial`` seconds: a job is never done at once.
        ``policy.timeout`` is a deadline on the whole wait, whatever the server does.
        """
        clock, start, last = self.policy.clock, self.policy.clock(), None
        deadline = start + self.policy.timeout
        for delay in self.policy.delays():
            remaining = deadline - clock()
            if remaining <= 0:
                raise PollTimeout(self.provider, job_id, clock() - start, last)
            self.policy.sleep(min(delay, remaining))
            try:
                current = self.poll(job_id, deadline=deadline)
            except PollTimeout as exc:
                raise PollTimeout(self.provider, job_id, clock() - start, last) from exc.__cause__
            last = current.status
            if current.phase is Phase.SUCCEEDED:
                return self._result(current)
        raise AssertionError("unreachable: delays() never ends")  # pragma: no cover

    def run(self, payload: dict[str, Any]) -> JobResult:
        """Submit a job and wait for its result (at once when it came with the answer)."""
        sub = self.submit(payload)
        if sub.phase == "succeeded":
            return self._result(JobStatus(sub.job_id, sub.status, sub.phase, sub.raw, sub.http_status))
        return self.wait(sub.job_id)

    def close(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ProtocolClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- hooks ----------------------------------------------------------------------------
    def _variables(self) -> dict[str, Any]:
        """Template variables for URLs and bodies; provider classes add their own."""
        return {"baseUrl": self.base_url}

    # -- internals ------------------------------------------------------------------------
    def _deadline(self) -> float:
        return self.policy.clock() + self.timeout

    def _call(self, operation: str, extra: dict[str, Any], deadline: float, job_id: str = "") -> tuple[int, Any]:
        """(HTTP status, parsed body) of one call, retried if idempotent, all by ``deadline``."""
        import httpx

        # deferred: _transport imports httpx and httpcore (import wanspec.contract must not)
        from ._transport import DeadlinePassed, NotJSON, SecretAuth, parse_json, read_body, retry_after

        op = self.protocol.operations[operation]
        variables = {**self._variables(), **extra}
        url_variables = {k: quote(v, safe="") if k == "jobId" else v for k, v in variables.items()}
        url = render(op.url, url_variables)
        body = render(op.body, variables) if op.body is not None else None
        scheme = self.protocol.auth
        auth = SecretAuth(scheme.get("header", "Authorization"), scheme.get("scheme", "Bearer"), self.__key)
        headers = {"Accept": "application/json", "User-Agent": f"wanspec/{__version__}"}
        if self.on_send is not None:  # e.g. a budget: it sees the exact body, after every rewrite
            self.on_send(operation, body)
        attempts = self.policy.retries + 1 if op.idempotent else 1
        backoff = self.policy.delays()
        clock = self.policy.clock
        for attempt in range(1, attempts + 1):
            remaining = min(deadline - clock(), self.timeout)
            if remaining <= 0:
                raise self._timed_out(operation, job_id, url)
            at = time.monotonic() + remaining
            wait: float | None = None
            try:
                from ._transport import deadline as socket_deadline  # deferred: httpx, as above

                with socket_deadline(at, self.max_body):
                    request = self._http.build_request(op.method, url, json=body, headers=headers, timeout=remaining)
                    response = self._http.send(request, auth=auth, stream=True)
                    try:
                        raw = read_body(response, self.max_body, at)
                    finally:
                        response.close()
            except (httpx.TransportError, DeadlinePassed) as exc:
                timed_out = isinstance(exc, DeadlinePassed | httpx.TimeoutException)
                if timed_out and deadline - clock() <= 0:
                    raise self._timed_out(operation, job_id, url) from None
                if attempt < attempts:
                    self.policy.sleep(min(next(backoff), max(0.0, deadline - clock())))
                    continue
                if timed_out:
                    raise TransportFailed(self.provider, f"{url} did not answer within {remaining:g} s") from None
                raise TransportFailed(self.provider, f"{op.method} {url} failed: {type(exc).__name__}") from None
            if response.status_code in _RETRYABLE and attempt < attempts:
                wait = retry_after(response.headers.get("Retry-After"))
                left = max(0.0, deadline - clock())
                self.policy.sleep(min(next(backoff) if wait is None else wait, left))
                continue
            try:
                return response.status_code, parse_json(raw, self.max_depth)
            except NotJSON as exc:
                return response.status_code, _Unparsed(str(exc), redact_secrets(raw[:300].decode("utf-8", "replace")))
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _timed_out(self, operation: str, job_id: str, url: str) -> ContractError:
        if operation == "submit":
            return TransportFailed(self.provider, f"{url} did not answer within {self.timeout:g} s")
        return PollTimeout(self.provider, job_id, self.policy.timeout, None)

    def _interpret(self, operation: str, status: int, body: Any) -> State:
        if isinstance(body, _Unparsed):
            if status >= 400:  # an error page: the HTTP status says what happened
                raise error_for_status(status)(self.provider, status, None, body.text or body.why, None, body.text)
            raise UnexpectedResponse(self.provider, status, f"{body.why}: {body.text[:120]!r}", body.text)
        if 300 <= status < 400:
            raise UnexpectedResponse(self.provider, status, "a redirect, which the protocol never sends", body)
        state = self.protocol.classify(operation, status, body)
        if state is not None and state.phase in _GOOD_PHASES and not 200 <= status < 300:
            state = None  # progress and success come with 2xx only; anything else is an error
        if state is None or state.phase in (Phase.REJECTED, Phase.FAILED):
            if state is None and status < 400:
                word = self._status(body)
                detail = "no state matches" if word is None else f"status {word!r} is not in the protocol's vocabulary"
                raise UnexpectedResponse(self.provider, status, detail, body)
            field = self.protocol.field
            parameter = field("errorParameter", body)
            error = JobFailed if state is not None and state.phase is Phase.FAILED else error_for_status(status)
            raise error(
                self.provider,
                status,
                field("errorCode", body),
                _text(field("errorMessage", body)) or _text(body),
                parameter if isinstance(parameter, str | list) else None,
                body,
            )
        # progress and success only when the body is what the state promises (a success
        # without a result is no success); error bodies are held to their schema when strict
        if (self.strict or state.phase in _GOOD_PHASES) and (problems := self.protocol.validate(state, body)):
            detail = f"{state.name} response breaks its schema: " + "; ".join(map(str, problems[:5]))
            raise UnexpectedResponse(self.provider, status, detail, body)
        return state

    def _status(self, body: Any) -> str | None:
        word = self.protocol.field("status", body)
        return word if isinstance(word, str) else None

    def _result(self, current: JobStatus) -> JobResult:
        field = self.protocol.field
        url, seed, cost = (field(name, current.raw) for name in ("videoUrl", "seed", "cost"))
        return JobResult(
            self.provider,
            current.job_id,
            current.status,
            current.phase,
            url if isinstance(url, str) else None,
            seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
            float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None,
            current.raw,
        )


@recordclass
class _Unparsed:
    """A body that is not JSON (an HTML page, nothing, a truncated document): why, and its start."""

    why: str
    text: str


def _scrubbed(body: Any) -> Any:
    """A body as the caller gets it: whatever a provider echoed of a key is gone (these
    objects' reprs end up in logs and tracebacks); a presigned URL keeps its own signature."""
    return redact_data(body, only_secrets=True)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
