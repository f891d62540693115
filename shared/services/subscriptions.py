"""Mailbox onboarding and the subscription lifecycle: create, renew, reauthorize, recreate, remove."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import timedelta

from shared.domain.errors import PermanentError, SubscriptionNotFound, TransientError
from shared.domain.lanes import Lane
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder
from shared.domain.work import Renewal, to_payload
from shared.ports import SubscriptionRecord
from shared.services.deps import Services
from shared.services.folders import graph_folder, note_folder_problem

logger = logging.getLogger(__name__)
# Graph's documented maximum for Outlook message subscriptions is 10,080 minutes (under 7 days).
MAX_LIFETIME = timedelta(minutes=10_080) - timedelta(minutes=15)
RENEW_BEFORE = timedelta(days=2)
LEASE = timedelta(minutes=2)
# Renewed in the timer itself up to this many (seconds even at Graph's latency); more are queued, one renewal per
# subscription for MailWorker, so mailboxes onboarded together never push the timer past its functionTimeout.
RENEW_INLINE = 20


def folders_for(mailbox: Mailbox, deps: Services) -> tuple[Folder, ...]:
    return mailbox.watched_folders(deps.current_options().options)


def resource_for(mailbox: str, folder: Folder, folder_id: str = "") -> str:
    """Mail resource paths (learn.microsoft.com/graph/outlook-change-notifications-overview): the whole mailbox
    ``users/{id}/messages``, or one folder by well-known name or (the capture folder) by id."""
    if folder == Folder.MAILBOX:
        return f"users/{mailbox}/messages"
    return f"users/{mailbox}/mailFolders('{folder_id or folder.value}')/messages"


def subscribe(mailbox: str, folder: Folder, deps: Services) -> SubscriptionRecord:
    base = deps.settings.webhook_base_url
    expires = deps.clock.now() + MAX_LIFETIME
    resource = resource_for(mailbox, folder, graph_folder(deps.mailboxes.get(mailbox), folder)
                            if folder == Folder.CAPTURE else "")
    created = deps.graph.create_subscription(resource, f"{base}/graph/notifications",
                                             f"{base}/graph/lifecycle", deps.settings.client_state, expires)
    record = SubscriptionRecord(created.id, mailbox, folder.value, created.resource or resource,
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
    """One live subscription per watched folder: creates the missing ones, removes those no longer wanted (the
    folders changed, whole-mailbox capture switched, the capture folder moved to another id)."""
    wanted = set(folders_for(mailbox, deps))
    have = set()
    for record in deps.subscriptions.for_mailbox(mailbox.address):
        folder = Folder.parse(record.folder)
        moved = folder == Folder.CAPTURE and mailbox.capture_folder_id not in record.resource
        if folder not in wanted or moved:
            _forget(record, deps)
        else:
            have.add(folder)
    return [subscribe(mailbox.address, folder, deps) for folder in folders_for(mailbox, deps) if folder not in have]


class SubscriptionBusy(TransientError):
    """Another run holds the subscription's lease: try again when it ends (Retry-After)."""


def _lease(subscription_id: str, deps: Services) -> tuple[SubscriptionRecord | None, float]:
    """Take the row for this run (ETag-guarded): of two runs racing, only one changes a subscription.
    (the leased row, 0) or (None, seconds until the holder's lease ends; 0 when there is no such row)."""
    fresh = deps.subscriptions.get(subscription_id)
    now = deps.clock.now()
    if fresh is None:
        return None, 0.0
    if fresh.lease_until is not None and fresh.lease_until > now:
        return None, (fresh.lease_until - now).total_seconds()
    stamped = replace(fresh, lease_until=now + LEASE)
    if deps.subscriptions.replace_if(stamped, fresh.etag):
        return stamped, 0.0
    return None, LEASE.total_seconds()  # lost the race: the winner holds it now


def _leased(record: SubscriptionRecord, deps: Services) -> SubscriptionRecord | None:
    return _lease(record.id, deps)[0]


def on_lifecycle_event(event: str, subscription_id: str, deps: Services) -> str:
    """subscriptionRemoved / reauthorizationRequired under the row's lease. Graph delivers lifecycle events at
    least once: the same event three times recreates the subscription once (the others find the lease, then
    no row), never three times."""
    leased, wait = _lease(subscription_id, deps)
    if leased is None:
        if wait:
            # the holder usually finishes in seconds: look again soon, not when its lease would run out
            raise SubscriptionBusy(f"subscription {subscription_id} is being changed by another run", min(wait, 10))
        return "unknown subscription"
    if event == "subscriptionRemoved":
        _recreate(leased, deps)  # also queues a delta catch-up for the gap
    else:
        reauthorize(leased, deps)
    logger.info("lifecycle %s handled for %s/%s", event, leased.mailbox, leased.folder)
    return event


