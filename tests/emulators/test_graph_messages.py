"""Reading messages through msgraph-sdk: $select, Prefer text bodies, the MAPI message class, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_http.middleware.options import HeadersInspectionHandlerOption
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.messages.item.message_item_request_builder import MessageItemRequestBuilder

from tests.emulators.conftest import SDK_WARNINGS, Connect, Emulator

pytestmark = [pytest.mark.integration, *SDK_WARNINGS]
Query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters

HTML_MAIL = b"""From: Bob Smith <bob@example.org>
To: Alice <alice@contoso.com>
Subject: Quarterly numbers
Date: Mon, 05 Jan 2026 10:00:00 +0000
Message-ID: <q1@example.org>
X-Campaign: spring
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Hello <b>Alice</b>,</p><ul><li>revenue up</li></ul></body></html>
"""
NDR = b"""From: Mail Delivery System <MAILER-DAEMON@contoso.com>
To: alice@contoso.com
Subject: Undeliverable: Hello
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Delivery has failed to these recipients.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.contoso.com

Final-Recipient: rfc822; nobody@example.org
Action: failed
Status: 5.1.1

--b--
"""
READ_RECEIPT = NDR.replace(b"report-type=delivery-status", b"report-type=disposition-notification").replace(
    b"message/delivery-status", b"message/disposition-notification").replace(
    b"Action: failed", b"Disposition: manual-action/MDN-sent-manually; displayed")
OOF = (b"From: bob@example.org\nTo: alice@contoso.com\nSubject: Automatic reply: Hello\n"
       b"Auto-Submitted: auto-replied\n\nAway.")


def get(graph_client: Connect, user: str, mid: str, **config: Any) -> Any:
    async def call() -> Any:
        async with graph_client() as client:
            return await client.users.by_user_id(user).messages.by_message_id(mid).get(RequestConfiguration(**config))
    return asyncio.run(call())


class TestGetMessage:
    def test_select_and_prefer_text_return_plain_body_and_headers(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", HTML_MAIL)["id"]
        inspect = HeadersInspectionHandlerOption(inspect_response_headers=True)
        config = RequestConfiguration(query_parameters=Query(select=["subject", "body", "internetMessageHeaders"]),
                                      options=[inspect])
        config.headers.add("Prefer", 'outlook.body-content-type="text"')
        config.headers.add("Prefer", 'IdType="ImmutableId"')

        message = get(graph_client, user, mid, query_parameters=config.query_parameters, options=config.options,
                      headers=config.headers)
        assert message.subject == "Quarterly numbers"
        assert message.body.content_type.value == "text"
        assert "Hello Alice," in message.body.content and "<b>" not in message.body.content
        assert {"X-Campaign": "spring"}.items() <= {h.name: h.value for h in message.internet_message_headers}.items()
        applied = inspect.response_headers.get("preference-applied")
        assert applied == {'outlook.body-content-type="text", IdType="ImmutableId"'}

    def test_defaults_to_html_body_without_internet_headers(self, emu: Emulator, graph_client: Connect) -> None:
        emu.mailbox()
        mid = emu.deliver("alice@contoso.com", HTML_MAIL)["id"]
        message = get(graph_client, "Alice@Contoso.com", mid)
        assert message.body.content_type.value == "html" and "<b>Alice</b>" in message.body.content
        assert message.internet_message_headers is None
        assert message.from_.email_address.address == "bob@example.org"
        assert message.internet_message_id == "<q1@example.org>" and message.is_draft is False

    @pytest.mark.parametrize(("eml", "expected"), [
        (NDR, "REPORT.IPM.Note.NDR"), (READ_RECEIPT, "REPORT.IPM.Note.IPNRN"),
        (OOF, "IPM.Note.Rules.OofTemplate.Microsoft"), (HTML_MAIL, "IPM.Note"),
    ])
    def test_expand_returns_mapi_message_class(self, emu: Emulator, graph_client: Connect, eml: bytes,
                                               expected: str) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", eml)["id"]
        query = Query(select=["subject"], expand=["singleValueExtendedProperties($filter=id eq 'String 0x001A')"])
        message = get(graph_client, user, mid, query_parameters=query)
        assert [p.value for p in message.single_value_extended_properties] == [expected]

    @pytest.mark.parametrize(("header", "expected"), [(b"Sensitivity: Private\n", ["IPM.Note", "2"]),
                                                      (b"Sensitivity: Company-Confidential\n", ["IPM.Note", "3"]),
                                                      (b"", ["IPM.Note"])])
    def test_expand_returns_mapi_sensitivity_when_set(self, emu: Emulator, graph_client: Connect, header: bytes,
                                                      expected: list[str]) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", header + HTML_MAIL)["id"]
        expand = "singleValueExtendedProperties($filter=id eq 'String 0x001A' or id eq 'Integer 0x0036')"
        message = get(graph_client, user, mid, query_parameters=Query(select=["subject"], expand=[expand]))
        assert [p.value for p in message.single_value_extended_properties] == expected

    def test_unique_body_only_when_selected_and_in_the_preferred_form(self, emu: Emulator,
                                                                       graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        message = {"subject": "Re: renewal", "body": {"contentType": "html", "content": "<p>Yes.</p><p>&gt; old</p>"},
                   "uniqueBody": {"contentType": "html", "content": "<p>Yes.</p>"},
                   "from": {"emailAddress": {"address": "bob@example.org"}}}
        mid = emu.deliver("alice@contoso.com", message)["id"]
        plain = get(graph_client, user, mid, query_parameters=Query(select=["subject"]))
        assert plain.unique_body is None
        config = RequestConfiguration(query_parameters=Query(select=["uniqueBody"]))
        config.headers.add("Prefer", 'outlook.body-content-type="text"')
        text = get(graph_client, user, mid, query_parameters=config.query_parameters, headers=config.headers)
        assert (text.unique_body.content_type.value, text.unique_body.content) == ("text", "Yes.")
        full = emu.deliver("alice@contoso.com", HTML_MAIL)["id"]  # no uniqueBody given: the whole body
        html = get(graph_client, user, full, query_parameters=Query(select=["uniqueBody"]))
        assert "revenue up" in html.unique_body.content

    def test_unknown_and_deleted_messages_are_item_not_found(self, emu: Emulator, graph_client: Connect) -> None:
        user = emu.mailbox()["id"]
        mid = emu.deliver("alice@contoso.com", HTML_MAIL)["id"]
        assert emu.control.delete(f"/_emulator/mailboxes/alice@contoso.com/messages/{mid}").status_code == 204
        for missing in (mid, "AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0Anope="):
            with pytest.raises(ODataError) as caught:
                get(graph_client, user, missing)
            assert caught.value.response_status_code == 404
            assert caught.value.error is not None and caught.value.error.code == "ErrorItemNotFound"


class TestAuthAndUsers:
    def test_missing_bearer_token_is_401_in_graph_error_shape(self, emu: Emulator) -> None:
        emu.mailbox()
        response = emu.api.get("/users/alice@contoso.com", headers={"Authorization": ""})
        assert response.status_code == 401
        error = response.json()["error"]
        assert error["code"] == "InvalidAuthenticationToken"
        assert error["innerError"]["request-id"] == response.headers["request-id"]

    def test_user_resolves_by_guid_or_address(self, emu: Emulator) -> None:
        user = emu.mailbox()["id"]
        by_id, by_address = emu.api.get(f"/users/{user.upper()}"), emu.api.get("/users/ALICE@contoso.com")
        assert by_id.json()["id"] == by_address.json()["id"] == user
        unknown = emu.api.get("/users/nobody@contoso.com/messages")
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "ErrorInvalidUser"

    def test_unknown_select_property_is_rejected(self, emu: Emulator) -> None:
        emu.mailbox()
        mid = emu.deliver("alice@contoso.com", HTML_MAIL)["id"]
        response = emu.api.get(f"/users/alice@contoso.com/messages/{mid}", params={"$select": "subject,nonsense"})
        assert response.status_code == 400 and "nonsense" in response.json()["error"]["message"]
