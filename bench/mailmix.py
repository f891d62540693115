"""A realistic mix of Graph-shaped JSON emails for the local stack, each with the outcome it must have.

Mostly customer mail from contacts in the sample CRM seed (emulators/sample/crm.json), plus internal mail,
newsletters, automatic replies, strangers and a shared (ambiguous) address. ``MailSpec.contacts`` names the
iMIS party ids that must each get exactly one record; ``MailSpec.reason`` is the skip reason otherwise.
Used by the benchmarks and by the fault suite (tests/faults), so both judge the same mail the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

ORG_DOMAIN = "association.example"
COLLEAGUE = "sam.patel@association.example"
# Persons of the CRM seed with an address no other party shares (Olivia, status I, is left out).
CONTACTS: dict[str, tuple[str, str]] = {
    "20001": ("alice.moreau@example.org", "Alice Moreau"),
    "20002": ("ben.okafor@example.com", "Ben Okafor"),
    "20003": ("chloe.dubois@example.net", "Chloé Dubois"),
    "20004": ("david.kim@lakeside-uni.example", "David Kim"),
    "20005": ("emma.schultz@example.org", "Emma Schultz"),
    "20006": ("farid@greenway-trust.example", "Farid Haddad"),
    "20007": ("grace.lin@example.com", "Grace Lin"),
    "20008": ("hiro.tanaka@example.net", "Hiro Tanaka"),
    "20009": ("isabel.garcia@example.org", "Isabel García"),
    "20012": ("liam.oconnor@example.com", "Liam O'Connor"),
}
SHARED_ADDRESS = "family@berg-home.example"  # Jonas and Karin Berg (20010, 20011): ambiguous
# kind -> share of the mix (the throughput benchmark's "realistic mix"; the fault suite uses the same)
MIX = {"customer": 0.55, "two_contacts": 0.08, "outbound": 0.07, "internal": 0.08, "bulk": 0.08,
       "auto_reply": 0.04, "unknown": 0.08, "ambiguous": 0.02}
OPTIONS = {  # the options document both use: the sample organisation's, without the daily cap
    "internal_domains": [ORG_DOMAIN, "association-foundation.example"], "max_total_emails": 0,
    "look_back_days": 30, "contact_cache_ttl_minutes": 60,
}


@dataclass
class MailSpec:
    kind: str
    mailbox: str
    folder: str  # "inbox" or "sentitems"
    message: dict[str, Any]
    contacts: tuple[str, ...] = ()  # party ids that get one record each
    reason: str = ""  # expected skip reason when no contact gets a record
    also_in: list[str] = field(default_factory=list)  # other mailboxes holding the same email

    @property
    def subject(self) -> str:
        return str(self.message["subject"])

    @property
    def internet_message_id(self) -> str:
        return str(self.message["internetMessageId"])


def _person(address: str, name: str = "") -> dict[str, Any]:
    return {"emailAddress": {"address": address, "name": name or address}}


_WORDS = ("membership renewal ride club event invoice question thanks route safety volunteer insurance junior "
          "coaching calendar booking receipt helmet committee newsletter trail weekend")


def _body(rng: random.Random, n: int) -> str:
    words = _WORDS.split(" ")
    lines = [" ".join(rng.choice(words) for _ in range(12)).capitalize() + "." for _ in range(max(n // 80, 1))]
    return "Hello,\n\n" + "\n".join(lines) + "\n\nKind regards\n"


def build_message(rng: random.Random, tag: str, sender: tuple[str, str], to: list[tuple[str, str]],
                  cc: list[tuple[str, str]] | None = None, extra_headers: tuple[tuple[str, str], ...] = (),
                  subject: str = "", when: datetime | None = None) -> dict[str, Any]:
    """Graph JSON with the top-level headers Graph would report (``internetMessageHeaders``)."""
    when = when or datetime.now(UTC) - timedelta(minutes=rng.randint(1, 600))
    imid = f"<{tag}.{rng.getrandbits(48):012x}@mail.example.org>"
    subject = subject or f"{tag} {rng.choice(['Renewal', 'Ride', 'Invoice', 'Booking', 'Question'])} query"
    headers = [("From", f'"{sender[1]}" <{sender[0]}>'), ("To", ", ".join(a for a, _ in to))]
    if cc:
        headers.append(("Cc", ", ".join(a for a, _ in cc)))
    headers += [("Subject", subject), ("Date", format_datetime(when)), ("Message-ID", imid),
                ("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=utf-8"), *extra_headers]
    return {
        "subject": subject, "internetMessageId": imid,
        "body": {"contentType": "text", "content": _body(rng, rng.randint(300, 2500))},
        "from": _person(*sender), "toRecipients": [_person(*p) for p in to],
        "ccRecipients": [_person(*p) for p in cc or []],
        "sentDateTime": when.isoformat().replace("+00:00", "Z"),
        "receivedDateTime": (when + timedelta(seconds=5)).isoformat().replace("+00:00", "Z"),
        "internetMessageHeaders": [{"name": k, "value": v} for k, v in headers],
    }


def one_mail(rng: random.Random, kind: str, mailbox: str, tag: str) -> MailSpec:
    me = (mailbox, mailbox.split("@")[0].title())
    ids = sorted(CONTACTS)
    pid, other = rng.sample(ids, 2)
    person, second = CONTACTS[pid], CONTACTS[other]
    if kind == "customer":
        return MailSpec(kind, mailbox, "inbox", build_message(rng, tag, person, [me]), (pid,))
    if kind == "two_contacts":
        return MailSpec(kind, mailbox, "inbox", build_message(rng, tag, person, [me], [second]), (pid, other))
    if kind == "outbound":
        return MailSpec(kind, mailbox, "sentitems", build_message(rng, tag, me, [person]), (pid,))
    if kind == "internal":
        colleague = (COLLEAGUE, "Sam Patel")
        return MailSpec(kind, mailbox, "inbox", build_message(rng, tag, colleague, [me]), reason="internal_only")
    if kind == "bulk":
        list_headers = (("List-Unsubscribe", "<https://news.cycling.example/u/1>"), ("Precedence", "bulk"),
                        ("List-Id", "Cycling News <news.cycling.example>"))
        msg = build_message(rng, tag, ("news@cycling-news.example", "Cycling News"), [me], extra_headers=list_headers)
        return MailSpec(kind, mailbox, "inbox", msg, reason="bulk")
    if kind == "auto_reply":
        msg = build_message(rng, tag, person, [me], extra_headers=(("Auto-Submitted", "auto-replied"),),
                            subject=f"Automatic reply: {tag} Renewal query")
        msg["messageClass"] = "IPM.Note.Rules.OofTemplate.Microsoft"
        return MailSpec(kind, mailbox, "inbox", msg, reason="auto_reply")
    if kind == "unknown":
        stranger = (f"visitor{rng.randint(1, 10**6)}@unknown-{rng.randint(1, 50)}.example", "A Visitor")
        return MailSpec(kind, mailbox, "inbox", build_message(rng, tag, stranger, [me]), reason="no_contact")
    if kind == "ambiguous":
        msg = build_message(rng, tag, (SHARED_ADDRESS, "The Bergs"), [me])
        return MailSpec(kind, mailbox, "inbox", msg, reason="ambiguous_contact")
    raise ValueError(f"unknown kind {kind!r}")


def mix(n: int, mailboxes: list[str], *, seed: int = 7, prefix: str = "M", cross_posted: float = 0.0,
        kinds: dict[str, float] | None = None) -> list[MailSpec]:
    """``n`` emails spread over ``mailboxes``; ``cross_posted`` of the customer mail also lands in a second
    mailbox (same Message-ID: still one record per contact)."""
    rng = random.Random(seed)
    weights = kinds or MIX
    chosen = rng.choices(list(weights), weights=list(weights.values()), k=n)
    out = []
    for i, kind in enumerate(chosen):
        spec = one_mail(rng, kind, mailboxes[i % len(mailboxes)], f"{prefix}{i:05d}")
        if kind == "customer" and len(mailboxes) > 1 and rng.random() < cross_posted:
            spec.also_in.append(rng.choice([m for m in mailboxes if m != spec.mailbox]))
        out.append(spec)
    return out


def expected_records(specs: list[MailSpec]) -> dict[tuple[str, str], int]:
    """(subject, party id) -> 1 for every record the CRM must hold."""
    return {(s.subject, pid): 1 for s in specs for pid in s.contacts}
