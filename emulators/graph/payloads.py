"""Change and lifecycle notification bodies, shaped like the docs' examples.

Change notification (concepts/change-notifications-delivery-webhooks.md#change-notification-example):
``{"value": [{"id", "subscriptionId", "subscriptionExpirationDateTime", "clientState", "changeType",
"resource", "tenantId", "resourceData": {"@odata.type", "@odata.id", "@odata.etag", "id"}}]}``. The
``resource`` is ``Users/{userId}/Messages/{messageId}`` as Exchange sends it in practice; the docs'
example writes ``users/{user}@{tenant}/messages/{id}``, selectable with ``resourceStyle: "docs"``.
The message id is the immutable one only for subscriptions created with ``Prefer: IdType="ImmutableId"``
(concepts/outlook-immutable-id.md).

Lifecycle notification (concepts/change-notifications-lifecycle-events.md#structure-of-a-lifecycle-notification):
``{"value": [{"subscriptionId", "subscriptionExpirationDateTime", "tenantId", "clientState", "lifecycleEvent"}]}``.
"""

from __future__ import annotations

from typing import Any

from emulators.graph import ids
from emulators.graph.mailstore import StoreEvent
from emulators.graph.subscriptions import Subscription

LIFECYCLE_EVENTS = ("reauthorizationRequired", "subscriptionRemoved", "missed")


def change_type_for(sub: Subscription, event: StoreEvent) -> str | None:
    """The changeType this subscription sees for a store event, or None when it is not notified."""
    if sub.mailbox_id != event.mailbox.id:
        return None
    if event.kind == "moved":
        if sub.folder_id is None:
            kind = "updated"
        elif sub.folder_id == event.folder_id:
            kind = "created"
        elif sub.folder_id == event.source_folder_id:
            kind = "deleted"
        else:
            return None
    elif sub.folder_id is None or sub.folder_id == event.folder_id:
        kind = event.kind
    else:
        return None
    return kind if kind in sub.change_types else None


def change_notification(sub: Subscription, change_type: str, event: StoreEvent, tenant_id: str,
                        style: str = "observed") -> dict[str, Any]:
    user, message = event.mailbox.id, event.message
    item_id = message.id_for(sub.immutable_ids)
    if change_type == "deleted" and event.previous_rest_id and not sub.immutable_ids:
        item_id = event.previous_rest_id  # moved out of the subscribed folder: the id it had there
    if style == "docs":
        resource = f"users/{user}@{tenant_id}/messages/{item_id}"
        odata_id = f"Users/{user}@{tenant_id}/Messages/{item_id}"
    else:
        resource = odata_id = f"Users/{user}/Messages/{item_id}"
    item: dict[str, Any] = {
        "id": ids.token(),
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": ids.iso_7(sub.expiration),
        "changeType": change_type,
        "resource": resource,
        "resourceData": {
            "@odata.type": "#Microsoft.Graph.Message",
            "@odata.id": odata_id,
            "@odata.etag": f'W/"{message.change_key}"',
            "id": item_id,
        },
        "clientState": sub.client_state,
        "tenantId": tenant_id,
    }
    return {"value": [item]}


def lifecycle_notification(sub: Subscription, event: str, tenant_id: str) -> dict[str, Any]:
    return {"value": [{
        "subscriptionId": sub.id,
        "subscriptionExpirationDateTime": ids.iso_7(sub.expiration),
        "tenantId": tenant_id,
        "clientState": sub.client_state,
        "lifecycleEvent": event,
    }]}
