"""Outlook throttling and injected faults.

Documented Outlook limits (concepts/throttling-limits.md#outlook-service-limits): 10,000 requests per
10 minutes per app and mailbox, and 4 concurrent requests (the docs now say per app across mailboxes;
Graph's error names it ``MailboxConcurrency``, so ``scope`` picks ``mailbox`` (default) or ``app``).
Over a limit, Graph answers 429 with ``Retry-After`` (concepts/throttling.md); the error code and
messages below are those Graph returns in practice (``ApplicationThrottled``, "Application is over its
MailboxConcurrency limit."). Windows slide on the emulated clock.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from emulators.graph.clock import Clock


@dataclass(slots=True)
class Limits:
    enabled: bool = True
    concurrency: int = 4
    requests: int = 10_000
    window_s: float = 600.0
    concurrency_retry_after_s: int = 1
    scope: str = "mailbox"  # mailbox | app
    # Graph's own time to serve a mailbox request, held with its concurrency slot before the answer. The emulator
    # answers from memory without yielding, so at 0 requests never overlap in it and the 4-concurrent limit cannot
    # bind however many a client sends at once; a benchmark of concurrency sets it (the real figure is not
    # documented: ~100 ms for a message GET is an assumption).
    service_ms: int = 0


@dataclass(slots=True)
class FaultRule:
    """Answer the next ``count`` matching requests with ``status`` (or just delay them by ``delay_ms``)."""

    count: int = 1
    status: int | None = None
    retry_after_s: int | None = None
    delay_ms: int = 0
    mailbox: str | None = None  # address or user id; matched case-insensitively
    path: str | None = None  # substring of the request path (after /v1.0)
    method: str | None = None
    code: str | None = None
    id: int = 0

    def matches(self, mailbox_keys: set[str], path: str, method: str) -> bool:
        return (self.count > 0 and (self.mailbox is None or self.mailbox.lower() in mailbox_keys)
                and (self.path is None or self.path.lower() in path.lower())
                and (self.method is None or self.method.upper() == method.upper()))


@dataclass(slots=True)
class Stats:
    total: int = 0
    per_mailbox: Counter[str] = field(default_factory=Counter)
    per_kind: Counter[str] = field(default_factory=Counter)
    per_status: Counter[int] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    faults_applied: int = 0
    in_flight: int = 0
    max_concurrency: int = 0
    max_concurrency_per_mailbox: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total, "perMailbox": dict(self.per_mailbox), "perKind": dict(self.per_kind),
            "perStatus": {str(k): v for k, v in self.per_status.items()},
            "throttled": sum(self.throttled.values()), "throttledByReason": dict(self.throttled),
            "faultsApplied": self.faults_applied, "inFlight": self.in_flight, "maxConcurrency": self.max_concurrency,
            "maxConcurrencyPerMailbox": dict(self.max_concurrency_per_mailbox),
        }


class Throttler:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.limits = Limits()
        self.faults: list[FaultRule] = []
        self._next_fault_id = 1
        self._windows: dict[tuple[str, ...], deque[float]] = {}
        self._in_flight: Counter[tuple[str, ...]] = Counter()

    def key(self, app: str, mailbox: str) -> tuple[str, ...]:
        return (app,) if self.limits.scope == "app" else (app, mailbox)

    def over_budget(self, key: tuple[str, ...]) -> int | None:
        """Seconds to wait if this request would exceed the request budget; else records it."""
        if not self.limits.enabled:
            return None
        now, window = self.clock.timestamp(), self.limits.window_s
        stamps = self._windows.setdefault(key, deque())
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        if len(stamps) >= self.limits.requests:
            return max(1, math.ceil(stamps[0] + window - now))
        stamps.append(now)
        return None

    def acquire(self, key: tuple[str, ...]) -> bool:
        if self.limits.enabled and self._in_flight[key] >= self.limits.concurrency:
            return False
        self._in_flight[key] += 1
        return True

    def in_flight(self, key: tuple[str, ...]) -> int:
        return self._in_flight[key]

    def release(self, key: tuple[str, ...]) -> None:
        self._in_flight[key] -= 1
        if self._in_flight[key] <= 0:
            del self._in_flight[key]

    def add_fault(self, rule: FaultRule) -> FaultRule:
        rule.id, self._next_fault_id = self._next_fault_id, self._next_fault_id + 1
        self.faults.append(rule)
        return rule

    def take_fault(self, mailbox_keys: set[str], path: str, method: str) -> FaultRule | None:
        for rule in self.faults:
            if rule.matches(mailbox_keys, path, method):
                rule.count -= 1
                return rule
        return None
