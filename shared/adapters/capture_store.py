"""Capture ledger (effectively-once CRM writes), decision log, contact cache (the thread index: thread_store)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.counters import TableCounters
from shared.adapters.tables import Table, dumps, safe_key
from shared.domain.matching import ContactRef
from shared.domain.model import LedgerEntry
from shared.ports import Claim, ClaimState


class TableCaptureLedger:
    """Row per (capture key, contact): pending → (written →) done. A crash between the CRM write and
    ``complete`` leaves the row pending; the retry (same owner, or anyone after the lease) gets RECOVER and must
    look the record up by its key in the CRM before writing again. A record written whose later steps (files)
    did not all succeed is "written": it keeps the record id and the steps left, and the retry gets WRITTEN
    (with the same ownership rules as pending) and does only those steps."""

    def __init__(self, table: Table, lease: timedelta = timedelta(seconds=90)) -> None:
        self._table, self._lease = table, lease

    def claim(self, key: str, contact_id: str, owner: str, now: datetime) -> Claim:
        entity = {"PartitionKey": key, "RowKey": safe_key(contact_id), "Status": "pending", "Owner": owner,
                  "ClaimedAt": now}
        etag = self._table.create(entity)
        if etag is not None:
            return Claim(ClaimState.NEW, etag)
        row = self._table.get(key, safe_key(contact_id))
        if row is None:
            return self.claim(key, contact_id, owner, now)
        if row["Status"] in ("done", "erased"):  # an erased record is not written again
            return Claim(ClaimState.DONE, row["etag"], row.get("RecordId", ""))
        claimed = row["ClaimedAt"] if row["ClaimedAt"].tzinfo else row["ClaimedAt"].replace(tzinfo=UTC)
        if row["Owner"] != owner and now - claimed < self._lease:
            return Claim(ClaimState.BUSY)
        if row["Status"] == "written":
            mine = {k: v for k, v in row.items() if k != "etag"} | {"Owner": owner, "ClaimedAt": now}
            taken = self._table.replace_if(mine, row["etag"])
            return (Claim(ClaimState.WRITTEN, taken, row.get("RecordId", ""), _steps(row.get("Pending", "")))
                    if taken else Claim(ClaimState.BUSY))
        taken = self._table.replace_if(entity, row["etag"])
        return Claim(ClaimState.RECOVER, taken) if taken else Claim(ClaimState.BUSY)

    def complete(self, key: str, contact_id: str, record_id: str, kind: str, now: datetime,
                 pending: tuple[str, ...] = (), owner: str = "") -> None:
        """The record exists: keep its id. With ``pending`` steps the row stays "written" (still held by
        ``owner``) until ``step_done`` has removed the last one."""
        self._table.upsert({"PartitionKey": key, "RowKey": safe_key(contact_id),
                            "Status": "written" if pending else "done", "RecordId": record_id, "Kind": kind,
                            "Pending": " ".join(pending), "Owner": owner if pending else "", "ClaimedAt": now})

    def step_done(self, key: str, contact_id: str, step: str, file_id: str = "") -> None:
        """One later step succeeded (only its owner calls this: read-then-write is safe); keeps a file's CRM id."""
        if (row := self._table.get(key, safe_key(contact_id))) is None:
            return
        left = tuple(s for s in _steps(row.get("Pending", "")) if s != step)
        files = json.dumps([*json.loads(row.get("Files") or "[]"), *([file_id] if file_id else [])])
        self._table.merge({"PartitionKey": key, "RowKey": safe_key(contact_id), "Pending": " ".join(left),
                           "Files": files, **({"Status": "done", "Owner": ""} if not left else {})})

    def abandon(self, key: str, contact_id: str) -> None:
        """The CRM write failed in an unknown state (a timeout, a 5xx, an answer that cannot be read): leave the
        row pending but unowned, so the next attempt, whoever makes it, checks the CRM first instead of waiting out
        the lease."""
        self._table.merge({"PartitionKey": key, "RowKey": safe_key(contact_id), "Owner": "",
                           "ClaimedAt": datetime(2000, 1, 1, tzinfo=UTC)})

    def release(self, key: str, contact_id: str) -> None:
        self._table.delete(key, safe_key(contact_id))

    def records_for(self, key: str) -> dict[str, str]:
        return {row["RowKey"]: row.get("RecordId", "") for row in self._table.partition(key)
                if row["Status"] in ("done", "written")}

    def written_for(self, contact_id: str) -> list[LedgerEntry]:  # a scan across partitions: erasure only
        rows = self._table.query("RowKey eq @c and RecordId ne '' and Status ne 'pending'", c=safe_key(contact_id))
        return [LedgerEntry(r["PartitionKey"], contact_id, r["RecordId"], r.get("Kind", ""), r["Status"],
                            tuple(json.loads(r.get("Files") or "[]"))) for r in rows]

    def mark_erased(self, key: str, contact_id: str, who: str, now: datetime) -> None:  # the row stays: not rewritten
        self._table.merge({"PartitionKey": key, "RowKey": safe_key(contact_id), "Status": "erased",
                           "Pending": "", "Owner": "", "ErasedBy": who, "ErasedAt": now})


