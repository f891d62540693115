"""In-memory outcome counters behind the OutcomeStats port: the same rows as shared.adapters.stats_store,
kept in a dict (single process, so no ETag races to lose)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from shared.domain.outcome_counts import Counted, Tally, email_key, moves


def _day(at: datetime) -> str:
    return f"stats-{at.astimezone(UTC):%Y%m%d}"


class InMemoryOutcomeStats:
    def __init__(self) -> None:
        self.tallies: dict[tuple[str, str], dict[str, Any]] = {}
        self.counts: dict[tuple[str, str], dict[str, Any]] = {}
        self.poison: list[dict[str, Any]] = []

    def tally(self, mailbox: str, message_id: str, new: Counted, import_run: str = "") -> Tally:
        key = (mailbox, email_key(mailbox, message_id))
        old = self.tallies.get(key)
        if old is None:
            self.tallies[key] = {"counted": new, "run": import_run}
            return Tally(None, new, bool(import_run))
        before: Counted = old["counted"]
        moved, first_import = moves(before, new), bool(import_run) and old["run"] != import_run
        self.tallies[key] = {"counted": new if moved else before, "run": import_run or old["run"]}
        return Tally(before, new if moved else None, first_import)

    def tally_many(self, emails: list[tuple[str, str, Counted, str]]) -> list[Tally]:
        return [self.tally(mailbox, message_id, new, run) for mailbox, message_id, new, run in emails]

    def add_many(self, changes: list[tuple[Counted, str, int, str]]) -> None:
        for counted, mailbox, by, shard_of in changes:
            self.add(counted, mailbox, by, shard_of)

    def add(self, counted: Counted, mailbox: str, by: int, shard_of: str) -> None:
        hour = f"h{counted.at.astimezone(UTC):%H}"
        for scope, grain, reason in (("*", hour, counted.reason), ("*", "d", counted.reason),
                                     (f"m:{mailbox}", "d", "")):
            row = self.counts.setdefault((_day(counted.at), f"{scope}|{grain}|{counted.outcome}|{reason}|0"), {
                "PartitionKey": _day(counted.at), "Scope": scope, "Grain": grain, "Outcome": counted.outcome,
                "Reason": reason, "Count": 0})
            row["Count"] += by

    def load(self, emails: list[tuple[str, str, Counted]]) -> None:
        for mailbox, message_id, counted in emails:
            self.tally(mailbox, message_id, counted)
            self.add(counted, mailbox, 1, "")

    def hour_rows(self, first: datetime, last: datetime) -> Iterable[dict[str, Any]]:
        return [r for (pk, rk), r in self.counts.items() if _day(first) <= pk <= _day(last) and rk.startswith("*|h")]

    def rows(self, first_day: datetime, last_day: datetime, scope_prefix: str) -> Iterable[dict[str, Any]]:
        return [r for (pk, rk), r in self.counts.items()
                if _day(first_day) <= pk <= _day(last_day) and rk.startswith(scope_prefix)]

    def note_poison(self, entry: dict[str, Any]) -> None:
        self.poison.insert(0, {"at": entry["at"].isoformat(), "mailbox": entry["mailbox"],
                               "message_id": entry["message_id"], "detail": str(entry.get("detail", ""))})

    def recent_poison(self, limit: int) -> list[dict[str, Any]]:
        return self.poison[:limit]

    def purge_expired(self, now: datetime) -> int:
        return 0
