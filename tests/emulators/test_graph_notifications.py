"""Change and lifecycle notifications at a local webhook, with the delivery fault switches."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.graph.sink import WebhookSink
from tests.emulators.conftest import Emulator, HookUrl, in_minutes, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def mailbox(emu: Emulator) -> str:
    emu.set("notifications", {"backoffSeconds": 0.05})
    return str(emu.mailbox()["id"])


def subscribe(emu: Emulator, hook: str, resource: str, change_type: str = "created", **extra: Any) -> dict[str, Any]:
    """Notifications carry the immutable ids the control API reports (the default kind: test_graph_immutable_ids)."""
    body = {"changeType": change_type, "notificationUrl": hook, "resource": resource,
            "expirationDateTime": in_minutes(60), "clientState": "s3cret", **extra}
    response = emu.api.post("/subscriptions", json=body, headers={"Prefer": 'IdType="ImmutableId"'})
    assert response.status_code == 201, response.text
    return dict(response.json())


def arrived(sink: WebhookSink, path: str, count: int) -> list[dict[str, Any]]:
    return list(wait_until(lambda: (items := sink.notifications(path)) and len(items) >= count and items))


def delivery_log(emu: Emulator) -> list[dict[str, Any]]:
    """The emulator's delivery log once no delivery is in flight."""
    return list(wait_until(lambda: (status := emu.get("notifications"))["pending"] == 0 and status)["log"])


