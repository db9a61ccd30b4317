"""Which provider a cassette talks to, when its metadata does not say.

Plain vcrpy and pytest-recording cassettes carry no ``metadata.wanspec``. Their requests
still say where they went: a provider whose documented base URL has the request's host
(``api.runware.ai``) is the one, and for a recording made against a loopback server or a
proxy (another host) the provider whose operations recognise every request is. The
protocol files are the only source, so a new provider needs no change here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .._cassette import Cassette
from .._protocol import list_protocols, load_protocol


def infer_provider(cassette: Cassette) -> str | None:
    """The provider named in the metadata, else the one the requests' hosts and paths point to
    (None when no provider, or more than one, fits)."""
    if cassette.provider is not None:
        return cassette.provider
    if not cassette.exchanges:
        return None

    hosts = {(urlsplit(ex.uri).hostname or "").lower() for ex in cassette.exchanges}
    by_host, by_path = [], []
    for name in list_protocols():
        protocol = load_protocol(name)
        base = urlsplit(protocol.env.get("baseUrl", "")).hostname or ""
        if not all(protocol.operation_for(ex.method, ex.path, ex.request_json()) for ex in cassette.exchanges):
            continue
        by_path.append(name)
        if base and hosts == {base.lower()}:
            by_host.append(name)
    if len(by_host) == 1:
        return by_host[0]
    return by_path[0] if len(by_path) == 1 else None
