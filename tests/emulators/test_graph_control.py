"""The control API: mailboxes and folders, .eml parsing on delivery, bulk load, move/delete, reset."""

from __future__ import annotations

import time

import pytest

from emulators.graph.sink import WebhookSink
from tests.emulators.conftest import Emulator, HookUrl, in_minutes, wait_until

pytestmark = pytest.mark.integration

THREAD_REPLY = b"""From: "Bob Smith" <Bob@Example.org>
Sender: assistant@example.org
To: Alice <alice@contoso.com>, carol@contoso.com
Cc: dave@example.org
Reply-To: replies@example.org
Subject: Re: Plans
Date: Tue, 06 Jan 2026 08:30:00 -0500
Message-ID: <reply@example.org>
In-Reply-To: <root@example.org>
References: <root@example.org>
Importance: high

Sounds good.
"""


class TestDelivery:
    def test_eml_headers_become_graph_properties(self, emu: Emulator) -> None:
        emu.mailbox()
        delivered = emu.deliver("alice@contoso.com", THREAD_REPLY, receivedDateTime="2026-01-06T13:31:00Z")
        root = emu.deliver("alice@contoso.com", {"subject": "Plans", "internetMessageId": "<root@example.org>"})
        m = emu.api.get(f"/users/alice@contoso.com/messages/{delivered['id']}").json()
        assert m["from"] == {"emailAddress": {"name": "Bob Smith", "address": "Bob@Example.org"}}
        assert m["sender"]["emailAddress"]["address"] == "assistant@example.org"
        assert [r["emailAddress"]["address"] for r in m["toRecipients"]] == ["alice@contoso.com", "carol@contoso.com"]
        assert [r["emailAddress"]["address"] for r in m["ccRecipients"] + m["replyTo"]] == [
            "dave@example.org", "replies@example.org"]
        assert (m["sentDateTime"], m["receivedDateTime"]) == ("2026-01-06T13:30:00Z", "2026-01-06T13:31:00Z")
        assert (m["importance"], m["isDraft"], m["internetMessageId"]) == ("high", False, "<reply@example.org>")
        assert m["conversationId"] == root["conversationId"]  # threaded by References
        assert m["body"]["contentType"] == "html" and "Sounds good." in m["body"]["content"]

    def test_message_class_override_and_custom_folders(self, emu: Emulator) -> None:
        emu.mailbox()
        folder = emu.set("mailboxes/alice@contoso.com/folders", {"displayName": "Customers"})
        mid = emu.deliver("alice@contoso.com", {"subject": "x", "messageClass": "IPM.Note.Custom"},
                          folder="Customers")["id"]
        message = emu.api.get(f"/users/alice@contoso.com/mailFolders/{folder['id']}/messages/{mid}",
                              params={"$expand": "singleValueExtendedProperties($filter=id eq 'String 0x001A')"})
        assert message.json()["singleValueExtendedProperties"][0]["value"] == "IPM.Note.Custom"
        wrong_folder = emu.api.get(f"/users/alice@contoso.com/mailFolders/inbox/messages/{mid}")
        assert wrong_folder.status_code == 404


class TestBulkAndReset:
    def test_bulk_load_is_fast_and_silent_when_asked(self, emu: Emulator, sink: WebhookSink,
                                                     hook_url: HookUrl) -> None:
        user = emu.mailbox()["id"]
        emu.api.post("/subscriptions", json={"changeType": "created", "notificationUrl": hook_url("bulk"),
                                             "resource": f"users/{user}/messages",
                                             "expirationDateTime": in_minutes(60)}).raise_for_status()
        messages = [{"subject": f"m{i}", "receivedDateTime": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z"}
                    for i in range(2000)]
        started = time.monotonic()
        loaded = emu.set("mailboxes/alice@contoso.com/bulk", {"messages": messages, "notify": False})
        assert loaded["count"] == 2000 and time.monotonic() - started < 10
        inbox = emu.api.get(f"/users/{user}/mailFolders/inbox").json()
        assert inbox["totalItemCount"] == 2000
        assert emu.get("notifications")["log"] == []
        emu.set("mailboxes/alice@contoso.com/bulk", {"messages": messages[:1], "notify": True})
        wait_until(lambda: sink.notifications("bulk"))

    def test_reset_forgets_everything(self, emu: Emulator) -> None:
        emu.mailbox()
        emu.set("throttling", {"requests": 1})
        emu.set("reset", {})
        assert emu.get("mailboxes")["value"] == [] and emu.get("throttling")["requests"] == 10_000
        assert emu.control.get("/_emulator/health").json() == {"status": "ok"}

    def test_unknown_control_settings_are_rejected(self, emu: Emulator) -> None:
        response = emu.control.post("/_emulator/throttling", json={"concurency": 2})
        assert response.status_code == 400 and "concurency" in response.json()["error"]["message"]
