"""The queue envelope: every kind of work the mail-messages queue carries, with one parse/serialise pair.

Producers (webhook, delta backstop, historical import, replay, lifecycle handler) build these values and
``to_payload`` them; the worker ``parse_work``s what it dequeues. ``v`` is the envelope version: a message
without it is version 1 (what was queued before the field existed), one newer than this code is refused
rather than guessed at (during a rolling upgrade a newer worker picks it up on the next delivery).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.domain.model import Folder

VERSION = 2
# Version 2 names folders a version-1 worker would misread as "some user folder" and skip: the capture folder,
# the whole mailbox and folder ids (whole-mailbox walks). Only such messages carry v=2, so an older worker
# refuses them (retried until a newer one takes them) instead of skipping mail; everything else stays v=1.
_V1_FOLDERS = frozenset({"inbox", "sentitems", "drafts", "deleteditems", "junkemail", "archive", "other"})


class BadWork(ValueError):
    """A queue message that is not one of ours: retried, then kept in the poison queue with this reason."""


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One message id to capture: what the webhook, the delta backstop, the import and replay all send."""

    mailbox: str
    message_id: str
    folder: str = Folder.INBOX.value
    source: str = "webhook"
    subscription_id: str = ""
    deferrals: int = 0  # times re-queued for a Retry-After (they spend none of the queue's attempts)


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    """A Graph lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed) to act on."""

    event: str
    subscription_id: str
    deferrals: int = 0


@dataclass(frozen=True, slots=True)
class CatchUp:
    """Run the folder's delta query (onboarding, a recreated subscription, the backstop timers); on a first
    walk, queue mail received since ``since``. With ``queued_at`` (the backstop) the walk is skipped when the
    folder's delta link moved after that moment: another walk already covered it."""

    mailbox: str
    folder: str
    why: str = ""
    since: datetime | None = None
    deferrals: int = 0
    queued_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ImportStep:
    """Queue the next page of a mailbox's historical import."""

    mailbox: str
    deferrals: int = 0


@dataclass(frozen=True, slots=True)
class Renewal:
    """Renew one subscription (queued by the renewal timer when many are due at once), under the row's lease;
    one no longer due (a twin of this message or a later timer run renewed it) is left alone. A worker that
    predates this kind refuses it (BadWork); the subscription is still due, so the next timer run queues it again."""

    subscription_id: str
    deferrals: int = 0


@dataclass(frozen=True, slots=True)
class FolderRefresh:
    """Apply the options' folder settings to one mailbox again (queued when an admin changes the capture folder,
    whole-mailbox capture or the folder scope): resolve its capture folder, then subscribe and unsubscribe. A
    worker that predates this kind refuses it (BadWork, then the poison queue): saving the mailbox does the same."""

    mailbox: str
    deferrals: int = 0


Work = WorkItem | LifecycleEvent | CatchUp | ImportStep | Renewal | FolderRefresh
_KINDS: dict[type, str] = {WorkItem: "message", LifecycleEvent: "lifecycle", CatchUp: "catch_up",
                           ImportStep: "import", Renewal: "renewal", FolderRefresh: "folders"}


def deferred(work: Work) -> Work:
    return replace(work, deferrals=work.deferrals + 1)


def to_payload(work: Work) -> dict[str, Any]:
    folder = work.folder if isinstance(work, WorkItem | CatchUp) else "inbox"
    out: dict[str, Any] = {"v": 1 if folder.lower() in _V1_FOLDERS else 2, "kind": _KINDS[type(work)]}
    match work:
        case WorkItem():
            out |= {"mailbox": work.mailbox, "message_id": work.message_id, "folder": work.folder,
                    "source": work.source}
            if work.subscription_id:
                out["subscription_id"] = work.subscription_id
        case LifecycleEvent():
            out |= {"event": work.event, "subscription_id": work.subscription_id}
        case CatchUp():
            out |= {"mailbox": work.mailbox, "folder": work.folder, "why": work.why,
                    "since": work.since.isoformat() if work.since else None}
            if work.queued_at:  # optional: a worker that predates it just walks (harmless, the ETag guards)
                out["queued_at"] = work.queued_at.isoformat()
        case ImportStep() | FolderRefresh():
            out["mailbox"] = work.mailbox
        case Renewal():
            out["subscription_id"] = work.subscription_id
    if work.deferrals:
        out["deferrals"] = work.deferrals
    return out


def parse_work(payload: Any) -> Work:
    """Raises BadWork naming what is wrong."""
    if not isinstance(payload, dict):
        raise BadWork("a queue message must be a JSON object")
    version = payload.get("v", 1)
    if not isinstance(version, int) or not 1 <= version <= VERSION:
        raise BadWork(f"envelope version {version!r} is not one this worker reads (1 to {VERSION})")
    kind = payload.get("kind", "message")
    deferrals = _count(payload.get("deferrals", 0))
    if kind == "message":
        return WorkItem(_text(payload, "mailbox").lower(), _text(payload, "message_id"),
                        str(payload.get("folder") or Folder.INBOX.value), str(payload.get("source") or "webhook"),
                        str(payload.get("subscription_id") or ""), deferrals)
    if kind == "lifecycle":
        return LifecycleEvent(_text(payload, "event"), _text(payload, "subscription_id"), deferrals)
    if kind == "catch_up":
        return CatchUp(_text(payload, "mailbox").lower(), _text(payload, "folder"), str(payload.get("why") or ""),
                       _when(payload.get("since"), "since"), deferrals, _when(payload.get("queued_at"), "queued_at"))
    if kind == "import":
        return ImportStep(_text(payload, "mailbox").lower(), deferrals)
    if kind == "folders":
        return FolderRefresh(_text(payload, "mailbox").lower(), deferrals)
    if kind == "renewal":
        return Renewal(_text(payload, "subscription_id"), deferrals)
    raise BadWork(f"unknown work kind {kind!r}")


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise BadWork(f"{name} must be a non-empty string")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadWork("deferrals must be a non-negative integer")
    return value


def _when(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise BadWork(f"{name} is not an ISO 8601 time: {value!r}") from exc
