"""ToAPIs: ``POST /videos/generations``, poll ``GET /videos/generations/{id}`` (see _protocol.json)."""

from __future__ import annotations

from ._base import ProtocolClient


class ToAPIsClient(ProtocolClient):
    """ToAPIs' video generation API (``TOAPIS_API_KEY``)."""

    provider = "toapis"
