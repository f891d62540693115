"""The benchmarks' bulk loader keeps Table storage's batch rules and retries a batch when a connection drops."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ServiceResponseError

from bench import bulk
from bench.bulk import BulkTable


class FlakyClient:
    def __init__(self, resets: int = 0, status: int | None = None) -> None:
        self.resets, self.status, self.batches = resets, status, []
        self._lock = threading.Lock()

    def submit_transaction(self, operations: list[Any]) -> None:
        with self._lock:
            if self.status is not None:
                error = HttpResponseError("refused")
                error.status_code = self.status
                raise error
            if self.resets:
                self.resets -= 1
                raise ServiceResponseError("Connection reset by peer")
            self.batches.append(operations)


def loader(client: FlakyClient, monkeypatch: pytest.MonkeyPatch) -> BulkTable:
    monkeypatch.setattr(bulk.time, "sleep", lambda s: None)
    table = BulkTable(None, "Counters")  # type: ignore[arg-type]
    table._client = client  # type: ignore[assignment]
    return table


def rows(partition: str, count: int) -> list[dict[str, Any]]:
    return [{"PartitionKey": partition, "RowKey": f"{n:05d}", "Count": n, "etag": "x"} for n in range(count)]


def test_batches_hold_one_partition_at_most_100_rows_each_once(monkeypatch: pytest.MonkeyPatch) -> None:
    client = FlakyClient()
    loader(client, monkeypatch).upsert_many(rows("a", 250) + rows("b", 30) + rows("a", 1))
    assert sorted(len(b) for b in client.batches) == [30, 50, 100, 100]
    for batch in client.batches:
        assert len({op[1]["PartitionKey"] for op in batch}) == 1
        assert len({op[1]["RowKey"] for op in batch}) == len(batch)
        assert all("etag" not in op[1] for op in batch)
    assert sum(len(b) for b in client.batches) == 280  # "a"/00000 twice: written once


def test_a_dropped_connection_is_retried_batch_by_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    client = FlakyClient(resets=3)
    table = loader(client, monkeypatch)
    table.upsert_many(rows("a", 300))
    assert sum(len(b) for b in client.batches) == 300 and table.retries == 3


def test_a_refused_batch_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    client = FlakyClient(status=400)
    table = loader(client, monkeypatch)
    with pytest.raises(HttpResponseError):
        table.upsert_many(rows("a", 10))
    assert table.retries == 0
