"""Ports: what the services need from the outside world. Adapters implement them structurally."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.domain.options import Options


@dataclass(frozen=True, slots=True)
class DeltaPage:
    message_ids: tuple[str, ...]
    removed_ids: tuple[str, ...]
    next_link: str | None  # more pages follow
    delta_link: str | None  # last page: store this for the next round
    received: tuple[datetime | None, ...] = ()  # receivedDateTime of each message id, when Graph gave it

    def received_since(self, since: datetime) -> tuple[str, ...]:
        """Ids received at or after ``since`` (an id without a date is kept: better twice than never)."""
        dates = self.received or (None,) * len(self.message_ids)
        return tuple(i for i, at in zip(self.message_ids, dates, strict=True) if at is None or at >= since)


@dataclass(frozen=True, slots=True)
class GraphSubscription:
    id: str
    resource: str
    expires_at: datetime
    client_state: str = ""


@dataclass(frozen=True, slots=True)
class FetchSpec:
    """What one message fetch must return: the body form and optional extras."""

    html_body: bool = False
    with_attachments: bool = False


class GraphClient(Protocol):
    def get_message(self, mailbox: str, message_id: str, spec: FetchSpec) -> dict[str, Any]: ...
    def get_mime(self, mailbox: str, message_id: str) -> bytes: ...
    def check_mailbox(self, mailbox: str) -> str: ...
    def create_subscription(self, resource: str, notification_url: str, lifecycle_url: str, client_state: str,
                            expires_at: datetime) -> GraphSubscription: ...
    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> GraphSubscription: ...
    def list_subscriptions(self) -> list[GraphSubscription]: ...
    def reauthorize_subscription(self, subscription_id: str) -> None: ...
    def delete_subscription(self, subscription_id: str) -> None: ...
    def delta_page(self, mailbox: str, folder: str, link: str | None, page_size: int) -> DeltaPage: ...
    def list_messages_since(self, mailbox: str, folder: str, since: datetime, link: str | None,
                            page_size: int) -> tuple[tuple[str, ...], str | None]: ...


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
    def profile_url(self, contact_id: str, template: str) -> str: ...


class MessageQueue(Protocol):
    def send(self, payloads: Iterable[dict[str, Any]]) -> None: ...
    def depth(self) -> int: ...


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


class ClaimState(StrEnum):
    NEW = "new"  # nobody wrote this (message, contact) yet: write it
    DONE = "done"  # already written: record_id says where
    BUSY = "busy"  # another invocation holds a live claim: retry later
    RECOVER = "recover"  # a claim was left pending (crash): check the CRM before writing


@dataclass(frozen=True, slots=True)
class Claim:
    state: ClaimState
    etag: str = ""
    record_id: str = ""


class Clock:
    """Injected time source; tests move it forward instead of sleeping."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed
        self.offset = timedelta()

    def now(self) -> datetime:
        return (self.fixed or datetime.now(UTC)) + self.offset


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
