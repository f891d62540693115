"""Customer emails made on the fly (RFC 5322 via the stdlib), from contacts in the sample CRM seed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

ALICE = "alice.moreau@example.org"  # person 20001 in emulators/sample/crm.json
BEN = "ben.okafor@example.com"  # person 20002


def customer_mail(to: str, *, sender: str = ALICE, subject: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject or f"Question {uuid.uuid4().hex[:8]}"
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@example.org>"
    msg.set_content("Hello,\n\nCould you tell me when the next club ride is?\n\nThanks\n")
    return bytes(msg)


def subject_of(raw: bytes) -> str:
    return raw.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].decode().strip()
