"""Webhook use cases: check each notification and turn it into a small queue message. No Graph, no CRM."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shared.domain.notifications import (
    ChangeNotification,
    LifecycleNotification,
    parse_change_notifications,
    parse_lifecycle_notifications,
)
from shared.ports import SubscriptionRecord
from shared.services.capture import WorkItem
from shared.services.deps import Services

logger = logging.getLogger(__name__)
_CACHE_S = 60.0


@dataclass
class Accepted:
    payloads: list[dict[str, Any]] = field(default_factory=list)
    rejected: int = 0


class SubscriptionLookup:
    """Known subscriptions cached per worker: the webhook must answer in milliseconds."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[float, SubscriptionRecord]] = {}

    def get(self, deps: Services, subscription_id: str) -> SubscriptionRecord | None:
        hit = self._known.get(subscription_id)
        if hit and time.monotonic() - hit[0] < _CACHE_S:
            return hit[1]
        record = deps.subscriptions.get(subscription_id)
        if record is not None:
            self._known[subscription_id] = (time.monotonic(), record)
        return record


LOOKUP = SubscriptionLookup()
_LAST_SEEN: dict[str, float] = {}


def _note_seen(subscription_id: str, deps: Services) -> None:
    """'Last notification' for the status page, written at most every 30 s per subscription and worker."""
    if time.monotonic() - _LAST_SEEN.get(subscription_id, -1e9) > 30:
        _LAST_SEEN[subscription_id] = time.monotonic()
        deps.counters.touch("last-notification", subscription_id, At=deps.clock.now().isoformat())


def _trusted(record: SubscriptionRecord | None, client_state: str) -> bool:
    expected = record.client_state if record else ""
    # Constant-time comparison; an unknown subscription still pays for one comparison.
    return hmac.compare_digest(expected.encode(), client_state.encode()) and record is not None


def _accept(notes: list[Any], deps: Services, payload: Callable[[Any, SubscriptionRecord], dict[str, Any]]) -> Accepted:
    accepted = Accepted()
    for note in notes:
        record = LOOKUP.get(deps, note.subscription_id)
        if not _trusted(record, note.client_state):
            accepted.rejected += 1
            continue
        assert record is not None
        accepted.payloads.append(payload(note, record))
    if accepted.rejected:
        deps.counters.incr("webhook", "rejected", accepted.rejected)
        logger.warning("refused %s notification(s): unknown subscription or wrong clientState", accepted.rejected)
    return accepted


def accept_notifications(body: Any, deps: Services) -> Accepted:
    """Raises BadNotification for a malformed body (the trigger answers 400)."""

    def payload(note: ChangeNotification, record: SubscriptionRecord) -> dict[str, Any]:
        _note_seen(note.subscription_id, deps)
        item = WorkItem(record.mailbox, note.message_id, record.folder, "webhook")
        return item.to_payload() | {"subscription_id": note.subscription_id}

    return _accept(parse_change_notifications(body), deps, payload)


def accept_lifecycle(body: Any, deps: Services) -> Accepted:
    def payload(note: LifecycleNotification, record: SubscriptionRecord) -> dict[str, Any]:
        return {"kind": "lifecycle", "event": note.event, "subscription_id": note.subscription_id}

    return _accept(parse_lifecycle_notifications(body), deps, payload)
