"""Webhook acknowledgement latency while the worker drains a backlog of the same app, in the production layout.

On Flex Consumption, HTTP triggers scale together in their own instance group and every other function (the
queue-triggered MailWorker, each timer) in its own (per-function scaling:
https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#per-function-scaling), so the webhook
never shares a Python worker process with MailWorker. Locally the same app (``function_app``) runs as two host
processes on one storage account: the HTTP host with the non-HTTP functions disabled and the worker host with
the HTTP functions disabled, through the host's own ``AzureWebJobs.<name>.Disabled`` app settings
(devhost/disabled.py). A mixed mailbox is imported first, so the worker is busy throughout; then the load
generator posts notifications at ``rate``/s to the HTTP host.

Each Flex instance has its own CPU ("CPU and network bandwidth are allocated proportionally" to
``instanceMemoryMB``: learn.microsoft.com/javascript/api/@azure/arm-appservice/functionsscaleandconcurrency), so the
worker's CPU is never the webhook's; what the two groups share is the storage account. Locally the nearest model on
two cores is CPU affinity: the HTTP host alone on CPU 0; the worker host on CPU 1 with the services only the worker
calls (Azurite's Table and Blob processes, the Graph and iMIS emulators: in Azure none of them runs on the webhook's
instance); Azurite's Queue process (the one service both groups use) and the load generator on both. The headline
runs (50/s, then ``rate``/s) use it; one more run at ``rate``/s with every process free on both cores shows what
sharing the cores costs. Azurite runs each storage service in its own process
(``Stack(services_apart=True)``): in Azure the Queue service has its own endpoint and scale targets (20,000
messages/s per account, 2,000/s per queue: learn.microsoft.com/azure/storage/queues/scalability-targets), so the
webhook's Put Message does not wait behind the worker's Table writes in one Node.js process.
``webhook_split_memory`` runs the same with Azurite in memory (``Stack(storage_in_memory=True)``): with its data on
disk Azurite saves each service's whole database every few seconds and stalls its requests meanwhile, which with
the worker's backlog in the queue database sets the webhook's tail; Azure Storage has no such pause. Either way
Azurite's Queue service answers Get Messages and Delete Message by scanning every message it holds
(``getMessages`` / ``clearExpiredMessages`` in node_modules/azurite/dist/src/queue/persistence/
LokiQueueMetadataStore.js), so its cost per request grows with the queue's depth (``queued_after`` in each run),
which the notifications posted here raise by thousands; Azure's queues do not slow down with depth.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Any

from bench.mailmix import mix
from bench.stackrun import child_pids, cpu_by_child, cpu_delta, prepare, queue_depth, running_stack
from bench.webhook import _load
from devhost.stack import Stack

MAILBOX = "split-bench@association.example"
BACKLOG = "split-backlog@association.example"


def _functions() -> dict[str, str]:
    import function_app

    found = {}
    for function in function_app.app.get_functions():
        trigger = function.get_trigger()
        found[str(function.get_function_name())] = str(trigger.type if trigger is not None else "")
    return found


def _disable(names: list[str]) -> dict[str, str]:
    return {f"AzureWebJobs.{name}.Disabled": "true" for name in names}


def _backlog(driver: Any, n: int) -> None:
    driver.graph.post("/mailboxes", json={"address": BACKLOG, "displayName": "Backlog"}).raise_for_status()
    specs = mix(n, [BACKLOG], seed=29, prefix="SPL")
    for folder in ("inbox", "sentitems"):
        batch = [s.message for s in specs if s.folder == folder]
        for i in range(0, len(batch), 500):
            driver.graph.post(f"/mailboxes/{BACKLOG}/bulk",
                              json={"messages": batch[i:i + 500], "folder": folder, "notify": False}).raise_for_status()


def _pin(pid: int, cpus: set[int]) -> None:
    """Every thread of ``pid`` on ``cpus`` (Linux affinity is per thread; threads started later inherit it)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(int(task.name), cpus)


