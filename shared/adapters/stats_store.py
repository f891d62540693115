"""Outcome counters kept at write time, so status and charts read a bounded number of rows at any volume.

Tallies live in a table of their own (Tallies), as they grow with the volume of mail and the Counters table's
status reads must not (Azurite answers every query by testing each row of the table):
- ``tally-<mailbox>`` / ``<email key>``: what one email is counted as (outcome, reason, hour), so a second pass
  over the same email (webhook then delta, a replay) moves its count instead of adding one.
The other rows live in the Counters table:
- ``stats-<YYYYMMDD>`` / ``<scope>|<grain>|<outcome>|<reason>|<shard>``: counts for one day. Scope ``*`` is the
  organisation (per hour ``hHH`` and per day ``d``, with the reason); ``m:<mailbox>`` is one mailbox per day
  (outcome only). The shard spreads concurrent writers over a few rows; readers add the shards up.
- ``poison-recent`` / inverted time: the latest poison decisions, newest first, read without a log search.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import (
    ResourceExistsError,
    ResourceModifiedError,
    ResourceNotFoundError,
    ServiceResponseError,
)
from azure.data.tables import TableTransactionError, UpdateMode

from shared.adapters.group_commit import GroupCommit
from shared.adapters.tables import Table, safe_key
from shared.domain.outcome_counts import Counted, Tally, email_key, moves

SHARDS = 4
ATTEMPTS = 30
KEEP = timedelta(days=400)  # tallies and day rows: the charts show 30 days, replays come within weeks


def day_partition(at: datetime) -> str:
    return f"stats-{at.astimezone(UTC):%Y%m%d}"


class TableOutcomeStats:
    def __init__(self, table: Table, tallies: Table | None = None) -> None:
        self._table = table
        self._tallies = tallies or table
        self._legacy_checked = (0.0, False)  # when this process last looked for tallies left in Counters, and if any
        self._seen: dict[tuple[str, str], tuple[int, str]] = {}  # count and ETag this worker last wrote
        self._commits: GroupCommit[list[tuple[tuple[str, str, str, str, int], int]], None] = GroupCommit(limit=30)

    def tally_many(self, emails: list[tuple[str, str, Counted, str]]) -> list[Tally]:
        """A batch's emails (one mailbox: one partition) seen for the first time: their tallies in one transaction;
        when any is counted already (the transaction then writes none), each is counted on its own."""
        rows = [_tally_row(mailbox, message_id, new, run) for mailbox, message_id, new, run in emails]
        if (not 1 < len(rows) <= 100 or len({r["PartitionKey"] for r in rows}) > 1
                or len({r["RowKey"] for r in rows}) < len(rows) or self._legacy_left()
                or not self._tallies.create_all(rows)):
            return [self.tally(mailbox, message_id, new, run) for mailbox, message_id, new, run in emails]
        return [Tally(None, new, bool(run)) for _, _, new, run in emails]

    def tally(self, mailbox: str, message_id: str, new: Counted, import_run: str = "") -> Tally:
        """Count an email once: captured beats anything later; otherwise its latest decision counts."""
        row = _tally_row(mailbox, message_id, new, import_run)
        pk, rk = row["PartitionKey"], row["RowKey"]
        if self._legacy_left():
            self._adopt(pk, rk)
        for _ in range(ATTEMPTS):
            if self._tallies.create(row) is not None:
                return Tally(None, new, bool(import_run))
            old = self._tallies.get(pk, rk)
            if old is None:
                continue
            before = Counted(_utc(old["At"]), old["Outcome"], old.get("Reason", ""))
            moved = moves(before, new)
            first_import = bool(import_run) and old.get("ImportRun", "") != import_run
            if not moved and not first_import:
                return Tally(before, None, False)
            kept = {**row, "ImportRun": import_run or old.get("ImportRun", "")}
            if not moved:
                kept |= {"At": before.at, "Outcome": before.outcome, "Reason": before.reason}
            if self._tallies.replace_if(kept, old["etag"]) is not None:
                return Tally(before, new if moved else None, first_import)
        raise RuntimeError(f"tally for {mailbox} too contended")

    def _legacy_left(self, max_age_s: float = 3600.0) -> bool:
        """Tallies written before they had their own table sit in Counters until purged; while any is left,
        each email's is looked up there too (one read), so an email counted before an upgrade counts once."""
        if self._tallies is self._table:
            return False
        at, left = self._legacy_checked
        if time.monotonic() - at > max_age_s:
            pages = self._table.client.query_entities("PartitionKey ge 'tally-' and PartitionKey lt 'tally.'",
                                                      results_per_page=1, select=["PartitionKey"])
            left = next(iter(pages), None) is not None  # the first page only
            self._legacy_checked = (time.monotonic(), left)
        return left

    def _adopt(self, pk: str, rk: str) -> None:
        old = self._table.get(pk, rk)
        if old is not None:
            self._tallies.create(old)  # already adopted (or counted since): the row there wins
            self._table.delete(pk, rk)

    def add(self, counted: Counted, mailbox: str, by: int, shard_of: str) -> None:
        self.add_many([(counted, mailbox, by, shard_of)])

    def add_many(self, changes: list[tuple[Counted, str, int, str]]) -> None:
        """Add each ``by`` to the organisation's hour and day rows and the mailbox's day row: one transaction per
        day (with what this process's other invocations add to the same day meanwhile: one transaction for all)."""
        by_day: dict[str, list[tuple[tuple[str, str, str, str, int], int]]] = {}
        for counted, mailbox, by, shard_of in changes:
            shard = int(shard_of[:4], 16) % SHARDS if shard_of else 0
            hour = f"h{counted.at.astimezone(UTC):%H}"
            by_day.setdefault(day_partition(counted.at), []).extend(
                ((scope, grain, counted.outcome, reason, shard), by)
                for scope, grain, reason in (("*", hour, counted.reason), ("*", "d", counted.reason),
                                             (f"m:{mailbox}", "d", "")))
        for pk, rows in by_day.items():
            self._commits.submit(pk, rows, partial(self._add, pk))

    def _add(self, pk: str, batch: list[list[tuple[tuple[str, str, str, str, int], int]]]) -> None:
        merged: dict[tuple[str, str, str, str, int], int] = {}
        for row, by in (row for rows in batch for row in rows):
            merged[row] = merged.get(row, 0) + by
        items = [(row, by) for row, by in merged.items() if by]
        for start in range(0, len(items), 100):  # a transaction holds 100 operations; each part retries alone
            self._add_part(pk, dict(items[start:start + 100]))

    def _add_part(self, pk: str, merged: dict[tuple[str, str, str, str, int], int]) -> None:
        for _ in range(ATTEMPTS if merged else 0):
            operations = [self._operation(pk, *row, by) for row, by in merged.items()]
            try:
                written = self._table.client.submit_transaction(operations)
            except (TableTransactionError, ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
                for _, entity, _ in operations:  # another writer moved one of the rows: read them again
                    self._seen.pop((pk, entity["RowKey"]), None)
                continue
            if len(self._seen) > 10_000:  # yesterday's rows are never written again
                self._seen.clear()
            for (_, entity, _), meta in zip(operations, written, strict=False):
                if meta.get("etag"):
                    self._seen[(pk, entity["RowKey"])] = (int(entity["Count"]), str(meta["etag"]))
            return
        if merged:
            raise RuntimeError(f"counters {pk} too contended")

    def load(self, emails: list[tuple[str, str, Counted]]) -> None:
        """Count many emails not counted before at once, leaving the rows count_decision would leave.
        For back-fills and benchmarks while no worker writes: read-modify-write without ETags."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        tallies = []
        for mailbox, message_id, counted in emails:
            key = email_key(mailbox, message_id)
            shard, hour = int(key[:4], 16) % SHARDS, f"h{counted.at.astimezone(UTC):%H}"
            for scope, grain, reason in (("*", hour, counted.reason), ("*", "d", counted.reason),
                                         (f"m:{mailbox}", "d", "")):
                pk = day_partition(counted.at)
                rk = f"{safe_key(scope)}|{grain}|{counted.outcome}|{reason}|{shard}"
                row = rows.setdefault((pk, rk), {"PartitionKey": pk, "RowKey": rk, "Scope": scope, "Grain": grain,
                                                 "Outcome": counted.outcome, "Reason": reason, "Count": 0})
                row["Count"] += 1
            tallies.append({"PartitionKey": f"tally-{safe_key(mailbox)}", "RowKey": key, "At": counted.at,
                            "Outcome": counted.outcome, "Reason": counted.reason, "ImportRun": "",
                            "ExpiresAt": counted.at + KEEP})
        for pk in {pk for pk, _ in rows}:
            for old in self._table.partition(pk):
                if (pk, old["RowKey"]) in rows:
                    rows[(pk, old["RowKey"])]["Count"] += int(old["Count"])
        for attempt in range(6):  # the counts are absolute: writing them again is harmless
            try:
                self._table.upsert_many(list(rows.values()))
                self._tallies.upsert_many(tallies)
                return
            except ServiceResponseError:
                if attempt == 5:
                    raise
                time.sleep(5)

    def _operation(self, pk: str, scope: str, grain: str, outcome: str, reason: str, shard: int,
                   by: int) -> tuple[str, dict[str, Any], dict[str, Any]]:
        rk = f"{safe_key(scope)}|{grain}|{outcome}|{reason}|{shard}"
        entity = {"PartitionKey": pk, "RowKey": rk, "Scope": scope, "Grain": grain, "Outcome": outcome,
                  "Reason": reason}
        known = self._seen.pop((pk, rk), None)  # ETag-guarded: a stale one only costs a retry
        if known is None:
            row = self._table.get(pk, rk)
            if row is None:
                return ("create", entity | {"Count": by}, {})
            known = (int(row["Count"]), row["etag"])
        return ("update", entity | {"Count": known[0] + by},
                {"mode": UpdateMode.REPLACE, "etag": known[1], "match_condition": MatchConditions.IfNotModified})

    def rows(self, first_day: datetime, last_day: datetime, scope_prefix: str) -> Iterable[dict[str, Any]]:
        """Counter rows of the days from ``first_day`` to ``last_day`` whose scope starts with the prefix."""
        low, high = safe_key(scope_prefix), safe_key(scope_prefix) + "\uffff"
        return self._table.query("PartitionKey ge @p0 and PartitionKey le @p1 and RowKey ge @r0 and RowKey lt @r1",
                                 p0=day_partition(first_day), p1=day_partition(last_day), r0=low, r1=high)

    def hour_rows(self, first: datetime, last: datetime) -> Iterable[dict[str, Any]]:
        """The organisation's hour rows from the hour of ``first`` to ``last`` (at most two days apart): the
        hours before ``first`` are left out by the query, so the answer never holds more than 24 hours."""
        if day_partition(first) == day_partition(last):
            return self._range(first, f"*|h{first.astimezone(UTC):%H}")
        return [*self._range(first, f"*|h{first.astimezone(UTC):%H}"), *self._range(last, "*|h")]

    def _range(self, day: datetime, low: str) -> list[dict[str, Any]]:
        return list(self._table.query("PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                                      pk=day_partition(day), low=low, high="*|i"))

    def note_poison(self, entry: dict[str, Any]) -> None:
        at: datetime = entry["at"]
        inverted = 10**13 - int(at.timestamp() * 1000)
        self._table.upsert({"PartitionKey": "poison-recent", "RowKey": f"{inverted:013d}-{entry['key'][:12]}",
                            "At": at, "Mailbox": entry["mailbox"], "MessageId": entry["message_id"],
                            "Detail": str(entry.get("detail", ""))[:2000],
                            "ExpiresAt": at + timedelta(days=30)})

    def recent_poison(self, limit: int) -> list[dict[str, Any]]:
        pages = self._table.client.query_entities("PartitionKey eq 'poison-recent'", results_per_page=limit)
        out: list[dict[str, Any]] = []
        for row in pages:  # newest first (inverted time); only the first page is fetched
            out.append({"at": _utc(row["At"]).isoformat(), "mailbox": row["Mailbox"], "message_id": row["MessageId"],
                        "detail": row["Detail"]})
            if len(out) >= limit:
                break
        return out


    def purge_expired(self, now: datetime) -> int:
        """Tallies and poison notes past their time, day rows older than KEEP (Table storage has no TTL). The
        Counters range also holds the tallies written before they had their own table."""
        old = list(self._table.query("PartitionKey ge 'poison-recent' and PartitionKey lt 'tally.' and "
                                     "ExpiresAt lt @now", now=now))
        old += self._table.query("PartitionKey ge 'stats-' and PartitionKey lt @cut", cut=day_partition(now - KEEP))
        for row in old:
            self._table.delete(row["PartitionKey"], row["RowKey"])
        gone = list(self._tallies.query("ExpiresAt lt @now", now=now)) if self._tallies is not self._table else []
        for row in gone:
            self._tallies.delete(row["PartitionKey"], row["RowKey"])
        return len(old) + len(gone)


def _tally_row(mailbox: str, message_id: str, new: Counted, import_run: str) -> dict[str, Any]:
    return {"PartitionKey": f"tally-{safe_key(mailbox)}", "RowKey": email_key(mailbox, message_id), "At": new.at,
            "Outcome": new.outcome, "Reason": new.reason, "ImportRun": import_run, "ExpiresAt": new.at + KEEP}


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
