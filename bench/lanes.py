"""End-to-end latency of live mail while a historical import drains (the two queue lanes, shared/domain/lanes.py).

A backlog mailbox of ``backlog`` emails is onboarded with a 30-day import: its pages go on mail-bulk as batches of 32
ids. While BulkWorker works through them, live customer mail is delivered to a second mailbox one email every
``spacing`` seconds; each is timed from its delivery into the mailbox (Graph notifies at once) to its decision-log
entry written right after the CRM write, as in bench/endtoend.py.

Layout, as on Flex Consumption where each queue-triggered function scales in its own instance group
(https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling): one host process
runs the HTTP functions, MailWorker and the timers; a second host process on the same storage runs BulkWorker only
(``AzureWebJobs.<name>.Disabled`` app settings, devhost/disabled.py), started once the import's pages are listed
and at the moment the live mail begins. On this machine both share two cores with
Azurite and the emulators, which Azure instances do not. The figures say how far the import got meanwhile
(``import_emails_decided_meanwhile``) and what a single queue would have cost the first live email: the bulk
messages queued ahead of it, at the import's own rate (``one_queue_wait_estimate_s``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.data.tables import TableServiceClient

from bench.endtoend import MAILBOX as LIVE
from bench.endtoend import _deliver
from bench.mailmix import mix
from bench.stackrun import percentiles, prepare, running_stack, wait_until
from devhost.stack import Stack
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.tables import Tables
from shared.domain.work import BATCH_IDS

BACKLOG = "lanes-backlog@association.example"


def _functions() -> list[str]:
    import function_app

    return [str(f.get_function_name()) for f in function_app.app.get_functions()]


def _disable(names: list[str]) -> dict[str, str]:
    return {f"AzureWebJobs.{name}.Disabled": "true" for name in names}


def _backlog(driver: Any, n: int) -> None:
    driver.graph.post("/mailboxes", json={"address": BACKLOG, "displayName": "Backlog"}).raise_for_status()
    messages = [s.message for s in mix(n, [BACKLOG], seed=31, prefix="LNS")]
    for i in range(0, len(messages), 500):
        driver.graph.post(f"/mailboxes/{BACKLOG}/bulk",
                          json={"messages": messages[i:i + 500], "folder": "inbox", "notify": False}
                          ).raise_for_status()


def _import(driver: Any) -> dict[str, Any]:
    """The backlog mailbox's import progress: ``state`` "done" once every page is listed (its batches queued)."""
    return dict(next(m for m in driver.status()["mailboxes"] if m["address"] == BACKLOG)["import"])


def _import_decided(driver: Any) -> int:
    return int(_import(driver).get("processed") or 0)


def _list_import(stack: Stack) -> None:
    """The import's pages listed onto mail-bulk by the product's own step (shared/services/history.py), here, before
    BulkWorker starts: the whole backlog waits on the bulk lane when the live mail begins, as after a real
    onboarding, whose steps list a mailbox in seconds while its batches take far longer to capture."""
    from shared.bootstrap import build_services
    from shared.config import Settings
    from shared.services.history import import_step

    deps = build_services(Settings.from_env(stack.app_env()))
    while import_step(BACKLOG, deps).get("state") == "running":
        pass


def run(workdir: Path, backlog: int = 3000, n: int = 40, spacing: float = 0.5) -> dict[str, Any]:
    names = _functions()
    with running_stack(workdir / "live", extra_env=_disable(["BulkWorker"])) as (stack, driver):
        prepare(driver, [LIVE])
        log = TableDecisionLog(Tables(TableServiceClient.from_connection_string(stack.connection_string),
                                      "MailCapture").decisions)
        _backlog(driver, backlog)
        driver.add_mailbox(BACKLOG, "Backlog", import_days=30)
        _list_import(stack)
        shared = {"GRAPH_BASE_URL": stack.graph_url, "IMIS_BASE_URL": stack.imis_url,
                  "GRAPH_CLIENT_STATE": stack.client_state, "WEBHOOK_BASE_URL": stack.host_url + "/api"}
        bulk_only = _disable([name for name in names if name != "BulkWorker"])
        lanes_before = driver.status()["queue"]["lanes"]
        with Stack(workdir / "bulk", storage=stack.connection_string, emulators=False, extra_env=bulk_only | shared):
            decided_before, started = _import_decided(driver), time.monotonic()
            ids = _deliver(driver, mix(n, [LIVE], seed=37, prefix="LIVE", kinds={"customer": 1.0}), spacing)

            def written() -> dict[str, datetime]:
                entries = log.search(mailbox=LIVE, outcome="captured", limit=10**6)
                return {e["message_id"]: e["at"] for e in entries if e.get("record_kind") and e["message_id"] in ids}

            wait_until(lambda: len(written()) == len(ids), 300, f"{n} live emails captured", every=0.5)
            done, window = written(), time.monotonic() - started
            decided_after, lanes_after = _import_decided(driver), driver.status()["queue"]["lanes"]
    latencies = [(done[i] - ids[i]).total_seconds() for i in ids]
    p = percentiles(latencies)
    rate = (decided_after - decided_before) / window if window else 0.0
    ahead = lanes_before["bulk"]["depth"]
    return {
        "backlog_emails": backlog, "live_emails": n, "spacing_s": spacing, "latency_s": p,
        "layout": "host 1: HTTP + MailWorker + timers; host 2: BulkWorker only (Disabled settings)",
        "bulk_depth_before": ahead, "bulk_depth_after": lanes_after["bulk"]["depth"],
        "live_depth_after": lanes_after["live"]["depth"],
        "import_emails_decided_meanwhile": decided_after - decided_before,
        "import_emails_per_second_meanwhile": round(rate, 1),
        "one_queue_wait_estimate_s": round(min(ahead * BATCH_IDS, backlog) / rate, 1) if rate else None,
        "import_still_running_at_end": lanes_after["bulk"]["depth"] > 0,
        "measured_at": datetime.now(UTC).isoformat(),
        "targets": {"p50_s": 2, "p99_s": 10},
        "meets_targets": p.get("p50", 99) <= 2 and p.get("p99", 99) <= 10,
    }
