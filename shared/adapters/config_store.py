"""Options (versioned, ETag-guarded, with history), mailboxes, subscriptions and delta tokens in Tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from shared.adapters.tables import Table, dumps, join_text, safe_key, split_text
from shared.domain.errors import OptionsConflict
from shared.domain.mailbox import Mailbox
from shared.domain.options import DEFAULT_OPTIONS, Options, options_to_doc, parse_options
from shared.ports import StoredOptions, SubscriptionRecord


class TableOptionsRepository:
    PK, RK = "options", "current"

    def __init__(self, current: Table, history: Table) -> None:
        self._current, self._history = current, history

    def get(self) -> StoredOptions:
        row = self._current.get(self.PK, self.RK)
        if row is None:
            etag = self._current.create({"PartitionKey": self.PK, "RowKey": self.RK, "Version": 0,
                                         **split_text("Document", dumps(options_to_doc(DEFAULT_OPTIONS))),
                                         "UpdatedBy": "", "UpdatedAt": ""})
            if etag is None:  # created concurrently
                return self.get()
            return StoredOptions(DEFAULT_OPTIONS, etag, 0)
        return StoredOptions(parse_options(json.loads(join_text(row, "Document"))), row["etag"], int(row["Version"]),
                             row.get("UpdatedBy", ""), row.get("UpdatedAt", ""))

    def save(self, options: Options, etag: str, who: str, changes: list[dict[str, Any]]) -> StoredOptions:
        current = self.get()
        if current.etag != etag:
            raise OptionsConflict("the options changed since they were read; reload and retry")
        version = current.version + 1
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = {"PartitionKey": self.PK, "RowKey": self.RK, "Version": version,
               **split_text("Document", dumps(options_to_doc(options))), "UpdatedBy": who, "UpdatedAt": now}
        new_etag = self._current.replace_if(row, etag)
        if new_etag is None:
            raise OptionsConflict("the options changed since they were read; reload and retry")
        self._history.upsert({"PartitionKey": "history", "RowKey": f"{10**10 - version:010d}", "Version": version,
                              "UpdatedBy": who, "UpdatedAt": now, **split_text("Changes", dumps(changes))})
        return StoredOptions(options, new_etag, version, who, now)

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        rows = []
        for row in self._history.partition("history"):
            rows.append({"version": row["Version"], "updated_by": row["UpdatedBy"], "updated_at": row["UpdatedAt"],
                         "changes": json.loads(join_text(row, "Changes"))})
            if len(rows) >= limit:
                break
        return rows


class TableMailboxRepository:
    PK = "mailbox"

    def __init__(self, table: Table) -> None:
        self._table = table

    def all(self) -> list[Mailbox]:
        return [Mailbox.model_validate_json(row["Config"]) for row in self._table.partition(self.PK)]

    def get(self, address: str) -> Mailbox | None:
        row = self._table.get(self.PK, safe_key(address.lower()))
        return Mailbox.model_validate_json(row["Config"]) if row else None

    def put(self, mailbox: Mailbox) -> None:
        self._table.merge({"PartitionKey": self.PK, "RowKey": safe_key(mailbox.address),
                           "Config": mailbox.model_dump_json()})

    def delete(self, address: str) -> None:
        self._table.delete(self.PK, safe_key(address.lower()))
        self._table.delete("progress", safe_key(address.lower()))

    def get_progress(self, address: str) -> dict[str, Any]:
        row = self._table.get("progress", safe_key(address.lower()))
        return json.loads(row["State"]) if row else {}

    def progress_of(self, addresses: list[str]) -> dict[str, dict[str, Any]]:
        """These mailboxes' import progress, in one query (status reads them all at once)."""
        rows = {row["RowKey"]: json.loads(row["State"]) for row in self._table.partition("progress")}
        return {a: rows.get(safe_key(a.lower()), {}) for a in addresses}

    def put_progress(self, address: str, state: dict[str, Any]) -> None:
        self._table.upsert({"PartitionKey": "progress", "RowKey": safe_key(address.lower()), "State": dumps(state)})


