"""Typed errors of the contract layer.

Every error a provider returns keeps what the provider said (its code, message and the
parameter it blames) beside the HTTP status and the raw body, so callers can branch on
them without parsing text. No error ever holds the API key: clients never put it in a
URL, a message or a ``repr``.
"""

from __future__ import annotations

from typing import Any

from ..errors import ContractError

__all__ = [
    "AuthenticationFailed",
    "ContractError",
    "JobFailed",
    "MissingCredentials",
    "PollTimeout",
    "ProviderError",
    "RateLimited",
    "RequestRejected",
    "ServerError",
    "TransportFailed",
    "UnexpectedResponse",
    "UnknownProvider",
]


class MissingCredentials(ContractError):
    """No API key was given and the provider's environment variable is not set."""


class UnknownProvider(ContractError):
    """No protocol file describes this provider."""


class UnexpectedResponse(ContractError):
    """A response the provider's protocol file does not describe (no state matches it)."""

    def __init__(self, provider: str, http_status: int | None, detail: str, raw: Any = None) -> None:
        self.provider = provider
        self.http_status = http_status
        self.raw = raw
        super().__init__(f"{provider}: unexpected response (HTTP {http_status}): {detail}")


class TransportFailed(ContractError):
    """The request never got an HTTP answer (connection refused, reset, timed out)."""

    def __init__(self, provider: str, detail: str) -> None:
        self.provider = provider
        super().__init__(f"{provider}: {detail}")


class ProviderError(ContractError):
    """The provider answered with an error; its own code, message and parameter are kept."""

    def __init__(
        self,
        provider: str,
        http_status: int | None,
        code: str | int | None,
        message: str | None,
        parameter: str | list[str] | None = None,
        raw: Any = None,
    ) -> None:
        self.provider = provider
        self.http_status = http_status
        self.code = code
        self.message = message
        self.parameter = parameter
        self.raw = raw
        super().__init__(self._describe())

    def _describe(self) -> str:
        where = f" (parameter {self.parameter})" if self.parameter else ""
        code = f" {self.code}" if self.code is not None and self.code != self.http_status else ""
        return f"{self.provider}: HTTP {self.http_status}{code}: {self.message or 'no message'}{where}"


class RequestRejected(ProviderError):
    """The provider refused the request (a 4xx or a validation error)."""


class AuthenticationFailed(ProviderError):
    """The API key is missing, wrong or lacks permission (HTTP 401/403)."""


class RateLimited(ProviderError):
    """Too many requests (HTTP 429), after any retries the poll policy allows."""


class ServerError(ProviderError):
    """The provider failed (HTTP 5xx), after any retries the poll policy allows."""


class JobFailed(ProviderError):
    """The job was accepted but ended in the provider's failed state."""


class PollTimeout(ContractError):
    """The job did not reach a terminal state within the poll policy's timeout."""

    def __init__(self, provider: str, job_id: str, elapsed: float, last_status: str | None) -> None:
        self.provider = provider
        self.job_id = job_id
        self.elapsed = elapsed
        self.last_status = last_status
        super().__init__(
            f"{provider}: job {job_id} still {last_status or 'unfinished'!s} after {elapsed:.1f} s (poll timeout)"
        )


def error_for_status(http_status: int | None) -> type[ProviderError]:
    """The error class for an HTTP status: generic HTTP semantics, the same for every provider."""
    if http_status in (401, 403):
        return AuthenticationFailed
    if http_status == 429:
        return RateLimited
    if http_status is not None and http_status >= 500:
        return ServerError
    return RequestRejected
