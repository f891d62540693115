"""What the worker does with one queue message: an email to capture, or a control step
(lifecycle event, delta catch-up, historical-import page) that must not run inside a webhook."""

from __future__ import annotations

import logging
from typing import Any

from shared.domain.model import Folder
from shared.services.capture import WorkItem, process_message
from shared.services.delta import run_delta
from shared.services.deps import Services
from shared.services.history import import_step
from shared.services.subscriptions import reauthorize, recreate

logger = logging.getLogger(__name__)


def handle_queue_message(payload: dict[str, Any], deps: Services, *, owner: str, dequeue_count: int) -> str:
    kind = payload.get("kind", "message")
    if kind == "message":
        return process_message(WorkItem.from_payload(payload), deps, owner=owner, dequeue_count=dequeue_count)
    if kind == "lifecycle":
        return handle_lifecycle(payload["event"], payload["subscription_id"], deps)
    if kind == "catch_up":
        return f"queued {run_delta(payload['mailbox'], payload['folder'], deps)}"
    if kind == "import":
        return str(import_step(payload["mailbox"], deps).get("state"))
    raise ValueError(f"unknown work kind {kind!r}")


def handle_lifecycle(event: str, subscription_id: str, deps: Services) -> str:
    record = deps.subscriptions.get(subscription_id)
    if record is None:
        return "unknown subscription"
    if event == "reauthorizationRequired":
        reauthorize(record, deps)
    elif event == "subscriptionRemoved":
        recreate(record, deps)  # also queues a delta catch-up for the gap
    elif event == "missed":
        run_delta(record.mailbox, Folder(record.folder).value, deps)
    logger.info("lifecycle %s handled for %s/%s", event, record.mailbox, record.folder)
    return event
