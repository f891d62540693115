"""Webhook acknowledgement latency under sustained notification load (client side, from another process).

One mailbox is onboarded on the full app (which creates its Graph subscription and stores it); then the load
generator (bench.loadgen, open loop) posts well-formed notifications for that subscription:
1. to a host serving only the webhook (``bench.webhook_app``: no queue worker in the process): a rate sweep of
   ``sweep_seconds`` each, then ``rate``/s for ``seconds`` (the headline); then GET /api/health at ``rate``/s,
   the local host's own ceiling with no storage call;
2. to the full app, whose worker then fetches each (non-existent) message and records ``message_not_found``;
3. and, for scale, the product's webhook function alone, in-process (bench.webhook_inproc).
The queue is emptied between runs so each starts alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from azure.storage.queue import QueueClient

from bench.stackrun import cpu_by_child, cpu_delta, prepare, queue_depth, running_stack
from bench.webhook_inproc import handler_only
from devhost.stack import REPO, Stack
from shared.config import QUEUE_NAME

MAILBOX = "webhook-bench@association.example"


def _load(stack: Stack, rate: float, seconds: float, *args: str, path: str = "/api/graph/notifications",
          clear: bool = True) -> dict:
    before = cpu_by_child(stack)
    out = subprocess.run([sys.executable, "-m", "bench.loadgen", "--url", stack.host_url + path, "--rate", str(rate),
                          "--seconds", str(seconds), *args], cwd=REPO, capture_output=True, text=True, check=True,
                         timeout=seconds + 180)
    result: dict[str, Any] = json.loads(out.stdout)
    result["cpu_seconds"] = cpu_delta(before, cpu_by_child(stack))
    result["queued_after"] = queue_depth(stack)
    if clear:
        QueueClient.from_connection_string(stack.connection_string, QUEUE_NAME).clear_messages()
    return result


def _brief(result: dict[str, Any]) -> dict[str, Any]:
    return {k: result[k] for k in ("answered_per_second", "statuses", "latency_ms", "cpu_seconds")}


def run(workdir: Path, rate: float = 200.0, seconds: float = 20.0, sweep: tuple[float, ...] = (50, 100, 150),
        sweep_seconds: float = 10.0) -> dict[str, Any]:
    with running_stack(workdir / "full") as (stack, driver):
        prepare(driver, [MAILBOX])
        user = driver.graph.get(f"/mailboxes/{MAILBOX}").json()["id"]
        folders = next(m for m in driver.status()["mailboxes"] if m["address"] == MAILBOX)["folders"]
        subscription = next(f["subscription_id"] for f in folders if f["folder"] == "inbox")
        notes = ("--subscription", subscription, "--client-state", stack.client_state, "--user", user)
        stack.kill_host(hard=False)
        with Stack(workdir / "webhook-only", emulators=False, storage=stack.connection_string,
                   app="bench.webhook_app") as alone:
            curve = {f"{r:g}": _brief(_load(alone, r, sweep_seconds, *notes)) for r in sweep}
            webhook_only = _load(alone, rate, seconds, *notes)
            health = _brief(_load(alone, rate, sweep_seconds, path="/api/health"))
        stack.start_host()
        with_worker = {f"{r:g}": _load(stack, r, s, *notes) for r, s in ((sweep[0], sweep_seconds), (rate, seconds))}
    p99 = webhook_only["latency_ms"].get("p99", float("inf"))
    return {"rate": rate, "seconds": seconds, "webhook_only": webhook_only, "webhook_only_by_rate": curve,
            "health_baseline": health, "with_worker": with_worker, "in_process": handler_only(MAILBOX),
            "target_p99_ms": 50, "meets_target": p99 <= 50}
