"""Host CPU per single request through the product's adapters: ``python -m bench.request_cost [--n 400]``.

The worker's per-email cost is mostly its single requests (issue 17): the capture ledger's Table insert and upsert
(``Table`` over azure-data-tables), the Graph GET (``SdkGraphClient`` over msgraph-sdk's request adapter) and the
CRM POST (``ImisCrmClient`` over httpx). Each is timed here against Azurite and the in-repo emulators, started on
loopback without the Functions host, as microseconds of this process's CPU per call (every thread: the Graph
adapter's event-loop thread included; the servers' CPU is not counted). ``--profile DIR`` writes a cProfile of
each kind (``DIR/<kind>.prof``) for ``python -m pstats``. A figure, not a test: the machine is shared.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import json
import logging
import resource
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stackrun import load_average
from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.adapters.credentials import graph_credential, storage_credential
from shared.adapters.graph import SdkGraphClient, build_sdk_client
from shared.adapters.http_costs import quiet_request_logs
from shared.adapters.imis import ImisCrmClient, http_client
from shared.adapters.tables import Table, table_service
from shared.config import Settings
from shared.domain.mapping import CrmRecord
from shared.ports import FetchSpec

SAMPLE = Path(__file__).resolve().parents[1] / "emulators" / "sample" / "mail" / "01-alice-renewal-question.eml"
MAILBOX = "bench-requests@association.example"
CONTACT_EMAIL = "alice.moreau@example.org"


def per_call(name: str, call: Callable[[int], Any], n: int, rounds: int, profile: Path | None) -> dict[str, Any]:
    """µs of process CPU per call in each of ``rounds`` rounds of ``n`` calls, after 20 warm-up calls (connections,
    first imports); the least round is the figure least disturbed by other processes on a shared machine."""
    for i in range(20):
        call(-1 - i)
    profiler = cProfile.Profile() if profile else None
    cpu_us, wall_us, sys_us = [], [], []
    for r in range(rounds):
        cpu, wall, kernel = time.process_time(), time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
        if profiler:
            profiler.enable()
        for i in range(n):
            call(r * n + i)
        if profiler:
            profiler.disable()
        cpu_us.append(round((time.process_time() - cpu) / n * 1e6))
        sys_us.append(round((resource.getrusage(resource.RUSAGE_SELF).ru_stime - kernel) / n * 1e6))
        wall_us.append(round((time.perf_counter() - wall) / n * 1e6))
    if profiler and profile:
        profiler.dump_stats(str(profile / f"{name}.prof"))
    return {"cpu_us": min(cpu_us), "cpu_us_median": statistics.median(cpu_us), "wall_us": min(wall_us),
            "kernel_us_median": statistics.median(sys_us), "rounds": cpu_us}


def table_calls(settings: Settings) -> tuple[Callable[[int], Any], Callable[[int], Any]]:
    table = Table(table_service(settings, storage_credential(settings)), "BenchCaptures")
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)

    def insert(i: int) -> Any:  # as TableCaptureLedger.claim: a new row per capture key
        return table.create({"PartitionKey": f"{run}-{i}", "RowKey": "50001", "Status": "pending",
                             "Owner": "bench", "ClaimedAt": now})

    def upsert(i: int) -> Any:  # as TableCaptureLedger.complete
        return table.upsert({"PartitionKey": f"{run}-{i}", "RowKey": "50001", "Status": "done",
                             "RecordId": "12345", "Kind": "activity", "Pending": "", "Owner": "", "ClaimedAt": now})

    return insert, upsert


def graph_call(settings: Settings, driver: StackDriver) -> tuple[SdkGraphClient, Callable[[int], Any]]:
    driver.graph.post("/mailboxes", json={"address": MAILBOX, "displayName": "Bench"}).raise_for_status()
    message_id = driver.deliver(MAILBOX, SAMPLE)["id"]
    client = SdkGraphClient(build_sdk_client(graph_credential(settings), settings.graph_base_url), timeout=30)
    spec = FetchSpec()
    return client, lambda _: client.get_message(MAILBOX, message_id, spec)


def crm_call(settings: Settings) -> tuple[ImisCrmClient, Callable[[int], Any]]:
    crm = ImisCrmClient(http_client(settings.imis_base_url), settings.imis_username, settings.imis_password,
                        settings.crm_concurrency)
    contact = crm.find_contacts(CONTACT_EMAIL)[0].id
    run = uuid.uuid4().hex[:8]

    def post(i: int) -> Any:
        record = CrmRecord("activity", contact, f"bench-{run}-{i}",
                           (("DESCRIPTION", f"Bench request {i}"), ("NOTE", "A short note.")), "EMAIL")
        return crm.write_record(record, [])

    return crm, post


class _WorkerLogHandler(logging.Handler):
    """Stands in for the Functions Python worker's handler on the root logger (set to INFO there:
    azure_functions_worker/dispatcher.py, dispatch_forever): each record formatted and queued for the host."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: collections.deque[str] = collections.deque(maxlen=1000)

    def emit(self, record: logging.LogRecord) -> None:
        self.sent.append(self.format(record))


def worker_logging() -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(_WorkerLogHandler())


def run(workdir: Path, n: int = 400, rounds: int = 5, profile: Path | None = None,
        only: tuple[str, ...] = ()) -> dict[str, Any]:
    with Stack(workdir, host=False) as stack:
        driver = StackDriver(stack)
        settings = Settings.from_env(stack.app_env())
        insert, upsert = table_calls(settings)
        graph, get = graph_call(settings, driver)
        crm, post = crm_call(settings)
        calls = {"table_insert": insert, "table_upsert": upsert, "graph_get": get, "crm_post": post}
        load = load_average()
        try:
            figures = {name: per_call(name, call, n, rounds, profile) for name, call in calls.items()
                       if not only or name in only}
        finally:
            graph.close()
            driver.close()
    return {"n": n, "rounds": rounds, "per_call": figures, "load_average": [load, load_average()]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=400, help="calls per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker-logging", action="store_true",
                        help="the root logger at INFO with a formatting handler, as in the Functions Python worker")
    parser.add_argument("--request-logs", action="store_true",
                        help="keep httpx's and azure-core's INFO record per request (as before quiet_request_logs)")
    parser.add_argument("--profile", type=Path, help="write a cProfile per kind of call into this directory")
    parser.add_argument("--only", default="", help="comma-separated: table_insert,table_upsert,graph_get,crm_post")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if args.worker_logging:
        worker_logging()
    if not args.request_logs:
        quiet_request_logs()  # as shared.bootstrap.build_services does
    with tempfile.TemporaryDirectory(prefix="request-cost-") as tmp:
        result = run(Path(tmp), args.n, args.rounds, args.profile, tuple(filter(None, args.only.split(","))))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
