"""Concurrent writes to one key become fewer writes, and nobody is told "done" before its part is written."""

from __future__ import annotations

import threading
import time

import pytest

from shared.adapters.group_commit import GroupCommit


class SlowStore:
    """A counter whose write takes a while; records each write's batch."""

    def __init__(self, fail_first: bool = False) -> None:
        self.total = 0
        self.batches: list[list[int]] = []
        self.fail_first = fail_first
        self._lock = threading.Lock()

    def write(self, batch: list[int]) -> int:
        time.sleep(0.02)
        with self._lock:
            if self.fail_first:
                self.fail_first = False
                raise ConnectionError("storage unavailable")
            self.batches.append(batch)
            self.total += sum(batch)
            return self.total


def in_threads(count: int, work) -> list[object]:  # type: ignore[no-untyped-def]
    results: list[object] = []

    def run() -> None:
        try:
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_increments_are_written_together_and_each_is_stored_before_it_returns() -> None:
    store, commits = SlowStore(), GroupCommit[int, int](limit=5)

    def add_one() -> int:
        result = commits.submit("row", 1, store.write)
        assert result <= store.total  # what it returned was stored already
        return result

    results = in_threads(24, add_one)
    assert all(isinstance(r, int) for r in results), results
    assert store.total == 24 == sum(len(b) for b in store.batches)
    assert len(store.batches) < 24 and max(len(b) for b in store.batches) <= 5


def test_a_failed_write_is_raised_to_every_caller_in_it_and_the_next_ones_go_on() -> None:
    store, commits = SlowStore(fail_first=True), GroupCommit[int, int]()
    results = in_threads(10, lambda: commits.submit("row", 1, store.write))
    failed = [r for r in results if isinstance(r, ConnectionError)]
    assert failed and store.total == 10 - len(failed)
    assert commits.submit("row", 1, store.write) == store.total


def test_keys_are_written_apart() -> None:
    stores = {key: SlowStore() for key in ("a", "b")}
    commits = GroupCommit[int, int]()
    in_threads(8, lambda: [commits.submit(k, 1, stores[k].write) for k in ("a", "b")])
    assert stores["a"].total == stores["b"].total == 8


@pytest.mark.parametrize("count", [1, 2])
def test_a_lone_caller_writes_at_once(count: int) -> None:
    store, commits = SlowStore(), GroupCommit[int, int]()
    for _ in range(count):
        assert commits.submit("row", 2, store.write) == store.total
    assert store.batches == [[2]] * count