def _steps(text: str) -> tuple[str, ...]:
    return tuple(s for s in str(text or "").split(" ") if s)


class TableDecisionLog:
    def __init__(self, table: Table) -> None:
        self._table = table

    def write(self, entries: list[dict[str, Any]]) -> None:
        """Entries of one mailbox (an email's, or a batch's) share its partition: one transaction per 100 of them."""
        rows = []
        for entry in entries:
            at: datetime = entry["at"]
            inverted = 10**13 - int(at.timestamp() * 1000)
            row = {"PartitionKey": safe_key(entry["mailbox"]),
                   "RowKey": f"{inverted:013d}-{entry['key'][:16]}-{safe_key(entry.get('contact_id') or '-')}"}
            row.update({_camel(k): (dumps(v) if isinstance(v, dict | list) else v) for k, v in entry.items()})
            rows.append(row)
        self._table.upsert_many(rows)

    def search(self, *, mailbox: str | None = None, internet_message_id: str | None = None,
               contact_id: str | None = None, outcome: str | None = None, reason: str | None = None,
               since: datetime | None = None, until: datetime | None = None, limit: int = 100) -> list[dict]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        for name, value in (("Mailbox", mailbox), ("InternetMessageId", internet_message_id),
                            ("ContactId", contact_id), ("Outcome", outcome), ("Reason", reason)):
            if value is not None:
                clauses.append(f"{name} eq @{name.lower()}")
                params[name.lower()] = value.lower() if name == "Mailbox" else value
        if since:
            clauses.append("At ge @since")
            params["since"] = since
        if until:
            clauses.append("At le @until")
            params["until"] = until
        rows = self._table.query(" and ".join(clauses), **params) if clauses else self._table.all()
        out = []
        for row in rows:
            out.append(_entry(row))
            if len(out) >= limit:
                break
        return sorted(out, key=lambda e: e["at"], reverse=True)

    def purge_expired(self, now: datetime) -> int:
        expired = list(self._table.query("ExpiresAt lt @now", now=now))
        for row in expired:
            self._table.delete(row["PartitionKey"], row["RowKey"])
        return len(expired)


def _camel(name: str) -> str:
    return "".join(part.capitalize() if part != "id" else "Id" for part in name.split("_"))


_JSON_FIELDS = {"RecordIds", "TimingsMs", "Participants"}


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("PartitionKey", "RowKey", "etag", "Timestamp"):
            continue
        snake = "".join("_" + c.lower() if c.isupper() else c for c in key).lstrip("_").replace("_i_d", "_id")
        out[snake] = json.loads(value) if key in _JSON_FIELDS and isinstance(value, str) else value
    out["entry_id"] = f"{row['PartitionKey']}/{row['RowKey']}"
    return out


GENERATION_S = 15.0  # the workers keep hot addresses in memory as long (services.contacts.LOCAL_TTL_S)


class TableContactCache:
    """Cached CRM look-ups by address. Purge bumps a generation counter: O(1), old rows age out. The generation is
    read again at most every GENERATION_S: a purge reaches every worker within it, as their in-memory contacts do."""

    def __init__(self, table: Table, counters: TableCounters) -> None:
        self._table, self._counters = table, counters
        self._generation = (-1e9, 0)  # (monotonic time read, generation)

    def _pk(self) -> str:
        at, generation = self._generation
        if time.monotonic() - at > GENERATION_S:
            generation = self._counters.get("contact-cache", "generation")
            self._generation = (time.monotonic(), generation)
        return f"g{generation}"

    def get(self, email: str, ttl: timedelta, now: datetime) -> tuple[ContactRef, ...] | None:
        row = self._table.get(self._pk(), safe_key(email))
        if row is None or now - _utc(row["CachedAt"]) > ttl:
            return None
        return tuple(ContactRef(**c) for c in json.loads(row["Contacts"]))

    def put(self, email: str, contacts: tuple[ContactRef, ...], now: datetime) -> None:
        self._table.upsert({"PartitionKey": self._pk(), "RowKey": safe_key(email), "CachedAt": now,
                            "Contacts": dumps([{"id": c.id, "name": c.name, "is_organisation": c.is_organisation}
                                               for c in contacts])})

    def purge(self) -> int:
        generation = self._counters.incr("contact-cache", "generation")
        self._generation = (time.monotonic(), generation)  # this worker: at once
        return generation


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