def renew_subscriptions(deps: Services, *, force: bool = False) -> dict[str, int]:
    """Renew what expires soon; recreate what Graph no longer knows (404) or what expired while stopped.
    More than RENEW_INLINE due: queue one Renewal each instead ("queued"), renewed by BulkWorker."""
    counts = {"renewed": 0, "recreated": 0, "skipped": 0}
    now = deps.clock.now()
    due = [r for r in deps.subscriptions.all() if force or r.expires_at - now <= RENEW_BEFORE]
    if len(due) > RENEW_INLINE and not force:
        # the bulk lane: a fan-out of one per subscription, due two days ahead (shared/domain/lanes.py)
        deps.bulk_queue.send(to_payload(Renewal(record.id)) for record in due)
        return counts | {"queued": len(due)}
    for record in due:
        counts[renew_one(record, deps)] += 1
    return counts


def renew_queued(work: Renewal, deps: Services) -> str:
    """The worker's side of a queued renewal: under the row's lease, and only while it is still due, so a
    subscription queued twice is renewed once. A lease held elsewhere defers it (Retry-After), nothing lost."""
    leased, wait = _lease(work.subscription_id, deps)
    if leased is None:
        if wait:
            raise SubscriptionBusy(f"subscription {work.subscription_id} is being changed elsewhere", min(wait, 10))
        return "unknown subscription"
    if leased.expires_at - deps.clock.now() > RENEW_BEFORE and leased.immutable_ids:
        deps.subscriptions.put(replace(leased, lease_until=None))  # renewed since it was queued: give it back
        return "renewed already"
    return _renew_leased(leased, deps)


def renew_one(record: SubscriptionRecord, deps: Services, *, gone: bool = False) -> str:
    """Under the row's lease: renew it, or recreate it when Graph no longer has it (``gone``, 404), it expired, or
    it predates immutable ids (notifications would keep carrying ids that change on every move).
    "renewed", "recreated", or "skipped" when another run holds the lease."""
    leased = _leased(record, deps)
    return "skipped" if leased is None else _renew_leased(leased, deps, gone=gone)


def _renew_leased(leased: SubscriptionRecord, deps: Services, *, gone: bool = False) -> str:
    now = deps.clock.now()
    if leased.expires_at > now and not gone and leased.immutable_ids:
        try:
            _extend(leased, deps)
            return "renewed"
        except SubscriptionNotFound:
            pass
    _recreate(leased, deps)
    return "recreated"


def _extend(leased: SubscriptionRecord, deps: Services) -> None:
    """Renew at Graph for the longest lifetime and store the new expiry, giving back the row's lease."""
    renewed = deps.graph.renew_subscription(leased.id, deps.clock.now() + MAX_LIFETIME)
    deps.subscriptions.put(replace(leased, expires_at=renewed.expires_at, lease_until=None))


def _recreate(record: SubscriptionRecord, deps: Services) -> SubscriptionRecord:
    """A subscription Graph removed or let expire (the caller holds its lease): subscribe again, forget the old
    one, then let delta catch up on the gap."""
    from shared.services.delta import request_catch_up

    with contextlib.suppress(PermanentError):  # already gone at Graph (404 and kin)
        deps.graph.delete_subscription(record.id)
    try:
        fresh = subscribe(record.mailbox, Folder(record.folder), deps)
    except PermanentError as exc:  # only a folder named by id can vanish: the capture folder. Graph's answer to
        if record.folder != Folder.CAPTURE:  # a resource naming a deleted folder is not documented (404 or 400):
            raise  # any refusal of it stops here, as the mailbox's problem, instead of failing every renewal
        note_folder_problem(record.mailbox, f"the capture folder is gone ({exc}); save the mailbox again", deps)
        deps.subscriptions.delete(record.id)
        return record
    deps.subscriptions.delete(record.id)  # after the new row exists: a crash in between leaves a retryable lease
    # the gap is live mail whose notifications were lost: on the live lane, never behind an import
    request_catch_up(record.mailbox, record.folder, deps, why="subscription recreated", lane=Lane.LIVE)
    return fresh


def reauthorize(record: SubscriptionRecord, deps: Services) -> None:
    """The caller holds the row's lease."""
    try:
        deps.graph.reauthorize_subscription(record.id)
        _extend(record, deps)
    except SubscriptionNotFound:
        _recreate(record, deps)
