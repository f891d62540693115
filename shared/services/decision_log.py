"""Collects one message's decisions and writes them to the decision log: never bodies or attachments."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.domain.model import MailMessage
from shared.domain.reasons import Outcome, Reason
from shared.domain.work import WorkItem
from shared.services.outcome_stats import count_decisions

if TYPE_CHECKING:
    from shared.services.deps import Services


class BatchLog:
    """The decisions of a batch of emails (shared.services.batch), written when the batch ends: the entries share
    the mailbox's partition, so one transaction per 100 of them, and the outcome counts once for the batch."""

    def __init__(self, deps: Services) -> None:
        self._deps = deps
        self._entries: list[dict[str, Any]] = []
        self._scopes: list[str] = []

    def add(self, entries: list[dict[str, Any]], capture_scope: str) -> None:
        self._entries += entries
        self._scopes.append(capture_scope)

    def write(self) -> None:
        entries, scopes, self._entries, self._scopes = self._entries, self._scopes, [], []
        write_decisions(self._deps, entries, scopes)


def write_decisions(deps: Services, entries: list[dict[str, Any]], capture_scopes: list[str]) -> None:
    """Log the entries, count each message-level one (what status and the charts count), then let the daily cap's
    cache drop what these captures added to it until their outcome rows held them."""
    if not entries:
        return
    deps.decisions.write(entries)
    count_decisions(deps, [e for e in entries if not e.get("contact_id")])
    unlogged = deps.caches.unlogged_captures
    for scope in filter(None, capture_scopes):
        unlogged[scope] = max(unlogged.get(scope, 0) - 1, 0)


class DecisionRecorder:
    def __init__(self, deps: Services, item: WorkItem, log: BatchLog | None = None) -> None:
        self._deps, self._item, self._log = deps, item, log
        self._started = time.perf_counter()
        self._entries: list[dict[str, Any]] = []
        self._timings: dict[str, int] = {}
        self._about: dict[str, Any] = {}
        self.options_version = 0
        self.captured_reason: Reason | None = None  # why captured when a rule alone would not have
        self.capture_scope = ""  # mailbox|day this capture was added to in the daily cap's cache
        self.key = hashlib.sha256(f"{item.mailbox}|{item.message_id}".encode()).hexdigest()[:40]

    def describe(self, msg: MailMessage) -> None:
        self._about = {"internet_message_id": msg.internet_message_id, "subject": msg.subject[:200],
                       "from_address": msg.author.email if msg.author else "",
                       "conversation_id": msg.conversation_id,
                       "sent_at": msg.sent_at.isoformat() if msg.sent_at else ""}

    def timing(self, name: str, started: float) -> None:
        self._timings[name] = int((time.perf_counter() - started) * 1000)

    def _entry(self, outcome: Outcome, reason: Reason | None, detail: str, **extra: Any) -> None:
        now = self._deps.clock.now()
        retention = self._deps.current_options().options.retention_days
        self._entries.append({
            "at": now, "expires_at": now + timedelta(days=retention), "mailbox": self._item.mailbox,
            "message_id": self._item.message_id, "folder": self._item.folder, "source": self._item.source,
            "key": self.key, "outcome": outcome.value, "reason": reason.value if reason else "",
            "detail": detail, "options_version": self.options_version, **self._about, **extra})

    def participant(self, address: str, reason: Reason, detail: str) -> None:
        self._entry(Outcome.SKIPPED, reason, detail, contact_id=f"addr:{address}", participant=address)

    def record(self, contact: ContactRef, record: CrmRecord, outcome: Outcome, reason: Reason | None,
               record_id: str, detail: str = "") -> None:
        template = self._deps.current_options().options.profile_url_template
        self._entry(outcome, reason, detail or _record_detail(outcome, record, contact, record_id),
                    contact_id=contact.id, contact_name=contact.name, record_kind=record.kind,
                    record_ids=[record_id] if record_id else [], truncated=",".join(record.truncated),
                    profile_url=self._deps.crm.profile_url(contact.id, template))

    def message(self, outcome: Outcome, reason: Reason | None, detail: str) -> None:
        self._entry(outcome, reason, detail, contact_id="", timings_ms=self._timings | {
            "total_ms": int((time.perf_counter() - self._started) * 1000)})

    def skip(self, reason: Reason, detail: str) -> str:
        self.message(Outcome.SKIPPED, reason, detail)
        self.flush()
        return Outcome.SKIPPED.value

    def already_captured(self) -> bool:
        """Some record of this email was found written already (the ledger's ``duplicate``)."""
        return any(e.get("record_kind") and e["outcome"] == Outcome.DUPLICATE.value for e in self._entries)

    def finish(self) -> str:
        """The message-level outcome: captured if any record was written, duplicate if all existed."""
        outcomes = [e["outcome"] for e in self._entries if e.get("record_kind")]
        record_ids = [i for e in self._entries for i in e.get("record_ids", [])]
        if Outcome.CAPTURED.value in outcomes:
            overall, reason, detail = Outcome.CAPTURED, self.captured_reason, \
                f"Captured as {len(record_ids)} CRM record(s)."
        elif outcomes and all(o == Outcome.DUPLICATE.value for o in outcomes):
            overall, reason, detail = Outcome.DUPLICATE, Reason.ALREADY_CAPTURED, "Already captured for every contact."
        else:
            overall, reason, detail = Outcome.FAILED, Reason.CRM_REJECTED, "The CRM refused every record."
        self.message(overall, reason, detail)
        self._entries[-1]["record_ids"] = record_ids
        self.flush()
        return overall.value

    def flush(self) -> None:
        if self._log is not None:  # a batch's email: written with the batch's others
            self._log.add(self._entries, self.capture_scope)
        else:
            write_decisions(self._deps, self._entries, [self.capture_scope])
        self._entries, self.capture_scope = [], ""


def _record_detail(outcome: Outcome, record: CrmRecord, contact: ContactRef, record_id: str) -> str:
    what = f"{record.kind} for contact {contact.id} ({contact.name})" if contact.name else \
        f"{record.kind} for contact {contact.id}"
    if outcome == Outcome.DUPLICATE:
        return f"Already captured as {what}, record {record_id}."
    return f"Captured as {what}, record {record_id}."
