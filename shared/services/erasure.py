"""Erasure: list, and with explicit confirmation delete, every CRM record this service wrote for an address or
a domain (a data-protection request, or mail captured before the address was blocked).

The capture ledger is the authority on what this service wrote: the contacts the CRM holds for the address
(or domain) are looked up through its read API, and only records the ledger holds for those contacts are
listed. Deletion needs the listing's confirmation token (the list must not have changed since the admin read
it) and IMIS_ALLOW_DELETE (iMIS DELETE is UNCONFIRMED). A record's attached files are separate CRM records (no
cascade is documented): the ledger keeps their ids and they are deleted first, then the record. Each record is
deleted once: a refusal is reported and its ledger row kept; an outage stops the run (nothing is retried in a
loop). Every deletion is logged. The .eml copies of the erased emails in Blob storage (``<mailbox>/<capture
key>.eml``) are deleted too: the decision log names the mailbox that wrote each record (a copy older than the
log's retention is not found this way). The thread index's rows naming the listed contacts (their id and name
against conversation ids and Message-IDs) are deleted too: they are personal data and links of the contact.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta
from typing import Any

from shared.domain.errors import BadRequest, CrmRejected, Refused, TransientError
from shared.domain.matching import ContactRef
from shared.services.deps import Services

logger = logging.getLogger(__name__)
_DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
LOG_PARTITION = "erasure"  # decision-log partition of the deletion log


def erasure_target(address: str | None, domain: str | None) -> tuple[str, str]:
    """("address", a@b.c) or ("domain", b.c): exactly one, well formed."""
    if bool(address) == bool(domain):
        raise BadRequest("give exactly one of address or domain")
    value = (address or domain or "").strip().lower()
    host = value.rpartition("@")[2] if address else value
    if (address and (value.count("@") != 1 or len(value) > 254 or not value.split("@")[0])) \
            or not _DOMAIN.fullmatch(host):
        raise BadRequest(f"{'address' if address else 'domain'} is not a valid e-mail "
                         f"{'address' if address else 'domain'}")
    return ("address" if address else "domain"), value


def _contacts(kind: str, value: str, deps: Services) -> tuple[ContactRef, ...]:
    found = deps.crm.find_contacts(value) if kind == "address" else deps.crm.find_parties_by_domain(value)
    return tuple({c.id: c for c in found if c.id}.values())


def erasure_list(kind: str, value: str, deps: Services) -> dict[str, Any]:
    contacts = _contacts(kind, value, deps)
    records = [{"record_id": e.record_id, "kind": e.kind, "contact_id": c.id, "contact_name": c.name,
                "ledger_key": e.key, "status": e.status, "attachments": list(e.files)}
               for c in contacts for e in deps.ledger.written_for(c.id)]
    live = [r for r in records if r["status"] != "erased"]
    return {kind: value, "contacts": [{"id": c.id, "name": c.name} for c in contacts],
            "records": live, "count": len(live), "already_erased": len(records) - len(live),
            "confirm": _token(kind, value, live),
            "delete_enabled": deps.settings.imis_allow_delete.lower() == "true"}


def _token(kind: str, value: str, records: list[dict[str, Any]]) -> str:
    ids = sorted(f"{r['kind']}:{r['record_id']}:{r['contact_id']}:{','.join(r['attachments'])}" for r in records)
    return hashlib.sha256("|".join([kind, value, *ids]).encode()).hexdigest()[:24]


def erase(kind: str, value: str, confirm: str, who: str, deps: Services) -> dict[str, Any]:
    listing = erasure_list(kind, value, deps)
    if not listing["delete_enabled"]:
        raise Refused("deletion is off (IMIS_ALLOW_DELETE=false): the CRM's DELETE is unconfirmed; try it "
                             "on a test site, then switch it on. Nothing was deleted.")
    if confirm != listing["confirm"]:
        raise Refused("the confirmation does not match the current list (it changed, or none was given): "
                             "list again and confirm what it shows. Nothing was deleted.")
    report: dict[str, list[dict[str, Any]]] = {"deleted": [], "already_gone": [], "refused": [],
                                               "not_attempted": []}
    for i, record in enumerate(listing["records"]):
        try:
            files_gone = [deps.crm.delete_record("attachment", a) for a in record["attachments"]]
            gone = deps.crm.delete_record(record["kind"], record["record_id"])
        except CrmRejected as exc:  # kept in the ledger: listed again next time
            report["refused"].append(record | {"reason": str(exc)})
            continue
        except TransientError as exc:  # stop here; the admin lists and confirms again later
            report["not_attempted"] = [r | {"reason": str(exc)} for r in listing["records"][i:]]
            break
        report["deleted" if gone else "already_gone"].append(record | {"attachments_deleted": sum(files_gone)})
        deps.ledger.mark_erased(record["ledger_key"], record["contact_id"], who, deps.clock.now())
        _log_deletion(record, gone, who, deps)
    files = sum(r["attachments_deleted"] for r in report["deleted"] + report["already_gone"])
    copies = _delete_eml_copies(report["deleted"] + report["already_gone"], deps)
    links = _forget_thread_links(listing["contacts"], who, deps)
    return {kind: value, "by": who, "at": deps.clock.now().isoformat(),
            **{name: len(rows) for name, rows in report.items()}, "attachments_deleted": files,
            "eml_copies_deleted": copies, "thread_links_deleted": links, "records": report}


def _forget_thread_links(contacts: list[dict[str, str]], who: str, deps: Services) -> int:
    """Every listed contact's thread-index rows, whatever became of its records (a refused record does not keep
    the contact's links: the erasure was confirmed for the contact)."""
    total = 0
    for contact in contacts:
        gone = deps.threads.forget_contact(contact["id"])
        if gone:
            logger.warning("erasure: %d thread link(s) of contact %s deleted; erased by %s", gone, contact["id"], who)
        total += gone
    return total


