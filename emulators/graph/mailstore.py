"""The emulated Exchange store: mailboxes by id or address, and the operations that change mail.

Each operation records what delta queries need (sequence numbers, tombstones) and tells listeners
(the notifier) what happened, so change notifications and delta stay consistent by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulators.graph import ids
from emulators.graph.clock import Clock
from emulators.graph.errors import GraphError, bad_request, not_found
from emulators.graph.model import Folder, Mailbox, Message, Tombstone


@dataclass(frozen=True, slots=True)
class StoreEvent:
    kind: str  # created | updated | deleted | moved
    mailbox: Mailbox
    message: Message
    folder_id: str  # where it happened (for moved: the destination)
    source_folder_id: str | None = None  # for moved
    previous_rest_id: str | None = None  # for moved: the default id the message had in the source folder


Listener = Callable[[StoreEvent], None]
_PATCHABLE = {"isRead": "is_read", "subject": "subject", "importance": "importance", "categories": "categories",
              "inferenceClassification": "inference"}


class MailStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.mailboxes: dict[str, Mailbox] = {}
        self._by_address: dict[str, str] = {}
        self.listeners: list[Listener] = []

    def create_mailbox(self, address: str, display_name: str = "") -> tuple[Mailbox, bool]:
        """The mailbox for ``address``, and whether it was created now."""
        existing = self._by_address.get(address.lower())
        if existing:
            return self.mailboxes[existing], False
        if "@" not in address:
            raise bad_request("address must be an email address")
        mailbox = Mailbox(address=address, display_name=display_name or address.split("@")[0])
        self.mailboxes[mailbox.id] = mailbox
        self._by_address[address.lower()] = mailbox.id
        return mailbox, True

    def find(self, ref: str) -> Mailbox | None:
        return self.mailboxes.get(ref.lower()) or self.mailboxes.get(self._by_address.get(ref.lower(), ""))

    def resolve(self, ref: str) -> Mailbox:
        mailbox = self.find(ref)
        if mailbox is None:
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{ref}' is invalid.")
        return mailbox

    @staticmethod
    def folder(mailbox: Mailbox, ref: str) -> Folder:
        """Control API lookup (display names too)."""
        folder = mailbox.folder(ref)
        if folder is None:
            raise not_found()
        return folder

    @staticmethod
    def graph_folder(mailbox: Mailbox, ref: str) -> Folder:
        """A folder named in a Graph path or body: an id or a well-known name. Anything else is Exchange's
        ErrorItemNotFound 404 (concepts/errors.md; the same answer as for a message that is not there)."""
        folder = mailbox.graph_folder(ref)
        if folder is None:
            raise not_found()
        return folder

    @staticmethod
    def message(mailbox: Mailbox, message_id: str, folder_ref: str | None = None) -> Message:
        message = mailbox.lookup(message_id)
        wrong_folder = folder_ref is not None and message is not None and (
            MailStore.graph_folder(mailbox, folder_ref).id != message.folder_id)
        if message is None or wrong_folder:
            raise not_found()
        return message

    def _emit(self, event: StoreEvent) -> None:
        for listener in self.listeners:
            listener(event)

    def deliver(self, mailbox: Mailbox, message: Message, folder_ref: str = "inbox", notify: bool = True) -> Message:
        folder = self.folder(mailbox, folder_ref)
        seq, now = mailbox.next_seq(), self.clock.now()
        message.folder_id, message.entered_seq, message.created = folder.id, seq, now
        message.touch(seq, now)
        mailbox.messages[message.id] = message
        mailbox.rest_ids[message.rest_id] = message.id
        if notify:
            self._emit(StoreEvent("created", mailbox, message, folder.id))
        return message

    def update(self, mailbox: Mailbox, message: Message, changes: dict[str, Any]) -> Message:
        changes = {k: v for k, v in changes.items() if not k.startswith("@odata.")}  # SDKs send @odata.type
        unknown = sorted(set(changes) - set(_PATCHABLE))
        if unknown:
            raise bad_request(f"Property '{unknown[0]}' cannot be updated here.", code="ErrorInvalidProperty")
        for key, value in changes.items():
            setattr(message, _PATCHABLE[key], value)
        message.touch(mailbox.next_seq(), self.clock.now())
        self._emit(StoreEvent("updated", mailbox, message, message.folder_id))
        return message

    def move(self, mailbox: Mailbox, message: Message, folder_ref: str) -> Message:
        target = self.folder(mailbox, folder_ref)
        source = message.folder_id
        if target.id == source:
            return message
        seq, previous = mailbox.next_seq(), message.rest_id
        mailbox.tombstones.append(Tombstone(seq, message.id, source, message.rest_id))
        mailbox.rest_ids.pop(message.rest_id, None)  # "this value changes when the item is moved"
        message.rest_id = ids.rest_message_id()
        mailbox.rest_ids[message.rest_id] = message.id
        message.folder_id, message.entered_seq = target.id, seq
        message.touch(seq, self.clock.now())
        self._emit(StoreEvent("moved", mailbox, message, target.id, source, previous))
        return message

    def delete(self, mailbox: Mailbox, message: Message) -> None:
        mailbox.tombstones.append(Tombstone(mailbox.next_seq(), message.id, message.folder_id, message.rest_id))
        del mailbox.messages[message.id]
        mailbox.rest_ids.pop(message.rest_id, None)
        self._emit(StoreEvent("deleted", mailbox, message, message.folder_id))

    @staticmethod
    def _deletable(mailbox: Mailbox, ref: str) -> Folder:
        root = ref.lower() == "msgfolderroot" or ref == mailbox.root_id
        folder = None if root else MailStore.graph_folder(mailbox, ref)  # unknown id: 404 ErrorItemNotFound
        if folder is None or folder.well_known is not None:
            # EWS's ResponseCode for this (learn.microsoft.com/exchange/client-developer/web-service-reference/
            # responsecode): "an attempt is made to delete a distinguished folder". Graph passes Exchange's codes
            # through (concepts/errors.md); the HTTP status Graph pairs with it is not documented: 400 here.
            raise bad_request("Distinguished folders cannot be deleted.", code="ErrorDeleteDistinguishedFolder")
        return folder

    def delete_folder(self, mailbox: Mailbox, ref: str) -> None:
        """DELETE /users/{id}/mailFolders/{id} (api-reference/v1.0/api/mailfolder-delete.md: 204, by id or
        well-known name): the folder, its subfolders and their mail move to Deleted Items, as Outlook does (a
        recoverable delete; ``permanentDelete`` is the separate action that removes a folder). Its id and its
        messages' ids stay: nothing moves out of the folder, so no message is notified or tombstoned."""
        folder = self._deletable(mailbox, ref)
        folder.parent_id = self.graph_folder(mailbox, "deleteditems").id

    def purge_folder(self, mailbox: Mailbox, ref: str) -> None:
        """POST /users/{id}/mailFolders/{id}/permanentDelete (api-reference/v1.0/api/mailfolder-permanentdelete.md:
        204; "Permanently deleted folders are removed from the mailbox"): the folder, its subfolders and their mail
        are gone; each message's deletion is recorded and notified like any other, and the ids no longer resolve."""
        gone = [self._deletable(mailbox, ref)]
        for folder in gone:  # grows while walking: breadth first through the subfolders
            gone += [f for f in mailbox.folders.values() if f.parent_id == folder.id]
        for folder in gone:
            for message in mailbox.in_folder(folder.id):
                self.delete(mailbox, message)
            del mailbox.folders[folder.id]
