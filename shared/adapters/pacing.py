"""Per-mailbox throttling discipline for Graph (documented Outlook limits: 4 concurrent requests and
10,000 requests per 10 minutes, per app per mailbox). Enforced per process; a deployment with several
instances stays safe because the budget below is set well under the limit."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class MailboxPacer:
    def __init__(self, concurrency: int = 4, budget: int = 8000, window_s: float = 600.0) -> None:
        self._concurrency, self._budget, self._window = concurrency, budget, window_s
        self._slots: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(self._concurrency))
        self._sent: dict[str, deque[float]] = defaultdict(deque)

    @asynccontextmanager
    async def slot(self, mailbox: str) -> AsyncIterator[None]:
        key = mailbox.lower()
        async with self._slots[key]:
            await self._wait_for_budget(key)
            yield

    async def _wait_for_budget(self, key: str) -> None:
        sent = self._sent[key]
        while True:
            now = time.monotonic()
            while sent and now - sent[0] > self._window:
                sent.popleft()
            if len(sent) < self._budget:
                sent.append(now)
                return
            await asyncio.sleep(self._window - (now - sent[0]) + 0.01)
