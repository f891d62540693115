"""What the worker does with one queue message: an email to capture, a batch of them, or a control step
(lifecycle event, delta catch-up, historical-import page) that must not run inside a webhook."""

from __future__ import annotations

import json
import logging
from typing import Any

from shared.domain.errors import TransientError
from shared.domain.lanes import Lane
from shared.domain.model import Folder
from shared.domain.work import (
    MAX_DEFERRALS,
    BadWork,
    CatchUp,
    FolderRefresh,
    ImportStep,
    LifecycleEvent,
    MessageBatch,
    Renewal,
    Work,
    WorkItem,
    defer_delay,
    deferred,
    parse_work,
    to_payload,
)
from shared.services.batch import process_batch
from shared.services.capture import process_message
from shared.services.delta import run_delta, run_queued
from shared.services.deps import Services
from shared.services.history import import_step
from shared.services.mailboxes import refresh_folders
from shared.services.poison import record_poison
from shared.services.subscriptions import on_lifecycle_event, renew_queued

logger = logging.getLogger(__name__)


def handle_queue_body(body: bytes, deps: Services, *, owner: str, dequeue_count: int,
                      lane: Lane = Lane.LIVE) -> str:
    """The queue trigger's entry, for the message's lane (its follow-up work goes back there): a body that is not a
    JSON object fails like any other error (and its last attempt records why it went to the poison queue)."""
    deps = deps.on_lane(lane)
    try:
        payload = json.loads(body)
        if not isinstance(payload, dict):
            raise BadWork("the queue message is not a JSON object")
    except ValueError as exc:
        if dequeue_count >= deps.max_dequeue_count:
            record_poison({"kind": "malformed", "raw": body[:200].decode("utf-8", "replace")}, exc, deps,
                          dequeue_count)
        raise
    return handle_queue_message(payload, deps, owner=owner, dequeue_count=dequeue_count)


def handle_queue_message(payload: dict[str, Any], deps: Services, *, owner: str, dequeue_count: int) -> str:
    """Throttling (an error with Retry-After) re-queues the work that many seconds later, without spending
    one of the queue's attempts; other errors raise and use the queue's retries and poison queue (a payload
    that is not one of ours raises BadWork). The last attempt records why, whatever the exception."""
    try:
        work = parse_work(payload)
        return _dispatch(work, deps, owner=owner, dequeue_count=dequeue_count)
    except TransientError as exc:
        if exc.retry_after is None or work.deferrals >= MAX_DEFERRALS:
            _last_attempt(payload, exc, deps, dequeue_count)
            raise
        delay = defer_delay(exc.retry_after)
        deps.follow_up.send([to_payload(deferred(work))], visibility_timeout=delay)  # back on its own lane
        logger.info("throttled (%s): %s re-queued in %ss", exc, type(work).__name__, delay)
        return f"deferred {delay}s"
    except Exception as exc:
        _last_attempt(payload, exc, deps, dequeue_count)
        raise


def _last_attempt(payload: dict[str, Any], exc: Exception, deps: Services, dequeue_count: int) -> None:
    # process_message records its own transient failures, with the email's subject and sender
    own = isinstance(exc, TransientError) and payload.get("kind", "message") == "message"
    if dequeue_count >= deps.max_dequeue_count and not own:
        record_poison(payload, exc, deps, dequeue_count)


def _dispatch(work: Work, deps: Services, *, owner: str, dequeue_count: int) -> str:
    match work:
        case WorkItem():
            return process_message(work, deps, owner=owner, dequeue_count=dequeue_count)
        case MessageBatch():
            return process_batch(work, deps, owner=owner, dequeue_count=dequeue_count)
        case LifecycleEvent():
            return handle_lifecycle(work.event, work.subscription_id, deps)
        case CatchUp():
            return run_queued(work, deps)
        case ImportStep():
            return str(import_step(work.mailbox, deps).get("state"))
        case Renewal():
            return renew_queued(work, deps)
        case FolderRefresh():
            return refresh_folders(work.mailbox, deps)


def handle_lifecycle(event: str, subscription_id: str, deps: Services) -> str:
    if event != "missed":
        return on_lifecycle_event(event, subscription_id, deps)  # changes the subscription: under its lease
    record = deps.subscriptions.get(subscription_id)
    if record is None:
        return "unknown subscription"
    run_delta(record.mailbox, Folder(record.folder).value, deps)  # the delta link's ETag guards the run
    return event
