"""Parse Graph change and lifecycle notification payloads (pure; no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")
_MESSAGE_RESOURCE = re.compile(r"^/?users/(?P<user>[^/]+)/messages/(?P<id>[^/?]+)$", re.IGNORECASE)


class BadNotification(ValueError):
    """The request body is not a Graph notification collection."""


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


def _items(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        raise BadNotification("expected a JSON object with a 'value' array")
    items = [item for item in body["value"] if isinstance(item, dict)]
    if len(items) != len(body["value"]):
        raise BadNotification("every entry of 'value' must be an object")
    return items


def parse_change_notifications(body: Any) -> list[ChangeNotification]:
    out = []
    for item in _items(body):
        raw_data = item.get("resourceData")
        resource_data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        match = _MESSAGE_RESOURCE.match(str(item.get("resource", "")))
        message_id = str(resource_data.get("id") or (match.group("id") if match else ""))
        if not item.get("subscriptionId") or not message_id:
            raise BadNotification("a notification lacks subscriptionId or the message id")
        out.append(ChangeNotification(str(item["subscriptionId"]), str(item.get("clientState") or ""),
                                      str(item.get("changeType") or ""), message_id,
                                      match.group("user") if match else ""))
    return out


def parse_lifecycle_notifications(body: Any) -> list[LifecycleNotification]:
    out = []
    for item in _items(body):
        event = str(item.get("lifecycleEvent") or "")
        if not item.get("subscriptionId") or event not in LIFECYCLE_EVENTS:
            raise BadNotification(f"unknown lifecycle event {event!r} or missing subscriptionId")
        out.append(LifecycleNotification(str(item["subscriptionId"]), str(item.get("clientState") or ""), event))
    return out
