"""What a listening socket's accepted connections get: shared by the local host's and the iMIS emulator's tests."""

from __future__ import annotations

import asyncio
import socket


def accepted_nodelay(listening: socket.socket) -> int:
    """TCP_NODELAY of a connection asyncio accepts on ``listening`` (non-zero: set)."""
    async def probe() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
        port = server.sockets[0].getsockname()[1]
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                return await asyncio.wait_for(seen, 5)
            finally:
                writer.close()

    return asyncio.run(probe())
