"""Host CPU per entity-group transaction against Azurite: ``python -m bench.transactions`` (or ``--only transactions``).

Three ways through azure-core 1.41.0, in the same process, alternating rounds so the machine's load hits them alike:
``library`` (azure-core's own code: thread pools, ``email`` body and answer), ``no threads`` (the thread pools
replaced, the ``email`` code kept: main before shared/adapters/multipart_wire.py) and ``bytes`` (the whole shim of
shared/adapters/multipart.py). Each round submits transactions of 32 and of 100 upserts of decision-log-sized rows
and records the process CPU (``time.process_time``: the benchmark's own thread only does this work) per transaction.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.core.pipeline import Pipeline
from azure.core.rest import _helpers as rest_helpers
from azure.core.rest import _http_response_impl
from azure.core.utils import _pipeline_transport_rest_shared as library
from azure.data.tables import TableClient

from bench.stackrun import load_average
from devhost.stack import Stack
from shared.adapters import multipart
from shared.adapters.tables import storage_options

SIZES = (32, 100)
LIBRARY = {(Pipeline, "_prepare_multipart_mixed_request"): Pipeline.__dict__["_prepare_multipart_mixed_request"],
           (_http_response_impl, "_parts_helper"): library._parts_helper,
           (rest_helpers, "_prepare_multipart_body_helper"): library._prepare_multipart_body_helper,
           (_http_response_impl, "_get_raw_parts_helper"): library._get_raw_parts_helper}
BYTES_ONLY = list(LIBRARY)[2:]  # what "no threads" leaves to the library


@contextmanager
def way(name: str) -> Iterator[None]:
    multipart.install()
    restore = {key: getattr(*key) if key[0] is not Pipeline else Pipeline.__dict__[key[1]] for key in LIBRARY}
    keep = {"library": list(LIBRARY), "no threads": BYTES_ONLY, "bytes": []}[name]
    try:
        for owner, attr in keep:
            setattr(owner, attr, LIBRARY[(owner, attr)])
        yield
    finally:
        for (owner, attr), value in restore.items():
            setattr(owner, attr, value)


def row(i: int) -> dict[str, Any]:
    """About a decision-log row: keys, a few strings, a date, numbers, a flag."""
    return {"PartitionKey": "mailbox-0001", "RowKey": f"{i:08d}-message-id", "outcome": "captured",
            "reason": "contact matched", "subject": "Re: the annual meeting agenda " * 2, "at": datetime.now(UTC),
            "bytes": 12_345 + i, "attempt": 1, "manual": False, "contact": f"{100000 + i}"}


def cpu_per_transaction(client: TableClient, n: int, rounds: int) -> tuple[float, float]:
    operations = [("upsert", row(i)) for i in range(n)]
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        client.submit_transaction(operations)
    return (time.process_time() - cpu) / rounds * 1000, (time.perf_counter() - wall) / rounds * 1000


def run(workdir: Path, rounds: int = 10, repeats: int = 5) -> dict[str, Any]:
    with Stack(workdir, host=False, emulators=False) as stack:
        client = TableClient.from_connection_string(stack.connection_string, "Transactions", **storage_options())
        client.create_table()
        figures: dict[str, dict[int, list[tuple[float, float]]]] = {}
        load_before = load_average()
        for _ in range(repeats):
            for name in ("library", "no threads", "bytes"):
                with way(name):
                    for n in SIZES:
                        cpu_per_transaction(client, n, 1)  # warm: the connection, first-use imports
                        figures.setdefault(name, {}).setdefault(n, []).append(cpu_per_transaction(client, n, rounds))
        client.close()
    result: dict[str, Any] = {"rounds": rounds, "repeats": repeats, "load": [load_before, load_average()]}
    for name, by_size in figures.items():
        result[name] = {f"{n} upserts": {"cpu_ms": round(statistics.median(c for c, _ in runs), 2),
                                         "wall_ms": round(statistics.median(w for _, w in runs), 2)}
                        for n, runs in by_size.items()}
    return result


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run(Path(tmp))
    print(f"load average before/after: {outcome['load']}")
    for way_name in ("library", "no threads", "bytes"):
        cells = "  ".join(f"{size}: {f['cpu_ms']:.2f} ms CPU, {f['wall_ms']:.2f} ms wall"
                          for size, f in outcome[way_name].items())
        print(f"{way_name:<11} per transaction of {cells}")
