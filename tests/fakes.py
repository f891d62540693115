"""In-memory fakes of every port in ``shared.ports``: the stores (kept honest by tests/contract, which runs the
same tests against these and the Table/Queue/Blob adapters on Azurite), Graph, the CRM and the queues.

``fake_services()`` wires them into a real ``Services``; tests assert on the fakes' state.
"""

from __future__ import annotations

import copy
import itertools
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.mime import message_from_mime
from shared.config import Settings
from shared.domain.errors import (
    CrmRejected,
    MessageNotFound,
    OptionsConflict,
    ResourceNotFound,
    SubscriptionNotFound,
    SyncStateExpired,
)
from shared.domain.folders import PLACED
from shared.domain.mailbox import Mailbox
from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.domain.model import FetchedMessage, Folder, LedgerEntry, MailFolderInfo
from shared.domain.options import DEFAULT_OPTIONS, Options
from shared.ports import (
    Claim,
    ClaimState,
    Clock,
    CrmFile,
    DeltaPage,
    FetchSpec,
    GraphSubscription,
    StoredOptions,
    SubscriptionRecord,
)
from shared.services.deps import Services
from tests.fake_stats import InMemoryOutcomeStats

_etags = itertools.count(1)


def _etag() -> str:
    return f"W/\"{next(_etags)}\""


# -- stores --------------------------------------------------------------------------------------------------
class InMemoryOptionsRepository:
    def __init__(self) -> None:
        self.current = StoredOptions(DEFAULT_OPTIONS, _etag(), 0)
        self.changes: list[dict[str, Any]] = []

    def get(self) -> StoredOptions:
        return self.current

    def save(self, options: Options, etag: str, who: str, changes: list[dict[str, Any]]) -> StoredOptions:
        if etag != self.current.etag:
            raise OptionsConflict("the options changed since they were read; reload and retry")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        self.current = StoredOptions(options, _etag(), self.current.version + 1, who, now)
        self.changes.insert(0, {"version": self.current.version, "updated_by": who, "updated_at": now,
                                "changes": copy.deepcopy(changes)})
        return self.current

    def history(self, limit: int = 50) -> list[dict[str, Any]]:
        return copy.deepcopy(self.changes[:limit])


class InMemoryMailboxRepository:
    def __init__(self) -> None:
        self.mailboxes: dict[str, Mailbox] = {}
        self.progress: dict[str, dict[str, Any]] = {}

    def all(self) -> list[Mailbox]:
        return [self.mailboxes[k] for k in sorted(self.mailboxes)]

    def get(self, address: str) -> Mailbox | None:
        return self.mailboxes.get(address.lower())

    def put(self, mailbox: Mailbox) -> None:
        self.mailboxes[mailbox.address] = mailbox

    def delete(self, address: str) -> None:
        self.mailboxes.pop(address.lower(), None)
        self.progress.pop(address.lower(), None)

    def get_progress(self, address: str) -> dict[str, Any]:
        return copy.deepcopy(self.progress.get(address.lower(), {}))

    def put_progress(self, address: str, state: dict[str, Any]) -> None:
        self.progress[address.lower()] = copy.deepcopy(state)

    def progress_of(self, addresses: list[str]) -> dict[str, dict[str, Any]]:
        return {a: self.get_progress(a) for a in addresses}


class InMemorySubscriptionRepository:
    def __init__(self) -> None:
        self.rows: dict[str, SubscriptionRecord] = {}
        self.leases: dict[str, tuple[datetime, str]] = {}  # name -> (held until, etag)

    def get(self, subscription_id: str) -> SubscriptionRecord | None:
        return self.rows.get(subscription_id)

    def all(self) -> list[SubscriptionRecord]:
        return [self.rows[k] for k in sorted(self.rows)]

    def for_mailbox(self, mailbox: str) -> list[SubscriptionRecord]:
        return [s for s in self.all() if s.mailbox == mailbox.lower()]

    def put(self, record: SubscriptionRecord) -> None:
        self.rows[record.id] = replace(record, etag=_etag())

    def replace_if(self, record: SubscriptionRecord, etag: str) -> bool:
        current = self.rows.get(record.id)
        if current is None or current.etag != etag:
            return False
        self.put(record)
        return True

    def delete(self, subscription_id: str) -> None:
        self.rows.pop(subscription_id, None)

    def take_lease(self, name: str, now: datetime, until: datetime) -> str | None:
        held = self.leases.get(name)
        if held is not None and held[0] > now:
            return None
        self.leases[name] = (until, _etag())
        return self.leases[name][1]

    def release_lease(self, name: str, etag: str, now: datetime) -> None:
        if name in self.leases and self.leases[name][1] == etag:
            self.leases[name] = (now, _etag())


