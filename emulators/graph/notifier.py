"""Asynchronous, at-least-once delivery of change and lifecycle notifications.

Each notification is POSTed by a background task; a non-2xx answer or a transport error is retried
with exponential backoff up to ``attempts`` times (Graph retries for hours; the bound keeps tests
fast). Fault switches, set through ``POST /_emulator/notifications``, drop, duplicate or delay change
notifications so the webhook's dedupe and catch-up logic can be exercised.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from emulators.graph.clock import Clock
from emulators.graph.handshake import validate_endpoint
from emulators.graph.mailstore import StoreEvent
from emulators.graph.payloads import change_notification, change_type_for, lifecycle_notification
from emulators.graph.subscriptions import Subscription, SubscriptionRegistry


@dataclass(slots=True)
class DeliveryConfig:
    timeout_s: float = 3.0  # Graph's notification client timeout
    attempts: int = 4
    backoff_s: float = 0.5
    validation_timeout_s: float = 10.0
    resource_style: str = "observed"  # or "docs"


@dataclass(slots=True)
class DeliveryFaults:
    drop_next: int = 0
    drop_until: datetime | None = None
    duplicates: int = 0  # extra copies of each change notification
    delay_ms: int = 0
    delay_count: int | None = None  # how many upcoming notifications the delay applies to (None: all)
    jitter_ms: int = 0
    missed_on_drop: bool = False  # send a "missed" lifecycle event when a notification is dropped


class Notifier:
    def __init__(self, clock: Clock, tenant_id: str, subscriptions: SubscriptionRegistry) -> None:
        self.clock, self.tenant_id, self.subscriptions = clock, tenant_id, subscriptions
        self.config = DeliveryConfig()
        self.faults = DeliveryFaults()
        self.log: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def pending(self) -> int:
        return sum(1 for t in self._tasks if not t.done())

    def client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            self._client, self._loop = httpx.AsyncClient(), loop
        return self._client

    async def aclose(self) -> None:
        self.cancel_all()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def cancel_all(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()

    async def validate(self, url: str) -> None:
        await validate_endpoint(self.client(), url, self.config.validation_timeout_s)

    def on_store_event(self, event: StoreEvent) -> None:
        for sub in self.subscriptions.active(self.clock.now()):
            change_type = change_type_for(sub, event)
            if change_type is not None:
                payload = change_notification(sub, change_type, event, self.tenant_id, self.config.resource_style)
                self._dispatch_change(sub, payload, change_type)

    def lifecycle(self, sub: Subscription, event: str) -> bool:
        if not sub.lifecycle_url:
            return False
        payload = lifecycle_notification(sub, event, self.tenant_id)
        self._spawn(self._deliver(sub.id, sub.lifecycle_url, payload, f"lifecycle:{event}", 0.0))
        return True

    def _dropping(self) -> bool:
        f = self.faults
        if f.drop_next > 0:
            f.drop_next -= 1
            return True
        return f.drop_until is not None and self.clock.now() < f.drop_until

    def _delay_s(self) -> float:
        f = self.faults
        delay = 0.0
        if f.delay_ms and (f.delay_count is None or f.delay_count > 0):
            delay = f.delay_ms / 1000
            f.delay_count = None if f.delay_count is None else f.delay_count - 1
        return delay + (random.uniform(0, f.jitter_ms / 1000) if f.jitter_ms else 0.0)

    def _dispatch_change(self, sub: Subscription, payload: dict[str, Any], change_type: str) -> None:
        label = f"change:{change_type}"
        if self._dropping():
            self.log.append(self._entry(sub.id, label, payload, attempt=0, dropped=True))
            if self.faults.missed_on_drop:
                self.lifecycle(sub, "missed")
            return
        for _ in range(1 + max(0, self.faults.duplicates)):
            self._spawn(self._deliver(sub.id, sub.notification_url, payload, label, self._delay_s()))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _entry(self, sub_id: str, label: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
        item = payload["value"][0]
        entry = {"subscriptionId": sub_id, "kind": label, "notificationId": item.get("id"),
                 "resource": item.get("resource"), "at": self.clock.now().isoformat(), "dropped": False}
        entry.update(extra)
        return entry

    async def _deliver(self, sub_id: str, url: str, payload: dict[str, Any], label: str, delay_s: float) -> None:
        if delay_s:
            await asyncio.sleep(delay_s)
        cfg = self.config
        for attempt in range(1, max(1, cfg.attempts) + 1):
            status: int | None = None
            error: str | None = None
            try:
                response = await self.client().post(url, json=payload, timeout=cfg.timeout_s)
                status = response.status_code
            except httpx.HTTPError as exc:
                error = type(exc).__name__
            delivered = status is not None and 200 <= status < 300
            self.log.append(self._entry(sub_id, label, payload, attempt=attempt, status=status, error=error,
                                        delivered=delivered))
            if delivered:
                return
            if attempt < cfg.attempts:
                await asyncio.sleep(cfg.backoff_s * 2 ** (attempt - 1))
