"""What the CRM holds, per capture key: the judge for the demo and the tests (not the product's own log).

Every record the product writes carries its capture key (README "Effectively once": ``UF_1`` on an Activity,
``CaptureKey`` on an Interaction). The key is derived here from the email's Message-ID as the README defines it
(SHA-256 of ``mid:`` + the normalised Message-ID, 40 hex characters; tests/unit/test_dedupe_matching.py pins the
same formula), so a test can say which contacts must hold a record of which email without asking the product.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

KEY_FIELD = {"activities": "UF_1", "interactions": "CaptureKey"}
CONTACT_FIELD = {"activities": "PartyId", "interactions": "RecipientId"}


def capture_key(internet_message_id: str, mailbox: str = "") -> str:
    """The key of an email with this Message-ID (``mailbox`` only when duplicates per mailbox are allowed)."""
    value = internet_message_id.strip().strip("<>").strip()
    local, at, domain = value.rpartition("@")
    basis = "mid:" + (f"{local}@{domain.lower()}" if at else value)
    if mailbox:
        basis += "|mbx:" + mailbox.lower()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


def contacts_per_key(records: dict[str, Any], kind: str = "activities") -> dict[str, list[str]]:
    """Capture key -> the contact of each record carrying it, sorted; a contact listed twice is a duplicate."""
    found: dict[str, list[str]] = defaultdict(list)
    for record in records.get(kind) or []:
        found[str(record.get(KEY_FIELD[kind]) or "")].append(str(record.get(CONTACT_FIELD[kind]) or ""))
    return {key: sorted(contacts) for key, contacts in found.items()}


def expected_per_key(messages: list[dict[str, Any]], mailboxes: set[str] | None = None) -> dict[str, list[str]]:
    """From emulators/sample/expected.json: capture key -> the contacts that must each hold one record of it.

    ``mailboxes`` limits the count to deliveries into those mailboxes (e.g. the ones that also write
    interactions); a contact named by two deliveries of one email still gets one record."""
    wanted: dict[str, set[str]] = {}
    for message in messages:
        for delivery in message["deliveries"]:
            if mailboxes is not None and delivery["mailbox"] not in mailboxes:
                continue
            if delivery["outcome"] in ("captured", "duplicate") and delivery.get("contacts"):
                wanted.setdefault(capture_key(message["internet_message_id"]), set()).update(delivery["contacts"])
    return {key: sorted(contacts) for key, contacts in wanted.items()}


def differences(expected: dict[str, list[str]], actual: dict[str, list[str]]) -> list[str]:
    """Readable mismatches: a missing or extra contact, a record written twice, a record of an unexpected email."""
    problems = []
    for key in sorted(set(expected) | set(actual)):
        want, got = expected.get(key, []), actual.get(key, [])
        if want != got:
            problems.append(f"capture key {key}: CRM holds records for {got or 'nobody'}, expected {want or 'none'}")
    return problems
