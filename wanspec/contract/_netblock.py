"""Blocking the network while cassettes replay: every socket path Python can reach.

The way pytest-socket does it (``src/pytest_socket/__init__.py``: guard the class, not only
one method; guard name resolution; close a refused socket so its descriptor does not leak),
widened to every call that can put a packet on the wire:

* ``connect`` and ``connect_ex`` (TCP, and UDP's default peer);
* ``sendto`` and ``sendmsg`` with an address (UDP datagrams, and TCP Fast Open:
  ``sendto(data, MSG_FASTOPEN, address)`` connects and sends in one call);
* name resolution: ``getaddrinfo``, ``gethostbyname(_ex)``, ``gethostbyaddr``,
  ``getnameinfo`` for anything but loopback (a DNS query leaves the machine);
* C-level sockets: ``_socket.socket`` is replaced by a guarded subclass for the duration,
  and the methods of ``socket.socket`` are replaced on the class, so sockets made before
  the block, made from a detached descriptor (``socket.socket(fileno=…)``, ``fromfd``) or
  made from ``_socket`` directly are all guarded;
* ``AF_PACKET`` raw sockets cannot send at all.

Loopback (127.0.0.0/8, ::1, ``localhost``) and Unix sockets stay open: local test servers
keep working. What Python cannot reach (a C extension with its own socket calls, a
subprocess) is out of reach of any in-process block; ``unshare --net`` covers those.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_METHODS = ("connect", "connect_ex", "sendto", "sendmsg")
_RESOLVERS = ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")


class NetworkBlocked(RuntimeError):
    """A test tried to reach the network while cassettes replay (the request is not recorded)."""


def is_loopback(host: Any) -> bool:
    """True for loopback addresses and names (and for no host at all: a wildcard bind)."""
    if host is None or host == "":
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower().rstrip(".")
    if name in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _numeric(host: Any) -> bool:
    """An IP literal: looking it up sends no query (connecting to it is what gets checked)."""
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host).strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _host(address: Any) -> Any:
    return address[0] if isinstance(address, tuple) and address else address


@contextmanager
def network_blocked(hint: str) -> Iterator[None]:
    """Inside the block, any attempt to reach a non-loopback host raises NetworkBlocked,
    whose message says what was tried and ``hint`` (how to record the missing request)."""
    import _socket

    def refuse(what: str, target: Any) -> NetworkBlocked:
        return NetworkBlocked(f"{what} {target} is blocked: {hint}")

    def check(sock: Any, address: Any, what: str) -> None:
        family = getattr(sock, "family", None)
        if family == getattr(socket, "AF_PACKET", object()):
            raise refuse(what, "a raw packet socket")
        if family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(_host(address)):
            raise refuse(what, _host(address))

    def guard(real: Callable[..., Any], name: str) -> Callable[..., Any]:
        if name in ("connect", "connect_ex"):

            def connect(self: Any, address: Any) -> Any:
                try:
                    check(self, address, "network access to")
                except NetworkBlocked:
                    self.close()  # the caller's `except OSError` cleanup will not see this error
                    raise
                return real(self, address)

            return connect
        if name == "sendto":

            def sendto(self: Any, data: Any, *rest: Any) -> Any:
                if rest:
                    check(self, rest[-1], "sending to")
                return real(self, data, *rest)

            return sendto

        def sendmsg(self: Any, buffers: Any, *rest: Any) -> Any:
            if len(rest) >= 3:
                check(self, rest[2], "sending to")
            return real(self, buffers, *rest)

        return sendmsg

    def resolver(real: Callable[..., Any], name: str) -> Callable[..., Any]:
        def resolve(host: Any, *args: Any, **kwargs: Any) -> Any:
            target = _host(host) if name == "getnameinfo" else host
            if not is_loopback(target) and not (name == "getaddrinfo" and _numeric(target)):
                raise refuse("resolving", target)
            return real(host, *args, **kwargs)

        return resolve

    methods = {name: getattr(socket.socket, name) for name in _METHODS}
    own = {name for name in _METHODS if name in vars(socket.socket)}
    c_socket = _socket.socket
    guarded_c = type("socket", (c_socket,), {name: guard(getattr(c_socket, name), name) for name in _METHODS})
    resolvers = {
        (module, name): getattr(module, name)
        for module in (socket, _socket)
        for name in _RESOLVERS
        if hasattr(module, name)
    }
    try:
        for name, real in methods.items():
            setattr(socket.socket, name, guard(real, name))
        _socket.socket = _socket.SocketType = guarded_c  # type: ignore[misc,assignment]
        for (module, name), real in resolvers.items():
            setattr(module, name, resolver(real, name))
        yield
    finally:
        for name, real in methods.items():
            if name in own:
                setattr(socket.socket, name, real)
            else:
                delattr(socket.socket, name)
        _socket.socket = _socket.SocketType = c_socket  # type: ignore[misc]
        for (module, name), real in resolvers.items():
            setattr(module, name, real)
