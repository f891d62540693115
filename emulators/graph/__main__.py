"""``python -m emulators.graph --host 127.0.0.1 --port N`` (port 0 picks a free port).

Prints ``graph-emulator listening on http://HOST:PORT`` once the socket accepts connections, so a
parent process can wait for that line and read the port from it.
"""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from emulators.graph.app import create_app


async def _serve(host: str, port: int, log_level: str) -> None:
    server = uvicorn.Server(uvicorn.Config(create_app(), host=host, port=port, log_level=log_level, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task  # startup failed: surface the error
            return
        await asyncio.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    print(f"graph-emulator listening on http://{host}:{bound}", flush=True)
    await task


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulators.graph", description="Local Microsoft Graph emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.host, args.port, args.log_level))


if __name__ == "__main__":
    main()
