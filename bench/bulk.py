"""Bulk loading for benchmarks: a Table whose ``upsert_many`` sends its entity-group transactions a few at a time
and retries each one on its own when Azurite drops a connection.

Table storage's batch rules: one partition per transaction, at most 100 operations, a row at most once
(learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions). Upserts with REPLACE leave
the same row whether a retried batch was applied before or not, so a retry after a reset is safe.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
from azure.data.tables import TableServiceClient, UpdateMode

from shared.adapters.tables import Entity, Table

BATCH = 100
ATTEMPTS = 8


class BulkTable(Table):
    def __init__(self, service: TableServiceClient, name: str, workers: int = 4) -> None:
        super().__init__(service, name)
        self._workers = workers
        self.retries = 0

    def upsert_many(self, entities: list[Entity]) -> None:
        by_partition: dict[str, dict[str, Entity]] = {}
        for entity in entities:  # a batch may touch a row once: the last version of a row wins
            row = {k: v for k, v in entity.items() if k != "etag"}
            by_partition.setdefault(row["PartitionKey"], {})[row["RowKey"]] = row
        batches = [rows[start:start + BATCH] for rows in (list(r.values()) for r in by_partition.values())
                   for start in range(0, len(rows), BATCH)]
        with ThreadPoolExecutor(self._workers, thread_name_prefix="bulk") as pool:
            list(pool.map(self._send, batches))

    def _send(self, rows: list[Entity]) -> None:
        operations: list[Any] = [("upsert", row, {"mode": UpdateMode.REPLACE}) for row in rows]
        for attempt in range(ATTEMPTS):
            try:
                self.client.submit_transaction(operations)
                return
            except (ServiceRequestError, ServiceResponseError, HttpResponseError) as exc:
                status = getattr(exc, "status_code", None)
                if attempt == ATTEMPTS - 1 or (status is not None and status < 500):
                    raise  # a refused batch (4xx) is a bug, not a reset
                self.retries += 1
                time.sleep(min(30.0, 2.0 ** attempt))
