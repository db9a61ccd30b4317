"""One generic HTTP client over a provider's protocol file; the provider classes only name it.

The URL and body of each call, the field holding the job id, the status words and what
they mean all come from ``schemas/<provider>/_protocol.json``. What is written here is
plain HTTP practice: bearer authentication, exponential backoff between polls, retries of
idempotent calls on 429/5xx and connection errors (honouring ``Retry-After``), and typed
errors. The API key lives in one private attribute: it is sent in a header and nowhere else.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from ... import __version__
from .._errors import (
    JobFailed,
    MissingCredentials,
    PollTimeout,
    TransportFailed,
    UnexpectedResponse,
    error_for_status,
)
from .._protocol import Phase, Protocol, State, key_variable, load_protocol, render
from .._protocol import api_key as environment_key

if TYPE_CHECKING:
    import httpx

_RETRYABLE = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
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
        if self.initial < 0 or self.max_delay < 0 or self.factor < 1 or self.timeout <= 0 or self.retries < 0:
            raise ValueError("PollPolicy needs initial >= 0, factor >= 1, max_delay >= 0, timeout > 0 and retries >= 0")

    def delays(self) -> Iterator[float]:
        """The backoff sequence: initial, initial×factor, … capped at max_delay."""
        delay = self.initial
        while True:
            yield delay
            delay = min(delay * self.factor, self.max_delay)


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class JobStatus:
    """One poll: the provider's status word and the phase it means."""

    job_id: str
    status: str | None
    phase: str
    raw: Any
    http_status: int


@dataclass(frozen=True, slots=True)
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
    against its state's schema and a non-conforming one raises UnexpectedResponse.
    """

    provider: ClassVar[str]

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        policy: PollPolicy = PollPolicy(),
        timeout: float = 30.0,
        strict: bool = False,
    ) -> None:
        self.protocol: Protocol = load_protocol(self.provider)
        key = api_key if api_key is not None else environment_key(self.provider)
        if not key:
            raise MissingCredentials(f"{self.provider}: no API key; pass api_key= or set {key_variable(self.provider)}")
        self.__key = key
        self.base_url = (base_url or self.protocol.env["baseUrl"]).rstrip("/")
        self.policy = policy
        self.timeout = timeout
        self.strict = strict
        if http is None:
            import httpx

            http = httpx.Client(timeout=timeout)
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
        status, body = self._call("submit", {"payload": payload})
        state = self._interpret("submit", status, body)
        job_id = self.protocol.field("jobId", body)
        if client_id and not job_id:
            job_id = payload[client_id.lstrip("/")]
        if not isinstance(job_id, str) or not job_id:
            raise UnexpectedResponse(self.provider, status, "the acknowledgement carries no job id", body)
        return Submission(self.provider, job_id, self._status(body), body, status, state.phase)

    def poll(self, job_id: str) -> JobStatus:
        """Ask once how the job is doing; retried on 429/5xx and connection errors."""
        status, body = self._call("poll", {"jobId": job_id})
        state = self._interpret("poll", status, body)
        return JobStatus(job_id, self._status(body), state.phase, body, status)

    def wait(self, job_id: str) -> JobResult:
        """Poll with backoff until the job succeeds (JobFailed if it fails, PollTimeout if slow).

        The first poll comes after ``policy.initial`` seconds: a job is never done at once.
        """
        clock, start, last = self.policy.clock, self.policy.clock(), None
        for delay in self.policy.delays():
            remaining = self.policy.timeout - (clock() - start)
            if remaining <= 0:
                raise PollTimeout(self.provider, job_id, clock() - start, last)
            self.policy.sleep(min(delay, remaining))
            current = self.poll(job_id)
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
    def _call(self, operation: str, extra: dict[str, Any]) -> tuple[int, Any]:
        import httpx

        op = self.protocol.operations[operation]
        variables = {**self._variables(), **extra}
        url_variables = {k: quote(v, safe="") if k == "jobId" else v for k, v in variables.items()}
        url = render(op.url, url_variables)
        body = render(op.body, variables) if op.body is not None else None
        auth = self.protocol.auth
        headers = {
            auth.get("header", "Authorization"): f"{auth.get('scheme', 'Bearer')} {self.__key}",
            "Accept": "application/json",
            "User-Agent": f"wanspec/{__version__}",
        }
        attempts = self.policy.retries + 1 if op.idempotent else 1
        backoff = self.policy.delays()
        for attempt in range(1, attempts + 1):
            try:
                response = self._http.request(op.method, url, json=body, headers=headers, timeout=self.timeout)
            except httpx.TransportError as exc:
                if attempt < attempts:
                    self.policy.sleep(next(backoff))
                    continue
                raise TransportFailed(self.provider, f"{op.method} {url} failed: {type(exc).__name__}") from None
            if response.status_code in _RETRYABLE and attempt < attempts:
                self.policy.sleep(_retry_after(response) or next(backoff))
                continue
            return response.status_code, _json(response)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _interpret(self, operation: str, status: int, body: Any) -> State:
        state = self.protocol.classify(operation, status, body)
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
        if self.strict and (problems := self.protocol.validate(state, body)):
            detail = f"{state.name} response breaks its schema: " + "; ".join(map(str, problems))
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


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500] or None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a numeric ``Retry-After`` header (the HTTP-date form falls back to backoff)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
