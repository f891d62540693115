"""The delta backstop: whatever webhooks missed, the folder's delta query finds.

Each page's new message ids are queued *before* the link that follows them is stored, so a crash repeats
work (harmless: de-duplication) and never skips mail. A walk queues its batches on the lane it runs on
(``deps.follow_up``): the backstop's on the bulk lane, a lifecycle event's (missed mail) on the live lane.
An expired delta token (410) restarts the sync: messages received in a bounded window are queued, a fresh delta
link is taken, and the restart is noted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

from shared.domain.errors import PermanentError, ResourceNotFound, SyncStateExpired
from shared.domain.lanes import Lane
from shared.domain.model import EXCLUDED_FOLDERS, Folder
from shared.domain.options import BACKSTOP_TICK_MINUTES
from shared.domain.work import CatchUp, batches, to_payload
from shared.services.deps import Services
from shared.services.folders import folder_tree, graph_folder, known_folders, note_folder_problem

logger = logging.getLogger(__name__)
PAGE_SIZE = 100
WELL_KNOWN = frozenset(f.value for f in Folder) - {Folder.CAPTURE.value}  # named by Graph, not by an id
RESYNC_WINDOW = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)  # Graph's receivedDateTime and our clock may disagree a little


def request_catch_up(mailbox: str, folder: str, deps: Services, *, why: str, lane: Lane) -> None:
    """Live for a gap in live mail (a recreated subscription); bulk for onboarding, start-up and folder changes."""
    deps.queue_of(lane).send([to_payload(CatchUp(mailbox, folder, why, deps.clock.now() - CLOCK_SKEW))])


def initialise(mailbox: str, folder: str, deps: Services, since: datetime | None = None, ref: str = "") -> str:
    """Walk the folder once to get a delta link. What is already there is not queued, except mail received
    since ``since`` (the moment onboarding asked for this walk): a webhook miss in between is not lost.
    ``ref``: the folder as Graph names it (the capture folder's id), also the delta row's key."""
    ref = ref or folder
    link: str | None = None
    while True:
        page = deps.graph.delta_page(mailbox, ref, link, PAGE_SIZE)
        if since is not None:
            deps.follow_up.send(to_payload(b) for b in batches(mailbox, page.received_since(since), folder, "delta"))
        if page.delta_link:
            _, etag = deps.delta_tokens.get(mailbox, ref)
            deps.delta_tokens.put(mailbox, ref, page.delta_link, etag, note="initialised")
            return page.delta_link
        link = page.next_link


def run_delta(mailbox: str, folder: str, deps: Services, since: datetime | None = None) -> int:
    """Queue what changed since the stored link; returns how many message ids were queued. The whole mailbox
    has no delta of its own (per folder only): its folders are listed and each walk queued instead."""
    if folder == Folder.MAILBOX:
        return walk_mailbox(mailbox, deps, since)
    ref = row_key(mailbox, folder, deps)
    link, etag = deps.delta_tokens.get(mailbox, ref)
    if link is None:
        initialise(mailbox, folder, deps, since or deps.clock.now() - RESYNC_WINDOW, ref)
        return 0
    queued = 0
    while True:
        try:
            page = deps.graph.delta_page(mailbox, ref, link, PAGE_SIZE)
        except SyncStateExpired:
            return queued + resync(mailbox, folder, deps, ref)
        deps.follow_up.send(to_payload(b) for b in batches(mailbox, page.message_ids, folder, "delta"))
        queued += len(page.message_ids)
        link = page.next_link or page.delta_link
        if link is None:
            return queued
        stored = deps.delta_tokens.put(mailbox, ref, link, etag, note="" if page.delta_link else "paging")
        if stored is None:
            logger.info("delta for %s/%s is being run elsewhere; stopping this run", mailbox, folder)
            return queued
        etag = stored
        if page.delta_link:
            return queued


def resync(mailbox: str, folder: str, deps: Services, ref: str = "") -> int:
    """The delta token expired: queue the recent window (dedupe absorbs overlap), then start afresh."""
    since = deps.clock.now() - RESYNC_WINDOW
    queued, link = 0, None
    while True:
        ids, link = deps.graph.list_messages_since(mailbox, ref or folder, since, link, PAGE_SIZE)
        deps.follow_up.send(to_payload(b) for b in batches(mailbox, ids, folder, "resync"))
        queued += len(ids)
        if not link:
            break
    initialise(mailbox, folder, deps, ref=ref)
    deps.counters.incr("delta-resync", f"{mailbox}|{folder}", last_window_start=since.isoformat())
    logger.warning("delta token for %s/%s expired: re-queued %s message(s) since %s", mailbox, folder, queued, since)
    return queued


def run_due(deps: Services) -> list[str]:
    """The scheduled tick: queue a backstop walk for each folder whose delta link is at least the options'
    ``backstop_interval_minutes`` old (any run moves it: onboarding, catch-ups, lifecycle events, the tick).
    Half a tick of slack keeps a 15-minute interval at every third 5-minute tick, not every fourth."""
    options = deps.current_options().options
    due_age = timedelta(minutes=options.backstop_interval_minutes - BACKSTOP_TICK_MINUTES / 2)
    now = deps.clock.now()
    due = []
    for mailbox, folder, key in _watched(deps):
        updated = (deps.delta_tokens.get_row(mailbox, key) or {}).get("UpdatedAt")
        if not (isinstance(updated, datetime) and now - updated < due_age):
            due.append((mailbox, folder))
    return _queue_walks(due, deps)


def run_all(deps: Services) -> list[str]:
    """Every folder now, whatever the interval (the daily sweep, an operator's on-demand run)."""
    return _queue_walks([(m, f) for m, f, _ in _watched(deps)], deps)


def run_queued(work: CatchUp, deps: Services) -> str:
    """The worker's side of a catch-up. A backstop walk queued before the folder's link last moved is done
    already (a later tick, a lifecycle event, or a twin of this message that ran first): skip it for one Table
    read. A retried walk that crashed part-way carries on from the stored page. Two walks that do start
    together are cut short by the link's ETag after one page."""
    try:
        if work.queued_at is not None:
            row = deps.delta_tokens.get_row(work.mailbox, row_key(work.mailbox, work.folder, deps)) or {}
            updated = row.get("UpdatedAt")  # a walk that stopped while "paging" (a crash, say) is not done
            if isinstance(updated, datetime) and updated >= work.queued_at and row.get("Note") != "paging":
                return "walked already"
        return f"queued {run_delta(work.mailbox, work.folder, deps, work.since)}"
    except ResourceNotFound as exc:  # a folder named by id went away: the capture folder, or one of the tree's
        if work.folder == Folder.CAPTURE:
            note_folder_problem(work.mailbox, f"the capture folder is gone ({exc}); save the mailbox again", deps)
        return "folder gone"
    except PermanentError as exc:  # another refusal of a folder named by id (not documented: 400 is possible)
        if work.folder in WELL_KNOWN:
            raise
        if work.folder == Folder.CAPTURE:
            note_folder_problem(work.mailbox, f"the capture folder cannot be read ({exc}); save the mailbox again",
                                deps)
        return "folder refused"


def row_key(mailbox: str, folder: str, deps: Services) -> str:
    """The delta row of a queued folder: the capture folder's by its id, so a new capture folder starts afresh."""
    return graph_folder(deps.mailboxes.get(mailbox), folder) if folder == Folder.CAPTURE else folder


def _watched(deps: Services) -> Iterator[tuple[str, str, str]]:
    options = deps.current_options().options
    for mailbox in deps.mailboxes.all():
        if mailbox.enabled:
            for folder in mailbox.watched_folders(options):
                key = mailbox.capture_folder_id if folder == Folder.CAPTURE else folder.value
                yield mailbox.address, folder.value, key


def walk_mailbox(mailbox: str, deps: Services, since: datetime | None = None) -> int:
    """Whole-mailbox capture's backstop: list the folder tree (one request per level and page,
    shared/services/folders.py) and queue a walk of each folder mail can be captured from; Deleted Items, Junk
    Email, Drafts, Outbox, Conversation History, never-capture folders and the folders inside them are not
    walked. Returns how many walks were queued."""
    known = known_folders(mailbox, deps)
    left_out = frozenset(i for i, f in known.items() if f in EXCLUDED_FOLDERS)
    ids = [f.id for f in folder_tree(mailbox, deps, prune=left_out) if f.id not in left_out]
    deps.follow_up.send(to_payload(CatchUp(mailbox, i, "mailbox walk", since)) for i in ids)
    _, etag = deps.delta_tokens.get(mailbox, Folder.MAILBOX.value)  # the tick's "when was this walked" mark
    deps.delta_tokens.put(mailbox, Folder.MAILBOX.value, "folder tree", etag, note=f"{len(ids)} folders")
    return len(ids)


def _queue_walks(folders: list[tuple[str, str]], deps: Services) -> list[str]:
    # The timer only queues: one message per folder, no Graph call, so its run time grows with the number of
    # folders by a queue write each, and the walks spread over the worker instances under the shared
    # per-mailbox limits (shared/adapters/shared_limits.py) instead of running one after another here. On the bulk
    # lane: a walk of every folder must never hold up live mail.
    now = deps.clock.now()
    deps.bulk_queue.send(to_payload(CatchUp(m, f, "backstop", queued_at=now)) for m, f in folders)
    return [f"{m}/{f}" for m, f in folders]
