"""Housekeeping: decision-log retention (Table storage has no TTL of its own)."""

from __future__ import annotations

from shared.services.deps import Services


def purge_expired(deps: Services) -> dict[str, int]:
    now = deps.clock.now()
    return {"decisions_deleted": deps.decisions.purge_expired(now), "counters_deleted": deps.stats.purge_expired(now)}
