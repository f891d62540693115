"""Capture keys: one email, one key, however many mailboxes or deliveries it arrives through.

The key is the RFC 5322 Message-ID (Graph's ``internetMessageId``), normalised (angle brackets and case of
the domain part do not matter). Without one (rare: some drafts, broken senders) the fallback is a hash of
sender, sorted recipients, subject and the sent time to the second: stable across mailboxes, because
Graph reports the same values in each copy. "Allow duplicate emails" scopes the key to the mailbox, so
each mailbox's copy gets its own record while redeliveries of the same copy still collapse.
"""

from __future__ import annotations

import hashlib

from shared.domain.model import MailMessage


def normalise_message_id(value: str) -> str:
    value = value.strip().strip("<>").strip()
    local, at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}" if at else value


def dedupe_key(msg: MailMessage, *, mailbox: str | None = None) -> str:
    """A short, table-key-safe key; ``mailbox`` is given only when duplicates per mailbox are allowed."""
    if msg.internet_message_id.strip():
        basis = "mid:" + normalise_message_id(msg.internet_message_id)
    else:
        sent = msg.sent_at.isoformat(timespec="seconds") if msg.sent_at else ""
        people = ",".join(sorted(a.email for a in msg.recipients()))
        author = msg.author.email if msg.author else ""
        basis = f"fb:{author}|{people}|{msg.subject.strip()}|{sent}"
    if mailbox:
        basis += "|mbx:" + mailbox.lower()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]
