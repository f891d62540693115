"""Webhook use cases: check each notification and turn it into a small queue message. No Graph, no CRM.

The webhook is anonymous (Graph cannot send a key), so its work per request is bounded: at most
MAX_NOTIFICATIONS entries (the parser), subscriptions judged against a per-worker snapshot of the whole
(small) subscriptions table, reloaded at most every few seconds whatever ids a caller makes up, at most
MAX_READS point reads for ids the snapshot lacks, and a time budget well inside Graph's 3 s.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.domain.notifications import (
    Batch,
    ChangeNotification,
    LifecycleNotification,
    parse_change_notifications,
    parse_lifecycle_notifications,
)
from shared.domain.work import LifecycleEvent, WorkItem, to_payload
from shared.ports import SubscriptionRecord
from shared.services.deps import Services

logger = logging.getLogger(__name__)
_FRESH_S = 60.0  # a removed subscription is forgotten within this
_RELOAD_S = 5.0  # an id missing from the snapshot reloads it at most this often (a new subscription)
_MAX_ENTRIES = 50_000
MAX_READS = 10  # point reads per request for ids not in the snapshot; real batches name a handful
BUDGET_S = 1.5  # Graph wants 2xx within 3 s (learn.microsoft.com/graph/change-notifications-delivery-webhooks)


@dataclass
class Accepted:
    payloads: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0


def known_subscription(deps: Services, subscription_id: str, may_read: bool = True) -> SubscriptionRecord | None:
    """Every subscription, cached per worker (``deps.caches``): the webhook must answer in milliseconds, and a
    flood of made-up ids must not cost a Table read each (one app has one row per watched folder: a small
    partition). An id missing from the snapshot is read once (a subscription created since) and remembered
    either way."""
    snapshot = deps.caches.subscriptions
    age = time.monotonic() - snapshot.loaded_at
    if age > _FRESH_S or (subscription_id not in snapshot.known and age > _RELOAD_S):
        snapshot.known = {record.id: record for record in deps.subscriptions.all()}
        snapshot.loaded_at = time.monotonic()
    if subscription_id not in snapshot.known and may_read and len(snapshot.known) < _MAX_ENTRIES:
        snapshot.known[subscription_id] = deps.subscriptions.get(subscription_id)  # None: unknown, remembered
    return snapshot.known.get(subscription_id)


def _note_seen(subscription_id: str, deps: Services) -> None:
    """'Last notification' for the status page, written at most every 30 s per subscription and worker."""
    seen = deps.caches.last_seen
    if time.monotonic() - seen.get(subscription_id, -1e9) > 30:
        seen[subscription_id] = time.monotonic()
        deps.counters.touch("last-notification", subscription_id, At=deps.clock.now().isoformat())


def _trusted(record: SubscriptionRecord | None, client_state: str) -> bool:
    expected = record.client_state if record else ""
    # Constant-time comparison; an unknown subscription still pays for one comparison.
    return hmac.compare_digest(expected.encode(), client_state.encode()) and record is not None


def _accept(batch: Batch[Any], deps: Services, payload: Callable[[Any, SubscriptionRecord], dict[str, Any]]
            ) -> Accepted:
    accepted, started, reads = Accepted(rejected=batch.malformed), time.monotonic(), 0
    for note in batch.notes:
        in_time = time.monotonic() - started < BUDGET_S
        record = known_subscription(deps, note.subscription_id, may_read=reads < MAX_READS) if in_time else None
        reads += record is None
        if record is None or not _trusted(record, note.client_state):
            accepted.rejected += 1  # out of time too: the delta backstop finds any real mail among them
            continue
        accepted.payloads.append(payload(note, record))
    if accepted.rejected:
        deps.counters.incr("webhook", "rejected", accepted.rejected)
        logger.warning("refused %s of %s notification(s): malformed (%s), unknown subscription or wrong "
                       "clientState", accepted.rejected, len(batch.notes) + batch.malformed, batch.malformed)
    return accepted


def accept_notifications(body: Any, deps: Services) -> Accepted:
    """Raises BadNotification for a body that is not a notification collection (the trigger answers 400)."""

    def payload(note: ChangeNotification, record: SubscriptionRecord) -> dict[str, Any]:
        _note_seen(note.subscription_id, deps)
        return to_payload(WorkItem(record.mailbox, note.message_id, record.folder, "webhook", note.subscription_id))

    return _accept(parse_change_notifications(body), deps, payload)


def accept_lifecycle(body: Any, deps: Services) -> Accepted:
    def payload(note: LifecycleNotification, record: SubscriptionRecord) -> dict[str, Any]:
        return to_payload(LifecycleEvent(note.event, note.subscription_id))

    return _accept(parse_lifecycle_notifications(body), deps, payload)