# What runs beside the worker host on its CPU: the services only the worker calls (in Azure none of them runs on
# the webhook's instance). The Queue service is the one both groups use: free on every CPU.
BESIDE_WORKER = ("azurite-table", "azurite-blob", "graph", "imis")


def _place(stack: dict[str, int], worker: dict[str, int], every: set[int]) -> None:
    """The HTTP host alone on the first CPU; the worker host and the services only it calls on the others."""
    first = {min(every)}
    _pin(stack["host"], first)
    for pid in [worker["host"], *(pid for name, pid in stack.items() if name in BESIDE_WORKER)]:
        _pin(pid, every - first)


def run(workdir: Path, rate: float = 200.0, seconds: float = 20.0, backlog: int = 3000,
        storage_in_memory: bool = False) -> dict[str, Any]:
    functions = _functions()
    http = [name for name, trigger in functions.items() if trigger == "httpTrigger"]
    other = [name for name in functions if name not in http]
    with running_stack(workdir / "http", extra_env=_disable(other), services_apart=True,
                       storage_in_memory=storage_in_memory) as (stack, driver):
        shared = {"GRAPH_BASE_URL": stack.graph_url, "IMIS_BASE_URL": stack.imis_url,
                  "GRAPH_CLIENT_STATE": stack.client_state, "WEBHOOK_BASE_URL": stack.host_url + "/api"}
        with Stack(workdir / "worker", storage=stack.connection_string, emulators=False,
                   extra_env=_disable(http) | shared) as worker:
            prepare(driver, [MAILBOX])
            user = driver.graph.get(f"/mailboxes/{MAILBOX}").json()["id"]
            folders = next(m for m in driver.status()["mailboxes"] if m["address"] == MAILBOX)["folders"]
            subscription = next(f["subscription_id"] for f in folders if f["folder"] == "inbox")
            notes = ("--subscription", subscription, "--client-state", stack.client_state, "--user", user)
            _backlog(driver, backlog)
            driver.add_mailbox(BACKLOG, "Backlog", import_days=30)
            time.sleep(10)  # the import pages are queued and the worker is busy before the load starts
            every = os.sched_getaffinity(0)
            pinned = len(every) >= 2
            if pinned:  # one CPU per instance group (see above)
                _place(child_pids(stack), child_pids(worker), every)
            depth_before, worker_cpu = queue_depth(stack), cpu_by_child(worker)
            fetched_before = driver.graph.get("/requests").json()["perKind"].get("message", 0)
            started = time.monotonic()
            # the target rate first: every notification stays queued (the worker drains the backlog), and Azurite's
            # Queue service slows down with depth (above), so each later run meets a deeper queue than Azure's would
            under_load = _load(stack, rate, seconds, *notes, clear=False)
            gentle = _load(stack, 50.0, 10.0, *notes, clear=False)
            fetched = driver.graph.get("/requests").json()["perKind"].get("message", 0) - fetched_before
            worker_seconds = time.monotonic() - started
            worker_cpu = cpu_delta(worker_cpu, cpu_by_child(worker))
            for pid in [*child_pids(stack).values(), child_pids(worker)["host"]]:
                _pin(pid, every)
            shared_cores = _load(stack, rate, seconds, *notes, clear=False) if pinned else None
    return {"rate": rate, "seconds": seconds, "layout": "HTTP host + worker host (function_app, Disabled settings)",
            "cpus": ("HTTP host on CPU 0; worker host, Azurite Table and Blob, Graph and iMIS emulators on the others;"
                     " Azurite Queue on all") if pinned else "one CPU: no affinity",
            "webhook": under_load, "webhook_at_50": gentle, "webhook_sharing_cores": shared_cores,
            "backlog_queued_before": depth_before,
            "worker_messages_fetched_meanwhile": fetched,
            "worker_emails_per_second_meanwhile": round(fetched / worker_seconds, 1),
            "worker_cpu_seconds": worker_cpu, "target_p99_ms": 50,
            "meets_target": under_load["latency_ms"].get("p99", float("inf")) <= 50}
