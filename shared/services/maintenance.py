"""Housekeeping: decision-log retention (Table storage has no TTL of its own)."""

from __future__ import annotations

from shared.services.deps import Services


def purge_expired(deps: Services) -> dict[str, int]:
    return {"decisions_deleted": deps.decisions.purge_expired(deps.clock.now())}
