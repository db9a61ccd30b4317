"""Runware: a JSON array of tasks POSTed to one URL, ``getResponse`` polling (see _protocol.json)."""

from __future__ import annotations

from ._base import ProtocolClient


class RunwareClient(ProtocolClient):
    """Runware's REST API (``RUNWARE_API_KEY``); a task without ``taskUUID`` gets a uuid4."""

    provider = "runware"
