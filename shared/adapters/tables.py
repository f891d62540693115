"""Azure Table storage plumbing shared by the repositories: clients, key escaping, ETag-guarded writes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, TableTransactionError, UpdateMode

from shared.adapters import multipart
from shared.config import Settings, requests_environment

Entity = dict[str, Any]
FORBIDDEN_KEY_CHARS = str.maketrans({c: "_" for c in "/\\#?\t\n\r"})


def safe_key(value: str) -> str:
    """Table keys forbid / \\ # ? and control characters; long or odd values are hashed."""
    cleaned = value.translate(FORBIDDEN_KEY_CHARS)
    if len(cleaned) > 200 or cleaned != value:
        return hashlib.sha256(value.encode()).hexdigest()[:40]
    return cleaned


def storage_options() -> dict[str, Any]:
    """azure-core's ``use_env_settings`` (its RequestsTransport's trust_env) off when the environment holds no proxy
    or netrc for requests (shared.config), which then re-reads none of it on every storage request (~0.1 ms of host
    CPU each, py-spy: docs/benchmarks.md); the CA bundle it would have read is given as ``connection_verify``."""
    reads, bundle = requests_environment()
    if reads:
        return {}
    return {"use_env_settings": False} | ({"connection_verify": bundle} if bundle else {})


def table_service(settings: Settings, credential: Any = None, **options: Any) -> TableServiceClient:
    """``options`` go to azure-core (e.g. retry_total, read_timeout)."""
    multipart.install()  # transactions without azure-core's per-request thread pools (shared/adapters/multipart.py)
    options = storage_options() | options
    if settings.storage_connection:
        return TableServiceClient.from_connection_string(settings.storage_connection, **options)
    endpoint = settings.table_service_uri or f"https://{settings.storage_account_name}.table.core.windows.net"
    return TableServiceClient(endpoint=endpoint, credential=credential, **options)