def _delete_eml_copies(erased: list[dict[str, Any]], deps: Services) -> int:
    """The Blob storage copies of the erased records' emails: each record's capturing mailbox from the decision
    log's entry naming its id, the capture key from its ledger key ("<capture key>-a")."""
    if deps.blobs is None or not erased:
        return 0
    names = set()
    for contact_id in {r["contact_id"] for r in erased}:
        keys = {r["record_id"]: r["ledger_key"].rpartition("-")[0] for r in erased if r["contact_id"] == contact_id}
        for entry in deps.decisions.search(contact_id=contact_id, limit=100_000):
            if entry["mailbox"] == LOG_PARTITION:  # the deletion log itself
                continue
            names |= {f"{entry['mailbox']}/{keys[i]}.eml" for i in entry.get("record_ids") or [] if i in keys}
    return sum(deps.blobs.delete_eml(name) for name in sorted(names))


def _log_deletion(record: dict[str, Any], gone: bool, who: str, deps: Services) -> None:
    now = deps.clock.now()
    files = f" with {len(record['attachments'])} attached file(s)" if record["attachments"] else ""
    done = "deleted" if gone else "was already gone"
    detail = f"{record['kind']} {record['record_id']}{files} {done}; erased by {who}"
    logger.warning("erasure: %s (contact %s)", detail, record["contact_id"])
    deps.decisions.write([{
        "at": now, "expires_at": now + timedelta(days=deps.current_options().options.retention_days),
        "mailbox": LOG_PARTITION, "key": record["ledger_key"], "message_id": "", "outcome": "erased",
        "reason": "erasure", "detail": detail, "contact_id": record["contact_id"], "record_kind": record["kind"],
        "record_ids": [record["record_id"], *record["attachments"]], "erased_by": who}])


def erasure_hint(before: Any, after: Any) -> list[dict[str, str]]:
    """Addresses and domains newly blocked: the erasure listing that finds what was already captured for each
    (offered, never run automatically)."""
    out = []
    for field, kind in (("blocked_addresses", "address"), ("blocked_domains", "domain")):
        for value in sorted(set(getattr(after, field)) - set(getattr(before, field))):
            out.append({kind: value, "list": f"manage/erasure?{kind}={value}",
                        "note": f"Blocking stops future capture only; list what was captured for {value} here."})
    return out
