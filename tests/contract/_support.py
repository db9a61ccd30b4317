"""Shared test data for the contract tests: a fake clock and one table row per provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wanspec.contract import PollPolicy, ProtocolClient, RunwareClient, ToAPIsClient, WaveSpeedClient

KEY = "sk-sentinel-0123456789abcdef"


@dataclass
class FakeTime:
    """``sleep`` and ``clock`` for PollPolicy: sleeping only moves the clock and is recorded."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def policy(self, **kwargs: Any) -> PollPolicy:
        return PollPolicy(sleep=self.sleep, clock=self.clock, **kwargs)


@dataclass(frozen=True)
class Case:
    """One provider: its client class and payloads the docs accept (``good``)."""

    provider: str
    client: type[ProtocolClient]
    good: dict[str, Any]
    too_long: dict[str, Any]  # a duration the provider's schema rejects
    rejected_code: Any
    rejected_parameter: str | None
    failure_code: Any


CASES = {
    "runware": Case(
        "runware",
        RunwareClient,
        {
            "taskType": "videoInference",
            "model": "alibaba:wan@2.6-flash",
            "positivePrompt": "A paper boat drifts down a rain gutter",
            "inputs": {"frameImages": ["https://example.com/boat.jpg"]},
            "resolution": "720p",
            "duration": 10,
            "includeCost": True,
        },
        {"duration": 40},
        "unsupportedDuration",
        "duration",
        "inferenceError",
    ),
    "wavespeed": Case(
        "wavespeed",
        WaveSpeedClient,
        {"image": "https://example.com/boat.jpg", "prompt": "The boat drifts away", "duration": 10},
        {"duration": 40},
        400,
        None,
        1403,
    ),
    "toapis": Case(
        "toapis",
        ToAPIsClient,
        {"model": "wan2.6-flash", "image_urls": ["https://example.com/boat.jpg"], "duration": 10},
        {"duration": 40},
        400,
        None,
        "generation_failed",
    ),
}
PROVIDERS = sorted(CASES)
