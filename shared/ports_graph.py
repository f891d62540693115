"""The Graph port: what the services need from Microsoft Graph (``shared.adapters.graph`` implements it).

In ``folder`` arguments a folder is named as Graph names it in a path: a well-known name (inbox, sentitems…) or
a folder id; "" in the list calls means the whole mailbox (``/users/{id}/messages``; delta is per folder only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.model import FetchedMessage, Folder, MailFolderInfo, MailMessage


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
    unique_body: bool = False  # also Graph's uniqueBody (returned only when $select names it)
    folder: Folder = Folder.INBOX  # where the message was announced (Graph's JSON names no well-known folder)


# Parses a MIME message (.eml) as found in ``folder``; raises UnparseableMessage saying what is wrong.
MimeParser = Callable[[bytes, Folder], MailMessage]


class GraphClient(Protocol):
    def get_message(self, mailbox: str, message_id: str, spec: FetchSpec) -> FetchedMessage: ...
    def get_mime(self, mailbox: str, message_id: str) -> bytes: ...
    def check_mailbox(self, mailbox: str) -> str: ...
    def set_categories(self, mailbox: str, message_id: str, categories: tuple[str, ...]) -> None: ...
    def create_subscription(self, resource: str, notification_url: str, lifecycle_url: str, client_state: str,
                            expires_at: datetime) -> GraphSubscription: ...
    def renew_subscription(self, subscription_id: str, expires_at: datetime) -> GraphSubscription: ...
    def list_subscriptions(self) -> list[GraphSubscription]: ...
    def reauthorize_subscription(self, subscription_id: str) -> None: ...
    def delete_subscription(self, subscription_id: str) -> None: ...
    def delta_page(self, mailbox: str, folder: str, link: str | None, page_size: int) -> DeltaPage: ...
    def count_messages_since(self, mailbox: str, folder: str, since: datetime) -> int: ...
    def list_messages_since(self, mailbox: str, folder: str, since: datetime, link: str | None,
                            page_size: int) -> tuple[tuple[str, ...], str | None]: ...
    # Folders: one level of the tree (``parent`` None: the top level, under msgfolderroot), every page; and the
    # id of a well-known folder (ResourceNotFound when the mailbox has none, e.g. no Conversation History).
    def list_folders(self, mailbox: str, parent: str | None) -> list[MailFolderInfo]: ...
    def folder_id(self, mailbox: str, well_known: str) -> str: ...
