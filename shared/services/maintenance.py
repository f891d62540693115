"""Housekeeping: decision-log retention (Table storage has no TTL of its own), the daily capture folder check."""

from __future__ import annotations

from shared.services.deps import Services
from shared.services.mailboxes import queue_capture_folder_checks


def purge_expired(deps: Services) -> dict[str, int]:
    now = deps.clock.now()
    return {"decisions_deleted": deps.decisions.purge_expired(now), "counters_deleted": deps.stats.purge_expired(now)}


def daily(deps: Services) -> dict[str, int]:
    return purge_expired(deps) | {"capture_folder_checks": queue_capture_folder_checks(deps)}
