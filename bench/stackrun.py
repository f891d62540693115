"""Running the local stack for a benchmark: start it, onboard mailboxes, watch the queue, account CPU per child.

Benchmarks use the product's own host.json (production queue settings), not the tests' fast-retry one.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from azure.storage.queue import LinearRetry, QueueClient

from bench.mailmix import OPTIONS
from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.config import BULK_QUEUE_NAME, QUEUE_NAME

TICK = os.sysconf("SC_CLK_TCK")


@contextmanager
def running_stack(workdir: Path, **kwargs: Any) -> Iterator[tuple[Stack, StackDriver]]:
    with Stack(workdir, **kwargs) as stack:
        driver = StackDriver(stack, timeout=120)
        try:
            yield stack, driver
        finally:
            driver.close()


def prepare(driver: StackDriver, mailboxes: list[str], import_days: int = 0, **options: Any) -> None:
    current = driver.admin("GET", "options").json()["options"]
    driver.set_options(current | OPTIONS | options)
    for address in mailboxes:
        driver.add_mailbox(address, "Benchmark", import_days=import_days)


def queue_depth(stack: Stack) -> int:
    """Messages in both work queues (live and bulk lanes), including invisible ones (running or waiting for a
    retry)."""
    total = 0
    for name in (QUEUE_NAME, BULK_QUEUE_NAME):
        client = QueueClient.from_connection_string(stack.connection_string, name,
                                                    retry_policy=LinearRetry(retry_total=2, backoff=1))
        total += int(client.get_queue_properties().approximate_message_count or 0)
    return total


def wait_until(check: Callable[[], bool], timeout: float, what: str, every: float = 0.5) -> float:
    """Poll ``check``; returns the monotonic time it first held."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def wait_drained(stack: Stack, timeout: float, polls: int = 2) -> float:
    """Wait until the work queue is empty on ``polls`` consecutive checks; returns when it first was."""
    first: list[float] = []

    def empty() -> bool:
        if queue_depth(stack) == 0:
            first.append(time.monotonic())
            return len(first) >= polls
        first.clear()
        return False

    wait_until(empty, timeout, "an empty work queue", every=0.25)
    return first[0]


def child_pids(stack: Stack) -> dict[str, int]:
    """Process ids of the stack's children (Stack has no public accessor for them yet)."""
    return {name: child.pid for name, child in stack._children.items() if child.pid}  # noqa: SLF001


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_by_child(stack: Stack) -> dict[str, float]:
    return {name: cpu_seconds(pid) for name, pid in child_pids(stack).items()}


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before.get(name, 0.0), 2) for name in after}


def run_timer(stack: Stack, name: str) -> None:
    """Run a timer function now through the host's admin endpoint (as an operator would)."""
    answer = httpx.post(f"{stack.host_url}/admin/functions/{name}", json={"input": ""},
                        headers={"x-functions-key": stack.master_key}, timeout=30)
    answer.raise_for_status()


def percentiles(samples: list[float], points: tuple[int, ...] = (50, 90, 99)) -> dict[str, float]:
    """Nearest-rank percentiles (ms or s, as given), plus count and max."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    out: dict[str, float] = {"n": len(ordered)}
    for p in points:
        rank = max(1, -(-p * len(ordered) // 100))
        out[f"p{p}"] = round(ordered[rank - 1], 3)
    out["max"] = round(ordered[-1], 3)
    out["mean"] = round(statistics.fmean(ordered), 3)
    return out


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]
