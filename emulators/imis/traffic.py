"""Request accounting and fault injection for everything outside ``/_emulator/``.

A fault rule applies to the next ``count`` matching requests (optionally only a path prefix and/or a method):
it delays the request by ``delay_ms`` (to make clients time out) and/or answers ``status`` (500, 503, 429…)
instead of the real handler, with ``Retry-After`` when asked. ``after_ms`` runs the real handler (the write
is committed) and holds its answer back that long: a client killed meanwhile never learns of the write.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL_PREFIX = "/_emulator"


@dataclass
class Fault:
    count: int = 1
    status: int | None = None
    delay_ms: int = 0
    after_ms: int = 0
    path_prefix: str = ""
    method: str = ""
    retry_after: int | None = None

    def applies(self, method: str, path: str) -> bool:
        return (self.count > 0 and path.lower().startswith(self.path_prefix.lower())
                and (not self.method or self.method.upper() == method))


@dataclass
class TrafficState:
    faults: list[Fault] = field(default_factory=list)
    by_route: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    faults_served: int = 0

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.applies(method, path):
                fault.count -= 1
                self.faults_served += 1
                return fault
        return None

    def clear_counts(self) -> None:
        self.by_route.clear()
        self.by_status.clear()
        self.faults_served = 0

    def summary(self) -> dict[str, Any]:
        return {"total": sum(self.by_route.values()), "by_route": dict(sorted(self.by_route.items())),
                "by_status": {str(k): v for k, v in sorted(self.by_status.items())},
                "faults_served": self.faults_served,
                "faults_pending": [asdict(f) for f in self.faults if f.count > 0]}


class Traffic:
    def __init__(self, app: ASGIApp, state: TrafficState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        method, status = scope["method"], 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            fault = self.state.take_fault(method, scope["path"])
            if fault and fault.delay_ms:
                await asyncio.sleep(fault.delay_ms / 1000)  # simulated latency, not synchronisation
            if fault and fault.status:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                reply = JSONResponse({"Message": "An error has occurred."}, fault.status, headers=headers)
                await reply(scope, receive, recording_send)
            elif fault and fault.after_ms:
                held: list[Message] = []

                async def holding_send(message: Message) -> None:
                    held.append(message)

                await self.app(scope, receive, holding_send)
                await asyncio.sleep(fault.after_ms / 1000)
                for message in held:
                    await recording_send(message)
            else:
                await self.app(scope, receive, recording_send)
        finally:
            route = scope.get("route")
            self.state.by_route[f"{method} {getattr(route, 'path', scope['path'])}"] += 1
            self.state.by_status[status] += 1