class Table:
    """One table, created on first use; every method maps storage errors to plain outcomes."""

    def __init__(self, service: TableServiceClient, name: str) -> None:
        self._service = service
        self.name = name
        self._client: TableClient | None = None

    @property
    def client(self) -> TableClient:
        if self._client is None:
            self._service.create_table_if_not_exists(self.name)
            self._client = self._service.get_table_client(self.name)
        return self._client

    def get(self, pk: str, rk: str) -> Entity | None:
        try:
            return _with_etag(self.client.get_entity(pk, rk))
        except ResourceNotFoundError:
            return None

    def create(self, entity: Entity) -> str | None:
        """Insert; None when the row already exists (atomic claim)."""
        try:
            meta = self.client.create_entity(_clean(entity))
        except ResourceExistsError:
            return None
        return str(meta.get("etag", ""))

    def create_all(self, entities: list[Entity]) -> bool:
        """Insert up to 100 rows of one partition in one entity-group transaction (all or none): False when any
        row exists already, and then none was written."""
        try:
            self.client.submit_transaction([("create", _clean(e)) for e in entities])
        except (TableTransactionError, ResourceExistsError):
            return False
        return True

    def upsert(self, entity: Entity) -> str:
        return str(self.client.upsert_entity(_clean(entity), mode=UpdateMode.REPLACE).get("etag", ""))

    def upsert_many(self, entities: list[Entity]) -> None:
        """Upsert rows in transactions of up to 100 per partition (Table storage's batch rules)."""
        by_partition: dict[str, list[Entity]] = {}
        for entity in entities:
            by_partition.setdefault(entity["PartitionKey"], []).append(_clean(entity))
        for rows in by_partition.values():
            unique = list({row["RowKey"]: row for row in rows}.values())  # a batch may touch a row once
            for start in range(0, len(unique), 100):
                operations = [("upsert", row, {"mode": UpdateMode.REPLACE}) for row in unique[start:start + 100]]
                self.client.submit_transaction(operations)

    def merge(self, entity: Entity) -> str:
        return str(self.client.upsert_entity(_clean(entity), mode=UpdateMode.MERGE).get("etag", ""))

    def replace_if(self, entity: Entity, etag: str) -> str | None:
        """Replace only if unchanged since ``etag`` was read; None when someone else won the race."""
        try:
            meta = self.client.update_entity(_clean(entity), mode=UpdateMode.REPLACE, etag=etag,
                                             match_condition=MatchConditions.IfNotModified)
        except (ResourceModifiedError, ResourceNotFoundError):
            return None
        return str(meta.get("etag", ""))

    def delete(self, pk: str, rk: str) -> None:
        self.client.delete_entity(pk, rk)

    def delete_many(self, entities: list[Entity]) -> int:
        """Delete rows in transactions of up to 100 per partition; a transaction that fails (a row already gone:
        Table storage fails the whole batch on a 404) is redone row by row. Returns the rows deleted here."""
        by_partition: dict[str, set[str]] = {}
        for entity in entities:
            by_partition.setdefault(entity["PartitionKey"], set()).add(entity["RowKey"])
        deleted = 0
        for pk, row_keys in by_partition.items():
            keys = sorted(row_keys)
            for start in range(0, len(keys), 100):
                chunk = keys[start:start + 100]
                try:
                    self.client.submit_transaction([("delete", {"PartitionKey": pk, "RowKey": rk}) for rk in chunk])
                    deleted += len(chunk)
                except TableTransactionError:
                    deleted += sum(self._delete_if_there(pk, rk) for rk in chunk)
        return deleted

    def _delete_if_there(self, pk: str, rk: str) -> bool:
        """A one-row transaction: unlike ``delete_entity`` (azure-data-tables ignores a 404 there), it says whether
        the row was there."""
        try:
            self.client.submit_transaction([("delete", {"PartitionKey": pk, "RowKey": rk})])
        except TableTransactionError as exc:
            if exc.status_code != 404:
                raise
            return False
        return True

    def query(self, flt: str, **params: Any) -> Iterator[Entity]:
        for entity in self.client.query_entities(flt, parameters=params or None):
            yield _with_etag(entity)

    def partition(self, pk: str) -> Iterator[Entity]:
        return self.query("PartitionKey eq @pk", pk=pk)

    def all(self) -> Iterator[Entity]:
        for entity in self.client.list_entities():
            yield _with_etag(entity)


def _with_etag(entity: Any) -> Entity:
    """Rows carry their ETag as ``etag`` (stripped again before writing)."""
    row = dict(entity)
    row["etag"] = entity.metadata.get("etag", "")
    return row


def _clean(entity: Entity) -> Entity:
    return {k: v for k, v in entity.items() if k != "etag"}


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)  # ASCII: non-ASCII characters are escaped


TEXT_CHUNK = 30_000  # ASCII characters: 60 KB as UTF-16, under Table storage's 64 KiB per string property


def split_text(name: str, text: str) -> Entity:
    """Long text over several properties: ``name``, ``name1``, ``name2``… (rows written before hold ``name``)."""
    parts = [text[i:i + TEXT_CHUNK] for i in range(0, len(text), TEXT_CHUNK)] or [""]
    return {(name if i == 0 else f"{name}{i}"): part for i, part in enumerate(parts)}


def join_text(row: Entity, name: str) -> str:
    parts, i = [row.get(name, "")], 1
    while f"{name}{i}" in row:
        parts.append(row[f"{name}{i}"])
        i += 1
    return "".join(parts)


class Tables:
    """Every table the app uses, named ``<prefix><Name>``."""

    NAMES = ("Options", "OptionsHistory", "Mailboxes", "Subscriptions", "DeltaTokens", "Captures", "Decisions",
             "ContactCache", "Threads", "Counters", "Tallies")

    def __init__(self, service: TableServiceClient, prefix: str) -> None:
        for name in self.NAMES:
            setattr(self, name.lower(), Table(service, prefix + name))

    options: Table
    optionshistory: Table
    mailboxes: Table
    subscriptions: Table
    deltatokens: Table
    captures: Table
    decisions: Table
    contactcache: Table
    threads: Table
    counters: Table
    tallies: Table
