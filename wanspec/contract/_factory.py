"""A client for a provider by name, configured from an environment mapping."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def client_for(
    provider: str,
    *,
    base_url: str | None = None,
    endpoint: str | None = None,
    env: Mapping[str, str] | None = None,
    policy: Any = None,
    http: Any = None,
    on_send: Any = None,
    max_body: int | None = None,
    timeout: float | None = None,
) -> Any:
    """The client of ``provider`` with its key from ``env`` (default: the process environment).

    ``endpoint`` is a recorded submission path; for providers that route by URL
    (WaveSpeedAI's ``/api/v3/{model}``) the model is taken from it, as the protocol's path
    pattern names it. Without ``base_url``, ``<PROVIDER>_BASE_URL`` in ``env`` (``RUNWARE_BASE_URL``…)
    overrides the documented one. ``on_send`` sees every request body before it is sent.
    """
    from ._errors import MissingCredentials, UnknownProvider
    from ._protocol import load_protocol
    from .clients import PollPolicy, RunwareClient, ToAPIsClient, WaveSpeedClient

    classes = {c.provider: c for c in (RunwareClient, WaveSpeedClient, ToAPIsClient)}
    if provider not in classes:
        raise UnknownProvider(provider)
    protocol = load_protocol(provider)
    variable = protocol.env.get("apiKey", "")
    environ = env if env is not None else os.environ
    key = environ.get(variable)
    if not key:
        raise MissingCredentials(f"{provider}: no API key; set {variable}")
    base_url = base_url or environ.get(f"{provider.upper()}_BASE_URL") or None
    kwargs: dict[str, Any] = {"base_url": base_url, "policy": policy or PollPolicy(), "http": http, "on_send": on_send}
    if max_body is not None:
        kwargs["max_body"] = max_body
    if timeout is not None:
        kwargs["timeout"] = timeout
    if endpoint is not None:
        model = protocol.path_params("submit", endpoint).get("model")
        if model:
            kwargs["model"] = model
    return classes[provider](key, **kwargs)
