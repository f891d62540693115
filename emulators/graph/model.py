"""What the emulated Exchange store holds: mailboxes, folders, messages, attachments, tombstones.

Every change bumps the mailbox's sequence number; messages remember when they last changed and when
they entered their folder, and leaving a folder (move or delete) leaves a tombstone. Delta queries
and change notifications are computed from these three facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from emulators.graph import ids

WELL_KNOWN_FOLDERS: dict[str, str] = {
    "inbox": "Inbox",
    "sentitems": "Sent Items",
    "drafts": "Drafts",
    "deleteditems": "Deleted Items",
    "junkemail": "Junk Email",
    "archive": "Archive",
    "outbox": "Outbox",
    "conversationhistory": "Conversation History",
}


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    name: str = ""


@dataclass(slots=True)
class Attachment:
    name: str
    content_type: str
    content: bytes
    is_inline: bool = False
    content_id: str | None = None
    id: str = field(default_factory=ids.attachment_id)


@dataclass(slots=True)
class Message:
    received: datetime
    sent: datetime
    internet_message_id: str
    conversation_id: str
    subject: str = ""
    body_html: str | None = None
    body_text: str | None = None
    sender: Recipient | None = None
    from_: Recipient | None = None
    to: list[Recipient] = field(default_factory=list)
    cc: list[Recipient] = field(default_factory=list)
    bcc: list[Recipient] = field(default_factory=list)
    reply_to: list[Recipient] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    message_class: str = "IPM.Note"
    importance: str = "normal"
    inference: str = "focused"
    is_read: bool = False
    is_draft: bool = False
    categories: list[str] = field(default_factory=list)
    raw_mime: bytes | None = None
    id: str = field(default_factory=ids.message_id)  # immutable: the store's key
    rest_id: str = field(default_factory=ids.rest_message_id)  # default id: changes on every move
    change_key: str = field(default_factory=ids.change_key)
    folder_id: str = ""
    created: datetime | None = None
    modified: datetime | None = None
    changed_seq: int = 0  # last create/update/move-in
    entered_seq: int = 0  # when it entered its current folder
    text_cache: str | None = None
    unique_body: tuple[str, str] | None = None  # (contentType, content) given at delivery as uniqueBody

    def id_for(self, immutable: bool) -> str:
        """The id a response carries: immutable only when the request sent ``Prefer: IdType="ImmutableId"``."""
        return self.id if immutable else self.rest_id

    @property
    def has_attachments(self) -> bool:
        # Graph's hasAttachments ignores inline attachments.
        return any(not a.is_inline for a in self.attachments)

    def touch(self, seq: int, now: datetime) -> None:
        self.changed_seq = seq
        self.modified = now
        self.change_key = ids.change_key()


@dataclass(slots=True)
class Folder:
    id: str
    display_name: str
    parent_id: str
    well_known: str | None = None
    is_hidden: bool = False


@dataclass(frozen=True, slots=True)
class Tombstone:
    seq: int
    message_id: str  # immutable
    folder_id: str
    rest_id: str = ""  # the default id the message had when it left the folder

    def id_for(self, immutable: bool) -> str:
        return self.message_id if immutable or not self.rest_id else self.rest_id


@dataclass(slots=True)
class Mailbox:
    address: str
    display_name: str
    id: str = field(default_factory=ids.new_guid)
    root_id: str = field(default_factory=ids.folder_id)
    folders: dict[str, Folder] = field(default_factory=dict)
    messages: dict[str, Message] = field(default_factory=dict)
    rest_ids: dict[str, str] = field(default_factory=dict)  # current default id -> immutable id
    tombstones: list[Tombstone] = field(default_factory=list)
    seq: int = 0
    delta_generation: int = 0

    def __post_init__(self) -> None:
        for name, display in WELL_KNOWN_FOLDERS.items():
            self.add_folder(display, well_known=name)

    def add_folder(self, display_name: str, well_known: str | None = None, parent_id: str | None = None,
                   hidden: bool = False) -> Folder:
        folder = Folder(ids.folder_id(), display_name, parent_id or self.root_id, well_known, hidden)
        self.folders[folder.id] = folder
        return folder

    def folder(self, ref: str) -> Folder | None:
        """Control API: a folder by id, well-known name or display name (names case-insensitive)."""
        found = self.graph_folder(ref)
        if found is not None:
            return found
        return next((f for f in self.folders.values() if f.display_name.lower() == ref.lower()), None)

    def graph_folder(self, ref: str) -> Folder | None:
        """What Graph accepts in a path: a folder id or a well-known folder name, never a display name
        (api-reference/v1.0/api/mailfolder-get.md: "{id}" is the folder id or a well-known folder name,
        resources/mailfolder.md lists the names; docs spell them Inbox and inbox alike)."""
        if ref in self.folders:
            return self.folders[ref]
        wanted = ref.lower()
        return next((f for f in self.folders.values() if f.well_known is not None and f.well_known == wanted), None)

    def children(self, parent_id: str, hidden: bool = False) -> list[Folder]:
        return [f for f in self.folders.values() if f.parent_id == parent_id and (hidden or not f.is_hidden)]

    def lookup(self, message_id: str) -> Message | None:
        """A message by either of its current ids (ids are case-sensitive: outlook-immutable-id.md). A default
        id from before a move no longer resolves, as in Exchange."""
        return self.messages.get(message_id) or self.messages.get(self.rest_ids.get(message_id, ""))

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def in_folder(self, folder_id: str) -> list[Message]:
        return [m for m in self.messages.values() if m.folder_id == folder_id]
