"""Attachments, MIME ($value), folder and list queries through msgraph-sdk."""

from __future__ import annotations

import asyncio
import base64
from email import message_from_bytes, policy
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import MessagesRequestBuilder

from tests.emulators.conftest import SDK_WARNINGS, Connect, Emulator

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]
ListQuery = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters
PDF = b"%PDF-1.4 tiny"
PNG = b"\x89PNG\r\n\x1a\nfake"

RELATED = b"""From: bob@example.org
To: alice@contoso.com
Subject: Report with logo
Message-ID: <rel1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>See <img src="cid:logo@x"></p>
--rel
Content-Type: image/png
Content-ID: <logo@x>
Content-Transfer-Encoding: base64

""" + base64.b64encode(PNG) + b"""
--rel--
--outer
Content-Type: application/pdf
Content-Disposition: attachment; filename="report.pdf"
Content-Transfer-Encoding: base64

""" + base64.b64encode(PDF) + b"""
--outer--
"""


def run(graph_client: Connect, use: Any) -> Any:
    async def call() -> Any:
        async with graph_client() as client:
            return await use(client)
    return asyncio.run(call())


class TestAttachments:
    def test_file_and_inline_attachments_come_back_with_their_bytes(self, emu: Emulator,
                                                                    graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", RELATED)["id"]
        found = run(graph_client, lambda c: c.users.by_user_id(user).messages.by_message_id(mid).attachments.get())
        by_name = {a.name: a for a in found.value}
        pdf, logo = by_name["report.pdf"], next(a for a in found.value if a.is_inline)
        assert (pdf.content_bytes, pdf.content_type, pdf.is_inline, pdf.size) == (PDF, "application/pdf", False, 13)
        assert (logo.content_bytes, logo.content_id) == (PNG, "logo@x")
        assert logo.odata_type == "#microsoft.graph.fileAttachment"
        single = emu.api.get(f"/users/{user}/messages/{mid}/attachments/{pdf.id}/$value")
        assert single.content == PDF

    def test_expanded_attachments_honour_a_nested_select(self, emu: Emulator) -> None:
        emu.mailbox()
        mid = emu.deliver("alice@contoso.com", RELATED)["id"]
        expand = ("singleValueExtendedProperties($filter=id eq 'String 0x001A'),"
                  "attachments($select=id,name,contentType,size,isInline)")
        message = emu.api.get(f"/users/alice@contoso.com/messages/{mid}",
                              params={"$select": "subject,hasAttachments", "$expand": expand}).json()
        assert message["singleValueExtendedProperties"] == [{"id": "String 0x1a", "value": "IPM.Note"}]
        assert sorted((a["name"], a["size"], a["isInline"]) for a in message["attachments"]) == [
            ("ATT00001.png", len(PNG), True), ("report.pdf", len(PDF), False)]
        assert all("contentBytes" not in a for a in message["attachments"])

    def test_has_attachments_ignores_inline_ones(self, emu: Emulator) -> None:
        emu.mailbox()
        inline = {"name": "logo.png", "contentType": "image/png", "isInline": True, "contentId": "logo",
                  "contentBytes": base64.b64encode(PNG).decode()}
        only_inline = emu.deliver("alice@contoso.com", {"subject": "logo", "attachments": [inline]})["id"]
        with_file = emu.deliver("alice@contoso.com", RELATED)["id"]
        flags = {m: emu.api.get(f"/users/alice@contoso.com/messages/{m}").json()["hasAttachments"]
                 for m in (only_inline, with_file)}
        assert flags == {only_inline: False, with_file: True}


class TestMime:
    def test_value_returns_the_delivered_eml_unchanged(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", RELATED)["id"]
        raw = run(graph_client, lambda c: c.users.by_user_id(user).messages.by_message_id(mid).content.get())
        assert raw == RELATED

    def test_value_is_generated_for_json_delivered_mail(self, emu: Emulator) -> None:
        emu.mailbox()
        pdf = {"name": "a.pdf", "contentType": "application/pdf", "contentBytes": base64.b64encode(PDF).decode()}
        mid = emu.deliver("alice@contoso.com", {
            "subject": "Generated", "body": {"contentType": "html", "content": "<p>Hi</p>"},
            "from": {"emailAddress": {"address": "bob@example.org", "name": "Bob"}},
            "toRecipients": [{"emailAddress": {"address": "alice@contoso.com"}}], "attachments": [pdf]})["id"]
        response = emu.api.get(f"/users/alice@contoso.com/messages/{mid}/$value")
        parsed = message_from_bytes(response.content, policy=policy.default)
        assert response.headers["content-type"].startswith("message/rfc822")
        assert (parsed["Subject"], parsed["From"].addresses[0].addr_spec) == ("Generated", "bob@example.org")
        assert [p.get_content() for p in parsed.iter_attachments()] == [PDF]


class TestFoldersAndLists:
    def test_folder_by_well_known_name_reports_counts(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        for read in (True, False, False):
            emu.deliver("alice@contoso.com", {"subject": "x", "isRead": read})
        inbox = run(graph_client, lambda c: c.users.by_user_id(user).mail_folders.by_mail_folder_id("Inbox").get())
        assert (inbox.display_name, inbox.total_item_count, inbox.unread_item_count) == ("Inbox", 3, 2)
        assert emu.api.get(f"/users/{user}/mailFolders/{inbox.id}").json()["displayName"] == "Inbox"

    def test_filter_orderby_top_and_next_link_paging(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        for day in range(1, 6):
            emu.deliver("alice@contoso.com", {"subject": f"day {day}", "receivedDateTime": f"2026-01-0{day}T09:00:00Z"})
        query = ListQuery(filter="receivedDateTime ge 2026-01-02T00:00:00Z", orderby=["receivedDateTime desc"],
                          top=2, select=["subject", "receivedDateTime"])

        async def all_pages(client: Any) -> list[str]:
            messages = client.users.by_user_id(user).mail_folders.by_mail_folder_id("inbox").messages
            page = await messages.get(RequestConfiguration(query_parameters=query))
            subjects = [m.subject for m in page.value]
            while page.odata_next_link:
                page = await messages.with_url(page.odata_next_link).get()
                assert len(page.value) <= 2
                subjects += [m.subject for m in page.value]
            return subjects

        assert run(graph_client, all_pages) == ["day 5", "day 4", "day 3", "day 2"]

    def test_unsupported_filter_is_a_400(self, emu: Emulator) -> None:
        emu.mailbox()
        response = emu.api.get("/users/alice@contoso.com/messages", params={"$filter": "startswith(subject,'a')"})
        assert response.status_code == 400 and response.json()["error"]["code"] == "ErrorInvalidUrlQueryFilter"
