"""A webhook endpoint to point subscriptions at: answers Graph's validation handshake and records
change and lifecycle notifications, with switches to misbehave (wrong or slow echo, error answers).

Each URL path is its own endpoint (``/hooks/a``, ``/hooks/b``...), configured with ``configure(path, ...)``.
Used by the emulator's tests; handy for demos too: ``ServerThread(WebhookSink().app)``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route


@dataclass(slots=True)
class Behaviour:
    echo: str = "exact"  # exact | wrong | empty
    echo_delay_s: float = 0.0
    echo_status: int = 200
    fail_first: int = 0  # answer the first N notifications with 500
    status: int = 202


@dataclass(slots=True)
class Endpoint:
    behaviour: Behaviour = field(default_factory=Behaviour)
    validations: list[dict[str, str]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)  # every notification POST, answered or not


class WebhookSink:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._endpoints: dict[str, Endpoint] = {}
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])

    def _endpoint(self, path: str) -> Endpoint:
        with self._lock:
            return self._endpoints.setdefault("/" + path.strip("/"), Endpoint())

    def configure(self, path: str, **behaviour: Any) -> None:
        self._endpoint(path).behaviour = Behaviour(**behaviour)

    def clear(self) -> None:
        with self._lock:
            self._endpoints.clear()

    def validations(self, path: str) -> list[dict[str, str]]:
        return list(self._endpoint(path).validations)

    def posts(self, path: str) -> list[dict[str, Any]]:
        return list(self._endpoint(path).posts)

    def notifications(self, path: str, answered: bool = True) -> list[dict[str, Any]]:
        """The notification items (``value[*]``) received at ``path``; by default only those answered 2xx."""
        return [item for post in self.posts(path) if post["status"] < 300 or not answered
                for item in post["body"].get("value", [])]

    async def _handle(self, request: Request) -> Response:
        endpoint = self._endpoint(request.path_params["path"])
        behaviour = endpoint.behaviour
        token = request.query_params.get("validationToken")
        if token is not None:
            endpoint.validations.append({"token": token, "contentType": request.headers.get("content-type", "")})
            if behaviour.echo_delay_s:
                await asyncio.sleep(behaviour.echo_delay_s)
            body = {"exact": token, "wrong": token + "-wrong", "empty": ""}[behaviour.echo]
            return PlainTextResponse(body, status_code=behaviour.echo_status)
        payload = json.loads(await request.body() or b"{}")
        status = behaviour.status
        if behaviour.fail_first > 0:
            behaviour.fail_first -= 1
            status = 500
        endpoint.posts.append({"body": payload, "status": status})
        return Response(status_code=status)
