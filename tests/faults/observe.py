"""What the fault suite looks at: queue depths, pending webhook deliveries, the decision log, the CRM records.

The decision log is read straight from its table with the product's own reader (the admin API caps a search
at 1,000 entries; a soak run writes far more). Queue depths count invisible messages too (Azurite and Azure
both do), so an empty queue means nothing is waiting, retrying or in flight.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

from azure.data.tables import TableServiceClient
from azure.storage.queue import LinearRetry, QueueClient

from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.adapters.capture_store import TableDecisionLog
from shared.adapters.tables import Tables
from shared.config import BULK_POISON_QUEUE_NAME, BULK_QUEUE_NAME, POISON_QUEUE_NAME, QUEUE_NAME

FINAL = {"captured", "skipped", "duplicate", "failed"}


def wait_for(check: Callable[[], bool], timeout: float, what: str, every: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def _text(content: str) -> str:
    """A queue message as text: host.json here says base64 (messageEncoding)."""
    try:
        return base64.b64decode(content, validate=True).decode("utf-8")
    except ValueError:
        return content


class Observer:
    def __init__(self, stack: Stack, driver: StackDriver) -> None:
        self.stack, self.driver = stack, driver
        retry = LinearRetry(retry_total=1, backoff=1)
        def client(name: str) -> QueueClient:
            return QueueClient.from_connection_string(stack.connection_string, name, retry_policy=retry)
        self._queues = [client(QUEUE_NAME), client(BULK_QUEUE_NAME)]  # both lanes
        self._poisons = [client(POISON_QUEUE_NAME), client(BULK_POISON_QUEUE_NAME)]
        service = TableServiceClient.from_connection_string(stack.connection_string)
        self._log = TableDecisionLog(Tables(service, "MailCapture").decisions)

    # --- progress ---------------------------------------------------------------------------------------------
    def depth(self, poison: bool = False) -> int | None:
        """Messages in both lanes' queues (waiting, retrying or running); None while storage does not answer."""
        try:
            return sum(q.get_queue_properties().approximate_message_count or 0
                       for q in (self._poisons if poison else self._queues))
        except Exception:
            return None

    def poison(self) -> list[str]:
        """What is in the poison queue (up to 32 messages, peeked: they stay there), for the test's message."""
        try:
            return [_text(str(m.content))[:300] for q in self._poisons for m in q.peek_messages(max_messages=32)]
        except Exception as exc:  # storage may be restarting; say so rather than hide the count
            return [f"could not peek: {exc}"]

    def pending_notifications(self) -> int:
        return int(self.driver.graph.get("/notifications").json()["pending"])

    def idle(self) -> bool:
        return self.depth() == 0 and self.pending_notifications() == 0

    def wait_idle(self, timeout: float, polls: int = 3) -> None:
        """Idle on ``polls`` consecutive checks: an empty queue and no webhook delivery under way."""
        streak = [0]

        def settled() -> bool:
            streak[0] = streak[0] + 1 if self.idle() else 0
            return streak[0] >= polls

        wait_for(settled, timeout, "an idle pipeline (empty queue, no pending webhook deliveries)")

    # --- outcomes ---------------------------------------------------------------------------------------------
    def final_outcomes(self) -> dict[tuple[str, str], dict[str, Any]]:
        """The latest message-level decision per (mailbox, Graph message id)."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in sorted(self._log.search(limit=10**8), key=lambda e: e["at"]):
            if not entry.get("contact_id") and entry["outcome"] in FINAL:
                latest[(entry["mailbox"], entry["message_id"])] = entry
        return latest

    def graph_stats(self) -> dict[str, Any]:
        return dict(self.driver.graph.get("/requests").json())

    def imis_stats(self) -> dict[str, Any]:
        return dict(self.driver.imis.get("/requests").json())

    def records(self) -> dict[str, Any]:
        return self.driver.crm_records()

    def subscription(self, mailbox: str, folder: str = "inbox") -> str | None:
        mine = next(m for m in self.driver.status()["mailboxes"] if m["address"] == mailbox)
        return next(f["subscription_id"] for f in mine["folders"] if f["folder"] == folder)

    def delta_stamps(self) -> dict[tuple[str, str], str | None]:
        return {(m["address"], f["folder"]): f["delta_updated_at"] for m in self.driver.status()["mailboxes"]
                for f in m["folders"]}

    def resyncs(self, mailbox: str) -> int:
        mine = next(m for m in self.driver.status()["mailboxes"] if m["address"] == mailbox)
        return sum(int(f["delta_resyncs"]) for f in mine["folders"])

    def host_log_count(self, text: str) -> int:
        path = self.stack.workdir / "logs" / "host.log"
        return path.read_text(encoding="utf-8", errors="replace").count(text) if path.exists() else 0
