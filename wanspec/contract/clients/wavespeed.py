"""WaveSpeedAI: ``POST /{model}``, poll ``GET /predictions/{id}/result`` (see _protocol.json)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._secrets import Secret
from ._base import MAX_BODY, MAX_DEPTH, PollPolicy, ProtocolClient

if TYPE_CHECKING:
    import httpx


class WaveSpeedClient(ProtocolClient):
    """WaveSpeedAI's REST API (``WAVESPEED_API_KEY``); ``model`` is the endpoint's model path."""

    provider = "wavespeed"

    def __init__(
        self,
        api_key: str | Secret | None = None,
        *,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        policy: PollPolicy = PollPolicy(),  # noqa: B008 - frozen, so one shared default is safe
        timeout: float = 30.0,
        strict: bool = False,
        max_body: int = MAX_BODY,
        max_depth: int = MAX_DEPTH,
        on_send: Callable[[str, Any], None] | None = None,
        model: str | None = None,
    ) -> None:
        super().__init__(
            api_key,
            base_url=base_url,
            http=http,
            policy=policy,
            timeout=timeout,
            strict=strict,
            max_body=max_body,
            max_depth=max_depth,
            on_send=on_send,
        )
        # without one, the endpoint the protocol file names as the default ("env.model")
        self.model = (model or self.protocol.env["model"]).strip("/")

    def _variables(self) -> dict[str, Any]:
        return {**super()._variables(), "model": self.model}
