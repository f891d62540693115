"""The product's webhook function alone, in-process: subscriptions from memory, no host and no queue send (the
host sends the queue output after the function returns). What the product itself adds to an acknowledgement."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import azure.functions as func

from bench.loadgen import notification
from bench.stackrun import percentiles
from shared import bootstrap
from shared.ports import Clock, SubscriptionRecord
from shared.services.deps import Services, WorkerCaches


class _Out(func.Out[list[str]]):
    def __init__(self) -> None:
        self.value: list[str] = []

    def set(self, val: list[str]) -> None:
        self.value = val

    def get(self) -> list[str]:
        return self.value


def handler_only(mailbox: str, n: int = 3000) -> dict[str, Any]:
    import function_app

    record = SubscriptionRecord("sub-bench", mailbox, "inbox", "resource", "s" * 32, datetime(2030, 1, 1, tzinfo=UTC))
    fake = SimpleNamespace(subscriptions=SimpleNamespace(get=lambda _: record, all=lambda: [record]), clock=Clock(),
                           counters=SimpleNamespace(touch=lambda *a, **k: None, incr=lambda *a, **k: 0),
                           caches=WorkerCaches())  # the webhook's subscription snapshot lives here
    fn = next(f for f in function_app.app.get_functions() if f.get_function_name() == "GraphNotifications")
    handler = fn.get_user_function()
    bootstrap.override(cast(Services, fake))
    try:
        times = []
        for _ in range(n):
            body = json.dumps(notification(record.id, record.client_state, "user")).encode()
            req = func.HttpRequest("POST", "http://127.0.0.1/api/graph/notifications", body=body,
                                   headers={"Content-Type": "application/json"})
            started = time.perf_counter()
            answer = handler(req=req, out=_Out())
            times.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 202
    finally:
        bootstrap.override(None)
    return {"handler_ms": percentiles(times)}
