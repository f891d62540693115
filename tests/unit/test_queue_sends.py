"""Many payloads are sent to Queue Storage concurrently, at most SENDERS at a time, each exactly once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from shared.adapters.queues import SENDERS, StorageMessageQueue


class SlowQueueClient:
    """Stands in for azure.storage.queue.QueueClient: each Put Message takes a while; counts what overlaps."""

    def __init__(self, fail_on: bytes | None = None) -> None:
        self.sent: list[bytes] = []
        self.in_flight = self.peak = 0
        self._lock = threading.Lock()
        self._fail_on = fail_on

    def create_queue(self) -> None:
        return None

    def send_message(self, body: bytes, visibility_timeout: int | None = None) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        time.sleep(0.01)
        with self._lock:
            self.in_flight -= 1
            if body == self._fail_on:
                raise ConnectionError("storage unavailable")
            self.sent.append(body)


def payloads(n: int) -> list[dict[str, Any]]:
    return [{"kind": "catch_up", "mailbox": f"m{i}@x.example", "folder": "inbox"} for i in range(n)]


def test_a_fan_out_is_sent_concurrently_within_the_bound_each_once() -> None:
    client = SlowQueueClient()
    StorageMessageQueue(client).send(payloads(60))  # type: ignore[arg-type]
    assert sorted(client.sent) == sorted(f'{{"kind":"catch_up","mailbox":"m{i}@x.example","folder":"inbox"}}'
                                         .encode() for i in range(60))
    assert 1 < client.peak <= SENDERS


def test_a_failed_send_is_raised_after_the_others_finish() -> None:
    failing = b'{"kind":"catch_up","mailbox":"m7@x.example","folder":"inbox"}'
    client = SlowQueueClient(fail_on=failing)
    with pytest.raises(ConnectionError):
        StorageMessageQueue(client).send(payloads(30))  # type: ignore[arg-type]
    assert client.in_flight == 0 and failing not in client.sent
