"""Replay mode blocks the network on every socket path Python can reach, the way pytest-socket
does and wider: connect, connect_ex, UDP sendto/sendmsg, TCP Fast Open, name lookups,
C-level ``_socket`` sockets, detached descriptors and sockets made before the block.
Loopback stays open. Each path is a test in a user's suite run by pytester."""

from __future__ import annotations

pytest_plugins = ["pytester"]

USER_SUITE = """
import _socket
import asyncio
import socket

import pytest

from wanspec.pytest_plugin import NetworkBlocked

EARLY = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # made before any block
FAR = ("192.0.2.1", 80)  # TEST-NET-1: nothing should ever be sent there
HINT = "wanspec-record-mode=once"


def _blocked(call):
    with pytest.raises(NetworkBlocked, match=HINT):
        call()


def test_connect(runware_client):
    _blocked(lambda: socket.create_connection(FAR, timeout=1))


def test_connect_ex(runware_client):
    with socket.socket() as s:
        _blocked(lambda: s.connect_ex(FAR))


def test_udp_sendto(runware_client):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        _blocked(lambda: s.sendto(b"x", ("192.0.2.1", 53)))


def test_udp_sendto_with_flags(runware_client):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        _blocked(lambda: s.sendto(b"x", 0, ("192.0.2.1", 53)))


def test_tcp_fast_open(runware_client):
    with socket.socket() as s:
        _blocked(lambda: s.sendto(b"GET / HTTP/1.0", getattr(socket, "MSG_FASTOPEN", 0x20000000), FAR))


def test_udp_sendmsg(runware_client):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        _blocked(lambda: s.sendmsg([b"x"], [], 0, ("192.0.2.1", 53)))


def test_udp_connect(runware_client):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        _blocked(lambda: s.connect(("192.0.2.1", 53)))


def test_ipv6(runware_client):
    with socket.socket(socket.AF_INET6) as s:
        _blocked(lambda: s.connect(("2001:db8::1", 80, 0, 0)))


def test_c_level_socket(runware_client):
    s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        _blocked(lambda: s.connect(FAR))
    finally:
        s.close()


def test_detached_socket(runware_client):
    fd = socket.socket().detach()
    again = socket.socket(socket.AF_INET, socket.SOCK_STREAM, fileno=fd)
    try:
        _blocked(lambda: again.connect(FAR))
    finally:
        again.close()


def test_detached_into_c_level_socket(runware_client):
    fd = socket.socket().detach()
    again = _socket.socket(fileno=fd)
    try:
        _blocked(lambda: again.connect(FAR))
    finally:
        again.close()


def test_socket_made_before_the_block(runware_client):
    _blocked(lambda: EARLY.connect(FAR))


def test_getaddrinfo(runware_client):
    _blocked(lambda: socket.getaddrinfo("example.com", 443))


def test_c_level_getaddrinfo(runware_client):
    _blocked(lambda: _socket.getaddrinfo("example.com", 443))


def test_gethostbyname(runware_client):
    _blocked(lambda: socket.gethostbyname("example.com"))


def test_asyncio(runware_client):
    _blocked(lambda: asyncio.run(asyncio.open_connection("192.0.2.1", 80)))


def test_loopback_stays_open(runware_client):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
    assert socket.getaddrinfo("localhost", 80)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", ("127.0.0.1", 9))


def test_everything_is_restored_after_the_fixture():
    assert "connect" not in vars(socket.socket) and _socket.socket.__module__ == "_socket"
    assert socket.getaddrinfo.__module__ == "socket"
"""

PATHS = USER_SUITE.count("def test_") - 2  # less the two loopback/restore checks


def test_every_socket_path_is_blocked_in_replay_mode(pytester):
    pytester.makepyfile(test_paths=USER_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=PATHS + 2)
    assert PATHS == 16
