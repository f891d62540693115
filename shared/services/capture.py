"""The worker's use case: fetch, filter, de-duplicate, match, map and write one email; log the decision."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from shared.domain.dedupe import dedupe_key, normalise_message_id
from shared.domain.errors import MessageNotFound, TransientError
from shared.domain.filters import MailboxContext, decide
from shared.domain.mailbox import Mailbox
from shared.domain.model import Folder, MailMessage
from shared.domain.options import Options
from shared.domain.reasons import Outcome, Reason
from shared.domain.work import WorkItem
from shared.ports import FetchSpec
from shared.services.contacts import match_contacts
from shared.services.decision_log import BatchLog, DecisionRecorder
from shared.services.deps import Services
from shared.services.files import attachment_files
from shared.services.folders import placed
from shared.services.outcome_stats import captured_on
from shared.services.outlook_tags import tag_captured
from shared.services.records import write_records

logger = logging.getLogger(__name__)


def process_message(item: WorkItem, deps: Services, *, owner: str, dequeue_count: int = 1,
                    log: BatchLog | None = None, relink: bool = False) -> str:
    """Returns the message-level outcome; raises TransientError to have the queue retry later. With ``log`` (a
    batch's) the decisions are written with the batch's, when it ends. ``relink``: a batch delivered again, whose
    thread rows (written when it ends) may be missing for emails it had captured: written again for those. A
    message delivered again (dequeue_count > 1) relinks too: its rows are stored after its decision is logged."""
    recorder = DecisionRecorder(deps, item, log)
    try:
        return _process(item, deps, owner, recorder, relink or dequeue_count > 1)
    except TransientError as exc:
        if dequeue_count >= deps.max_dequeue_count:
            recorder.message(Outcome.FAILED, Reason.RETRIES_EXHAUSTED, f"Gave up after {dequeue_count} attempts: "
                             f"{exc}. The message is in the poison queue {deps.poison_name}.")
            recorder.flush()
        raise


def _process(item: WorkItem, deps: Services, owner: str, recorder: DecisionRecorder, relink: bool) -> str:
    mailbox = deps.mailbox(item.mailbox)
    if mailbox is None or not mailbox.enabled:
        return recorder.skip(Reason.MAILBOX_NOT_WATCHED, f"{item.mailbox} is not a watched mailbox.")
    stored = deps.current_options()
    options = stored.options
    recorder.options_version = stored.version
    spec = fetch_spec(options, mailbox, item.folder)
    started = time.perf_counter()
    try:
        fetched = deps.graph.get_message(item.mailbox, item.message_id, spec)
    except MessageNotFound:
        return recorder.skip(Reason.MESSAGE_NOT_FOUND, "The message was deleted or moved before it was processed.")
    recorder.timing("graph_ms", started)
    msg = placed(fetched.message, mailbox, deps)
    recorder.describe(msg)
    context = MailboxContext.of(item.mailbox, mailbox)
    now = deps.clock.now()
    today = f"{item.mailbox}|{now:%Y-%m-%d}"
    decision = decide(msg, options, context, now=now, captured_today=captured_today(item.mailbox, now, deps))
    if not decision.capture:
        assert decision.reason is not None
        return recorder.skip(decision.reason, decision.detail)
    recorder.captured_reason = decision.reason  # capture_folder: captured although a rule would skip it
    key = dedupe_key(msg, mailbox=item.mailbox if options.allow_duplicate_emails else None)
    recorder.key = key
    started = time.perf_counter()
    match = match_contacts(msg, options, context, mailbox, deps, thread_keys(msg), owner)
    recorder.timing("match_ms", started)
    for unmatched in match.unmatched:
        recorder.participant(unmatched.address, unmatched.reason, unmatched.detail)
    if not match.targets:
        first = match.unmatched[0] if match.unmatched else None
        reason = first.reason if first else Reason.NO_CONTACT
        return recorder.skip(reason, first.detail if first else "No participant matched a CRM contact.")
    started = time.perf_counter()
    files = attachment_files(fetched.files, options)
    written = write_records(msg, options, context, mailbox, match.targets, key, owner, deps, recorder, files)
    recorder.timing("crm_ms", started)
    link = options.link_replies_to_thread and (written or (relink and recorder.already_captured()))
    if written:  # counted in the outcome rows when the decision is logged; this instance's reading moves now
        read_at, count = deps.caches.captured_today.get(today, (time.monotonic(), 0))
        deps.caches.captured_today[today] = (read_at, count + 1)
        deps.caches.unlogged_captures[today] = deps.caches.unlogged_captures.get(today, 0) + 1
        recorder.capture_scope = today
        tag_captured(msg, item.mailbox, item.message_id, options, deps)
    outcome = recorder.finish()  # logged first: if storing the rows fails, the retry is a duplicate still counted
    if link:  # later replies find these contacts by thread (a retry that finds the email written: relink)
        deps.threads.add(own_thread_keys(msg), match.targets)
    return outcome


def fetch_spec(options: Options, mailbox: Mailbox, folder: str) -> FetchSpec:
    """What the worker fetches for this mailbox under these options (the preview fetches the same)."""
    record_types = mailbox.record_types or (options.default_record_type,)
    return FetchSpec(html_body="interaction" in record_types or options.save_body_as_html,
                     with_attachments=options.attachments != "none", folder=Folder.parse(folder),
                     unique_body=options.only_new_text)


def captured_today(mailbox: str, now: datetime, deps: Services, max_age_s: float = 10.0) -> int:
    """The mailbox's count for the daily cap, re-read at most every 10 s (the cap is a guard, not a meter), with
    this instance's captures whose decisions are not logged yet (a batch logs them when it ends)."""
    scope = f"{mailbox}|{now:%Y-%m-%d}"
    hit = deps.caches.captured_today.get(scope)
    if hit is None or time.monotonic() - hit[0] > max_age_s:
        hit = (time.monotonic(), captured_on(deps, mailbox, now) + deps.caches.unlogged_captures.get(scope, 0))
        deps.caches.captured_today[scope] = hit
    return hit[1]


def thread_keys(msg: MailMessage) -> list[str]:
    keys = [f"conv:{msg.conversation_id}"] if msg.conversation_id else []
    ids = [msg.in_reply_to, *msg.references, msg.internet_message_id]
    return keys + [f"mid:{normalise_message_id(i)}" for i in ids if i and i.strip()]


def own_thread_keys(msg: MailMessage) -> list[str]:
    """This email's conversation and Message-ID (the ids it references were recorded with their own emails)."""
    keys = [f"conv:{msg.conversation_id}"] if msg.conversation_id else []
    return keys + ([f"mid:{normalise_message_id(msg.internet_message_id)}"] if msg.internet_message_id.strip() else [])

