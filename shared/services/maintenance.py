"""Housekeeping: decision-log retention (Table storage has no TTL of its own), the daily capture folder check,
thread-index rows of the former layout moved into the current one (a bounded number a day: each is ~1 request)."""

from __future__ import annotations

from shared.services.deps import Services
from shared.services.mailboxes import queue_capture_folder_checks

FORMER_THREAD_ROWS_PER_RUN = 2_000  # ~2,000 deletes, one partition each: well inside a timer run's 5 minutes


def purge_expired(deps: Services) -> dict[str, int]:
    now = deps.clock.now()
    return {"decisions_deleted": deps.decisions.purge_expired(now), "counters_deleted": deps.stats.purge_expired(now)}


def daily(deps: Services) -> dict[str, int]:
    return purge_expired(deps) | {"capture_folder_checks": queue_capture_folder_checks(deps),
                                  "thread_rows_moved": deps.threads.move_former_rows(FORMER_THREAD_ROWS_PER_RUN)}