class InMemoryDeltaTokenRepository:
    def __init__(self, clock: Clock | None = None) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self._clock = clock or Clock()  # the table's UpdatedAt is the writer's clock

    def get(self, mailbox: str, folder: str) -> tuple[str | None, str]:
        row = self.rows.get((mailbox, folder))
        return (row["DeltaLink"] or None, row["etag"]) if row else (None, "")

    def put(self, mailbox: str, folder: str, delta_link: str, etag: str, note: str = "") -> str | None:
        row = self.rows.get((mailbox, folder))
        if (row is None) != (not etag) or (row is not None and row["etag"] != etag):
            return None
        new = _etag()
        self.rows[(mailbox, folder)] = {"DeltaLink": delta_link, "Note": note, "UpdatedAt": self._clock.now(),
                                        "etag": new}
        return new

    def get_row(self, mailbox: str, folder: str) -> dict[str, Any] | None:
        row = self.rows.get((mailbox, folder))
        return dict(row) if row else None

    def rows_of(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
        return {key: dict(self.rows[key]) for key in keys if key in self.rows}

    def delete_mailbox(self, mailbox: str) -> None:
        for key in [k for k in self.rows if k[0] == mailbox]:
            del self.rows[key]


@dataclass
class _LedgerRow:
    status: str  # pending -> (written ->) done
    owner: str
    claimed_at: datetime
    etag: str = field(default_factory=_etag)
    record_id: str = ""
    kind: str = ""
    pending: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


class InMemoryCaptureLedger:
    def __init__(self, lease: timedelta = timedelta(seconds=90)) -> None:
        self.rows: dict[tuple[str, str], _LedgerRow] = {}
        self._lease = lease

    def claim(self, key: str, contact_id: str, owner: str, now: datetime) -> Claim:
        row = self.rows.get((key, contact_id))
        if row is None:
            row = self.rows[(key, contact_id)] = _LedgerRow("pending", owner, now)
            return Claim(ClaimState.NEW, row.etag)
        if row.status in ("done", "erased"):
            return Claim(ClaimState.DONE, row.etag, row.record_id)
        if row.owner != owner and now - row.claimed_at < self._lease:
            return Claim(ClaimState.BUSY)
        if row.status == "written":
            row.owner, row.claimed_at, row.etag = owner, now, _etag()
            return Claim(ClaimState.WRITTEN, row.etag, row.record_id, row.pending)
        row = self.rows[(key, contact_id)] = _LedgerRow("pending", owner, now)
        return Claim(ClaimState.RECOVER, row.etag)

    def complete(self, key: str, contact_id: str, record_id: str, kind: str, now: datetime,
                 pending: tuple[str, ...] = (), owner: str = "") -> None:
        self.rows[(key, contact_id)] = _LedgerRow("written" if pending else "done", owner if pending else "", now,
                                                  record_id=record_id, kind=kind, pending=tuple(pending))

    def step_done(self, key: str, contact_id: str, step: str, file_id: str = "") -> None:
        row = self.rows.get((key, contact_id))
        if row is None:
            return
        row.files += (file_id,) if file_id else ()
        row.pending = tuple(s for s in row.pending if s != step)
        if not row.pending:
            row.status, row.owner = "done", ""
        row.etag = _etag()

    def abandon(self, key: str, contact_id: str) -> None:
        row = self.rows.get((key, contact_id))
        if row is not None:
            row.owner, row.claimed_at, row.etag = "", datetime(2000, 1, 1, tzinfo=UTC), _etag()

    def release(self, key: str, contact_id: str) -> None:
        self.rows.pop((key, contact_id), None)

    def records_for(self, key: str) -> dict[str, str]:
        return {c: r.record_id for (k, c), r in self.rows.items() if k == key and r.status in ("done", "written")}

    def written_for(self, contact_id: str) -> list[LedgerEntry]:
        return [LedgerEntry(k, c, r.record_id, r.kind, r.status, r.files) for (k, c), r in self.rows.items()
                if c == contact_id and r.status in ("done", "written", "erased") and r.record_id]

    def mark_erased(self, key: str, contact_id: str, who: str, now: datetime) -> None:
        row = self.rows[(key, contact_id)]
        row.status, row.owner, row.pending, row.etag = "erased", "", (), _etag()


class InMemoryDecisionLog:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}  # entry id ("mailbox/row key") -> entry, as the Table keys it

    @property
    def entries(self) -> list[dict[str, Any]]:
        return list(self.rows.values())

    def write(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            inverted = 10**13 - int(entry["at"].timestamp() * 1000)
            entry_id = f"{entry['mailbox']}/{inverted:013d}-{entry['key'][:16]}-{entry.get('contact_id') or '-'}"
            self.rows[entry_id] = copy.deepcopy(entry) | {"entry_id": entry_id}  # same row: replaced

    def search(self, *, mailbox: str | None = None, internet_message_id: str | None = None,
               contact_id: str | None = None, outcome: str | None = None, reason: str | None = None,
               since: datetime | None = None, until: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
        wanted = {"mailbox": mailbox.lower() if mailbox is not None else None,
                  "internet_message_id": internet_message_id, "contact_id": contact_id, "outcome": outcome,
                  "reason": reason}
        found = [self.rows[k] for k in sorted(self.rows)
                 if all(v is None or self.rows[k].get(k2) == v for k2, v in wanted.items())
                 and (since is None or self.rows[k]["at"] >= since) and (until is None or self.rows[k]["at"] <= until)]
        return sorted((dict(e) for e in found[:limit]), key=lambda e: e["at"], reverse=True)

    def purge_expired(self, now: datetime) -> int:
        expired = [k for k, e in self.rows.items() if e["expires_at"] < now]
        for key in expired:
            del self.rows[key]
        return len(expired)


class InMemoryCounters:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}

    def get(self, name: str, scope: str) -> int:
        return int(self.rows.get((name, scope), {}).get("Count", 0))

    def incr(self, name: str, scope: str, by: int = 1, **extra: Any) -> int:
        row = self.rows.setdefault((name, scope), {})
        row.update(extra)
        row["Count"] = int(row.get("Count", 0)) + by
        return int(row["Count"])

    def touch(self, name: str, scope: str, **fields: Any) -> None:
        self.rows.setdefault((name, scope), {}).update(fields)

    def scope(self, name: str) -> dict[str, dict[str, Any]]:
        return {s: dict(row) for (n, s), row in self.rows.items() if n == name}

    def counts(self, name: str, scopes: list[str]) -> dict[str, int]:
        return {s: self.get(name, s) for s in scopes}


class InMemoryContactCache:
    def __init__(self, counters: InMemoryCounters) -> None:
        self.rows: dict[tuple[int, str], tuple[datetime, tuple[ContactRef, ...]]] = {}
        self._counters = counters

    def _generation(self) -> int:
        return self._counters.get("contact-cache", "generation")

    def get(self, email: str, ttl: timedelta, now: datetime) -> tuple[ContactRef, ...] | None:
        hit = self.rows.get((self._generation(), email))
        return None if hit is None or now - hit[0] > ttl else hit[1]

    def put(self, email: str, contacts: tuple[ContactRef, ...], now: datetime) -> None:
        self.rows[(self._generation(), email)] = (now, contacts)

    def purge(self) -> int:
        return self._counters.incr("contact-cache", "generation")


class InMemoryThreadIndex:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, ContactRef]] = {}
        self.writes = 0  # add_many calls

    def contacts_for(self, keys: list[str]) -> tuple[ContactRef, ...]:
        found: dict[str, ContactRef] = {}
        for key in keys:
            for contact in self.rows.get(key, {}).values():
                found.setdefault(contact.id, ContactRef(contact.id, contact.name))
        return tuple(found.values())

    def add(self, keys: list[str], contacts: tuple[ContactRef, ...]) -> None:
        for key in keys:
            for contact in contacts:
                self.rows.setdefault(key, {})[contact.id] = contact

    def add_many(self, links: list[tuple[list[str], tuple[ContactRef, ...]]]) -> None:
        self.writes += 1
        for keys, contacts in links:
            self.add(keys, contacts)

    def forget_contact(self, contact_id: str) -> int:
        gone = [key for key, contacts in self.rows.items() if contacts.pop(contact_id, None) is not None]
        self.rows = {key: contacts for key, contacts in self.rows.items() if contacts}
        return len(gone)

    def move_former_rows(self, limit: int) -> int:
        return 0  # one layout in memory


