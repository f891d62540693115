"""The queue envelope: every kind of work both queues carry (shared/domain/lanes.py), with one parse/serialise pair.

Producers (webhook, delta backstop, historical import, replay, lifecycle handler) build these values and
``to_payload`` them; the worker ``parse_work``s what it dequeues. ``v`` is the envelope version: a message
without it is version 1 (what was queued before the field existed), one newer than this code is refused
rather than guessed at (during a rolling upgrade a newer worker picks it up on the next delivery).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.domain.model import Folder

VERSION = 3
# Version 2 names folders a version-1 worker would misread as "some user folder" and skip: the capture folder,
# the whole mailbox and folder ids (whole-mailbox walks). Only such messages carry v=2, so an older worker
# refuses them (retried until a newer one takes them) instead of skipping mail; everything else stays v=1.
_V1_FOLDERS = frozenset({"inbox", "sentitems", "drafts", "deleteditems", "junkemail", "archive", "other"})
# Version 3 adds the "messages" kind (MessageBatch): always v=3, so a worker that predates it refuses the message
# (BadWork, retried, then the poison queue with the reason) instead of skipping the mail it names.
BATCH_VERSION = 3
# A batch's ids: 32 per queue message, and at most 24,000 characters of them. A queue message holds 64 KiB
# (https://learn.microsoft.com/en-us/rest/api/storageservices/put-message) and the host base64-encodes it
# (host.json messageEncoding), which adds a third: 24,000 characters of ids stay under 33 KB on the wire.
# Graph message ids are ~150 characters, so the count is what binds in practice.
BATCH_IDS = 32
BATCH_CHARS = 24_000
MAX_BATCH_IDS = 100  # what a reader accepts (room for a newer producer's larger batches), never more


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
class MessageBatch:
    """Message ids of one mailbox folder to capture, one queue message for a page of them (the historical import,
    the delta backstop and resync): the worker captures each as it would a WorkItem and writes the decision log
    and outcome counts once per batch. The webhook keeps one id per message (latency)."""

    mailbox: str
    message_ids: tuple[str, ...]
    folder: str = Folder.INBOX.value
    source: str = "import"
    deferrals: int = 0

    def item(self, message_id: str) -> WorkItem:
        return WorkItem(self.mailbox, message_id, self.folder, self.source)


def batches(mailbox: str, message_ids: Iterable[str], folder: str, source: str) -> Iterator[MessageBatch]:
    """The ids in batches of at most BATCH_IDS ids and BATCH_CHARS characters, in order."""
    chunk: list[str] = []
    size = 0
    for message_id in message_ids:
        if chunk and (len(chunk) >= BATCH_IDS or size + len(message_id) > BATCH_CHARS):
            yield MessageBatch(mailbox, tuple(chunk), folder, source)
            chunk, size = [], 0
        chunk.append(message_id)
        size += len(message_id)
    if chunk:
        yield MessageBatch(mailbox, tuple(chunk), folder, source)


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


Work = WorkItem | MessageBatch | LifecycleEvent | CatchUp | ImportStep | Renewal | FolderRefresh
_KINDS: dict[type, str] = {WorkItem: "message", MessageBatch: "messages", LifecycleEvent: "lifecycle",
                           CatchUp: "catch_up", ImportStep: "import", Renewal: "renewal", FolderRefresh: "folders"}


MAX_DEFERRALS = 50  # Graph asks clients to keep honouring Retry-After; 50 × up to 5 min is hours
MAX_DEFER_S = 300


def defer_delay(retry_after: float) -> int:
    """A Retry-After as the queue's visibility delay: at least 1 s, at most MAX_DEFER_S."""
    return int(min(max(retry_after, 1), MAX_DEFER_S))


def deferred(work: Work) -> Work:
    return replace(work, deferrals=work.deferrals + 1)


def to_payload(work: Work) -> dict[str, Any]:
    folder = work.folder if isinstance(work, WorkItem | MessageBatch | CatchUp) else "inbox"
    out: dict[str, Any] = {"v": 1 if folder.lower() in _V1_FOLDERS else 2, "kind": _KINDS[type(work)]}
    match work:
        case WorkItem():
            out |= {"mailbox": work.mailbox, "message_id": work.message_id, "folder": work.folder,
                    "source": work.source}
            if work.subscription_id:
                out["subscription_id"] = work.subscription_id
        case MessageBatch():
            out |= {"v": BATCH_VERSION, "mailbox": work.mailbox, "folder": work.folder, "source": work.source,
                    "message_ids": list(work.message_ids)}
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
    if kind == "messages":
        if version < BATCH_VERSION:
            raise BadWork(f"a messages batch needs envelope version {BATCH_VERSION}, not {version}")
        return MessageBatch(_text(payload, "mailbox").lower(), _ids(payload.get("message_ids")),
                            str(payload.get("folder") or Folder.INBOX.value), str(payload.get("source") or "import"),
                            deferrals)
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


def _ids(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_BATCH_IDS:
        raise BadWork(f"message_ids must be a list of 1 to {MAX_BATCH_IDS} message ids")
    if not all(isinstance(i, str) and i for i in value):
        raise BadWork("message_ids must hold only non-empty strings")
    return tuple(dict.fromkeys(value))  # an id named twice is captured once (in order)


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
