"""The message model every rule decides on.

A Graph message (JSON) and a MIME message (.eml) both convert into ``MailMessage``, so the webhook path
and ``python -m shared.explain`` decide alike. Values only: no I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Folder(StrEnum):
    """Graph well-known folder names; OTHER for any user folder. Two stand for a mailbox's own choice:
    CAPTURE is the mailbox's capture folder (its Graph id is on the mailbox row, never in a queue message) and
    MAILBOX the whole mailbox (one subscription on /users/{id}/messages; each message's real folder comes from
    its parentFolderId)."""

    INBOX = "inbox"
    SENT_ITEMS = "sentitems"
    DRAFTS = "drafts"
    DELETED_ITEMS = "deleteditems"
    JUNK_EMAIL = "junkemail"
    ARCHIVE = "archive"
    OUTBOX = "outbox"
    CONVERSATION_HISTORY = "conversationhistory"
    OTHER = "other"
    CAPTURE = "capture"
    MAILBOX = "mailbox"
    NEVER_CAPTURE = "nevercapture"  # a folder named in the options' never_capture_folders

    @classmethod
    def parse(cls, value: str | None) -> Folder:
        """A queued or logged folder name; an unknown one is a user folder (OTHER), never an error."""
        try:
            return cls((value or cls.INBOX.value).lower())
        except ValueError:
            return cls.OTHER


class Direction(StrEnum):
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"


@dataclass(frozen=True, slots=True)
class Address:
    email: str  # lower-cased; may be "" for a display name with no address
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2] if "@" in self.email else ""

    @property
    def local_part(self) -> str:
        return self.email.rpartition("@")[0]

    def display(self) -> str:
        return f"{self.name} <{self.email}>" if self.name and self.name != self.email else self.email


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    name: str
    size: int
    content_type: str = "application/octet-stream"
    is_inline: bool = False
    id: str = ""


@dataclass(frozen=True, slots=True)
class AttachmentContent:
    """An attached file with its bytes, as fetched: the candidates to store with the CRM record."""

    name: str
    content_type: str
    data: bytes
    is_inline: bool = False


@dataclass(frozen=True, slots=True)
class MailMessage:
    """One email as seen in one mailbox folder. Header names in ``headers`` keep their case;
    use ``header()`` to look one up case-insensitively."""

    id: str = ""  # Graph (immutable) id; "" when parsed from MIME
    internet_message_id: str = ""
    conversation_id: str = ""
    subject: str = ""
    sender: Address | None = None
    from_: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    reply_to: tuple[Address, ...] = ()
    sent_at: datetime | None = None
    received_at: datetime | None = None
    is_draft: bool = False
    is_read_receipt_requested: bool = False
    folder: Folder = Folder.INBOX
    folder_id: str = ""  # Graph's parentFolderId (opaque); "" from MIME
    headers: tuple[tuple[str, str], ...] = ()
    message_class: str = ""  # MAPI PidTagMessageClass, e.g. IPM.Note, REPORT.IPM.Note.NDR; "" if unknown
    categories: tuple[str, ...] = ()  # Outlook categories (Graph outlookItem.categories); () from MIME
    sensitivity: str = ""  # MAPI PidTagSensitivity: normal/personal/private/confidential; "" if not read
    content_type: str = ""  # top-level MIME type, lower-case, e.g. multipart/report
    report_type: str = ""  # report-type parameter of multipart/report, e.g. delivery-status
    part_types: tuple[str, ...] = ()  # MIME types of all parts, lower-case (message/delivery-status…)
    body_text: str = ""
    body_html: str = ""
    # Graph's uniqueBody (the part unique to this message in its conversation), in the body's form; "" when not
    # asked for or not given (MIME has none)
    unique_body_text: str = ""
    unique_body_html: str = ""
    attachments: tuple[AttachmentInfo, ...] = ()
    has_attachments: bool = False
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def header_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    @property
    def author(self) -> Address | None:
        """The From address, falling back to Sender (Graph sets both; MIME may have only From)."""
        return self.from_ or self.sender

    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc + self.bcc

    def participants(self) -> tuple[Address, ...]:
        """From, To, Cc and Bcc without repeats, in that order."""
        seen: set[str] = set()
        out: list[Address] = []
        for addr in ((self.author,) if self.author else ()) + self.recipients():
            if addr.email and addr.email not in seen:
                seen.add(addr.email)
                out.append(addr)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class MailFolderInfo:
    """One Graph mailFolder as listed: enough to find a folder by name and walk the tree."""

    id: str
    display_name: str
    child_count: int = 0


# Never captured wherever they sit (whole-mailbox capture excludes them by parentFolderId).
EXCLUDED_FOLDERS = frozenset({Folder.DRAFTS, Folder.DELETED_ITEMS, Folder.JUNK_EMAIL, Folder.OUTBOX,
                              Folder.CONVERSATION_HISTORY, Folder.NEVER_CAPTURE})


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    """What one fetch of a message returns: the message and, when asked for, its attachments' contents."""

    message: MailMessage
    files: tuple[AttachmentContent, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A capture-ledger row that holds a written record (what erasure lists)."""

    key: str  # the ledger key: capture key + record kind letter
    contact_id: str
    record_id: str
    kind: str
    status: str  # done, written (files pending) or erased
    files: tuple[str, ...] = ()  # the CRM ids of the files attached to the record (separate CRM records)
