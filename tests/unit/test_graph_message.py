from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from shared.adapters.graph_message import GRAPH_EXPAND, GRAPH_SELECT, fetched_from_graph, message_from_graph
from shared.domain.model import AttachmentContent, Folder


def graph_message(**overrides: Any) -> dict[str, Any]:
    """A message as GET /users/{id}/messages/{id}?$select=…&$expand=… returns it."""
    data: dict[str, Any] = {
        "@odata.etag": 'W/"CQAAABYAAAA"',
        "id": "AAMkAGI2THVSAAA=",
        "internetMessageId": "<abc@customer.example>",
        "conversationId": "AAQkAGI2",
        "subject": "Membership renewal",
        "sender": {"emailAddress": {"name": "Ann Lee", "address": "Ann@Customer.example"}},
        "from": {"emailAddress": {"name": "Ann Lee", "address": "Ann@Customer.example"}},
        "toRecipients": [{"emailAddress": {"name": "Sam", "address": "sam@org.example"}}],
        "ccRecipients": [], "bccRecipients": [], "replyTo": [],
        "sentDateTime": "2026-02-03T09:00:00Z",
        "receivedDateTime": "2026-02-03T09:00:05Z",
        "isDraft": False, "isReadReceiptRequested": True, "hasAttachments": True,
        "body": {"contentType": "html", "content": "<p>Hello</p>"},
        "internetMessageHeaders": [
            {"name": "Content-Type", "value": 'multipart/report; report-type="delivery-status"; boundary="x"'},
            {"name": "In-Reply-To", "value": "<prev@org.example>"},
            {"name": "References", "value": "<first@org.example> <prev@org.example>"},
        ],
        "singleValueExtendedProperties": [{"id": "String 0x1a", "value": "REPORT.IPM.Note.NDR"}],
        "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "id": "AAM1", "name": "details.txt",
                         "contentType": "message/delivery-status", "size": 312, "isInline": False}],
    }
    data.update(overrides)
    return data


class TestMessageFromGraph:
    def test_maps_the_wire_fields(self) -> None:
        msg = message_from_graph(graph_message(), Folder.INBOX)
        assert msg.author is not None and msg.author.email == "ann@customer.example"
        assert [a.email for a in msg.to] == ["sam@org.example"]
        assert msg.received_at == datetime(2026, 2, 3, 9, 0, 5, tzinfo=UTC)
        assert msg.message_class == "REPORT.IPM.Note.NDR"
        assert (msg.content_type, msg.report_type) == ("multipart/report", "delivery-status")
        assert "message/delivery-status" in msg.part_types
        assert msg.body_html == "<p>Hello</p>" and msg.body_text == ""
        assert msg.in_reply_to == "<prev@org.example>"
        assert msg.references == ("<first@org.example>", "<prev@org.example>")
        assert msg.is_read_receipt_requested and msg.has_attachments
        assert msg.header("content-type") is not None

    @pytest.mark.parametrize("prop_id", ["String 0x001A", "String 0x1a", "string 0x001a"])
    def test_message_class_id_in_any_spelling(self, prop_id: str) -> None:
        props = [{"id": "Integer 0x0E07", "value": "1"}, {"id": prop_id, "value": "IPM.Note"}]
        assert message_from_graph(graph_message(singleValueExtendedProperties=props), Folder.INBOX).message_class \
            == "IPM.Note"

    def test_tolerates_a_minimal_message(self) -> None:
        msg = message_from_graph({"id": "x", "from": None, "toRecipients": None, "sentDateTime": "bad"},
                                 Folder.SENT_ITEMS)
        assert msg.author is None and msg.to == () and msg.sent_at is None
        assert (msg.content_type, msg.message_class, msg.folder) == ("", "", Folder.SENT_ITEMS)

    def test_request_shape_names_what_the_rules_need(self) -> None:
        assert "internetMessageHeaders" in GRAPH_SELECT.split(",")
        assert ("singleValueExtendedProperties($filter=id eq 'String 0x001A' or id eq 'Integer 0x0036')"
                in GRAPH_EXPAND)

    def test_unique_body_in_either_form(self) -> None:
        html = message_from_graph(graph_message(uniqueBody={"contentType": "html", "content": "<p>Yes</p>"}),
                                  Folder.INBOX)
        text = message_from_graph(graph_message(uniqueBody={"contentType": "text", "content": "Yes"}), Folder.INBOX)
        assert (html.unique_body_html, html.unique_body_text) == ("<p>Yes</p>", "")
        assert (text.unique_body_html, text.unique_body_text) == ("", "Yes")
        assert message_from_graph(graph_message(), Folder.INBOX).unique_body_text == ""

    @pytest.mark.parametrize(("value", "expected"), [("2", "private"), ("1", "personal"), ("3", "confidential"),
                                                     ("0", "normal"), ("9", ""), ("x", "")])
    def test_sensitivity_from_the_mapi_property(self, value: str, expected: str) -> None:
        props = [{"id": "String 0x1a", "value": "IPM.Note"}, {"id": "Integer 0x36", "value": value}]
        msg = message_from_graph(graph_message(singleValueExtendedProperties=props), Folder.INBOX)
        assert (msg.sensitivity, msg.message_class) == (expected, "IPM.Note")


class TestFetchedFromGraph:
    def test_file_attachments_are_decoded_and_the_rest_left_out(self) -> None:
        attachments = [
            {"@odata.type": "#microsoft.graph.fileAttachment", "name": "agenda.pdf", "contentType": "application/pdf",
             "size": 5, "isInline": False, "contentBytes": base64.b64encode(b"%PDF-").decode()},
            {"@odata.type": "#microsoft.graph.fileAttachment", "name": "logo.png", "contentType": "image/png",
             "size": 3, "isInline": True, "contentBytes": base64.b64encode(b"png").decode()},
            {"@odata.type": "#microsoft.graph.itemAttachment", "name": "forwarded", "size": 900},
            {"@odata.type": "#microsoft.graph.fileAttachment", "name": "bad.bin", "contentBytes": "not base64!"},
        ]
        fetched = fetched_from_graph(graph_message(attachments=attachments), Folder.SENT_ITEMS)
        assert fetched.message.folder == Folder.SENT_ITEMS and fetched.message.subject == "Membership renewal"
        assert fetched.files == (AttachmentContent("agenda.pdf", "application/pdf", b"%PDF-"),
                                 AttachmentContent("logo.png", "image/png", b"png", is_inline=True))
        assert [a.name for a in fetched.message.attachments] == ["agenda.pdf", "logo.png", "forwarded", "bad.bin"]

    def test_metadata_only_fetch_has_no_files(self) -> None:
        assert fetched_from_graph(graph_message(), Folder.INBOX).files == ()
