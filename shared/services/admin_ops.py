"""Operations for admins: status, decision-log search, replay, poison replay, cache purge, explain."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.model import Folder
from shared.domain.options import parse_options
from shared.domain.reasons import Reason
from shared.domain.work import WorkItem, to_payload
from shared.services.deps import Services
from shared.services.explain import explain_message
from shared.services.subscriptions import folders_for


def status(deps: Services) -> dict[str, Any]:
    now = deps.clock.now()
    subscriptions = deps.subscriptions.all()
    last_notes = deps.counters.scope("last-notification")
    mailboxes = []
    for mailbox in deps.mailboxes.all():
        folders = []
        for folder in folders_for(mailbox, deps):
            sub = next((s for s in subscriptions if s.mailbox == mailbox.address and s.folder == folder.value), None)
            delta = deps.delta_tokens.get_row(mailbox.address, folder.value) or {}
            updated = delta.get("UpdatedAt")
            note = last_notes.get(sub.id) if sub else None
            folders.append({
                "folder": folder.value,
                "subscription_id": sub.id if sub else None,
                "subscription_expires_at": sub.expires_at.isoformat() if sub else None,
                "subscription_expired": bool(sub and sub.expires_at <= now),
                "last_notification_at": note.get("At") if note else None,
                "delta_updated_at": updated.isoformat() if updated else None,
                "delta_lag_seconds": int((now - updated).total_seconds()) if updated else None,
                "delta_note": delta.get("Note", ""),
                "delta_resyncs": deps.counters.get("delta-resync", f"{mailbox.address}|{folder.value}"),
            })
        mailboxes.append({"address": mailbox.address, "enabled": mailbox.enabled, "folders": folders,
                          "import": deps.mailboxes.get_progress(mailbox.address)})
    return {"now": now.isoformat(), "mailboxes": mailboxes, "queue": _queues(deps),
            "last_24h": outcome_counts(deps, now - timedelta(hours=24)),
            "webhook_rejected": deps.counters.get("webhook", "rejected"),
            "crm_preflight": _preflight(deps)}


def _preflight(deps: Services) -> dict[str, Any]:
    """The last CRM preflight: capture waits while it fails, and ``why`` names each failing step and field."""
    from shared.services.crm_check import latest

    report = latest(deps)
    return preflight_json(report) if report else {"ok": None, "at": None, "why": "not run yet", "checks": []}


def preflight_json(report: Any) -> dict[str, Any]:
    return {"ok": report.ok, "at": datetime.fromtimestamp(report.at, UTC).isoformat(), "why": report.why(),
            "checks": [{"step": c.step, "field": c.field, "ok": c.ok, "detail": c.detail} for c in report.checks]}


def _queues(deps: Services) -> dict[str, Any]:
    failures = deps.decisions.search(reason=Reason.RETRIES_EXHAUSTED.value, limit=5)
    return {"depth": deps.queue.depth(), "poison_depth": deps.poison_queue.depth(),
            "last_poison_reasons": [{"at": f["at"], "mailbox": f["mailbox"], "message_id": f["message_id"],
                                     "detail": f["detail"]} for f in failures]}


def outcome_counts(deps: Services, since: datetime) -> dict[str, Any]:
    """One count per email and mailbox: an email seen twice (webhook and delta, a replay) counts once, as
    captured if any pass captured it, else as its latest decision."""
    final: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sorted(deps.decisions.search(since=since, contact_id="", limit=100_000), key=lambda e: e["at"]):
        key = (entry["mailbox"], entry["message_id"])
        if final.get(key, {}).get("outcome") != "captured":
            final[key] = entry
    return {"messages": len(final),
            "by_outcome": dict(Counter(e["outcome"] for e in final.values())),
            "by_reason": dict(Counter(e["reason"] for e in final.values() if e.get("reason")))}


def search_decisions(deps: Services, **filters: Any) -> list[dict[str, Any]]:
    return deps.decisions.search(**filters)


def replay(items: list[dict[str, Any]], deps: Services) -> int:
    """Queue emails again after options or CRM data changed; the ledger keeps captured ones single."""
    work = []
    for item in items:
        folder = str(item.get("folder") or Folder.INBOX.value)
        work.append(to_payload(WorkItem(str(item["mailbox"]).lower(), str(item["message_id"]), folder, "replay")))
    deps.queue.send(work)
    return len(work)


def replay_poison(deps: Services, limit: int = 32) -> dict[str, int]:
    moved = deps.poison_queue.drain(limit)
    good = [m for m in moved if "raw" not in m]
    deps.queue.send(good)
    if len(good) != len(moved):  # keep what cannot be re-queued where an admin can see it
        deps.poison_queue.send([m for m in moved if "raw" in m])
    return {"requeued": len(good), "kept": len(moved) - len(good)}


def purge_contact_cache(deps: Services) -> dict[str, int]:
    from shared.services.contacts import forget_local_contacts

    forget_local_contacts(deps)  # this worker at once; the others within contacts.LOCAL_TTL_S
    return {"generation": deps.contact_cache.purge()}


def explain(raw: bytes, deps: Services, *, mailbox: str | None, folder: str | None,
            options_doc: Any = None) -> dict[str, Any]:
    options = parse_options(options_doc) if options_doc is not None else deps.options.get().options
    where = Folder.parse(folder)
    address = (mailbox or "mailbox@organisation.invalid").lower()
    return explain_message(raw, options, address, where, "message.eml", deps.parse_mime)


def require_write(caller: Any, deps: Services) -> None:
    from shared.services.access import Access, authorise

    authorise(caller, Access.WRITE, deps.current_options().options,
              deps.settings.admin_require_principal.lower() == "true")
