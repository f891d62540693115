"""One mailbox's historical import drained by several worker host processes at once, against the Graph emulator
enforcing Outlook's per-app-per-mailbox limits (4 in flight, the request budget), the limits held by all the
processes together through Azurite (``shared.adapters.shared_limits``).

Each extra host is a second ``Stack`` on the first one's Azurite and emulators (``storage=``), as Flex
Consumption adds instances of one app on one storage account. The emulator keys its limits by the bearer token
(the app) and the mailbox, whichever process sends (``emulators/graph/throttle.py``), so concurrency 429s count
requests in flight across all hosts. Judged by the CRM: every email that names a contact has exactly one record
per contact (``devhost.crm_view``), none twice, none missing.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from azure.data.tables import TableServiceClient

from bench.mailmix import mix
from bench.stackrun import cpu_by_child, cpu_delta, prepare, queue_depth, running_stack, wait_until
from devhost.crm_view import capture_key, contacts_per_key, differences
from devhost.stack import Stack
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.tables import Tables

MAILBOX = "instances-bench@association.example"
# Outlook's limit per app per mailbox is 10,000 requests per 10 minutes and 4 concurrent
# (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits); "scaled" keeps its rate on
# a 60 s window so a run takes 2 minutes, "quick" is a smoke run.
# Each Graph request holds its concurrency slot this long in the emulator (Graph's service time, an assumption):
# without it the emulator never has two requests in flight and "0 concurrency 429s" would prove nothing.
SERVICE_MS = 100
SIZES: dict[str, dict[str, int]] = {"full": {"n": 10_000, "limit": 10_000, "window": 600},
                                    "scaled": {"n": 2_000, "limit": 1_000, "window": 60},
                                    "quick": {"n": 300, "limit": 200, "window": 60}}


def _load_mailbox(driver: Any, n: int) -> dict[str, list[str]]:
    """Bulk-load the mix without notifications; returns what the CRM must hold (capture key -> contacts)."""
    driver.graph.post("/mailboxes", json={"address": MAILBOX, "displayName": "Import"}).raise_for_status()
    specs = mix(n, [MAILBOX], seed=17, prefix="INS")
    for folder in ("inbox", "sentitems"):
        batch = [s.message for s in specs if s.folder == folder]
        for i in range(0, len(batch), 500):
            driver.graph.post(f"/mailboxes/{MAILBOX}/bulk",
                              json={"messages": batch[i:i + 500], "folder": folder, "notify": False}).raise_for_status()
    return {capture_key(s.internet_message_id): sorted(s.contacts) for s in specs if s.contacts}


def _extra_host(stack: Stack, workdir: Path, env: dict[str, str]) -> Stack:
    shared = {"GRAPH_BASE_URL": stack.graph_url, "IMIS_BASE_URL": stack.imis_url,
              "GRAPH_CLIENT_STATE": stack.client_state, "WEBHOOK_BASE_URL": stack.host_url + "/api"}
    return Stack(workdir, storage=stack.connection_string, emulators=False, extra_env=env | shared, timeout=120)


def run(workdir: Path, processes: int = 4, n: int = 2_000, limit: int = 1_000, window: int = 60) -> dict[str, Any]:
    env = {"GRAPH_MAILBOX_BUDGET": f"{limit * 95 // 100}/{window}"}  # the app's default: 95 % of Graph's
    with running_stack(workdir / "host0", extra_env=env) as (stack, driver), ExitStack() as hosts:
        driver.graph.post("/throttling", json={"enabled": True, "requests": limit, "windowSeconds": window,
                                               "concurrency": 4, "scope": "mailbox",
                                               "serviceMs": SERVICE_MS}).raise_for_status()
        prepare(driver, [])
        expected = _load_mailbox(driver, n)
        extra = [hosts.enter_context(_extra_host(stack, workdir / f"host{i}", env)) for i in range(1, processes)]
        driver.graph.delete("/requests")
        driver.imis.delete("/requests")
        cpu_before = {f"host{i}": v for i, s in enumerate([stack, *extra]) for v in [cpu_by_child(s)]}
        started = time.monotonic()
        driver.add_mailbox(MAILBOX, "Import", import_days=30)
        finished = wait_until(lambda: queue_depth(stack) == 0, 3600, "the import to drain the queue", every=2.0)
        cpu = {f"host{i}": cpu_delta(cpu_before[f"host{i}"], cpu_by_child(s)) for i, s in enumerate([stack, *extra])}
        graph = driver.graph.get("/requests").json()
        problems = differences(expected, contacts_per_key(driver.crm_records()))
        log = TableDecisionLog(Tables(TableServiceClient.from_connection_string(stack.connection_string),
                                      "MailCapture").decisions)
        entries = [e for e in log.search(mailbox=MAILBOX, limit=10**7) if not e.get("contact_id")]
    seconds = finished - started
    throttled = graph.get("throttledByReason", {})
    requests = int(graph["perMailbox"].get(MAILBOX, 0)) - int(graph["perStatus"].get("429", 0))
    fastest = window * ((requests - 1) // limit)
    return {
        "processes": processes, "emails": n, "seconds": round(seconds, 1),
        "scaled_limit": f"{limit} requests / {window} s, 4 concurrent, per app per mailbox",
        "graph_service_ms": SERVICE_MS,
        "app_budget": env["GRAPH_MAILBOX_BUDGET"], "graph_requests": requests,
        "concurrency_429": int(throttled.get("mailboxConcurrency", 0)),
        "budget_429": int(throttled.get("requestLimit", 0)),
        "graph_max_concurrency": graph["maxConcurrencyPerMailbox"].get(MAILBOX),
        "fastest_allowed_seconds": fastest, "ratio_to_fastest": round(seconds / fastest, 2) if fastest else None,
        "emails_per_second": round(n / seconds, 2),
        "crm_expected_records": sum(len(v) for v in expected.values()), "crm_problems": len(problems),
        "crm_problem_examples": problems[:5],
        "outcomes": dict(Counter(e["outcome"] for e in entries)),
        "messages_with_outcome": len({e["message_id"] for e in entries}),
        "cpu_seconds": cpu,
        "targets": {"concurrency_429": 0, "ratio_to_fastest": 1.25, "crm_problems": 0},
    }
