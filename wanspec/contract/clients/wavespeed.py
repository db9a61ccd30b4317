"""WaveSpeedAI: ``POST /{model}``, poll ``GET /predictions/{id}/result`` (see _protocol.json)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import PollPolicy, ProtocolClient

if TYPE_CHECKING:
    import httpx


class WaveSpeedClient(ProtocolClient):
    """WaveSpeedAI's REST API (``WAVESPEED_API_KEY``); ``model`` is the endpoint's model path."""

    provider = "wavespeed"

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        policy: PollPolicy = PollPolicy(),  # noqa: B008 - frozen, so one shared default is safe
        timeout: float = 30.0,
        strict: bool = False,
        model: str | None = None,
    ) -> None:
        super().__init__(api_key, base_url=base_url, http=http, policy=policy, timeout=timeout, strict=strict)
        # without one, the endpoint the protocol file names as the default ("env.model")
        self.model = (model or self.protocol.env["model"]).strip("/")

    def _variables(self) -> dict[str, Any]:
        return {**super()._variables(), "model": self.model}
