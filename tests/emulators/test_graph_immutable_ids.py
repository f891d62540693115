"""Both Outlook id kinds, as concepts/outlook-immutable-id.md (microsoft-graph-docs-contrib) describes them:
the default id changes when a message moves, the immutable one does not, and every request, subscription
and delta page carries the kind its own ``Prefer: IdType="ImmutableId"`` header asked for."""

from __future__ import annotations

from typing import Any

import pytest

from emulators.graph.sink import WebhookSink
from tests.emulators.conftest import Emulator, HookUrl, in_minutes, wait_until

pytestmark = pytest.mark.integration
IMMUTABLE = {"Prefer": 'IdType="ImmutableId"'}
INBOX = "users/alice@contoso.com/mailFolders('inbox')/messages"


def get(emu: Emulator, path: str, headers: dict[str, str] | None = None) -> Any:
    return emu.api.get(f"/users/alice@contoso.com/{path}", headers=headers or {})


def move(emu: Emulator, message_id: str, folder: str) -> dict[str, Any]:
    answer = emu.control.post(f"/_emulator/mailboxes/alice@contoso.com/messages/{message_id}/move",
                              json={"folder": folder})
    answer.raise_for_status()
    return dict(answer.json())


class TestMessageIds:
    def test_the_default_id_changes_on_a_move_and_the_immutable_id_does_not(self, emu: Emulator) -> None:
        emu.mailbox()
        delivered = emu.deliver("alice@contoso.com", {"subject": "s"})
        assert get(emu, f"messages/{delivered['id']}").json()["id"] == delivered["restId"]
        assert get(emu, f"messages/{delivered['id']}", IMMUTABLE).json()["id"] == delivered["id"]
        moved = move(emu, delivered["id"], "archive")
        assert moved["id"] == delivered["id"] and moved["restId"] != delivered["restId"]
        assert get(emu, f"messages/{delivered['restId']}").status_code == 404  # the old default id is gone
        assert get(emu, f"messages/{moved['restId']}").json()["id"] == moved["restId"]
        assert get(emu, f"messages/{delivered['id']}", IMMUTABLE).json()["id"] == delivered["id"]

    def test_lists_answer_the_kind_each_request_asks_for(self, emu: Emulator) -> None:
        emu.mailbox()
        delivered = emu.deliver("alice@contoso.com", {"subject": "s"})
        assert [m["id"] for m in get(emu, "mailFolders/inbox/messages").json()["value"]] == [delivered["restId"]]
        assert [m["id"] for m in get(emu, "mailFolders/inbox/messages", IMMUTABLE).json()["value"]] == [
            delivered["id"]]


class TestDeltaIds:
    def test_removed_entries_carry_the_id_kind_of_the_request(self, emu: Emulator) -> None:
        emu.mailbox()
        delivered = emu.deliver("alice@contoso.com", {"subject": "s"})
        link = get(emu, "mailFolders/inbox/messages/delta").json()["@odata.deltaLink"]
        move(emu, delivered["id"], "archive")
        by_default = emu.api.get(link).json()["value"]
        by_immutable = emu.api.get(link, headers=IMMUTABLE).json()["value"]  # tokens work with both kinds
        assert [(m["id"], "@removed" in m) for m in by_default] == [(delivered["restId"], True)]
        assert [(m["id"], "@removed" in m) for m in by_immutable] == [(delivered["id"], True)]


class TestNotificationIds:
    @pytest.mark.parametrize("immutable", [True, False])
    def test_notifications_carry_the_kind_the_subscription_was_created_with(
            self, emu: Emulator, sink: WebhookSink, hook_url: HookUrl, immutable: bool) -> None:
        emu.mailbox()
        body = {"changeType": "created", "notificationUrl": hook_url("ids"), "resource": INBOX,
                "expirationDateTime": in_minutes(60), "clientState": "c"}
        created = emu.api.post("/subscriptions", json=body, headers=IMMUTABLE if immutable else {})
        assert created.status_code == 201, created.text
        delivered = emu.deliver("alice@contoso.com", {"subject": "s"})
        note = wait_until(lambda: sink.notifications("ids"))[0]
        expected = delivered["id"] if immutable else delivered["restId"]
        assert note["resourceData"]["id"] == expected and note["resource"].endswith(expected)
