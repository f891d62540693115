"""The capture folder and whole-mailbox capture: find folders by name, place each message by its parentFolderId.

Graph names folders by opaque ids (parentFolderId too) or well-known names (resources/mailfolder.md): the capture
folder's id is resolved when the mailbox is saved and kept on its row; the well-known folders' ids once per
mailbox per worker (``deps.caches.folder_ids``), never in module globals.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import replace

from shared.domain.errors import BadRequest, ResourceNotFound
from shared.domain.folders import PLACED, path_names, place, same_name
from shared.domain.mailbox import Mailbox
from shared.domain.model import EXCLUDED_FOLDERS, Folder, MailFolderInfo, MailMessage
from shared.domain.options import Options
from shared.services.deps import Services

logger = logging.getLogger(__name__)
KNOWN_FOLDERS_MAX_AGE_S = 3600.0  # a never-capture folder deleted and made again is seen within the hour
MAX_FOLDERS = 5000  # a walk of the folder tree stops here (a mailbox this size has bigger problems)


class FolderNotFound(BadRequest):
    """The capture folder named for a mailbox is not there (a 400 when an admin saves it)."""


def resolve_capture_folder(address: str, path: str, deps: Services) -> str:
    """The Graph id of the folder at ``path`` ("CRM", "Inbox/CRM"): one listing per level, names without case.
    (Never-capture folders are found the same way.)"""
    parent: str | None = None
    for depth, name in enumerate(path_names(path)):
        found = next((f for f in deps.graph.list_folders(address, parent) if same_name(f.display_name, name)), None)
        if found is None:
            where = "at the top of the mailbox" if depth == 0 else f"in {'/'.join(path_names(path)[:depth])}"
            raise FolderNotFound(f"capture_folder: {address} has no folder named {name!r} {where}")
        parent = found.id
    assert parent is not None
    return parent


def with_capture_folder(mailbox: Mailbox, deps: Services) -> Mailbox:
    """The mailbox with its capture folder's id resolved now (raises FolderNotFound), or cleared when none."""
    path = mailbox.capture_folder_name(deps.current_options().options)
    folder_id = resolve_capture_folder(mailbox.address, path, deps) if path else ""
    return mailbox.model_copy(update={"capture_folder_id": folder_id, "folder_problem": ""})


def note_folder_problem(address: str, problem: str, deps: Services) -> None:
    """The capture folder went away (deleted, or renamed out of its path): shown in status until it is saved
    again; its subscription and walks stop instead of failing forever."""
    mailbox = deps.mailboxes.get(address)
    if mailbox is not None and mailbox.capture_folder_id and mailbox.folder_problem != problem:
        deps.mailboxes.put(mailbox.model_copy(update={"folder_problem": problem}))
        logger.warning("capture folder of %s: %s", address, problem)


def graph_folder(mailbox: Mailbox | None, folder: str) -> str:
    """A queued folder as Graph names it: the capture folder's id, "" for the whole mailbox (lists only), else the
    well-known name or the folder id itself. Raises ResourceNotFound when the capture folder is unknown."""
    if folder == Folder.CAPTURE:
        if mailbox is None or not mailbox.capture_folder_id:
            raise ResourceNotFound("the mailbox has no capture folder (any more)")
        return mailbox.capture_folder_id
    return "" if folder == Folder.MAILBOX else folder


def known_folders(address: str, deps: Services) -> dict[str, Folder]:
    """Folder id -> name for the mailbox's well-known folders and never-capture folders, asked once per worker
    and hour (and again when the never-capture list changes); a folder the mailbox lacks, such as Conversation
    History without Teams or a never-capture name it does not have, is left out. Well-known ids do not change
    (outlook-immutable-id.md: folder ids "were already constant"); a user folder can be deleted and made again."""
    never = deps.current_options().options.never_capture_folders
    key = "\x00".join((address, *never))
    hit = deps.caches.folder_ids.get(key)
    if hit is not None and time.monotonic() - hit[0] < KNOWN_FOLDERS_MAX_AGE_S:
        return hit[1]
    known: dict[str, Folder] = {}
    for folder in PLACED:
        try:
            known[deps.graph.folder_id(address, folder.value)] = folder
        except ResourceNotFound:
            continue
    for path in never:
        try:
            known[resolve_capture_folder(address, path, deps)] = Folder.NEVER_CAPTURE
        except FolderNotFound:
            continue
    _inherit_exclusion(address, known, deps)
    deps.caches.folder_ids[key] = (time.monotonic(), known)
    return known


def _inherit_exclusion(address: str, known: dict[str, Folder], deps: Services) -> None:
    """A folder inside an excluded one is excluded like it: a folder its owner deletes moves, mail and all, under
    Deleted Items, and a never-capture folder's subfolders are as private as it is. One listing of the top level
    shows which excluded folders have children; only those are listed further."""
    top = {f.id: f for f in deps.graph.list_folders(address, None)}
    pending = deque((i, f) for i, f in known.items()
                    if f in EXCLUDED_FOLDERS and (i not in top or top[i].child_count))
    while pending and len(known) < MAX_FOLDERS:
        parent, folder = pending.popleft()
        for child in deps.graph.list_folders(address, parent):
            if child.id not in known:
                known[child.id] = folder
                if child.child_count:
                    pending.append((child.id, folder))


def placed(msg: MailMessage, mailbox: Mailbox, deps: Services, options: Options | None = None) -> MailMessage:
    """The message with the folder it is in now (its parentFolderId), where that matters: whole-mailbox capture
    (the subscription names no folder) and the capture folder (mail moved there after it was announced).
    ``options``: the preview's proposed options (default: the current ones)."""
    capture_id = mailbox.capture_folder_id
    if mailbox.whole_mailbox(options or deps.current_options().options):
        return replace(msg, folder=place(msg, known_folders(mailbox.address, deps), capture_id))
    if capture_id and msg.folder_id == capture_id:
        return replace(msg, folder=Folder.CAPTURE)
    if msg.folder == Folder.CAPTURE and msg.folder_id:  # announced there, moved out since
        return replace(msg, folder=Folder.OTHER)
    return msg


def folder_tree(address: str, deps: Services, prune: frozenset[str] = frozenset()) -> list[MailFolderInfo]:
    """Every visible folder of the mailbox, breadth first: the top level, then each folder with children
    (not below a folder in ``prune``: what is inside an excluded folder is excluded too)."""
    out: list[MailFolderInfo] = []
    pending: deque[str | None] = deque([None])
    while pending and len(out) < MAX_FOLDERS:
        for folder in deps.graph.list_folders(address, pending.popleft()):
            out.append(folder)
            if folder.child_count and folder.id not in prune:
                pending.append(folder.id)
    return out
