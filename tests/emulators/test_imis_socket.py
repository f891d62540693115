"""The iMIS emulator's listening socket: its connections send small responses at once (TCP_NODELAY)."""

from __future__ import annotations

from emulators.imis.__main__ import listening_socket
from tests.sockets import accepted_nodelay


def test_accepted_connections_have_tcp_nodelay() -> None:
    assert accepted_nodelay(listening_socket("127.0.0.1", 0)) != 0
