"""Graph's request budget (10,000 per 10 minutes per app per mailbox, a sliding window) held by every instance
together, through a ``LimitStore`` (shared.adapters.shared_limits has the why and the fail-safe).

The window is split into ``parts`` sub-windows, each granting at most budget / (parts + 2): a sliding window
overlaps at most parts + 1 sub-windows, and one more covers clock skew between instances under one sub-window.
An instance takes grants in blocks (one conditional write each) and spends them locally; a block is sized by what
the instance spent in the sub-window before (at least ``chunk``, at most cap / 8), so a busy worker asks storage
about once per sub-window and an idle one holds back little. Grants left when their sub-window ends are dropped,
never carried over: the store never grants more than the cap in a sub-window, whatever the block size.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from shared.domain.errors import TransientError
from shared.ports import LimitStore

log = logging.getLogger(__name__)
Unavailable = Callable[[str, float], TransientError]


class SharedBudget:
    """At most ``budget`` requests per ``window_s`` (sliding) for each key across every instance."""

    def __init__(self, store: LimitStore, name: str, budget: int, window_s: float, unavailable: Unavailable, *,
                 parts: int = 60, chunk: int = 4, wait_s: float = 30.0, wall: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        parts = max(1, min(parts, budget - 2))
        self._store, self._name, self._unavailable = store, name, unavailable
        self._cap, self._part_s = max(1, budget // (parts + 2)), window_s / parts
        # grants left unspent when a sub-window ends are lost: take few at a time when the cap is small
        self._chunk = max(1, min(chunk, self._cap // 8))
        self._wait_s, self._wall, self._sleep = wait_s, wall, sleep
        self._left: dict[str, tuple[int, int]] = {}  # key -> (sub-window, requests granted and not yet sent)
        self._spent: dict[str, tuple[int, int, int]] = {}  # key -> (sub-window, sent in it, sent in the one before)
        self._exhausted: dict[str, int] = {}  # key -> the last sub-window storage had no grant left in
        self._asks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    @property
    def per_part(self) -> tuple[int, float]:
        return self._cap, self._part_s

    def spend(self, key: str) -> None:
        deadline, backoff = time.monotonic() + self._wait_s, 0.05
        while True:
            now = self._wall()
            part = int(now // self._part_s)
            if self._use_local(key, part):
                return
            with self._asking(key):  # one ask per key at a time here: the others wait for its block
                granted, pause, backoff = self._ask(key, part, now, backoff)
            if granted:
                return
            if time.monotonic() + pause > deadline:
                raise self._unavailable(f"{self._name} budget for {key} spent", max(pause, 1.0))
            self._sleep(pause)

    def _ask(self, key: str, part: int, now: float, backoff: float) -> tuple[bool, float, float]:
        """(sent, pause before trying again, next backoff); called holding the key's asking lock."""
        next_part = (part + 1) * self._part_s - now + random.uniform(0, 0.05)
        if self._use_local(key, part):  # a block another caller asked for while this one waited
            return True, 0.0, backoff
        if self._exhausted.get(key) == part:  # storage said this sub-window is spent: do not ask again
            return False, next_part, backoff
        try:
            granted = self._store.take(f"{self._name}/{key}", part, self._cap, self._block(key, part))
        except Exception as exc:  # storage down or slow: no grant, so nothing is sent
            log.warning("%s budget store failed (%s): waiting", self._name, type(exc).__name__)
            return False, backoff, min(backoff * 2, 1.0)
        with self._lock:
            if not granted:
                self._exhausted[key] = part
                return False, next_part, backoff
            same = self._left.get(key, (part, 0))
            self._left[key] = (part, granted - 1 + (same[1] if same[0] == part else 0))
            self._count(key, part)
        return True, 0.0, backoff

    def _asking(self, key: str) -> threading.Lock:
        lock = self._asks.get(key)
        if lock is None:
            with self._lock:
                lock = self._asks.setdefault(key, threading.Lock())
        return lock

    def _use_local(self, key: str, part: int) -> bool:
        with self._lock:
            held = self._left.get(key)
            if held is None or held[0] != part or held[1] <= 0:
                return False  # grants of an earlier sub-window are dropped, never carried over
            self._left[key] = (part, held[1] - 1)
            self._count(key, part)
            return True

    def _count(self, key: str, part: int) -> None:
        """One request sent in ``part`` (called holding the lock)."""
        at, now, before = self._spent.get(key, (part, 0, 0))
        if at != part:
            at, now, before = part, 0, now if at == part - 1 else 0
        self._spent[key] = (at, now + 1, before)

    def _block(self, key: str, part: int) -> int:
        """How many grants to ask for: what this instance sent in the sub-window before, less what it has
        sent in this one, within [chunk, cap / 8]."""
        with self._lock:
            at, now, before = self._spent.get(key, (part, 0, 0))
        if at != part:
            now, before = 0, now if at == part - 1 else 0
        return max(self._chunk, min(self._cap // 8, before - now))
