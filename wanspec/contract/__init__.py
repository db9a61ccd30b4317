"""The contract layer: provider protocols as data, HTTP clients, loopback servers.

``load_protocol(provider)`` reads ``schemas/<provider>/_protocol.json`` (how to
recognise calls, classify and validate responses, where fields sit); the clients speak
each provider's API with it; ``LoopbackServer`` imitates each API on 127.0.0.1 for
offline tests. Importing this package does not import httpx.
"""

from __future__ import annotations

from ._errors import (
    AuthenticationFailed,
    ContractError,
    JobFailed,
    MissingCredentials,
    PollTimeout,
    ProviderError,
    RateLimited,
    RequestRejected,
    ServerError,
    TransportFailed,
    UnexpectedResponse,
    UnknownProvider,
)
from ._pricing import Estimate, estimate_cost
from ._protocol import (
    JOB_OUTCOMES,
    PHASES,
    TERMINAL_PHASES,
    Operation,
    Phase,
    Protocol,
    ResponseProblem,
    State,
    list_protocols,
    load_protocol,
)
from .checks.audit import audit_paths
from .checks.drift import DriftOptions, drift
from .checks.verify import verify_paths
from .clients import (
    JobResult,
    JobStatus,
    PollPolicy,
    ProtocolClient,
    RunwareClient,
    Submission,
    ToAPIsClient,
    WaveSpeedClient,
)
from .loopback.server import Behaviour, LoopbackServer, ReceivedRequest, SentResponse

__all__ = [
    "JOB_OUTCOMES",
    "PHASES",
    "TERMINAL_PHASES",
    "AuthenticationFailed",
    "Behaviour",
    "ContractError",
    "DriftOptions",
    "Estimate",
    "JobFailed",
    "JobResult",
    "JobStatus",
    "LoopbackServer",
    "MissingCredentials",
    "Operation",
    "Phase",
    "PollPolicy",
    "PollTimeout",
    "Protocol",
    "ProtocolClient",
    "ProviderError",
    "RateLimited",
    "ReceivedRequest",
    "RequestRejected",
    "ResponseProblem",
    "RunwareClient",
    "SentResponse",
    "ServerError",
    "State",
    "Submission",
    "ToAPIsClient",
    "TransportFailed",
    "UnexpectedResponse",
    "UnknownProvider",
    "WaveSpeedClient",
    "audit_paths",
    "drift",
    "estimate_cost",
    "list_protocols",
    "load_protocol",
    "verify_paths",
]
