"""Mailbox onboarding and removal (driven by the admin API)."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import BadRequest
from shared.domain.lanes import Lane
from shared.domain.mailbox import Mailbox
from shared.domain.seed_roles import role_problems
from shared.domain.work import FolderRefresh, to_payload
from shared.services.delta import request_catch_up, row_key
from shared.services.deps import Services
from shared.services.folders import FolderNotFound, with_capture_folder
from shared.services.history import start_import
from shared.services.subscriptions import ensure_subscriptions, folders_for, unsubscribe


def onboard_mailbox(mailbox: Mailbox, deps: Services) -> dict[str, Any]:
    """Save, subscribe each watched folder (Graph validates our webhook first); the delta links and the
    historical import are queued, so the admin call returns in seconds whatever the mailbox's size."""
    problems = role_problems(mailbox, deps.current_options().options)
    if problems:  # what the owner's roles do not allow is refused, not silently dropped
        raise BadRequest("; ".join(f"{field}: {text}" for field, text in problems))
    deps.graph.check_mailbox(mailbox.address)  # fails clearly if the app cannot read this mailbox
    mailbox = with_capture_folder(mailbox, deps)  # a capture folder that is not there: 400 naming it
    deps.mailboxes.put(mailbox)
    deps.forget_mailbox(mailbox.address)  # this instance uses the new settings at once (others within 15 s)
    created = ensure_subscriptions(mailbox, deps)
    folders = [f.value for f in folders_for(mailbox, deps)]
    for folder in folders:
        if deps.delta_tokens.get(mailbox.address, row_key(mailbox.address, folder, deps))[0] is None:
            request_catch_up(mailbox.address, folder, deps, why="onboarding: take the first delta link",
                             lane=Lane.BULK)
    days = mailbox.import_days if mailbox.import_days is not None else deps.current_options().options.look_back_days
    progress = start_import(mailbox.address, days, folders, deps)
    return {"mailbox": mailbox.model_dump(mode="json"), "subscriptions": [s.id for s in created],
            "import": progress}


FOLDER_OPTIONS = frozenset({"capture_folder", "capture_whole_mailbox", "folder_scope"})


def queue_folder_refreshes(changes: list[dict[str, Any]], deps: Services) -> int:
    """After an options change: when it touched the folder settings, one refresh per enabled mailbox (queued,
    so the admin call does not wait for Graph); how many were queued."""
    if not any(c.get("path", "").split(".")[0] in FOLDER_OPTIONS for c in changes):
        return 0
    addresses = [m.address for m in deps.mailboxes.all() if m.enabled]
    deps.queue.send(to_payload(FolderRefresh(a)) for a in addresses)  # live lane: an admin waits (domain/lanes.py)
    return len(addresses)


def queue_capture_folder_checks(deps: Services) -> int:
    """Once a day (the maintenance timer): one refresh per enabled mailbox with a capture folder. A folder its owner
    deletes in Outlook moves under Deleted Items with the same id (Graph's DELETE mailFolders/{id}), so its
    subscription and walks go on and nothing tells; out of its path it now resolves to nothing: it becomes the
    mailbox's folder_problem and its subscription goes, and a folder made again under the name is picked up."""
    options = deps.current_options().options
    addresses = [m.address for m in deps.mailboxes.all() if m.enabled and m.capture_folder_name(options)]
    deps.bulk_queue.send(to_payload(FolderRefresh(a)) for a in addresses)  # background work: the bulk lane
    return len(addresses)


def refresh_folders(address: str, deps: Services) -> str:
    """The worker's side: the mailbox's capture folder resolved again (one that is not there becomes its
    folder_problem, as no admin is waiting for a 400), its subscriptions matched to its folders, and a first
    delta walk queued for each new folder."""
    mailbox = deps.mailboxes.get(address)
    if mailbox is None or not mailbox.enabled:
        return "not watched"
    stored = mailbox
    try:
        mailbox = with_capture_folder(mailbox, deps)
    except FolderNotFound as exc:
        mailbox = mailbox.model_copy(update={"capture_folder_id": "", "folder_problem": str(exc)})
    if mailbox != stored:  # the daily check of an unchanged folder writes nothing
        deps.mailboxes.put(mailbox)
        deps.forget_mailbox(mailbox.address)  # this instance uses the new settings at once (others within 15 s)
    created = ensure_subscriptions(mailbox, deps)
    for folder in folders_for(mailbox, deps):
        if deps.delta_tokens.get(address, row_key(address, folder.value, deps))[0] is None:
            request_catch_up(address, folder.value, deps, why="folder settings changed", lane=Lane.BULK)
    return f"{len(created)} subscription(s) created"


def remove_mailbox(address: str, deps: Services) -> dict[str, Any]:
    removed = unsubscribe(address, deps)
    deps.delta_tokens.delete_mailbox(address)
    deps.mailboxes.delete(address)
    deps.forget_mailbox(address)
    return {"mailbox": address, "subscriptions_deleted": removed}
