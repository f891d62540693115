"""Run an ASGI app with uvicorn on a background thread (port 0 = a free port), for tests and demos."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp


class ServerThread:
    """``with ServerThread(app) as server: httpx.get(server.url + "/...")``."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0, startup_timeout_s: float = 10.0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="auto")
        self.server = uvicorn.Server(config)
        self.host = host
        self.port = 0
        self._timeout = startup_timeout_s
        self._thread = threading.Thread(target=self.server.run, name=f"uvicorn-{host}", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + self._timeout
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
