"""What one email is counted as in the outcome counters (status, charts): pure values, no storage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Counted:
    at: datetime
    outcome: str
    reason: str


@dataclass(frozen=True, slots=True)
class Tally:
    """The result of counting one decision: the count to take away, the count to add (None: unchanged), and
    whether this is the first decision the mailbox's historical import made for the email."""

    previous: Counted | None
    current: Counted | None
    first_import: bool


def moves(before: Counted, after: Counted) -> bool:
    """Captured beats anything later; otherwise the latest decision counts."""
    return before.outcome != "captured" and (before.outcome, before.reason) != (after.outcome, after.reason)


def email_key(mailbox: str, message_id: str) -> str:
    return hashlib.sha256(f"{mailbox}|{message_id}".encode()).hexdigest()[:40]
