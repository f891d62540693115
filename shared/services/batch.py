"""A batch of message ids in one queue message (the historical import, the delta backstop and resync).

Each id is captured as a single WorkItem would be (``capture.process_message``: the same ledger, daily cap, thread
index, tagging and decisions), one after another; what the batch shares is its writes: the decision-log entries,
outcome counts and thread-index rows of all its emails go out when it ends (``decision_log.BatchLog``,
``PendingThreads``), and the queue carries one message for up to BATCH_IDS emails.

Nothing is lost or doubled:
- An id that fails (a Graph or CRM 5xx, a 429, anything) is queued again alone, as a normal WorkItem, and the
  batch carries on: the retries, the poison queue and its recorded reason apply to that id as to any other. With
  a Retry-After (throttling), the id waits that long and so do the ids after it (queued again as one batch),
  since they would meet the same limit now.
- A batch that runs past BATCH_DEADLINE_S queues its remaining ids again as a new batch and ends: Graph pacing
  can hold each request up to 30 s, and the invocation must end well within host.json's 5-minute functionTimeout.
- A crash part-way re-delivers the whole batch (same queue message id, so the same ledger owner): the ids it had
  written are found DONE in the capture ledger and logged ``duplicate`` / ``already_captured``, no second CRM
  record, as when a single WorkItem is re-delivered after its CRM write; their thread rows, which the crash kept
  from being stored, are written then (``relink``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import replace

from shared.domain.errors import TransientError
from shared.domain.matching import ContactRef
from shared.domain.work import MessageBatch, WorkItem, defer_delay, to_payload
from shared.ports import ThreadIndex
from shared.services.capture import process_message
from shared.services.decision_log import BatchLog
from shared.services.deps import Services

logger = logging.getLogger(__name__)

# Sequentially, a batch takes ~BATCH_IDS Graph requests of the mailbox's budget. At Graph's real rate
# (10,000 requests per 10 minutes per mailbox, shared by the up to 12 invocations an instance runs) 12 batches of
# 32 ids need 384 requests, ~23 s of budget: far inside the deadline, which is there for the worst case (pacing
# waiting its 30 s for many ids in a row while many instances share one mailbox's budget).
BATCH_DEADLINE_S = 120.0


class PendingThreads:
    """The thread index as a batch's emails see it: what an earlier email of the batch linked is visible at once
    (a reply later in the batch reaches its contacts, as when queued one by one) and stored when the batch ends, in
    one transaction per bucket (shared.adapters.thread_store) instead of one request per key and contact."""

    def __init__(self, stored: ThreadIndex) -> None:
        self._stored = stored
        self._pending: list[tuple[list[str], tuple[ContactRef, ...]]] = []

    def contacts_for(self, keys: list[str]) -> tuple[ContactRef, ...]:
        found = {c.id: c for c in self._stored.contacts_for(keys)}
        for linked, contacts in self._pending:
            if set(keys).intersection(linked):
                for contact in contacts:
                    found.setdefault(contact.id, contact)
        return tuple(found.values())

    def add(self, keys: list[str], contacts: tuple[ContactRef, ...]) -> None:
        self._pending.append((list(keys), contacts))

    def add_many(self, links: list[tuple[list[str], tuple[ContactRef, ...]]]) -> None:
        self._pending += links

    def forget_contact(self, contact_id: str) -> int:
        self._pending = [(keys, tuple(c for c in contacts if c.id != contact_id)) for keys, contacts in self._pending]
        return self._stored.forget_contact(contact_id)

    def move_former_rows(self, limit: int) -> int:
        return self._stored.move_former_rows(limit)

    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            self._stored.add_many(pending)


def process_batch(batch: MessageBatch, deps: Services, *, owner: str, dequeue_count: int = 1) -> str:
    """Capture the batch's ids; returns a summary of their outcomes (e.g. "captured 20, skipped 12")."""
    threads = PendingThreads(deps.threads)
    deps = replace(deps, threads=threads)  # this batch's view: the same adapters and caches
    log = BatchLog(deps)
    outcomes: Counter[str] = Counter()
    # The decisions go first: when storing the thread rows then fails, the re-delivered batch logs duplicates (the
    # captures stay counted as captured) and stores the rows (relink). Rows first, their failure kept the decisions
    # from being logged and the re-delivery counted every capture of the batch as a duplicate.
    try:
        _run(batch, deps, owner, log, outcomes, relink=dequeue_count > 1)
    except Exception:  # a queue send failed: the batch is re-delivered; store what is decided so far first
        try:
            log.write()
            threads.flush()
        except Exception:  # noqa: BLE001 - the first error is the one to report
            logger.exception("batch of %s: the decisions or thread rows so far were not stored", batch.mailbox)
        raise
    log.write()
    threads.flush()
    return ", ".join(f"{outcome} {n}" for outcome, n in sorted(outcomes.items()))


def _run(batch: MessageBatch, deps: Services, owner: str, log: BatchLog, outcomes: Counter[str], *,
         relink: bool) -> None:
    started = time.monotonic()
    ids = batch.message_ids
    for i, message_id in enumerate(ids):
        if i and time.monotonic() - started > BATCH_DEADLINE_S:  # at least one id per run: progress
            _again(batch, ids[i:], deps, delay=None)
            outcomes["requeued"] += len(ids) - i
            return
        item = batch.item(message_id)
        try:
            # dequeue_count 0: never the id's last attempt here (a failing id is queued again alone, for its own)
            outcomes[process_message(item, deps, owner=owner, dequeue_count=0, log=log, relink=relink)] += 1
        except TransientError as exc:
            delay = defer_delay(exc.retry_after) if exc.retry_after is not None else None
            _alone(item, batch, deps, exc, delay)
            outcomes["requeued"] += 1
            if delay is not None and i + 1 < len(ids):
                _again(batch, ids[i + 1:], deps, delay)
                outcomes["requeued"] += len(ids) - i - 1
                return
        except Exception as exc:  # noqa: BLE001 - its own retries and poison reason, as a single WorkItem
            _alone(item, batch, deps, exc, None)
            outcomes["requeued"] += 1


def _alone(item: WorkItem, batch: MessageBatch, deps: Services, exc: Exception, delay: int | None) -> None:
    """Queue one id again as a WorkItem (a deferral when throttled: it spends none of the queue's attempts)."""
    deferrals = batch.deferrals + (1 if delay is not None else 0)
    # On the batch's own lane (bulk for the import and the backstop): a failing id must not jump ahead of live mail.
    deps.follow_up.send([to_payload(WorkItem(item.mailbox, item.message_id, item.folder, item.source,
                                             deferrals=deferrals))], visibility_timeout=delay)
    logger.info("batch of %s: %s queued again alone%s (%s: %s)", item.mailbox, item.message_id,
                f" in {delay}s" if delay else "", type(exc).__name__, exc)


def _again(batch: MessageBatch, ids: tuple[str, ...], deps: Services, delay: int | None) -> None:
    deferrals = batch.deferrals + (1 if delay is not None else 0)
    rest = MessageBatch(batch.mailbox, ids, batch.folder, batch.source, deferrals)
    deps.follow_up.send([to_payload(rest)], visibility_timeout=delay)
    logger.info("batch of %s: %d id(s) queued again%s", batch.mailbox, len(ids), f" in {delay}s" if delay else "")
