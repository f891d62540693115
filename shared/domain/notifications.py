"""Parse Graph change and lifecycle notification payloads (pure; no I/O).

The envelope (``{"value": [...]}``) is judged as a whole; each entry in it alone: a malformed entry is refused
and counted, and the well-formed ones beside it still count (Graph batches notifications of several
subscriptions in one POST: learn.microsoft.com/graph/change-notifications-delivery-webhooks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
_MESSAGE_RESOURCE = re.compile(r"^/?users/(?P<user>[^/]+)/messages/(?P<id>[^/?]+)$", re.IGNORECASE)
# Graph documents no maximum batch size; real batches are small. Unconfirmed, so the cap is generous and a
# refused batch fails safe: Graph retries non-2xx answers for up to 4 h and the delta backstop finds the mail.
MAX_NOTIFICATIONS = 1000
# Ids are opaque: Graph subscription ids are GUIDs, message ids base64 of ~150 characters. The bounds only keep
# control characters and absurd lengths (which Table keys refuse) out of the queue.
_ID = re.compile(r"^[\x21-\x7e]{1,1024}$")
T = TypeVar("T")


class BadNotification(ValueError):
    """The request body is not a Graph notification collection."""


class TooManyNotifications(BadNotification):
    """More entries in one POST than the webhook judges (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class ChangeNotification:
    subscription_id: str
    client_state: str
    change_type: str
    message_id: str
    user: str


@dataclass(frozen=True, slots=True)
class LifecycleNotification:
    subscription_id: str
    client_state: str
    event: str


@dataclass(slots=True)
class Batch(Generic[T]):
    """The well-formed entries of one POST and how many were refused as malformed."""

    notes: list[T] = field(default_factory=list)
    malformed: int = 0


def _items(body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        raise BadNotification("expected a JSON object with a 'value' array")
    if len(body["value"]) > MAX_NOTIFICATIONS:
        raise TooManyNotifications(f"{len(body['value'])} notifications in one request; at most {MAX_NOTIFICATIONS}")
    return list(body["value"])


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    return value if isinstance(value, str) else ""


def _change(item: Any) -> ChangeNotification | None:
    if not isinstance(item, dict):
        return None
    raw_data = item.get("resourceData")
    resource_data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    match = _MESSAGE_RESOURCE.match(_text(item, "resource"))
    message_id = _text(resource_data, "id") or (match.group("id") if match else "")
    subscription_id = _text(item, "subscriptionId")
    if not _ID.match(subscription_id) or not _ID.match(message_id):
        return None
    return ChangeNotification(subscription_id, _text(item, "clientState"), _text(item, "changeType"), message_id,
                              match.group("user") if match else "")


def _lifecycle(item: Any) -> LifecycleNotification | None:
    if not isinstance(item, dict):
        return None
    event, subscription_id = _text(item, "lifecycleEvent"), _text(item, "subscriptionId")
    if event not in LIFECYCLE_EVENTS or not _ID.match(subscription_id):
        return None
    return LifecycleNotification(subscription_id, _text(item, "clientState"), event)


def parse_change_notifications(body: Any) -> Batch[ChangeNotification]:
    return _batch([_change(item) for item in _items(body)])


def parse_lifecycle_notifications(body: Any) -> Batch[LifecycleNotification]:
    return _batch([_lifecycle(item) for item in _items(body)])


def _batch(parsed: list[T | None]) -> Batch[T]:
    notes = [note for note in parsed if note is not None]
    return Batch(notes, len(parsed) - len(notes))