class TestChangeNotifications:
    def test_delivery_into_the_subscribed_folder_is_notified_in_the_documented_shape(
            self, emu: Emulator, mailbox: str, sink: WebhookSink, hook_url: HookUrl) -> None:
        sub = subscribe(emu, hook_url("n/inbox"), f"users/{mailbox}/mailFolders('Inbox')/messages")
        emu.deliver("alice@contoso.com", {"subject": "elsewhere"}, folder="sentitems")
        mid = emu.deliver("alice@contoso.com", {"subject": "hello"})["id"]
        [note] = arrived(sink, "n/inbox", 1)
        etag = emu.api.get(f"/users/{mailbox}/messages/{mid}").json()["@odata.etag"]
        assert note["subscriptionId"] == sub["id"] and note["changeType"] == "created"
        assert note["resource"] == f"Users/{mailbox}/Messages/{mid}"
        assert note["resourceData"] == {"@odata.type": "#Microsoft.Graph.Message", "@odata.etag": etag,
                                        "@odata.id": f"Users/{mailbox}/Messages/{mid}", "id": mid}
        assert note["clientState"] == "s3cret" and note["tenantId"]
        assert note["subscriptionExpirationDateTime"] == sub["expirationDateTime"]
        assert len(delivery_log(emu)) == 1  # the sentitems delivery was not notified

    def test_mailbox_wide_subscription_sees_updates_and_deletes(self, emu: Emulator, mailbox: str,
                                                                sink: WebhookSink, hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/all"), f"/users/{mailbox}/messages", "created,updated,deleted")
        mid = emu.deliver("alice@contoso.com", {"subject": "x"})["id"]
        emu.api.patch(f"/users/{mailbox}/messages/{mid}", json={"isRead": True}).raise_for_status()
        emu.api.delete(f"/users/{mailbox}/messages/{mid}").raise_for_status()
        kinds = [n["changeType"] for n in arrived(sink, "n/all", 3)]
        assert sorted(kinds) == ["created", "deleted", "updated"]

    def test_failed_deliveries_are_retried_until_accepted(self, emu: Emulator, mailbox: str, sink: WebhookSink,
                                                          hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/flaky"), f"users/{mailbox}/messages")
        sink.configure("n/flaky", fail_first=2)
        emu.deliver("alice@contoso.com", {"subject": "x"})
        arrived(sink, "n/flaky", 1)
        assert [p["status"] for p in sink.posts("n/flaky")] == [500, 500, 202]
        attempts = [(e["attempt"], e["delivered"]) for e in delivery_log(emu)]
        assert attempts == [(1, False), (2, False), (3, True)]


class TestDeliveryFaults:
    def test_drop_next_loses_a_notification_and_can_signal_missed(self, emu: Emulator, mailbox: str,
                                                                  sink: WebhookSink, hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/drop"), f"users/{mailbox}/messages", lifecycleNotificationUrl=hook_url("n/life"))
        emu.set("notifications", {"dropNext": 1, "missedOnDrop": True})
        first = emu.deliver("alice@contoso.com", {"subject": "lost"})["id"]
        second = emu.deliver("alice@contoso.com", {"subject": "kept"})["id"]
        [note] = arrived(sink, "n/drop", 1)
        [life] = arrived(sink, "n/life", 1)
        assert note["resourceData"]["id"] == second and life["lifecycleEvent"] == "missed"
        changes = [e for e in delivery_log(emu) if e["kind"] == "change:created"]
        dropped = {e["resource"].rsplit("/", 1)[1]: e["dropped"] for e in changes}
        assert dropped == {first: True, second: False}

    def test_drop_for_a_period_ends_when_the_clock_passes_it(self, emu: Emulator, mailbox: str, sink: WebhookSink,
                                                              hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/outage"), f"users/{mailbox}/messages")
        emu.set("notifications", {"dropForSeconds": 60})
        emu.deliver("alice@contoso.com", {"subject": "during outage"})
        emu.set("clock", {"advance_seconds": 61})
        emu.deliver("alice@contoso.com", {"subject": "after outage"})
        [note] = arrived(sink, "n/outage", 1)
        subject = emu.api.get(f"/users/{mailbox}/messages/{note['resourceData']['id']}").json()["subject"]
        assert subject == "after outage" and [e["dropped"] for e in delivery_log(emu)] == [True, False]

    def test_duplicates_repeat_the_same_notification(self, emu: Emulator, mailbox: str, sink: WebhookSink,
                                                     hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/dup"), f"users/{mailbox}/messages")
        emu.set("notifications", {"duplicates": 2})
        emu.deliver("alice@contoso.com", {"subject": "x"})
        copies = arrived(sink, "n/dup", 3)
        assert len({n["id"] for n in copies}) == 1 and len(copies) == 3

    def test_delay_delivers_out_of_order(self, emu: Emulator, mailbox: str, sink: WebhookSink,
                                         hook_url: HookUrl) -> None:
        subscribe(emu, hook_url("n/late"), f"users/{mailbox}/messages")
        emu.set("notifications", {"delayMs": 300, "delayCount": 1})
        first = emu.deliver("alice@contoso.com", {"subject": "first"})["id"]
        second = emu.deliver("alice@contoso.com", {"subject": "second"})["id"]
        assert [n["resourceData"]["id"] for n in arrived(sink, "n/late", 2)] == [second, first]


class TestLifecycle:
    @pytest.mark.parametrize("event", ["reauthorizationRequired", "missed", "subscriptionRemoved"])
    def test_lifecycle_event_is_posted_in_the_documented_shape(self, emu: Emulator, mailbox: str, sink: WebhookSink,
                                                               hook_url: HookUrl, event: str) -> None:
        sub = subscribe(emu, hook_url("n/c"), f"users/{mailbox}/messages", lifecycleNotificationUrl=hook_url("n/l"))
        emu.set(f"subscriptions/{sub['id']}/lifecycle", {"event": event})
        [note] = arrived(sink, "n/l", 1)
        assert note == {"subscriptionId": sub["id"], "subscriptionExpirationDateTime": sub["expirationDateTime"],
                        "tenantId": note["tenantId"], "clientState": "s3cret", "lifecycleEvent": event}
        still_there = emu.api.get(f"/subscriptions/{sub['id']}").status_code
        assert still_there == (404 if event == "subscriptionRemoved" else 200)
