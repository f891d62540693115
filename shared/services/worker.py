"""What the worker does with one queue message: an email to capture, or a control step
(lifecycle event, delta catch-up, historical-import page) that must not run inside a webhook."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from shared.domain.errors import TransientError
from shared.domain.model import Folder
from shared.services.capture import WorkItem, process_message
from shared.services.delta import run_delta
from shared.services.deps import Services
from shared.services.history import import_step
from shared.services.subscriptions import on_lifecycle_event

logger = logging.getLogger(__name__)


MAX_DEFERRALS = 50  # Graph asks clients to keep honouring Retry-After; 50 × up to 5 min is hours
MAX_DEFER_S = 300


def handle_queue_message(payload: dict[str, Any], deps: Services, *, owner: str, dequeue_count: int) -> str:
    """Throttling (an error with Retry-After) re-queues the work that many seconds later, without spending
    one of the queue's attempts; other transient errors raise and use the queue's retries and poison queue."""
    try:
        return _dispatch(payload, deps, owner=owner, dequeue_count=dequeue_count)
    except TransientError as exc:
        deferrals = int(payload.get("deferrals", 0))
        if exc.retry_after is None or deferrals >= MAX_DEFERRALS:
            raise
        delay = int(min(max(exc.retry_after, 1), MAX_DEFER_S))
        deps.queue.send([payload | {"deferrals": deferrals + 1}], visibility_timeout=delay)
        logger.info("throttled (%s): %s re-queued in %ss", exc, payload.get("kind", "message"), delay)
        return f"deferred {delay}s"


def _dispatch(payload: dict[str, Any], deps: Services, *, owner: str, dequeue_count: int) -> str:
    kind = payload.get("kind", "message")
    if kind == "message":
        return process_message(WorkItem.from_payload(payload), deps, owner=owner, dequeue_count=dequeue_count)
    if kind == "lifecycle":
        return handle_lifecycle(payload["event"], payload["subscription_id"], deps)
    if kind == "catch_up":
        since = datetime.fromisoformat(payload["since"]) if payload.get("since") else None
        return f"queued {run_delta(payload['mailbox'], payload['folder'], deps, since)}"
    if kind == "import":
        return str(import_step(payload["mailbox"], deps).get("state"))
    raise ValueError(f"unknown work kind {kind!r}")


def handle_lifecycle(event: str, subscription_id: str, deps: Services) -> str:
    if event != "missed":
        return on_lifecycle_event(event, subscription_id, deps)  # changes the subscription: under its lease
    record = deps.subscriptions.get(subscription_id)
    if record is None:
        return "unknown subscription"
    run_delta(record.mailbox, Folder(record.folder).value, deps)  # the delta link's ETag guards the run
    return event
