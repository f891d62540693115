"""Storage requests per email on the historical import: a count that does not move with the machine's load.

CPU and throughput figures on the shared 2-core machine move by tens of per cent with other sessions' load;
the number of Azure Storage requests the app makes per email does not (apart from a few optimistic-concurrency
retries when invocations race). Azurite is started with ``--debug``, which logs one ``RequestMethod=... RequestURL=...``
line per request it serves; the requests logged between onboarding the mailbox and the drained queue are counted
by service, table/queue/container and method. The local host's own queue polling (receive, delete, the empty
polls) is counted too, under the queue's name.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.history import MAILBOX, _load_mailbox
from bench.stackrun import load_average, prepare, queue_depth, wait_until
from devhost.driver import StackDriver
from devhost.processes import Child
from devhost.stack import Stack

LINE = re.compile(r"(Table|Queue|Blob)StorageContextMiddleware: RequestMethod=(\w+) RequestURL=(\S+)")


class _LoggingAzuriteStack(Stack):
    """The local stack, its Azurite logging every request it serves."""

    def _spawn(self, name: str, argv: list[str]) -> Child:
        if name == "azurite":
            argv = [*argv, "--debug", str(self.workdir / "azurite-requests.log")]
        return super()._spawn(name, argv)


def _target(service: str, url: str, prefix: str) -> str:
    path = url.split("?", 1)[0].split("/", 4)  # http:, '', host, account, rest
    name = path[4].split("/", 1)[0].split("(", 1)[0] if len(path) > 4 else ""
    return f"{service}:{name.removeprefix(prefix) or '-'}"


def count(log: Path, start: int, end: int, prefix: str) -> Counter[str]:
    with log.open("rb") as f:
        f.seek(start)
        text = f.read(end - start).decode("utf-8", "replace")
    return Counter(f"{_target(service, url, prefix)} {method}" for service, method, url in LINE.findall(text))


def run(workdir: Path, n: int = 1000, window: int = 60, limit: int = 10_000) -> dict[str, Any]:
    env = {"GRAPH_MAILBOX_BUDGET": f"{limit * 95 // 100}/{window}"}
    with _LoggingAzuriteStack(workdir, extra_env=env) as stack:
        driver = StackDriver(stack, timeout=120)
        try:
            driver.graph.post("/throttling", json={"enabled": True, "requests": limit, "windowSeconds": window,
                                                   "concurrency": 4, "scope": "mailbox"}).raise_for_status()
            prepare(driver, [])
            _load_mailbox(driver, n)
            log = workdir / "azurite-requests.log"
            load_before, start = load_average(), log.stat().st_size
            started = time.monotonic()
            driver.add_mailbox(MAILBOX, "Import", import_days=30)
            wait_until(lambda: queue_depth(stack) == 0, 3600, "the import to drain the queue", every=2.0)
            seconds, end = time.monotonic() - started, log.stat().st_size
            imis = driver.imis.get("/requests").json()
        finally:
            driver.close()
    counts = count(log, start, end, "MailCapture")
    by_service = Counter({s: sum(v for k, v in counts.items() if k.startswith(s)) for s in ("Table", "Queue", "Blob")})
    return {
        "emails": n, "seconds": round(seconds, 1), "crm_activities": imis["by_route"].get("POST /api/Activity", 0),
        "storage_requests": sum(counts.values()),
        "storage_requests_per_email": round(sum(counts.values()) / n, 2),
        "per_email_by_service": {k: round(v / n, 2) for k, v in by_service.items()},
        "per_email_by_target": {k: round(v / n, 3) for k, v in counts.most_common()},
        "load_average": [load_before, load_average()],
    }
