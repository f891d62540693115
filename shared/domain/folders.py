"""Which folder a message is in, for the capture folder and whole-mailbox capture (pure).

A capture folder is named by its display name, or by a path from the top of the mailbox such as
``Inbox/CRM`` (Graph lists one level at a time: the top level, then each folder's childFolders). Display
names compare without case, as Outlook shows them; a name holding "/" cannot be named (Outlook allows it,
rare enough to leave out rather than guess at an escape).
"""

from __future__ import annotations

import re

from shared.domain.model import Folder, MailMessage

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The well-known folders whose ids whole-mailbox capture resolves once per mailbox (resources/mailfolder.md).
PLACED = (Folder.INBOX, Folder.SENT_ITEMS, Folder.DRAFTS, Folder.DELETED_ITEMS, Folder.JUNK_EMAIL, Folder.ARCHIVE,
          Folder.OUTBOX, Folder.CONVERSATION_HISTORY)


def folder_path(value: str) -> str:
    """Validator: "" (none) or one or more non-empty names joined by "/"; spaces around names dropped."""
    if _CONTROL.search(value):
        raise ValueError("a folder name cannot hold control characters")
    names = [n.strip() for n in value.split("/")]
    if value.strip() and not all(names):
        raise ValueError("a folder path is names joined by '/', e.g. Inbox/CRM")
    return "/".join(names) if value.strip() else ""


def path_names(path: str) -> list[str]:
    return [n for n in path.split("/") if n]


def same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def place(msg: MailMessage, known: dict[str, Folder], capture_id: str) -> Folder:
    """The folder the message is in, from its parentFolderId: the capture folder, a well-known folder, or OTHER
    (a user folder). A message whose parentFolderId Graph left out keeps the folder it was announced in."""
    if not msg.folder_id:
        return msg.folder
    if capture_id and msg.folder_id == capture_id:
        return Folder.CAPTURE
    return known.get(msg.folder_id, Folder.OTHER)
