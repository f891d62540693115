"""The status document: subscriptions, delta lag, imports, queues and the last 24 hours.

Its cost does not grow with the volume of mail: counts come from the write-time counters, poison reasons from
their own rows, progress, counters and delta rows one query per kind (not one read per mailbox or folder), and
the reads, all independent, run side by side: a fixed number of store calls for any number of mailboxes.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from shared.domain.mailbox import Mailbox
from shared.domain.model import EXCLUDED_FOLDERS, Folder
from shared.services import outcome_stats
from shared.services.deps import Services
from shared.services.history import progress_with_counts
from shared.services.subscriptions import folders_for, resource_for

_POOL = ThreadPoolExecutor(8, thread_name_prefix="status")


def status(deps: Services) -> dict[str, Any]:
    now = deps.clock.now()
    watched = deps.mailboxes.all()
    addresses = [m.address for m in watched]
    by_address = {m.address: m for m in watched}
    wanted = [(m.address, f.value) for m in watched for f in folders_for(m, deps)]
    reads: dict[str, Callable[[], Any]] = {
        "subscriptions": deps.subscriptions.all, "notes": lambda: deps.counters.scope("last-notification"),
        "resyncs": lambda: deps.counters.counts("delta-resync", [f"{a}|{f}" for a, f in wanted]),
        "processed": lambda: deps.counters.counts("import-processed", addresses),
        "progress": lambda: deps.mailboxes.progress_of(addresses),
        "depth": deps.queue.depth, "poison_depth": deps.poison_queue.depth,
        "bulk_depth": deps.bulk_queue.depth, "bulk_poison_depth": deps.bulk_poison_queue.depth,
        "poison": lambda: deps.stats.recent_poison(5), "last_24h": lambda: outcome_stats.last_24h(deps, now),
        "rejected": lambda: deps.counters.get("webhook", "rejected"), "preflight": lambda: _preflight(deps),
        "deltas": lambda: deps.delta_tokens.rows_of([(a, _row_key(by_address[a], f)) for a, f in wanted]),
    }
    pending = {name: _POOL.submit(read) for name, read in reads.items()}
    got: dict[str, Any] = {name: future.result() for name, future in pending.items()}
    deltas = {(a, f): got["deltas"].get((a, _row_key(by_address[a], f)), {}) for a, f in wanted}
    subs: dict[tuple[str, str], Any] = {}
    for sub in got["subscriptions"]:
        subs.setdefault((sub.mailbox, sub.folder), sub)  # the first listed, as before
    got["subscriptions"] = subs
    never = deps.current_options().options.never_capture_folders
    mailboxes = [{"address": m.address, "enabled": m.enabled, "folder_problem": m.folder_problem,
                  "folders": [_folder(m, f, got, deltas, now) | _watches(m, f, got, never)
                              for f in folders_for(m, deps)],
                  "import": progress_with_counts(got["progress"][m.address], got["processed"][m.address], now)}
                 for m in watched]
    return {"now": now.isoformat(), "mailboxes": mailboxes, "queue": _queues(deps, got),
            "last_24h": got["last_24h"], "webhook_rejected": got["rejected"], "crm_preflight": got["preflight"]}


def _queues(deps: Services, got: dict[str, Any]) -> dict[str, Any]:
    """Both lanes (shared/domain/lanes.py) added up, as one queue was before, and each lane on its own."""
    names = deps.settings
    lanes = {"live": {"queue": names.queue_name, "depth": got["depth"], "poison_queue": names.poison_queue_name,
                      "poison_depth": got["poison_depth"]},
             "bulk": {"queue": names.bulk_queue_name, "depth": got["bulk_depth"],
                      "poison_queue": names.bulk_poison_queue_name, "poison_depth": got["bulk_poison_depth"]}}
    return {"depth": got["depth"] + got["bulk_depth"], "poison_depth": got["poison_depth"] + got["bulk_poison_depth"],
            "last_poison_reasons": got["poison"], "lanes": lanes}


def _row_key(mailbox: Mailbox, folder: str) -> str:
    """The capture folder's delta row is keyed by its id (shared/services/delta.py row_key)."""
    return mailbox.capture_folder_id if folder == Folder.CAPTURE else folder


def _preflight(deps: Services) -> dict[str, Any]:
    """The last CRM preflight: capture waits while it fails, and ``why`` names each failing step and field."""
    from shared.services.crm_check import latest, preflight_json

    report = latest(deps)
    return preflight_json(report) if report else {"ok": None, "at": None, "why": "not run yet", "checks": []}


def _watches(mailbox: Mailbox, folder: Folder, got: dict[str, Any], never: tuple[str, ...]) -> dict[str, Any]:
    """What the row watches: one folder, the capture folder, or the whole mailbox (one subscription on
    users/{id}/messages; mail in the excluded folders, told by its parentFolderId, is never captured). The
    resource is the subscription's own, or the one it would have when there is none."""
    sub = got["subscriptions"].get((mailbox.address, folder.value))
    resource = sub.resource if sub else resource_for(mailbox.address, folder, _row_key(mailbox, folder))
    if folder == Folder.MAILBOX:
        excluded = sorted(f.value for f in EXCLUDED_FOLDERS if f != Folder.NEVER_CAPTURE)
        return {"watches": "whole_mailbox", "resource": resource, "excluded_folders": [*excluded, *never]}
    return {"watches": "capture_folder" if folder == Folder.CAPTURE else "folder", "resource": resource}


def _folder(mailbox: Mailbox, folder: Folder, got: dict[str, Any], deltas: dict[tuple[str, str], Any],
            now: datetime) -> dict[str, Any]:
    address = mailbox.address
    sub = got["subscriptions"].get((address, folder.value))
    delta = deltas[(address, folder.value)]
    updated = delta.get("UpdatedAt")
    note = got["notes"].get(sub.id) if sub else None
    return {
        "folder": folder.value,
        "subscription_id": sub.id if sub else None,
        "subscription_expires_at": sub.expires_at.isoformat() if sub else None,
        "subscription_expired": bool(sub and sub.expires_at <= now),
        "last_notification_at": note.get("At") if note else None,
        "delta_updated_at": updated.isoformat() if updated else None,
        "delta_lag_seconds": int((now - updated).total_seconds()) if updated else None,
        "delta_note": delta.get("Note", ""),
        "delta_resyncs": got["resyncs"][f"{address}|{folder.value}"],
    }
