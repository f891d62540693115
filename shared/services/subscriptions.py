"""Mailbox onboarding and the subscription lifecycle: create, renew, reauthorize, recreate, remove."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import timedelta

from shared.domain.errors import MessageNotFound, PermanentError
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder
from shared.ports import SubscriptionRecord
from shared.services.deps import Services

logger = logging.getLogger(__name__)
# Graph's documented maximum for Outlook message subscriptions is 10,080 minutes (under 7 days).
MAX_LIFETIME = timedelta(minutes=10_080) - timedelta(minutes=15)
RENEW_BEFORE = timedelta(days=2)
LEASE = timedelta(minutes=2)


def folders_for(mailbox: Mailbox, deps: Services) -> tuple[Folder, ...]:
    return mailbox.folders or deps.current_options().options.folder_scope


def resource_for(mailbox: str, folder: Folder) -> str:
    return f"users/{mailbox}/mailFolders('{folder.value}')/messages"


def subscribe(mailbox: str, folder: Folder, deps: Services) -> SubscriptionRecord:
    base = deps.settings.webhook_base_url
    expires = deps.clock.now() + MAX_LIFETIME
    created = deps.graph.create_subscription(resource_for(mailbox, folder), f"{base}/graph/notifications",
                                             f"{base}/graph/lifecycle", deps.settings.client_state, expires)
    record = SubscriptionRecord(created.id, mailbox, folder.value, created.resource or resource_for(mailbox, folder),
                                deps.settings.client_state, created.expires_at)
    deps.subscriptions.put(record)
    logger.info("subscribed %s/%s as %s until %s", mailbox, folder.value, created.id, created.expires_at)
    return record


def unsubscribe(mailbox: str, deps: Services) -> int:
    removed = 0
    for record in deps.subscriptions.for_mailbox(mailbox):
        _forget(record, deps)
        removed += 1
    return removed


def _forget(record: SubscriptionRecord, deps: Services) -> None:
    with contextlib.suppress(PermanentError):  # already gone at Graph (404 and kin): forget it here too
        deps.graph.delete_subscription(record.id)
    deps.subscriptions.delete(record.id)


def ensure_subscriptions(mailbox: Mailbox, deps: Services) -> list[SubscriptionRecord]:
    """One live subscription per watched folder; creates the missing ones."""
    have = {r.folder for r in deps.subscriptions.for_mailbox(mailbox.address)}
    return [subscribe(mailbox.address, folder, deps) for folder in folders_for(mailbox, deps)
            if folder.value not in have]


def _leased(record: SubscriptionRecord, deps: Services) -> SubscriptionRecord | None:
    """Take the row for this run (ETag-guarded): of two timers racing, only one acts on a subscription."""
    fresh = deps.subscriptions.get(record.id)
    now = deps.clock.now()
    if fresh is None or (fresh.lease_until is not None and fresh.lease_until > now):
        return None
    stamped = replace(fresh, lease_until=now + LEASE)
    return stamped if deps.subscriptions.replace_if(stamped, fresh.etag) else None


def renew_subscriptions(deps: Services, *, force: bool = False) -> dict[str, int]:
    """Renew what expires soon; recreate what Graph no longer knows (404) or what expired while stopped."""
    counts = {"renewed": 0, "recreated": 0, "skipped": 0}
    now = deps.clock.now()
    for record in deps.subscriptions.all():
        if not force and record.expires_at - now > RENEW_BEFORE:
            continue
        leased = _leased(record, deps)
        if leased is None:
            counts["skipped"] += 1
            continue
        if leased.expires_at > now:
            try:
                renewed = deps.graph.renew_subscription(leased.id, now + MAX_LIFETIME)
                deps.subscriptions.put(replace(leased, expires_at=renewed.expires_at, lease_until=None))
                counts["renewed"] += 1
                continue
            except MessageNotFound:
                pass
        recreate(leased, deps)
        counts["recreated"] += 1
    return counts


def recreate(record: SubscriptionRecord, deps: Services) -> SubscriptionRecord:
    """A subscription Graph removed or let expire: subscribe again, then let delta catch up on the gap."""
    from shared.services.delta import request_catch_up

    _forget(record, deps)
    fresh = subscribe(record.mailbox, Folder(record.folder), deps)
    request_catch_up(record.mailbox, record.folder, deps, why="subscription recreated")
    return fresh


def reauthorize(record: SubscriptionRecord, deps: Services) -> None:
    try:
        deps.graph.reauthorize_subscription(record.id)
        renewed = deps.graph.renew_subscription(record.id, deps.clock.now() + MAX_LIFETIME)
        deps.subscriptions.put(replace(record, expires_at=renewed.expires_at, lease_until=None))
    except MessageNotFound:
        recreate(record, deps)
