"""The thread index in Table storage: conversation id / Message-ID → the contacts its captured email went to, so a
reply from an address that matches no contact still reaches them.

Rows live in BUCKETS partitions chosen by a hash of the key (``thread-<n>`` / ``<key>|<contact>``), so that the rows
of many emails (a batch of the import or the backstop: ~2 keys per captured email) go out in one entity-group
transaction per bucket instead of one request per row. The spread holds the partition targets at any volume this
service reaches: 2,000 entities per second per partition
(https://learn.microsoft.com/en-us/azure/storage/tables/scalability-targets), 16,000 rows/s over eight.
Rows written before (partition = the key, row = the contact) are still read while there are any (looked for every
5 minutes); the daily maintenance moves a bounded number of them into the buckets per run (``move_former_rows``).
A contact's rows (both layouts) are deleted when its captured mail is erased (``forget_contact``).
"""

from __future__ import annotations

import hashlib
import time
from itertools import islice

from shared.adapters.tables import Table, safe_key
from shared.domain.matching import ContactRef

BUCKETS = 8


def _bucket(key: str) -> str:
    return f"thread-{int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % BUCKETS}"


class TableThreadIndex:
    def __init__(self, table: Table) -> None:
        self._table = table
        self._former_checked = (-1e9, True)  # when this process last looked for rows of the former layout, and if any

    def contacts_for(self, keys: list[str]) -> tuple[ContactRef, ...]:
        found: dict[str, ContactRef] = {}
        former = self._former_left()
        for key in keys:
            low = f"{safe_key(key)}|"  # "|" + 1 is "}": this key's rows (and longer keys that go on with "|")
            rows = [*self._table.query("PartitionKey eq @pk and RowKey ge @low and RowKey lt @high",
                                       pk=_bucket(key), low=low, high=low[:-1] + "}"),
                    *(self._table.partition(safe_key(key)) if former else ())]
            for row in rows:
                if row.get("Key", key) == key:  # the range may hold a longer key that continues with "|"
                    found.setdefault(row["ContactId"], ContactRef(row["ContactId"], row.get("Name", "")))
        return tuple(found.values())

    def _former_left(self, max_age_s: float = 300.0) -> bool:
        """Whether the table holds rows of the former layout (their partitions, "conv:…", "mid:…" or a hash, all sort
        before "thread-"; a worker of the former version may still write some during an upgrade): one first-page
        query every 5 minutes; while there are, each key is looked up there too."""
        at, left = self._former_checked
        if time.monotonic() - at > max_age_s:
            pages = self._table.client.query_entities("PartitionKey lt 'thread-'", results_per_page=1,
                                                      select=["PartitionKey"])
            left = next(iter(pages), None) is not None
            self._former_checked = (time.monotonic(), left)
        return left

    def add(self, keys: list[str], contacts: tuple[ContactRef, ...]) -> None:
        self.add_many([(keys, contacts)])

    def add_many(self, links: list[tuple[list[str], tuple[ContactRef, ...]]]) -> None:
        """Many emails' keys and contacts: one transaction per bucket (per 100 rows)."""
        self._table.upsert_many([{"PartitionKey": _bucket(key), "RowKey": f"{safe_key(key)}|{safe_key(contact.id)}",
                                  "Key": key, "ContactId": contact.id, "Name": contact.name}
                                 for keys, contacts in links for key in keys for contact in contacts])

    def forget_contact(self, contact_id: str) -> int:
        """Delete every row naming the contact, in the buckets and in the former layout: one query on the contact
        column over the table (it holds thread rows only), deletes in one transaction per partition (per 100)."""
        rows = self._table.query("ContactId eq @cid", cid=contact_id)
        return self._table.delete_many([{"PartitionKey": r["PartitionKey"], "RowKey": r["RowKey"]} for r in rows])

    def move_former_rows(self, limit: int) -> int:
        """Up to ``limit`` rows of the former layout rewritten into the buckets, then deleted: a look-up during the
        move finds the link in one layout or both, and a run stopped half-way is redone by the next (upserts). The
        former partition is the key itself ("conv:…", "mid:…") or, for a key with characters Table keys forbid or
        over 200 characters, its hash (``safe_key``), whose key — and so its bucket — is lost: such a row goes to
        every bucket under the hash (row ``<hash>|<contact>``, no Key column), where a look-up of the key finds it."""
        pages = self._table.client.query_entities("PartitionKey lt 'thread-'", results_per_page=min(limit, 1000))
        rows = list(islice(pages, limit))
        moved = []
        for row in rows:
            key = row["PartitionKey"]
            known = key.startswith(("conv:", "mid:"))
            moved += [{"PartitionKey": bucket, "RowKey": f"{key}|{row['RowKey']}", "ContactId": row["ContactId"],
                       "Name": row.get("Name", "")} | ({"Key": key} if known else {})
                      for bucket in ([_bucket(key)] if known else [f"thread-{n}" for n in range(BUCKETS)])]
        self._table.upsert_many(moved)
        self._table.delete_many([{"PartitionKey": r["PartitionKey"], "RowKey": r["RowKey"]} for r in rows])
        if rows:
            self._former_checked = (-1e9, True)  # looked for again at the next look-up
        return len(rows)
