"""One "instance" for tests/integration/test_shared_limits.py: threads sending pretend Graph requests to one
mailbox through the shared limits on Azurite; prints each request's start/end and each refusal as JSON lines.

    python -m tests.integration.limits_client <connection> <unique> <seconds> <threads>
"""

from __future__ import annotations

import json
import sys
import threading
import time

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.limit_store import FAST, AzureLimitStore
from shared.adapters.shared_budget import SharedBudget
from shared.adapters.shared_limits import SharedLimits, SharedSemaphore
from shared.domain.errors import GraphUnavailable

SLOTS, BUDGET, WINDOW_S, PARTS = 4, 40, 4.0, 4  # 40 requests per sliding 4 s: 6 per 1-s sub-window


def main(connection: str, unique: str, seconds: float, threads: int) -> None:
    store = AzureLimitStore(BlobServiceClient.from_connection_string(connection, **FAST),
                            TableServiceClient.from_connection_string(connection, **FAST),
                            f"l-{unique}", f"t{unique}Limits")
    limits = SharedLimits(SharedSemaphore(store, "graph", SLOTS, GraphUnavailable, wait_s=2.0, max_backoff=0.1),
                          SharedBudget(store, "graph", BUDGET, WINDOW_S, GraphUnavailable, parts=PARTS, wait_s=2.0))
    out, lock = sys.stdout, threading.Lock()
    stop = time.monotonic() + seconds

    def emit(row: dict[str, object]) -> None:
        with lock:
            out.write(json.dumps(row) + "\n")
            out.flush()

    def work() -> None:
        while time.monotonic() < stop:
            try:
                with limits.request("m@x.example"):
                    start = time.time()
                    time.sleep(0.02)  # the request
                    emit({"start": start, "end": time.time()})
            except GraphUnavailable as exc:
                emit({"refused": time.time(), "retry_after": exc.retry_after})

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
