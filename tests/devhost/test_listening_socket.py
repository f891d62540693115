"""The local host's listening socket: its connections send small responses at once (TCP_NODELAY), as Kestrel's do."""

from __future__ import annotations

from devhost.host import listening_socket
from tests.sockets import accepted_nodelay


def test_accepted_connections_have_tcp_nodelay() -> None:
    assert accepted_nodelay(listening_socket(0)) != 0


def test_listens_on_loopback_only() -> None:
    with listening_socket(0) as sock:
        assert sock.getsockname()[0] == "127.0.0.1"
