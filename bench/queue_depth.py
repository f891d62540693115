"""Azurite's Queue service at depth: what one receive + delete and one put cost with 100 … 10,000 messages queued.

Azurite answers Get Messages and Delete Message by scanning every message it holds (``getMessages`` and
``clearExpiredMessages`` in node_modules/azurite/dist/src/queue/persistence/LokiQueueMetadataStore.js), so a deep
queue slows every request of its single Node.js process, the webhook's Put Message included. Azure Queue Storage
has per-queue targets that do not depend on depth (2,000 messages/s per queue:
https://learn.microsoft.com/azure/storage/queues/scalability-targets). The webhook benchmarks report the depth they
leave (``queued_after``); this figure says how much of their tail is the stand-in's.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from azure.storage.queue import QueueClient

from devhost.stack import Stack

DEPTHS = (100, 1_000, 5_000, 10_000)


def run(workdir: Path, depths: tuple[int, ...] = DEPTHS, rounds: int = 20) -> dict[str, Any]:
    rows = []
    with Stack(workdir / "queue-depth", host=False, emulators=False, services_apart=True,
               storage_in_memory=True) as stack:
        queue = QueueClient.from_connection_string(stack.connection_string, "depth")
        queue.create_queue()
        depth = 0
        for target in depths:
            while depth < target:
                queue.send_message("x" * 200)
                depth += 1
            started, taken = time.perf_counter(), 0
            for _ in range(rounds):  # as the host's listener: up to 8 at a time, each deleted when done
                for message in queue.receive_messages(messages_per_page=8, max_messages=8, visibility_timeout=1):
                    queue.delete_message(message)
                    taken += 1
            per_message = (time.perf_counter() - started) * 1000 / max(taken, 1)
            started = time.perf_counter()
            for _ in range(50):
                queue.send_message("y" * 200)
            per_put = (time.perf_counter() - started) * 1000 / 50
            depth += 50 - taken
            rows.append({"depth": target, "receive_delete_ms_per_message": round(per_message, 2),
                         "put_ms": round(per_put, 2)})
    return {"azurite": "in memory, Queue service in its own process", "by_depth": rows}
