"""The product's Graph adapter (``SdkGraphClient``) asks for immutable ids on every call about messages, and
its delta backstop asks for created messages only. Run against the Graph emulator, which answers the default
id (changed by every move) to any request without ``Prefer: IdType="ImmutableId"``: removing the header from
any one call fails its test here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulators.graph.sink import WebhookSink
from shared.adapters.graph import SdkGraphClient
from shared.ports import FetchSpec
from tests.emulators.conftest import SDK_WARNINGS, Emulator, HookUrl, wait_until

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]
BOX = "alice@contoso.com"


def moved_message(emu: Emulator, folder: str = "archive") -> str:
    """A message delivered to the Inbox and then moved (as a rule would): its default id has changed."""
    delivered = emu.deliver(BOX, {"subject": "moved", "from": {"emailAddress": {"address": "c@example.org"}}})
    emu.control.post(f"/_emulator/mailboxes/{BOX}/messages/{delivered['id']}/move",
                     json={"folder": folder}).raise_for_status()
    return str(delivered["id"])


class TestImmutableIds:
    def test_fetch_by_immutable_id_after_a_move_answers_the_immutable_id(self, emu: Emulator,
                                                                         adapter: SdkGraphClient) -> None:
        immutable = moved_message(emu)
        fetched = adapter.get_message(BOX, immutable, FetchSpec(html_body=False, with_attachments=True))
        assert fetched.message.id == immutable

    def test_delta_pages_carry_immutable_ids(self, emu: Emulator, adapter: SdkGraphClient) -> None:
        immutable = moved_message(emu, folder="inbox")  # a move to the same folder changes nothing
        page = adapter.delta_page(BOX, "archive", None, 10)
        assert page.message_ids == ()
        emu.control.post(f"/_emulator/mailboxes/{BOX}/messages/{immutable}/move",
                         json={"folder": "archive"}).raise_for_status()
        assert page.delta_link is not None
        assert adapter.delta_page(BOX, "archive", page.delta_link, 10).message_ids == (immutable,)

    def test_listing_since_a_date_carries_immutable_ids(self, emu: Emulator, adapter: SdkGraphClient) -> None:
        immutable = moved_message(emu)
        ids, _ = adapter.list_messages_since(BOX, "archive", datetime.now(UTC) - timedelta(days=1), None, 10)
        assert ids == (immutable,)

    def test_subscription_notifications_carry_immutable_ids(self, emu: Emulator, adapter: SdkGraphClient,
                                                            sink: WebhookSink, hook_url: HookUrl) -> None:
        adapter.create_subscription(f"users/{BOX}/mailFolders('inbox')/messages", hook_url("adapter"), "",
                                    "state", datetime.now(UTC) + timedelta(hours=1))
        immutable = moved_message(emu)
        note = wait_until(lambda: sink.notifications("adapter"))[0]
        assert note["resourceData"]["id"] == immutable


class TestDeltaCreatedOnly:
    def test_read_flag_and_move_out_changes_requeue_nothing(self, emu: Emulator, adapter: SdkGraphClient) -> None:
        kept = emu.deliver(BOX, {"subject": "kept"})["id"]
        gone = emu.deliver(BOX, {"subject": "gone"})["id"]
        first = adapter.delta_page(BOX, "inbox", None, 10)  # the initial round lists the folder
        assert set(first.message_ids) == {kept, gone} and first.delta_link
        mail = f"/_emulator/mailboxes/{BOX}/messages"
        emu.control.patch(f"{mail}/{kept}", json={"isRead": True, "categories": ["Red"]}).raise_for_status()
        emu.control.post(f"{mail}/{gone}/move", json={"folder": "archive"}).raise_for_status()
        later = adapter.delta_page(BOX, "inbox", first.delta_link, 10)
        assert (later.message_ids, later.removed_ids) == ((), ())
        new = emu.deliver(BOX, {"subject": "new"})["id"]
        assert later.delta_link is not None
        assert adapter.delta_page(BOX, "inbox", later.delta_link, 10).message_ids == (new,)


class TestExpandFallback:
    @pytest.mark.parametrize("max_expand", [0, 1])
    def test_the_message_class_and_attachment_names_arrive_whether_or_not_graph_expands_both(
            self, emu: Emulator, adapter: SdkGraphClient, max_expand: int) -> None:
        emu.set("settings", {"maxExpand": max_expand})  # 1: a Graph refusing two expansions in one $expand
        delivered = emu.deliver(BOX, {"subject": "s", "messageClass": "IPM.Note.Custom", "attachments": [
            {"name": "a.txt", "contentType": "text/plain", "contentBytes": "aGk="}],
            "internetMessageHeaders": [{"name": "Sensitivity", "value": "Private"}]})
        fetched = adapter.get_message(BOX, delivered["id"], FetchSpec(html_body=False, with_attachments=False))
        assert fetched.message.message_class == "IPM.Note.Custom"
        assert [a.name for a in fetched.message.attachments] == ["a.txt"]
        assert fetched.message.sensitivity == "private"  # PidTagSensitivity, read either way
