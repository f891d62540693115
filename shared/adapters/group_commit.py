"""Concurrent writes to one storage row (or one partition's rows) by this process's invocations, made as one.

The worker runs several invocations at once (host.json: batchSize + newBatchThreshold) and each counts its email
in the same few rows. Written one by one they race each other's ETags (a failed conditional write, a read and a
retry each time). Here the first caller of a key writes what every caller queued behind it added meanwhile, in
one request, and each caller returns only once the write holding its part succeeded (or raises its error): a
count is never acknowledged before it is stored, so a crash loses no more than writing one by one would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(eq=False)
class _Pending(Generic[T]):
    item: T
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    written: bool = False
    result: Any = None
    error: BaseException | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class GroupCommit(Generic[T, R]):
    def __init__(self, limit: int = 32) -> None:
        self._limit = limit  # items per write (an entity-group transaction holds at most 100 operations)
        self._lock = threading.Lock()
        self._queues: dict[Hashable, list[_Pending[T]]] = {}

    def submit(self, key: Hashable, item: T, write: Callable[[list[T]], R]) -> R:
        mine: _Pending[T] = _Pending(item)
        with self._lock:
            queue = self._queues.get(key)
            if queue is None:  # nobody writes this key now: this caller does
                queue = self._queues[key] = []
                mine.lead = True
            queue.append(mine)
        while not mine.lead:
            mine.done.wait()
            if mine.written:
                return mine.outcome()
        while not mine.written:  # leading: write batches in arrival order until this caller's own is written
            with self._lock:
                batch = queue[:self._limit]
                del queue[:len(batch)]
            self._write(batch, write)
        with self._lock:
            if queue:  # hand the lead to the next waiting caller
                queue[0].lead = True
                queue[0].done.set()
            else:
                del self._queues[key]
        return mine.outcome()

    @staticmethod
    def _write(batch: list[_Pending[T]], write: Callable[[list[T]], R]) -> None:
        try:
            result = write([p.item for p in batch])
        except BaseException as exc:  # noqa: BLE001 - each caller of the batch raises it
            for pending in batch:
                pending.error = exc
        else:
            for pending in batch:
                pending.result = result
        for pending in batch:
            pending.written = True
            pending.done.set()
