"""End-to-end latency (mail delivered -> CRM record written) and requests per captured email.

Customer mail from known contacts is delivered through the Graph emulator one email every ``spacing``
seconds, with the contact cache warm (a warm-up batch first). Start: the moment the email is delivered into
the mailbox (Graph then notifies at once); also reported from the moment the webhook acknowledged Graph's
notification (the emulator's delivery log). End: the decision-log entry written right after the CRM write.
All clocks are this machine's. The emulators' request counters, zeroed after the warm-up, give the requests
per captured email.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azure.data.tables import TableServiceClient

from bench.mailmix import mix
from bench.stackrun import percentiles, prepare, running_stack, wait_drained, wait_until
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.tables import Tables

MAILBOX = "e2e-bench@association.example"


def _deliver(driver: Any, specs: list, spacing: float) -> dict[str, datetime]:
    """Graph message id -> delivery time, delivering one email every ``spacing`` seconds (an arrival schedule)."""
    ids: dict[str, datetime] = {}
    start = time.monotonic()
    for i, spec in enumerate(specs):
        pause = start + i * spacing - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # the arrival schedule being simulated, not a wait for the system
        at = datetime.now(UTC)
        ids[driver.deliver_json(MAILBOX, spec.message)["id"]] = at
    return ids


def run(workdir: Path, n: int = 100, spacing: float = 0.25, warmup: int = 30) -> dict[str, Any]:
    customers = {"customer": 1.0}
    with running_stack(workdir) as (stack, driver):
        prepare(driver, [MAILBOX])
        log = TableDecisionLog(Tables(TableServiceClient.from_connection_string(stack.connection_string),
                                      "MailCapture").decisions)
        _deliver(driver, mix(warmup, [MAILBOX], seed=3, prefix="WARM", kinds=customers), 0.05)
        wait_drained(stack, 300)
        driver.graph.delete("/requests")
        driver.imis.delete("/requests")
        ids = _deliver(driver, mix(n, [MAILBOX], seed=5, prefix="E2E", kinds=customers), spacing)

        def written() -> dict[str, datetime]:
            entries = log.search(mailbox=MAILBOX, outcome="captured", limit=10**6)
            return {e["message_id"]: e["at"] for e in entries if e.get("record_kind") and e["message_id"] in ids}

        wait_until(lambda: len(written()) == len(ids), 300, f"{n} captured emails", every=1.0)
        done = written()
        notes = driver.graph.get("/notifications").json()["log"]
        acked = {str(e["resource"]).rsplit("/", 1)[-1]: datetime.fromisoformat(e["at"]) for e in notes
                 if e.get("delivered")}
        latencies = [(done[i] - ids[i]).total_seconds() for i in ids]
        after_ack = [(done[i] - acked[i]).total_seconds() for i in ids if i in acked]
        graph, imis = driver.graph.get("/requests").json(), driver.imis.get("/requests").json()
    p = percentiles(latencies)
    crm_calls = sum(v for k, v in imis["by_route"].items() if not k.endswith("/token"))
    return {
        "emails": n, "spacing_s": spacing, "latency_s": p, "from_webhook_ack_s": percentiles(after_ack),
        "graph_requests_per_captured_email": round(graph["total"] / n, 3),
        "graph_requests_by_kind": graph["perKind"],
        "crm_requests_per_captured_email": round(crm_calls / n, 3), "crm_requests_by_route": imis["by_route"],
        "targets": {"p50_s": 2, "p99_s": 10, "graph_per_email": 1.1, "crm_per_email": 1.5},
        "meets_targets": p.get("p50", 99) <= 2 and p.get("p99", 99) <= 10 and graph["total"] / n <= 1.1
        and crm_calls / n <= 1.5,
    }
