"""CPU per email of the pure pipeline (filter + dedupe + match + map), in-process, no I/O.

The same mixed mail as the stack benchmarks, converted from Graph JSON once (that conversion is reported
separately: it is the adapter, not the domain). Contacts come from the CRM seed held in a dict, as the warm
contact cache would give them. ``time.process_time`` over every message, best of ``rounds``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.mailmix import OPTIONS, mix
from devhost.seed import SEED
from shared.adapters.graph_message import message_from_graph
from shared.domain.dedupe import dedupe_key
from shared.domain.filters import MailboxContext, decide, direction, lookup_participants
from shared.domain.mapping import to_activity, token_values
from shared.domain.matching import ContactRef, ParticipantMatch, resolve_targets
from shared.domain.model import Folder, MailMessage
from shared.domain.options import Options, parse_options

MAILBOX = "membership@association.example"


def seed_contacts() -> dict[str, tuple[ContactRef, ...]]:
    crm = json.loads(SEED.read_text())
    found: dict[str, list[ContactRef]] = {}
    for person in crm["persons"]:
        ref = ContactRef(str(person["id"]), f"{person['first_name']} {person['last_name']}")
        for email in person["emails"]:
            found.setdefault(email["address"].lower(), []).append(ref)
    return {address: tuple(refs) for address, refs in found.items()}


def one_email(msg: MailMessage, options: Options, context: MailboxContext, now: datetime,
              contacts: dict[str, tuple[ContactRef, ...]]) -> int:
    """Filter, dedupe, match and map one message; returns how many records it would write."""
    decision = decide(msg, options, context, now=now, captured_today=0)
    if not decision.capture:
        return 0
    key = dedupe_key(msg)
    matches = [ParticipantMatch(a.email, contacts.get(a.email, ())) for a in lookup_participants(msg, options, context)]
    result = resolve_targets(matches)
    for contact in result.targets:
        values = token_values(msg, mailbox=context.address, direction=direction(msg, context), body=msg.body_text,
                              tz="UTC", contact_id=contact.id)
        to_activity(msg, options, activity_type=options.default_activity_type, contact_id=contact.id,
                    capture_key=key, values=values)
    return len(result.targets)


def _best_ms_per_item(fn: Callable[[], Any], items: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return round(best * 1000 / items, 4)


def run(n: int = 5000, rounds: int = 3) -> dict[str, Any]:
    specs = mix(n, [MAILBOX], seed=11, prefix="CPU")
    folders = {"inbox": Folder.INBOX, "sentitems": Folder.SENT_ITEMS}
    raw = [(s.message | {"id": f"id{i}"}, folders[s.folder]) for i, s in enumerate(specs)]
    options = parse_options(OPTIONS)
    context = MailboxContext(MAILBOX)
    now = datetime.now(UTC)
    contacts = seed_contacts()
    messages = [message_from_graph(data, folder) for data, folder in raw]
    records = sum(one_email(m, options, context, now, contacts) for m in messages)
    pipeline = _best_ms_per_item(lambda: [one_email(m, options, context, now, contacts) for m in messages], n, rounds)
    return {
        "emails": n, "records": records, "rounds": rounds,
        "pipeline_ms_per_email": pipeline,
        "decide_ms_per_email": _best_ms_per_item(
            lambda: [decide(m, options, context, now=now, captured_today=0) for m in messages], n, rounds),
        "graph_json_to_message_ms_per_email": _best_ms_per_item(
            lambda: [message_from_graph(d, f) for d, f in raw], n, rounds),
        "target_ms": 2.0, "meets_target": pipeline <= 2.0,
    }