class InMemoryLimitStore:
    """Slots leased until a deadline on the monotonic clock, and sub-window counters, like the Azure store
    (``shared.adapters.limit_store``); ``failing`` makes every call raise, as storage that is down."""

    RING = 128

    def __init__(self) -> None:
        self._leases: dict[tuple[str, int], tuple[str, float]] = {}
        self._parts: dict[tuple[str, int], tuple[int, int]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.failing = False
        self.calls = 0

    def _call(self) -> None:
        self.calls += 1
        if self.failing:
            raise ConnectionError("limit store unavailable")

    def try_slot(self, name: str, slot: int, hold_s: int) -> str | None:
        with self._lock:
            self._call()
            held = self._leases.get((name, slot))
            if held is not None and held[1] > time.monotonic():
                return None
            lease = f"lease-{next(self._ids)}"
            self._leases[(name, slot)] = (lease, time.monotonic() + hold_s)
            return lease

    def free_slot(self, name: str, slot: int, lease: str) -> None:
        with self._lock:
            self._call()
            held = self._leases.get((name, slot))
            if held is None or held[0] != lease:
                raise ValueError("the lease id does not match the blob's lease")  # 409 LeaseIdMismatch
            del self._leases[(name, slot)]

    def take(self, name: str, part: int, cap: int, want: int) -> int:
        with self._lock:
            self._call()
            row_part, used = self._parts.get((name, part % self.RING), (part, 0))
            if row_part > part:
                return 0
            used = used if row_part == part else 0
            granted = max(0, min(want, cap - used))
            self._parts[(name, part % self.RING)] = (part, used + granted)
            return granted


class InMemoryBlobStore:
    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put_eml(self, name: str, data: bytes) -> str:
        self.blobs[name] = data
        return name

    def delete_eml(self, name: str) -> bool:
        return self.blobs.pop(name, None) is not None


@dataclass
class QueuedMessage:
    id: str
    payload: dict[str, Any]
    visible_at: datetime
    dequeue_count: int = 0


class InMemoryQueue:
    """Payloads in order; a visibility timeout (in clock time) hides one until then. ``receive``/``retry`` let
    tests play the Functions host (dequeue counts, poison) without being part of the port."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.messages: list[QueuedMessage] = []
        self._clock = clock or Clock()
        self._ids = itertools.count(1)

    def send(self, payloads: Iterable[dict[str, Any]], visibility_timeout: int | None = None) -> None:
        at = self._clock.now() + timedelta(seconds=visibility_timeout or 0)
        self.messages += [QueuedMessage(f"q{next(self._ids)}", copy.deepcopy(p), at) for p in payloads]

    def depth(self) -> int:
        return len(self.messages)

    def drain(self, limit: int = 32) -> list[dict[str, Any]]:
        taken = [m for m in self.messages if m.visible_at <= self._clock.now()][:min(limit, 32)]
        self.messages = [m for m in self.messages if m not in taken]
        return [m.payload for m in taken]

    def receive(self) -> QueuedMessage | None:
        message = next((m for m in self.messages if m.visible_at <= self._clock.now()), None)
        if message is not None:
            self.messages.remove(message)
            message.dequeue_count += 1
        return message

    def retry(self, message: QueuedMessage) -> None:
        self.messages.append(message)

    def next_visible_at(self) -> datetime | None:
        return min((m.visible_at for m in self.messages), default=None)

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [m.payload for m in self.messages]


# -- Graph and the CRM ---------------------------------------------------------------------------------------
class FakeGraph:
    """Mailboxes of ``FetchedMessage``s; ``failures[operation]`` is raised (once each) by the next such call."""

    def __init__(self, clock: Clock) -> None:
        self.messages: dict[tuple[str, str], FetchedMessage] = {}
        self.folders: dict[tuple[str, str], list[tuple[str, datetime]]] = {}  # (mailbox, folder) -> ids
        self.subscriptions: dict[str, GraphSubscription] = {}
        self.failures: dict[str, list[Exception]] = {}
        self.calls: list[str] = []
        self.expired_links: set[str] = set()
        self.tree: dict[tuple[str, str | None], list[MailFolderInfo]] = {}  # (mailbox, parent) -> one level
        self.missing_well_known: set[str] = set()  # well-known folders the mailboxes lack
        self._clock, self._ids = clock, itertools.count(1)

    @staticmethod
    def folder_ref_id(folder: str) -> str:
        """The parentFolderId a message in ``folder`` carries: well-known names have fixed fake ids."""
        return f"id-{folder}" if folder in {f.value for f in Folder} else folder

    def _level(self, mailbox: str, parent: str | None) -> list[MailFolderInfo]:
        """One level of the tree; the top level starts with the well-known folders a mailbox has."""
        if (mailbox, parent) not in self.tree and parent is None:
            self.tree[(mailbox, None)] = [MailFolderInfo(self.folder_ref_id(f.value), f.value.title())
                                          for f in PLACED if f.value not in self.missing_well_known]
        return self.tree.setdefault((mailbox, parent), [])

    def add_folder(self, mailbox: str, name: str, parent: str | None = None) -> str:
        """A user folder (under ``parent``'s id, or at the top level); returns its id."""
        folder_id = f"folder-{next(self._ids)}"
        self._level(mailbox, None)
        self._level(mailbox, parent).append(MailFolderInfo(folder_id, name))
        for level in self.tree.values():
            level[:] = [replace(f, child_count=f.child_count + 1) if f.id == parent else f for f in level]
        return folder_id

    def list_folders(self, mailbox: str, parent: str | None) -> list[MailFolderInfo]:
        self._call("list_folders")
        return list(self._level(mailbox, parent))

    def folder_id(self, mailbox: str, well_known: str) -> str:
        self._call("folder_id")
        if well_known in self.missing_well_known:
            raise ResourceNotFound("Graph answered 404 ErrorItemNotFound")
        return self.folder_ref_id(well_known)

    def move(self, mailbox: str, message_id: str, folder: str) -> None:
        """The message is now in ``folder`` (what a rule or its owner did after it was announced)."""
        fetched = self.messages[(mailbox, message_id)]
        self.messages[(mailbox, message_id)] = replace(
            fetched, message=replace(fetched.message, folder_id=self.folder_ref_id(folder)))

    def deliver(self, mailbox: str, folder: str, fetched: FetchedMessage) -> str:
        fetched = replace(fetched, message=replace(fetched.message, folder_id=self.folder_ref_id(folder)))
        self.messages[(mailbox, fetched.message.id)] = fetched
        received = fetched.message.received_at or self._clock.now()
        self.folders.setdefault((mailbox, folder), []).append((fetched.message.id, received))
        return fetched.message.id

    def _call(self, operation: str) -> None:
        self.calls.append(operation)
        pending = self.failures.get(operation)
        if pending:
            raise pending.pop(0)

    def get_message(self, mailbox: str, message_id: str, spec: FetchSpec) -> FetchedMessage:
        self._call("get_message")
        fetched = self.messages.get((mailbox, message_id))
        if fetched is None:
            raise MessageNotFound("Graph answered 404 ErrorItemNotFound")
        message = replace(fetched.message, folder=spec.folder)
        if not spec.unique_body:  # uniqueBody is returned only when $select names it
            message = replace(message, unique_body_text="", unique_body_html="")
        if not spec.html_body and message.body_html:  # Prefer: outlook.body-content-type="text"
            message = replace(message, body_text=message.body_text or message.body_html, body_html="")
        if not spec.html_body and message.unique_body_html:  # the same preference governs uniqueBody
            message = replace(message, unique_body_text=message.unique_body_text or message.unique_body_html,
                              unique_body_html="")
        return FetchedMessage(message, fetched.files if spec.with_attachments else ())

    def get_mime(self, mailbox: str, message_id: str) -> bytes:
        self._call("get_mime")
        fetched = self.messages.get((mailbox, message_id))
        if fetched is None:
            raise MessageNotFound("Graph answered 404 ErrorItemNotFound")
        return f"Subject: {fetched.message.subject}\r\n\r\n{fetched.message.body_text}".encode()

    def set_categories(self, mailbox: str, message_id: str, categories: tuple[str, ...]) -> None:
        self._call("set_categories")
        fetched = self.messages.get((mailbox, message_id))
        if fetched is None:
            raise MessageNotFound("Graph answered 404 ErrorItemNotFound")
        self.messages[(mailbox, message_id)] = replace(fetched, message=replace(fetched.message,
                                                                                categories=categories))

    def check_mailbox(self, mailbox: str) -> str:
        self._call("check_mailbox")
        return f"inbox-of-{mailbox}"

    def create_subscription(self, resource: str, notification_url: str, lifecycle_url: str, client_state: str,
                            expires_at: datetime) -> GraphSubscription:
        self._call("create_subscription")
        created = GraphSubscription(f"sub-{next(self._ids)}", resource, expires_at, client_state)
        self.subscriptions[created.id] = created
        return created

    def list_subscriptions(self) -> list[GraphSubscription]:
        self._call("list_subscriptions")
        return list(self.subscriptions.values())

    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> GraphSubscription:
        self._call("renew_subscription")
        if subscription_id not in self.subscriptions:
            raise SubscriptionNotFound("Graph answered 404 ResourceNotFound")
        renewed = replace(self.subscriptions[subscription_id], expires_at=expires_at)
        self.subscriptions[subscription_id] = renewed
        return renewed

    def reauthorize_subscription(self, subscription_id: str) -> None:
        self._call("reauthorize_subscription")
        if subscription_id not in self.subscriptions:
            raise SubscriptionNotFound("Graph answered 404 ResourceNotFound")

    def delete_subscription(self, subscription_id: str) -> None:
        self._call("delete_subscription")
        if self.subscriptions.pop(subscription_id, None) is None:
            raise SubscriptionNotFound("Graph answered 404 ResourceNotFound")

    def delta_page(self, mailbox: str, folder: str, link: str | None, page_size: int) -> DeltaPage:
        """Links are ``delta:<mailbox>:<folder>:<position>``: a page is what arrived after the position."""
        self._call("delta_page")
        if link in self.expired_links:
            raise SyncStateExpired("Graph answered 410 SyncStateNotFound")
        items = self.folders.get((mailbox, folder), [])
        start = int(link.rsplit(":", 1)[1]) if link else 0
        page = items[start:start + page_size]
        end = start + len(page)
        more = end < len(items)
        next_link = f"delta:{mailbox}:{folder}:{end}"
        return DeltaPage(tuple(i for i, _ in page), (), next_link if more else None,
                         None if more else next_link, tuple(at for _, at in page))

    def count_messages_since(self, mailbox: str, folder: str, since: datetime) -> int:
        self._call("count_messages_since")
        return sum(1 for _, at in self.folders.get((mailbox, folder), []) if at >= since)

    def list_messages_since(self, mailbox: str, folder: str, since: datetime, link: str | None,
                            page_size: int) -> tuple[tuple[str, ...], str | None]:
        self._call("list_messages_since")
        listed = self.folders.get((mailbox, folder), []) if folder else [  # "": the whole mailbox
            item for (box, _), items in self.folders.items() if box == mailbox for item in items]
        ids = [i for i, at in reversed(listed) if at >= since]
        start = int(link) if link else 0
        end = start + page_size
        return tuple(ids[start:end]), (str(end) if end < len(ids) else None)


class FakeCrm:
    """Contacts by address; written records by id. ``crash_after_write`` raises after storing (a worker
    killed between the CRM write and the ledger update); ``failures`` are raised before writing."""

    def __init__(self) -> None:
        self.contacts: dict[str, list[ContactRef]] = {}
        self.organisations: dict[str, list[ContactRef]] = {}
        self.records: dict[str, tuple[CrmRecord, list[CrmFile]]] = {}
        self.files: dict[str, tuple[str, CrmFile]] = {}  # attachment id -> (parent record id, file)
        self.failures: list[Exception] = []
        self.attach_failures: list[Exception] = []
        self.delete_failures: list[Exception] = []
        self.crash_after_write: Exception | None = None
        self.rejected_addresses: set[str] = set()
        self._ids = itertools.count(1000)

    def add_contact(self, email: str, name: str = "", contact_id: str = "") -> ContactRef:
        contact = ContactRef(contact_id or str(next(self._ids)), name)
        self.contacts.setdefault(email.lower(), []).append(contact)
        return contact

    def find_contacts(self, email: str) -> tuple[ContactRef, ...]:
        return tuple(self.contacts.get(email.lower(), ()))

    def find_organisations_by_domain(self, domain: str) -> tuple[ContactRef, ...]:
        return tuple(self.organisations.get(domain.lower(), ()))

    def create_contact(self, email: str, name: str) -> ContactRef:
        if email.lower() in self.rejected_addresses:
            raise CrmRejected("the CRM refused the new contact")
        return self.add_contact(email, name)

    def find_record(self, record: CrmRecord) -> str | None:
        return next((rid for rid, (r, _) in self.records.items()
                     if r.capture_key == record.capture_key and r.contact_id == record.contact_id
                     and r.kind == record.kind), None)

    def write_record(self, record: CrmRecord, files: list[CrmFile]) -> str:
        if self.failures:
            raise self.failures.pop(0)
        record_id = f"{record.kind}-{next(self._ids)}"
        self.records[record_id] = (record, list(files))
        if self.crash_after_write is not None:
            crash, self.crash_after_write = self.crash_after_write, None
            raise crash
        return record_id

    def attach_file(self, record: CrmRecord, record_id: str, file: CrmFile) -> str:
        """Files are separate CRM records (as iMIS Attachments are): ``files`` by id, deleted on their own."""
        if self.attach_failures:
            raise self.attach_failures.pop(0)
        self.records[record_id][1].append(file)
        file_id = f"file-{next(self._ids)}"
        self.files[file_id] = (record_id, file)
        return file_id

    def profile_url(self, contact_id: str, template: str) -> str:
        return template.replace("{id}", contact_id) if template else ""

    def records_for(self, contact_id: str) -> list[CrmRecord]:
        return [r for r, _ in self.records.values() if r.contact_id == contact_id]

    def find_parties_by_domain(self, domain: str) -> tuple[ContactRef, ...]:
        persons = [c for email, found in self.contacts.items() if email.endswith("@" + domain.lower())
                   for c in found]
        return tuple(persons) + tuple(self.organisations.get(domain.lower(), ()))

    def delete_record(self, kind: str, record_id: str) -> bool:
        if self.delete_failures:
            raise self.delete_failures.pop(0)
        if kind == "attachment":  # like iMIS: deleting a record leaves its attachments (no cascade documented)
            return self.files.pop(record_id, None) is not None
        return self.records.pop(record_id, None) is not None


SETTINGS = Settings.from_env({
    "AzureWebJobsStorage": "UseDevelopmentStorage=true", "GRAPH_AUTH_MODE": "static_token",
    "GRAPH_STATIC_TOKEN": "t", "GRAPH_CLIENT_STATE": "s3cret-client-state-0123456789ab",
    "WEBHOOK_BASE_URL": "https://app.example/api", "IMIS_BASE_URL": "https://imis.example",
    "IMIS_USERNAME": "u", "IMIS_PASSWORD": "p"})


def fake_services(settings: Settings = SETTINGS, now: datetime | None = None) -> Services:
    clock = Clock(now or datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    counters = InMemoryCounters()
    return Services(
        settings=settings, graph=FakeGraph(clock), crm=FakeCrm(), queue=InMemoryQueue(clock),
        poison_queue=InMemoryQueue(clock), bulk_queue=InMemoryQueue(clock), bulk_poison_queue=InMemoryQueue(clock),
        options=InMemoryOptionsRepository(),
        mailboxes=InMemoryMailboxRepository(), subscriptions=InMemorySubscriptionRepository(),
        delta_tokens=InMemoryDeltaTokenRepository(clock), ledger=InMemoryCaptureLedger(),
        decisions=InMemoryDecisionLog(), contact_cache=InMemoryContactCache(counters),
        threads=InMemoryThreadIndex(), counters=counters, stats=InMemoryOutcomeStats(), parse_mime=message_from_mime,
        clock=clock,
        blobs=InMemoryBlobStore())
