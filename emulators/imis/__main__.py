"""``python -m emulators.imis --host 127.0.0.1 --port N --db PATH [--seed emulators/sample/crm.json]``

``--port 0`` picks a free port; the line ``imis-emulator listening on http://HOST:PORT`` is printed once the
server accepts connections, so a parent process can wait for it and read the port from it.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

import uvicorn

from emulators.imis.app import create_app


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m emulators.imis", description="iMIS REST emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--db", required=True, help="SQLite file; created if missing, kept across restarts")
    parser.add_argument("--seed", help="seed JSON (e.g. emulators/sample/crm.json) used when the db is empty")
    parser.add_argument("--token-ttl", type=int, help="token lifetime in seconds (default: seed or 1800)")
    return parser.parse_args(argv)


async def serve(server: uvicorn.Server, sock: socket.socket) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)  # poll uvicorn's readiness flag
    if server.started:
        host, port = sock.getsockname()[:2]
        print(f"imis-emulator listening on http://{host}:{port}", flush=True)
    await task


def listening_socket(host: str, port: int) -> socket.socket:
    """proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only then (asyncio/base_events.py
    ``_set_nodelay``); without it every response, written as head + body, waited ~44 ms for the client's delayed ACK."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    app = create_app(args.db, args.seed, token_ttl=args.token_ttl)
    sock = listening_socket(args.host, args.port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    asyncio.run(serve(uvicorn.Server(config), sock))
    app.state.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
