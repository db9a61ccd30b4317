"""HTTP clients for the providers, all with one surface: submit, poll, wait, run."""

from __future__ import annotations

from ._base import JobResult, JobStatus, PollPolicy, ProtocolClient, Submission
from .runware import RunwareClient
from .toapis import ToAPIsClient
from .wavespeed import WaveSpeedClient

__all__ = [
    "JobResult",
    "JobStatus",
    "PollPolicy",
    "ProtocolClient",
    "RunwareClient",
    "Submission",
    "ToAPIsClient",
    "WaveSpeedClient",
]
