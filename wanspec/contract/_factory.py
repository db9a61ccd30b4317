"""A client for a provider by name, configured from an environment mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._errors import MissingCredentials, UnknownProvider
from ._protocol import api_key, key_variable, load_protocol
from .clients import PollPolicy, ProtocolClient, RunwareClient, ToAPIsClient, WaveSpeedClient

if TYPE_CHECKING:
    import httpx


def client_for(
    provider: str,
    *,
    base_url: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
    policy: PollPolicy | None = None,
    http: httpx.Client | None = None,
) -> ProtocolClient:
    """The client of ``provider`` with its key from ``env`` (default: the process environment).

    ``endpoint`` is a recorded submission path; for providers that route by URL
    (WaveSpeedAI's ``/api/v3/{model}``) the model is taken from it, as the protocol's path
    pattern names it. Without ``base_url``, ``<PROVIDER>_BASE_URL`` in ``env`` (``RUNWARE_BASE_URL``…)
    overrides the documented one.
    """

    classes: dict[str, type[ProtocolClient]] = {c.provider: c for c in (RunwareClient, WaveSpeedClient, ToAPIsClient)}
    if provider not in classes:
        raise UnknownProvider(provider)
    protocol = load_protocol(provider)
    environ = env if env is not None else os.environ
    key = api_key(provider, environ)
    if not key:
        raise MissingCredentials(f"{provider}: no API key; set {key_variable(provider)}")
    base_url = base_url or environ.get(f"{provider.upper()}_BASE_URL") or None
    kwargs: dict[str, Any] = {"base_url": base_url, "policy": policy or PollPolicy(), "http": http}
    if endpoint is not None:
        model = protocol.path_params("submit", endpoint).get("model")
        if model:
            kwargs["model"] = model
    return classes[provider](key, **kwargs)
