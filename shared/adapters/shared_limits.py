"""Graph's and the CRM's limits held by every instance at once, through a ``LimitStore`` (Azure Storage).

Azure's Rate Limiting pattern (https://learn.microsoft.com/azure/architecture/patterns/rate-limiting-pattern)
splits a shared capacity into parts that workers lease through Blob storage leases, so a crashed worker's part
comes back when its lease expires. Here:
- concurrency (Graph: 4 per app per mailbox; iMIS: IMIS_MAX_CONCURRENCY per site) is N slots per key; a request
  runs only while its instance holds a slot's lease. An instance keeps a slot for its next request while it
  has more waiting (at most ``keep_s``, well inside the lease), and for ``linger_s`` after its last request (a
  worker's next email usually comes sooner), then gives it back; it never asks storage for a slot it holds;
- the request budget (Graph: 10,000 per 10 minutes per app per mailbox, a sliding window): ``SharedBudget``
  (shared.adapters.shared_budget).
Fail safe: when the store errs or is slow, nothing is sent; the caller waits (bounded by ``wait_s``) and then
gets the transient error the adapter names, with Retry-After, which the worker turns into a deferral that
spends none of the queue's attempts: slower, never over, nothing lost.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from shared.adapters.shared_budget import SharedBudget
from shared.domain.errors import TransientError
from shared.ports import LimitStore

log = logging.getLogger(__name__)
Unavailable = Callable[[str, float], TransientError]


@dataclass(slots=True)
class _Held:
    slot: int
    lease: str
    taken_at: float
    idle_since: float = 0.0


@dataclass(slots=True)
class _Key:
    cond: threading.Condition = field(default_factory=threading.Condition)
    idle: list[_Held] = field(default_factory=list)
    mine: set[int] = field(default_factory=set)  # slots this instance holds, busy or idle
    waiting: int = 0
    polling: bool = False
    next_poll: float = 0.0
    backoff: float = 0.02


class SharedSemaphore:
    """At most ``slots`` holders of each key across every instance sharing ``store``."""

    def __init__(self, store: LimitStore, name: str, slots: int, unavailable: Unavailable, *, lease_s: int = 60,
                 keep_s: float = 10.0, wait_s: float = 30.0, max_backoff: float = 0.5, linger_s: float = 0.5) -> None:
        self._store, self._name, self._slots, self._unavailable = store, name, slots, unavailable
        self._lease_s, self._keep_s, self._wait_s, self._max_backoff = lease_s, keep_s, wait_s, max_backoff
        self._linger_s = linger_s
        self._keys: dict[str, _Key] = {}
        self._lock = threading.Lock()
        self._lingering: set[str] = set()  # keys with an idle slot, for the reaper
        self._wake = threading.Event()
        self._reaper: threading.Thread | None = None

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        state = self._state(key)
        held = self._take(key, state)
        try:
            yield
        finally:
            self._give_back(key, state, held)

    def _state(self, key: str) -> _Key:
        state = self._keys.get(key)  # the common case: no lock, no new Condition
        if state is not None:
            return state
        with self._lock:
            return self._keys.setdefault(key, _Key())

    def _take(self, key: str, state: _Key) -> _Held:
        deadline = time.monotonic() + self._wait_s
        with state.cond:
            state.waiting += 1
            try:
                while True:
                    now = time.monotonic()
                    usable = [h for h in state.idle if now - h.taken_at < self._keep_s]  # the rest: the reaper's
                    if usable:
                        state.idle.remove(usable[-1])
                        return usable[-1]
                    if not state.polling and now >= state.next_poll:
                        held_new = self._poll(key, state)
                        if held_new is not None:
                            return held_new
                        continue
                    if now >= deadline:
                        raise self._unavailable(f"no {self._name} slot for {key} within {self._wait_s:g} s",
                                                self._wait_s)
                    state.cond.wait(min(deadline, max(state.next_poll, now + 0.01)) - now)
            finally:
                state.waiting -= 1

    def _poll(self, key: str, state: _Key) -> _Held | None:
        """One round over the slots in random order, outside the lock; called holding ``state.cond``."""
        state.polling = True
        mine = frozenset(state.mine)
        state.cond.release()
        try:
            held = self._try_slots(key, mine)
        finally:
            state.cond.acquire()
            state.polling = False
        if held is not None:
            state.mine.add(held.slot)
        if held is None:
            state.backoff = min(state.backoff * 2, self._max_backoff)
            state.next_poll = time.monotonic() + state.backoff * random.uniform(0.5, 1.0)
        else:
            state.backoff, state.next_poll = 0.02, 0.0
        state.cond.notify()
        return held

    def _try_slots(self, key: str, mine: frozenset[int]) -> _Held | None:
        for slot in random.sample(range(self._slots), self._slots):
            if slot in mine:  # held here (busy, or being given back): asking storage would only get a 409
                continue
            try:
                lease = self._store.try_slot(f"{self._name}/{key}", slot, self._lease_s)
            except Exception as exc:  # storage down or slow: no slot, so nothing is sent
                log.warning("%s limit store failed (%s): waiting", self._name, type(exc).__name__)
                return None
            if lease is not None:
                return _Held(slot, lease, time.monotonic())
        return None

    def _give_back(self, key: str, state: _Key, held: _Held) -> None:
        with state.cond:
            now = time.monotonic()
            if now - held.taken_at < self._keep_s and (state.waiting or self._linger_s > 0):
                held.idle_since = now
                state.idle.append(held)  # the next local request uses it: no storage round trip
                state.cond.notify()
                self._linger(key)
                return
            state.mine.discard(held.slot)
        self._free(key, held)

    def _linger(self, key: str) -> None:
        with self._lock:
            self._lingering.add(key)
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name=f"{self._name}-slots", daemon=True)
                self._reaper.start()
        self._wake.set()

    def _reap(self) -> None:
        """Give back the slots idle for ``linger_s`` with nobody waiting (or held ``keep_s``), off callers' threads."""
        while True:
            self._wake.wait(max(self._linger_s / 2, 0.05) if self._lingering else None)
            self._wake.clear()
            with self._lock:
                keys = [(key, self._keys[key]) for key in self._lingering]
                self._lingering.clear()
            now, done = time.monotonic(), []
            for key, state in keys:
                with state.cond:
                    gone = [h for h in state.idle if now - h.taken_at >= self._keep_s
                            or (not state.waiting and now - h.idle_since >= self._linger_s)]  # else a waiter's
                    state.idle = [h for h in state.idle if h not in gone]
                    state.mine -= {h.slot for h in gone}
                    done += [(key, h) for h in gone]
                    if state.idle:
                        with self._lock:
                            self._lingering.add(key)
            for key, held in done:
                self._free(key, held)

    def _free(self, key: str, held: _Held) -> None:
        try:
            self._store.free_slot(f"{self._name}/{key}", held.slot, held.lease)
        except Exception as exc:  # the lease then ends by itself within lease_s: slower, never over
            log.warning("%s slot not released (%s)", self._name, type(exc).__name__)


class SharedLimits:
    """A key's concurrency slot, then one request of its budget (if it has one), for each request sent."""

    def __init__(self, slots: SharedSemaphore, budget: SharedBudget | None = None) -> None:
        self._slots, self._budget = slots, budget

    @contextmanager
    def request(self, key: str) -> Iterator[None]:
        with self._slots.hold(key):
            if self._budget is not None:
                self._budget.spend(key)  # after the slot: the grant is used within its sub-window
            yield
