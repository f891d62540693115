"""Full preview: the worker's whole decision for one logged email under some options, without writing.

The same code path as the worker (shared.services.capture): its fetch, filters, daily cap, de-duplication key,
contact matching (the CRM's read API; a contact that would be created is shown as such) and build_records for
the record fields. Nothing is written: no CRM call but reads, no ledger claim, no cache, no counter, no log.
"""

from __future__ import annotations

from typing import Any

from shared.domain.dedupe import dedupe_key
from shared.domain.filters import MailboxContext, decide
from shared.domain.mailbox import Mailbox
from shared.domain.model import FetchedMessage
from shared.domain.options import Options
from shared.ports import FetchSpec
from shared.services.capture import fetch_spec, thread_keys
from shared.services.contacts import NEW_CONTACT, match_contacts
from shared.services.deps import Services
from shared.services.files import attachment_files
from shared.services.folders import placed
from shared.services.outcome_stats import captured_on
from shared.services.records import build_records

Fetches = dict[FetchSpec, FetchedMessage]


def full_decision(entry: dict[str, Any], options: Options, deps: Services, fetched: Fetches) -> dict[str, Any]:
    """What the worker would do with the logged email ``entry`` under ``options`` now (``fetched`` caches the
    Graph reads of this email by FetchSpec: raises MessageNotFound/TransientError like the worker's fetch)."""
    address = entry["mailbox"]
    mailbox = deps.mailboxes.get(address) or Mailbox(address=address)
    spec = fetch_spec(options, mailbox, entry.get("folder") or "inbox")
    if spec not in fetched:
        fetched[spec] = deps.graph.get_message(address, entry["message_id"], spec)
    msg = placed(fetched[spec].message, mailbox, deps, options)  # where it is now, as the worker sees it
    context = MailboxContext.of(address, mailbox)
    now = deps.clock.now()
    decision = decide(msg, options, context, now=now,
                      captured_today=captured_on(deps, address, now))
    if not decision.capture:
        return _skip(decision.reason.value if decision.reason else None, decision.detail)
    key = dedupe_key(msg, mailbox=address if options.allow_duplicate_emails else None)
    match = match_contacts(msg, options, context, mailbox, deps, thread_keys(msg), owner="preview", preview=True)
    if not match.targets:
        first = match.unmatched[0] if match.unmatched else None
        return _skip(first.reason.value if first else "no_contact",
                     first.detail if first else "No participant matched a CRM contact.")
    files = [f.name for f in attachment_files(fetched[spec].files, options)] + (
        ["(the .eml copy)"] if options.save_as_eml else [])
    records = []
    for contact in match.targets:
        for record in build_records(msg, options, context, mailbox, contact, key, deps.settings.imis_timezone):
            written = deps.ledger.records_for(f"{key}-{record.kind[0]}").get(contact.id, "")
            records.append({"kind": record.kind, "contact_id": contact.id, "contact_name": contact.name,
                            "new_contact": contact.id.startswith(NEW_CONTACT), "already_written": written,
                            "activity_type": record.activity_type, "fields": dict(record.fields),
                            "truncated": list(record.truncated), "files": files})
    return {"decision": "capture", "reason": decision.reason.value if decision.reason else None,
            "detail": f"{len(records)} record(s)", "records": records}


def _skip(reason: str | None, detail: str) -> dict[str, Any]:
    return {"decision": "skip", "reason": reason, "detail": detail, "records": []}


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per record (kind, contact), each field whose value the proposed options change; records added or gone."""
    old = {(r["kind"], r["contact_id"]): r for r in before["records"]}
    new = {(r["kind"], r["contact_id"]): r for r in after["records"]}
    out: list[dict[str, Any]] = []
    for kind, contact in sorted(old.keys() | new.keys()):
        was, now = old.get((kind, contact)), new.get((kind, contact))
        if was is None or now is None:
            out.append({"kind": kind, "contact_id": contact, "record": "added" if was is None else "gone"})
            continue
        for name in sorted(was["fields"].keys() | now["fields"].keys()):
            if was["fields"].get(name) != now["fields"].get(name):
                out.append({"kind": kind, "contact_id": contact, "field": name,
                            "from": was["fields"].get(name), "to": now["fields"].get(name)})
    return out
