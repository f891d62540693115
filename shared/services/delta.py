"""The delta backstop: whatever webhooks missed, the folder's delta query finds.

Each page's new message ids are queued *before* the link that follows them is stored, so a crash repeats
work (harmless: de-duplication) and never skips mail. An expired delta token (410) restarts the sync:
messages received in a bounded window are queued, a fresh delta link is taken, and the restart is noted.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from shared.domain.errors import SyncStateExpired
from shared.domain.options import BACKSTOP_TICK_MINUTES
from shared.domain.work import CatchUp, WorkItem, to_payload
from shared.services.deps import Services

logger = logging.getLogger(__name__)
PAGE_SIZE = 100
RESYNC_WINDOW = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)  # Graph's receivedDateTime and our clock may disagree a little


def request_catch_up(mailbox: str, folder: str, deps: Services, *, why: str) -> None:
    deps.queue.send([to_payload(CatchUp(mailbox, folder, why, deps.clock.now() - CLOCK_SKEW))])


def initialise(mailbox: str, folder: str, deps: Services, since: datetime | None = None) -> str:
    """Walk the folder once to get a delta link. What is already there is not queued, except mail received
    since ``since`` (the moment onboarding asked for this walk): a webhook miss in between is not lost."""
    link: str | None = None
    while True:
        page = deps.graph.delta_page(mailbox, folder, link, PAGE_SIZE)
        if since is not None:
            deps.queue.send(to_payload(WorkItem(mailbox, i, folder, "delta")) for i in page.received_since(since))
        if page.delta_link:
            _, etag = deps.delta_tokens.get(mailbox, folder)
            deps.delta_tokens.put(mailbox, folder, page.delta_link, etag, note="initialised")
            return page.delta_link
        link = page.next_link


def run_delta(mailbox: str, folder: str, deps: Services, since: datetime | None = None) -> int:
    """Queue what changed since the stored link; returns how many message ids were queued."""
    link, etag = deps.delta_tokens.get(mailbox, folder)
    if link is None:
        initialise(mailbox, folder, deps, since or deps.clock.now() - RESYNC_WINDOW)
        return 0
    queued = 0
    while True:
        try:
            page = deps.graph.delta_page(mailbox, folder, link, PAGE_SIZE)
        except SyncStateExpired:
            return queued + resync(mailbox, folder, deps)
        deps.queue.send(to_payload(WorkItem(mailbox, i, folder, "delta")) for i in page.message_ids)
        queued += len(page.message_ids)
        link = page.next_link or page.delta_link
        if link is None:
            return queued
        stored = deps.delta_tokens.put(mailbox, folder, link, etag, note="" if page.delta_link else "paging")
        if stored is None:
            logger.info("delta for %s/%s is being run elsewhere; stopping this run", mailbox, folder)
            return queued
        etag = stored
        if page.delta_link:
            return queued


def resync(mailbox: str, folder: str, deps: Services) -> int:
    """The delta token expired: queue the recent window (dedupe absorbs overlap), then start afresh."""
    since = deps.clock.now() - RESYNC_WINDOW
    queued, link = 0, None
    while True:
        ids, link = deps.graph.list_messages_since(mailbox, folder, since, link, PAGE_SIZE)
        deps.queue.send(to_payload(WorkItem(mailbox, i, folder, "resync")) for i in ids)
        queued += len(ids)
        if not link:
            break
    initialise(mailbox, folder, deps)
    deps.counters.incr("delta-resync", f"{mailbox}|{folder}", last_window_start=since.isoformat())
    logger.warning("delta token for %s/%s expired: re-queued %s message(s) since %s", mailbox, folder, queued, since)
    return queued


def run_due(deps: Services) -> dict[str, int]:
    """The scheduled tick: run the backstop for each folder whose delta link is at least the options'
    ``backstop_interval_minutes`` old (any run moves it: onboarding, catch-ups, lifecycle events, the tick).
    Half a tick of slack keeps a 15-minute interval at every third 5-minute tick, not every fourth."""
    options = deps.current_options().options
    due_age = timedelta(minutes=options.backstop_interval_minutes - BACKSTOP_TICK_MINUTES / 2)
    now = deps.clock.now()
    counts: dict[str, int] = {}
    for mailbox in deps.mailboxes.all():
        if not mailbox.enabled:
            continue
        for folder in mailbox.watched_folders(options.folder_scope):
            updated = (deps.delta_tokens.get_row(mailbox.address, folder.value) or {}).get("UpdatedAt")
            if isinstance(updated, datetime) and now - updated < due_age:
                continue
            counts[f"{mailbox.address}/{folder.value}"] = run_delta(mailbox.address, folder.value, deps)
    return counts


def run_all(deps: Services) -> dict[str, int]:
    counts: dict[str, int] = {}
    for mailbox in deps.mailboxes.all():
        if not mailbox.enabled:
            continue
        for folder in mailbox.watched_folders(deps.current_options().options.folder_scope):
            counts[f"{mailbox.address}/{folder.value}"] = run_delta(mailbox.address, folder.value, deps)
    return counts