def _entity(record: SubscriptionRecord) -> dict[str, Any]:
    entity = {"PartitionKey": "subscription", "RowKey": record.id, "Mailbox": record.mailbox,
              "Folder": record.folder, "Resource": record.resource, "ClientState": record.client_state,
              "ExpiresAt": record.expires_at, "ImmutableIds": record.immutable_ids}
    if record.lease_until:
        entity["LeaseUntil"] = record.lease_until
    return entity


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _subscription(row: dict[str, Any]) -> SubscriptionRecord:
    expires = _utc(row["ExpiresAt"])
    assert expires is not None
    return SubscriptionRecord(row["RowKey"], row["Mailbox"], row["Folder"], row["Resource"], row["ClientState"],
                              expires, row["etag"], _utc(row.get("LeaseUntil")),
                              bool(row.get("ImmutableIds", False)))  # rows written before the flag: default ids


class TableSubscriptionRepository:
    PK = "subscription"

    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        row = self._table.get(self.PK, safe_key(subscription_id))
        return _subscription(row) if row else None

    def all(self) -> list[SubscriptionRecord]:
        return [_subscription(row) for row in self._table.partition(self.PK)]

    def for_mailbox(self, mailbox: str) -> list[SubscriptionRecord]:
        return [s for s in self.all() if s.mailbox == mailbox.lower()]

    def put(self, record: SubscriptionRecord) -> None:
        self._table.upsert(_entity(record))

    def replace_if(self, record: SubscriptionRecord, etag: str) -> bool:
        """ETag-guarded update: two renewal timers racing cannot both win."""
        return self._table.replace_if(_entity(record), etag) is not None

    def delete(self, subscription_id: str) -> None:
        self._table.delete(self.PK, safe_key(subscription_id))

    def take_lease(self, name: str, now: datetime, until: datetime) -> str | None:
        """A named lease in its own partition (ETag-guarded): the ETag to release it with, or None while another
        holder's lease runs."""
        row = self._table.get("lease", name)
        entity = {"PartitionKey": "lease", "RowKey": name, "LeaseUntil": until}
        if row is None:
            return self._table.create(entity)
        held = _utc(row.get("LeaseUntil"))
        if held is not None and held > now:
            return None
        return self._table.replace_if(entity, row["etag"])

    def release_lease(self, name: str, etag: str, now: datetime) -> None:
        self._table.replace_if({"PartitionKey": "lease", "RowKey": name, "LeaseUntil": now}, etag)


class TableDeltaTokenRepository:
    def __init__(self, table: Table) -> None:
        self._table = table

    def get(self, mailbox: str, folder: str) -> tuple[str | None, str]:
        row = self._table.get(safe_key(mailbox), safe_key(folder))  # a folder id may hold "/" (a key forbids it)
        return (row.get("DeltaLink") or None, row["etag"]) if row else (None, "")

    def put(self, mailbox: str, folder: str, delta_link: str, etag: str, note: str = "") -> str | None:
        """Store the link if the row is unchanged since ``etag`` ("" = new row); the new ETag, or None."""
        entity = {"PartitionKey": safe_key(mailbox), "RowKey": safe_key(folder), "DeltaLink": delta_link, "Note": note,
                  "UpdatedAt": datetime.now(UTC)}
        if not etag:
            return self._table.create(entity)
        return self._table.replace_if(entity, etag)

    def get_row(self, mailbox: str, folder: str) -> dict[str, Any] | None:
        return self._table.get(safe_key(mailbox), safe_key(folder))

    def rows_of(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The table holds one small row per watched mailbox folder, so one listing (a page per 1,000 rows)
        without the delta links replaces a read per folder; a filter could name at most 15 partitions
        (learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities)."""
        if not keys:
            return {}
        wanted = {(safe_key(mailbox), safe_key(folder)): (mailbox, folder) for mailbox, folder in keys}
        rows = self._table.client.list_entities(select=["PartitionKey", "RowKey", "UpdatedAt", "Note"])
        return {wanted[k]: dict(row) for row in rows if (k := (row["PartitionKey"], row["RowKey"])) in wanted}

    def delete_mailbox(self, mailbox: str) -> None:
        for row in list(self._table.partition(safe_key(mailbox))):
            self._table.delete(row["PartitionKey"], row["RowKey"])
