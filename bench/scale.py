"""Scale model: many mailboxes on the Graph emulator (subscriptions in Inbox and Sent Items), the renewal and
delta-backstop timers run through the host's admin run endpoint, and a simulated 1-hour outage.

Figures: Graph requests per timer run (and so per hour at the timers' schedules), each timer's run time (the
host's own "Duration" of the invocation), how long the queued backstop walks take on BulkWorker, the Table
partition spread, and the time from the first backstop run after the outage until every mail that arrived
during it has an outcome. docs/benchmarks.md extrapolates them to 10,000 mailboxes.

Renewal is measured twice: a routine run (nothing within 2 days of expiry: a scan of the subscription rows)
and a run where every subscription is due, made by moving the rows' ExpiresAt one day ahead in Table storage
(what the app sees ~5 days after onboarding; the emulator's subscriptions are really valid for 7 days, so the
renewals it receives are the real PATCH requests).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from azure.data.tables import TableServiceClient, UpdateMode

from bench.mailmix import mix
from bench.stackrun import (
    cpu_by_child,
    cpu_delta,
    load_average,
    prepare,
    queue_depth,
    run_timer,
    running_stack,
    wait_until,
)
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.tables import Tables

PREFIX = "MailCapture"
OUTAGE_S = 3600


def _address(i: int) -> str:
    return f"desk{i:05d}@association.example"


def _durations(stack: Any, function: str) -> list[int]:
    log = (stack.workdir / "logs" / "host.log").read_text(errors="replace")
    return [int(ms) for ms in re.findall(rf"Executed 'Functions\.{function}' \([^)]*Duration=(\d+)ms\)", log)]


def _timer(stack: Any, driver: Any, function: str, drain: bool) -> dict[str, Any]:
    """Run the timer once; its host-measured duration, the Graph requests until the queue is idle again."""
    driver.graph.delete("/requests")
    runs, load = len(_durations(stack, function)), load_average()
    started = time.monotonic()
    run_timer(stack, function)
    wait_until(lambda: len(_durations(stack, function)) > runs, 1800, f"{function} to finish", every=0.5)
    timer_done = time.monotonic()
    if drain:
        wait_until(lambda: queue_depth(stack) == 0, 3600, "the queued walks", every=1.0)
    graph = driver.graph.get("/requests").json()
    return {"timer_run_ms": _durations(stack, function)[-1],
            "until_queue_idle_s": round(time.monotonic() - started, 1) if drain else None,
            "timer_wall_s": round(timer_done - started, 1), "graph_requests": graph["total"],
            "graph_requests_by_kind": graph["perKind"], "graph_429": graph["perStatus"].get("429", 0),
            "load_average": load}


def _onboard(driver: Any, addresses: list[str]) -> dict[str, Any]:
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:  # an admin script adding mailboxes, a few at a time
        list(pool.map(lambda a: driver.add_mailbox(a, "Desk", import_days=0), addresses))
    return {"seconds": round(time.monotonic() - started, 1), "load_average": load_average()}


def _make_all_due(service: TableServiceClient) -> int:
    table = service.get_table_client(PREFIX + "Subscriptions")
    soon = datetime.now(UTC) + timedelta(days=1)
    rows = list(table.query_entities("PartitionKey eq 'subscription'"))
    for row in rows:
        table.update_entity({"PartitionKey": row["PartitionKey"], "RowKey": row["RowKey"], "ExpiresAt": soon},
                            mode=UpdateMode.MERGE)
    return len(rows)


def _partitions(service: TableServiceClient) -> dict[str, Any]:
    spread: dict[str, Any] = {}
    for table in service.list_tables():
        if not table.name.startswith(PREFIX):
            continue
        counts = Counter(e["PartitionKey"] for e in
                         service.get_table_client(table.name).list_entities(select=["PartitionKey"]))
        if counts:
            spread[table.name[len(PREFIX):]] = {"rows": sum(counts.values()), "partitions": len(counts),
                                                "largest_partition_rows": max(counts.values())}
    return spread


def _outage(stack: Any, driver: Any, addresses: list[str], service: TableServiceClient) -> dict[str, Any]:
    """The app misses every notification for an hour (as if stopped) while each mailbox receives mail; then
    the DeltaBackstop timer runs once and we time until every one of those emails has an outcome."""
    driver.graph.post("/notifications", json={"dropForSeconds": OUTAGE_S}).raise_for_status()
    specs = mix(len(addresses), addresses, seed=29, prefix="OUT")
    for spec in specs:
        driver.graph.post(f"/mailboxes/{spec.mailbox}/bulk",
                          json={"messages": [spec.message], "folder": spec.folder, "notify": True}
                          ).raise_for_status()
    driver.graph.post("/clock", json={"advanceSeconds": OUTAGE_S}).raise_for_status()
    log = TableDecisionLog(Tables(service, PREFIX).decisions)
    since = datetime.now(UTC) - timedelta(minutes=1)

    def decided() -> int:
        return len({e["message_id"] for e in log.search(since=since, limit=10**7) if not e.get("contact_id")})

    cpu_before = cpu_by_child(stack)
    backstop = _timer(stack, driver, "DeltaBackstop", drain=False)
    started = time.monotonic() - backstop["timer_wall_s"]
    wait_until(lambda: decided() >= len(specs), 3600, "every missed email to get an outcome", every=2.0)
    return {"emails_missed": len(specs), "recovered_s": round(time.monotonic() - started, 1),
            "backstop": backstop, "cpu_seconds": cpu_delta(cpu_before, cpu_by_child(stack)),
            "load_average_after": load_average()}


def run(workdir: Path, n: int = 1000) -> dict[str, Any]:
    addresses = [_address(i) for i in range(n)]
    with running_stack(workdir) as (stack, driver):
        prepare(driver, [])
        out: dict[str, Any] = {"mailboxes": n, "folders_per_mailbox": 2}
        out["onboarding"] = _onboard(driver, addresses)
        wait_until(lambda: queue_depth(stack) == 0, 3600, "onboarding's first delta walks", every=1.0)
        out["subscriptions_live"] = len(driver.graph.get("/subscriptions").json()["value"])
        service = TableServiceClient.from_connection_string(stack.connection_string)
        out["renewal_routine"] = _timer(stack, driver, "SubscriptionRenewal", drain=False)
        out["renewal_rows_made_due"] = _make_all_due(service)
        out["renewal_all_due"] = _timer(stack, driver, "SubscriptionRenewal", drain=True)  # renewals fan out
        out["backstop_tick_none_due"] = _timer(stack, driver, "DeltaBackstopTick", drain=True)
        out["backstop_all"] = _timer(stack, driver, "DeltaBackstop", drain=True)
        out["outage_1h"] = _outage(stack, driver, addresses, service)
        out["partitions"] = _partitions(service)
    return out
