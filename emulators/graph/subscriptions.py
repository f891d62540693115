"""Subscriptions: validation of create/renew requests, the stored record and its JSON.

Limits follow the docs: ``clientState`` at most 128 characters (resources/subscription.md), and for
Outlook messages an expiry at most 10,080 minutes ("under 7 days") ahead, 1,440 minutes when
``includeResourceData`` is true (concepts/change-notifications-overview.md#subscription-lifetime; older
copies of the docs say 4,230 minutes, so the limit is configurable). Too long an expiry answers Graph's
observed ``400 ExtensionError "Subscription expiration can only be N minutes in the future."``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from emulators.graph import ids
from emulators.graph.errors import GraphError, bad_request
from emulators.graph.mailstore import MailStore
from emulators.graph.paths import parse_resource

MAX_CLIENT_STATE = 128
CHANGE_TYPES = {"created", "updated", "deleted"}


@dataclass(slots=True)
class Subscription:
    id: str
    resource: str
    change_type: str
    notification_url: str
    lifecycle_url: str | None
    expiration: datetime
    client_state: str | None
    app_token: str
    mailbox_id: str
    folder_id: str | None
    latest_tls: str = "v1_2"
    immutable_ids: bool = False  # fixed at creation by the Prefer header; renewal cannot change it
    # Emulator bookkeeping, shown only on the control API: a reauthorizationRequired event asks the app to call
    # POST /subscriptions/{id}/reauthorize (learn.microsoft.com/graph/change-notifications-lifecycle-events,
    # "Responding to reauthorizationRequired notifications"); tests check that it did.
    reauthorization_required: bool = False
    reauthorizations: int = 0

    @property
    def change_types(self) -> set[str]:
        return {c.strip() for c in self.change_type.split(",")}

    def to_json(self, base_url: str) -> dict[str, Any]:
        return {
            "@odata.context": f"{base_url}/$metadata#subscriptions/$entity",
            "id": self.id,
            "resource": self.resource,
            "applicationId": ids.app_guid(self.app_token, "application"),
            "changeType": self.change_type,
            "clientState": self.client_state,
            "notificationUrl": self.notification_url,
            "notificationQueryOptions": None,
            "lifecycleNotificationUrl": self.lifecycle_url,
            "expirationDateTime": ids.iso_7(self.expiration),
            "creatorId": ids.app_guid(self.app_token, "service-principal"),
            "includeResourceData": False,
            "latestSupportedTlsVersion": self.latest_tls,
            "encryptionCertificate": None,
            "encryptionCertificateId": None,
            "notificationUrlAppId": None,
        }


def _invalid(message: str) -> GraphError:
    return bad_request(message, code="InvalidRequest")


def _url(body: dict[str, Any], key: str, required: bool) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    parts = urlsplit(str(value or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _invalid(f"{key} must be an absolute URL.")
    return str(value)


def check_expiration(value: Any, now: datetime, max_minutes: int) -> datetime:
    try:
        expiration = ids.parse_iso(str(value))
    except ValueError as exc:
        raise _invalid("expirationDateTime must be an ISO 8601 date and time.") from exc
    if expiration <= now:
        raise bad_request("Subscription expiration must be in the future.", code="ExtensionError")
    if expiration > now + timedelta(minutes=max_minutes):
        raise bad_request(f"Subscription expiration can only be {max_minutes} minutes in the future.",
                          code="ExtensionError")
    return expiration


def build_subscription(body: dict[str, Any], store: MailStore, app_token: str, max_minutes: int) -> Subscription:
    change_type = str(body.get("changeType") or "")
    ordered = [c.strip() for c in change_type.split(",") if c.strip()]
    kinds = set(ordered)
    if not kinds or not kinds <= CHANGE_TYPES:
        raise _invalid("changeType must be created, updated, deleted or a comma-separated combination.")
    client_state = body.get("clientState")
    if client_state is not None and len(str(client_state)) > MAX_CLIENT_STATE:
        raise _invalid(f"clientState must be at most {MAX_CLIENT_STATE} characters.")
    if body.get("includeResourceData"):
        raise GraphError(400, "NotSupported", "includeResourceData (rich notifications) is not emulated.")
    notification_url = _url(body, "notificationUrl", required=True)
    lifecycle_url = _url(body, "lifecycleNotificationUrl", required=False)
    resource = str(body.get("resource") or "")
    parsed = parse_resource(resource)
    if parsed is None:
        raise _invalid(f"Unsupported resource '{resource}'; use users/{{id}}/messages or "
                       "users/{id}/mailFolders('{folder}')/messages.")
    mailbox = store.resolve(parsed[0])
    folder_id = store.graph_folder(mailbox, parsed[1]).id if parsed[1] else None
    assert notification_url is not None
    return Subscription(
        id=ids.new_guid(), resource=resource, change_type=",".join(ordered),
        notification_url=notification_url, lifecycle_url=lifecycle_url,
        expiration=check_expiration(body.get("expirationDateTime"), store.clock.now(), max_minutes),
        client_state=None if client_state is None else str(client_state), app_token=app_token,
        mailbox_id=mailbox.id, folder_id=folder_id, latest_tls=str(body.get("latestSupportedTlsVersion") or "v1_2"),
    )


class SubscriptionRegistry:
    def __init__(self) -> None:
        self._subs: dict[str, Subscription] = {}

    def add(self, sub: Subscription) -> None:
        self._subs[sub.id] = sub

    def get(self, sub_id: str, now: datetime) -> Subscription | None:
        """A live subscription; expired ones are forgotten on sight, as Graph deletes them."""
        sub = self._subs.get(sub_id)
        if sub is not None and sub.expiration <= now:
            del self._subs[sub_id]
            return None
        return sub

    def remove(self, sub_id: str) -> Subscription | None:
        return self._subs.pop(sub_id, None)

    def active(self, now: datetime) -> list[Subscription]:
        return [s for s in list(self._subs.values()) if self.get(s.id, now) is not None]
