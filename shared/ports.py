"""Ports: what the services need from the outside world. Adapters implement them structurally."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from shared.domain.mailbox import Mailbox
from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.domain.model import LedgerEntry
from shared.domain.options import Options
from shared.domain.outcome_counts import Counted, Tally
from shared.ports_graph import DeltaPage as DeltaPage  # the Graph port lives beside; re-exported for callers
from shared.ports_graph import FetchSpec as FetchSpec
from shared.ports_graph import GraphClient as GraphClient
from shared.ports_graph import GraphSubscription as GraphSubscription
from shared.ports_graph import MimeParser as MimeParser


@dataclass(frozen=True, slots=True)
class CrmFile:
    """A file to attach to a CRM record: an email attachment or the .eml copy."""
    name: str
    content_type: str
    data: bytes


class CrmClient(Protocol):
    def find_contacts(self, email: str) -> tuple[ContactRef, ...]: ...
    def find_organisations_by_domain(self, domain: str) -> tuple[ContactRef, ...]: ...
    def create_contact(self, email: str, name: str) -> ContactRef: ...
    def find_record(self, record: CrmRecord) -> str | None: ...
    def write_record(self, record: CrmRecord, files: list[CrmFile]) -> str: ...
    def attach_file(self, record: CrmRecord, record_id: str, file: CrmFile) -> str: ...  # the file's id (or "")
    def profile_url(self, contact_id: str, template: str) -> str: ...
    def find_parties_by_domain(self, domain: str) -> tuple[ContactRef, ...]: ...  # persons and organisations
    def delete_record(self, kind: str, record_id: str) -> bool: ...  # False: already gone


class MessageQueue(Protocol):
    """A storage queue of JSON objects (``shared.domain.work`` payloads; poison may hold ``{"raw": …}``)."""
    def send(self, payloads: Iterable[dict[str, Any]], visibility_timeout: int | None = None) -> None: ...
    def depth(self) -> int: ...
    def drain(self, limit: int = 32) -> list[dict[str, Any]]: ...


class BlobStore(Protocol):
    def put_eml(self, name: str, data: bytes) -> str: ...
    def delete_eml(self, name: str) -> bool: ...  # False: it was not there


@dataclass(frozen=True, slots=True)
class StoredOptions:
    options: Options
    etag: str
    version: int
    updated_by: str = ""
    updated_at: str = ""


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    id: str
    mailbox: str
    folder: str
    resource: str
    client_state: str
    expires_at: datetime
    etag: str = ""
    lease_until: datetime | None = None  # a renewal run holds the row until then
    immutable_ids: bool = True  # created with Prefer: IdType="ImmutableId" (older ones: recreated at renewal)


class ClaimState(StrEnum):
    NEW = "new"  # nobody wrote this (message, contact) yet: write it
    DONE = "done"  # already written: record_id says where
    BUSY = "busy"  # another invocation holds a live claim: retry later
    RECOVER = "recover"  # a claim was left pending (crash): check the CRM before writing
    WRITTEN = "written"  # the record exists (record_id); later steps (files) are still pending


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    etag: str = ""
    record_id: str = ""
    pending: tuple[str, ...] = ()  # WRITTEN: the steps still to do, e.g. ("file:0", "eml")


class OptionsRepository(Protocol):
    def get(self) -> StoredOptions: ...  # the defaults (version 0) until an admin saves
    def save(self, options: Options, etag: str, who: str, changes: list[dict[str, Any]]) -> StoredOptions: ...
    def history(self, limit: int = 50) -> list[dict[str, Any]]: ...


class MailboxRepository(Protocol):
    def all(self) -> list[Mailbox]: ...
    def get(self, address: str) -> Mailbox | None: ...
    def put(self, mailbox: Mailbox) -> None: ...
    def delete(self, address: str) -> None: ...  # the import progress too
    def get_progress(self, address: str) -> dict[str, Any]: ...
    def progress_of(self, addresses: list[str]) -> dict[str, dict[str, Any]]: ...  # several, one read
    def put_progress(self, address: str, state: dict[str, Any]) -> None: ...


class SubscriptionRepository(Protocol):
    def get(self, subscription_id: str) -> SubscriptionRecord | None: ...
    def all(self) -> list[SubscriptionRecord]: ...
    def for_mailbox(self, mailbox: str) -> list[SubscriptionRecord]: ...
    def put(self, record: SubscriptionRecord) -> None: ...
    def replace_if(self, record: SubscriptionRecord, etag: str) -> bool: ...
    def delete(self, subscription_id: str) -> None: ...
    # A named lease (one instance runs the start-up check): the ETag to release it with, or None while held.
    def take_lease(self, name: str, now: datetime, until: datetime) -> str | None: ...
    def release_lease(self, name: str, etag: str, now: datetime) -> None: ...


class DeltaTokenRepository(Protocol):
    def get(self, mailbox: str, folder: str) -> tuple[str | None, str]: ...  # (link, etag); (None, "") if none
    def put(self, mailbox: str, folder: str, delta_link: str, etag: str, note: str = "") -> str | None: ...
    def get_row(self, mailbox: str, folder: str) -> dict[str, Any] | None: ...
    # Several rows (UpdatedAt, Note) in one read, keyed as asked; rows not there are left out.
    def rows_of(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]: ...
    def delete_mailbox(self, mailbox: str) -> None: ...


class CaptureLedger(Protocol):
    def claim(self, key: str, contact_id: str, owner: str, now: datetime) -> Claim: ...
    # With ``pending`` steps (files still to attach) the row stays "written", held by ``owner``, until
    # ``step_done`` has struck the last one; a retry then gets WRITTEN with the steps left.
    def complete(self, key: str, contact_id: str, record_id: str, kind: str, now: datetime,
                 pending: tuple[str, ...] = (), owner: str = "") -> None: ...
    def step_done(self, key: str, contact_id: str, step: str, file_id: str = "") -> None: ...  # file_id: erasure
    def abandon(self, key: str, contact_id: str) -> None: ...
    def release(self, key: str, contact_id: str) -> None: ...
    def records_for(self, key: str) -> dict[str, str]: ...
    def written_for(self, contact_id: str) -> list[LedgerEntry]: ...  # erasure: then ``mark_erased``
    def mark_erased(self, key: str, contact_id: str, who: str, now: datetime) -> None: ...


class DecisionLog(Protocol):
    def write(self, entries: list[dict[str, Any]]) -> None: ...
    def search(self, *, mailbox: str | None = None, internet_message_id: str | None = None,
               contact_id: str | None = None, outcome: str | None = None, reason: str | None = None,
               since: datetime | None = None, until: datetime | None = None,
               limit: int = 100) -> list[dict[str, Any]]: ...
    def purge_expired(self, now: datetime) -> int: ...


class ContactCache(Protocol):
    def get(self, email: str, ttl: timedelta, now: datetime) -> tuple[ContactRef, ...] | None: ...
    def put(self, email: str, contacts: tuple[ContactRef, ...], now: datetime) -> None: ...
    def purge(self) -> int: ...  # the new generation


class ThreadIndex(Protocol):
    def contacts_for(self, keys: list[str]) -> tuple[ContactRef, ...]: ...
    def add(self, keys: list[str], contacts: tuple[ContactRef, ...]) -> None: ...
    # Many emails' (keys, contacts) at once: ``add`` each, in as few writes as the rows allow.
    def add_many(self, links: list[tuple[list[str], tuple[ContactRef, ...]]]) -> None: ...
    # Erasure: delete every link to the contact (its id and name against conversation ids and Message-IDs).
    def forget_contact(self, contact_id: str) -> int: ...
    # Daily maintenance: up to ``limit`` rows of a former storage layout moved to the current one (0: none left).
    def move_former_rows(self, limit: int) -> int: ...


class Counters(Protocol):
    def get(self, name: str, scope: str) -> int: ...
    def incr(self, name: str, scope: str, by: int = 1, **extra: Any) -> int: ...
    def touch(self, name: str, scope: str, **fields: Any) -> None: ...
    def scope(self, name: str) -> dict[str, dict[str, Any]]: ...
    def counts(self, name: str, scopes: list[str]) -> dict[str, int]: ...  # several of one name, one read


class OutcomeStats(Protocol):
    """Outcome counts kept when decisions are written (status, charts): see shared.adapters.stats_store."""

    def tally(self, mailbox: str, message_id: str, new: Counted, import_run: str = "") -> Tally: ...
    # Many emails' tallies at once, each (mailbox, message id, counted, import run), each email at most once.
    def tally_many(self, emails: list[tuple[str, str, Counted, str]]) -> list[Tally]: ...
    def add(self, counted: Counted, mailbox: str, by: int, shard_of: str) -> None: ...
    # Many (counted, mailbox, by, shard_of) at once: ``add`` each, in as few writes as the rows allow.
    def add_many(self, changes: list[tuple[Counted, str, int, str]]) -> None: ...
    def load(self, emails: list[tuple[str, str, Counted]]) -> None: ...
    def hour_rows(self, first: datetime, last: datetime) -> Iterable[dict[str, Any]]: ...
    def rows(self, first_day: datetime, last_day: datetime, scope_prefix: str) -> Iterable[dict[str, Any]]: ...
    def note_poison(self, entry: dict[str, Any]) -> None: ...
    def recent_poison(self, limit: int) -> list[dict[str, Any]]: ...
    def purge_expired(self, now: datetime) -> int: ...


class LimitStore(Protocol):
    """Shared state behind the limits every instance holds together (Graph per mailbox, the CRM per site).
    Any method may raise when storage fails; callers then send nothing (``shared.adapters.shared_limits``)."""

    # Lease slot ``slot`` of ``name`` for ``hold_s`` seconds: the lease id, or None while another holds it.
    def try_slot(self, name: str, slot: int, hold_s: int) -> str | None: ...
    def free_slot(self, name: str, slot: int, lease: str) -> None: ...
    # Take up to ``want`` of the ``cap`` requests sub-window ``part`` of ``name`` allows: how many were granted.
    def take(self, name: str, part: int, cap: int, want: int) -> int: ...


class Clock:
    """Injected time source; tests move it forward instead of sleeping."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed
        self.offset = timedelta()

    def now(self) -> datetime:
        return (self.fixed or datetime.now(UTC)) + self.offset
