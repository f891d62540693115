"""Named counters in the Counters table (import progress, delta resyncs, the contact cache's generation)."""

from __future__ import annotations

from typing import Any

from shared.adapters.group_commit import GroupCommit
from shared.adapters.tables import Table, safe_key


class TableCounters:
    """Counters under optimistic concurrency. The worker remembers the count and ETag it last wrote, so an
    increment is one conditional write; a lost race (another writer) costs a read and a retry as before."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._seen: dict[tuple[str, str], tuple[int, str]] = {}
        self._commits: GroupCommit[int, int] = GroupCommit()

    def get(self, name: str, scope: str) -> int:
        row = self._table.get(safe_key(name), safe_key(scope))
        return int(row["Count"]) if row else 0

    def incr(self, name: str, scope: str, by: int = 1, **extra: Any) -> int:
        """The count after the increment. Concurrent increments of one counter by this process are one write
        (shared.adapters.group_commit): each returns once its part is stored."""
        at = (safe_key(name), safe_key(scope))
        if extra:
            return self._incr(at, by, extra)
        return self._commits.submit(at, by, lambda batch: self._incr(at, sum(batch), {}))

    def _incr(self, at: tuple[str, str], by: int, extra: dict[str, Any]) -> int:
        known = self._seen.pop(at, None)
        for _ in range(20):
            entity = {"PartitionKey": at[0], "RowKey": at[1], **extra}
            if known is None:
                row = self._table.get(*at)
                if row is None:
                    etag = self._table.create(entity | {"Count": by})
                    if etag is not None:
                        return self._remember(at, by, etag)
                    continue
                known = (int(row["Count"]), row["etag"])
            etag = self._table.replace_if(entity | {"Count": known[0] + by}, known[1])
            if etag is not None:
                return self._remember(at, known[0] + by, etag)
            known = None
        raise RuntimeError(f"counter {at[0]}/{at[1]} too contended")

    def _remember(self, at: tuple[str, str], count: int, etag: str) -> int:
        if len(self._seen) > 10_000:  # day-scoped counters: yesterday's are never written again
            self._seen.clear()
        self._seen[at] = (count, etag)
        return count

    def touch(self, name: str, scope: str, **fields: Any) -> None:
        self._table.merge({"PartitionKey": safe_key(name), "RowKey": safe_key(scope), **fields})

    def counts(self, name: str, scopes: list[str]) -> dict[str, int]:
        """Several counters of one name in one query."""
        rows = self.scope(name)
        return {s: int(rows[safe_key(s)]["Count"]) if safe_key(s) in rows else 0 for s in scopes}

    def scope(self, name: str) -> dict[str, dict[str, Any]]:
        return {row["RowKey"]: row for row in self._table.partition(safe_key(name))}
