"""What a starting instance does about subscriptions: a cheap check by one instance, not a renewal burst.

Every cold start and every scale-out used to renew every subscription. Now the first instance to take the
start-up lease lists the app's subscriptions at Graph once (one paged GET), recreates those Graph no longer has
(removed or expired while the app was stopped), renews only those expiring soon (each under its own lease) and
queues a delta catch-up for every watched folder, so mail whose webhook deliveries failed while the app was
down is found at once rather than at the next backstop timer. Instances starting while it runs do nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from shared.domain.lanes import Lane
from shared.services.delta import request_catch_up
from shared.services.deps import Services
from shared.services.subscriptions import RENEW_BEFORE, renew_one

logger = logging.getLogger(__name__)
LEASE_NAME = "startup-check"
LEASE = timedelta(minutes=5)  # longer than a check takes; released when it ends, so a restart checks again


def startup_check(deps: Services) -> dict[str, int]:
    now = deps.clock.now()
    etag = deps.subscriptions.take_lease(LEASE_NAME, now, now + LEASE)
    if etag is None:
        logger.info("start-up check: another instance is running it")
        return {"skipped": 1}
    try:
        return _check(deps)
    finally:
        deps.subscriptions.release_lease(LEASE_NAME, etag, deps.clock.now())


def _check(deps: Services) -> dict[str, int]:
    at_graph = {s.id: s for s in deps.graph.list_subscriptions()}
    counts = {"kept": 0, "renewed": 0, "recreated": 0, "skipped": 0, "catch_up": 0}
    folders: set[tuple[str, str]] = set()
    now = deps.clock.now()
    for record in deps.subscriptions.all():
        live = at_graph.get(record.id)
        if live is not None and live.expires_at - now > RENEW_BEFORE:
            outcome = "kept"
        else:
            outcome = renew_one(record, deps, gone=live is None)
        counts[outcome] += 1
        if outcome != "recreated":  # a recreation queues its own catch-up
            folders.add((record.mailbox, record.folder))
    for mailbox, folder in sorted(folders):
        request_catch_up(mailbox, folder, deps, why="start-up", lane=Lane.BULK)  # every folder: bulk work
        counts["catch_up"] += 1
    logger.info("start-up check: %s", counts)
    return counts
