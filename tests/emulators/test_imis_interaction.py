"""Interactions (CommunicationLogRecipient) and attachments on activities and interactions."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.emulators.imis_fixtures import (  # noqa: F401
    Imis,
    activity_body,
    error_properties,
    imis_clients_fixture,
    imis_fixture,
    imis_server_fixture,
    properties,
)

pytestmark = pytest.mark.integration
ENTITY = "Asi.Soa.Core.DataContracts.GenericEntityData, Asi.Contracts"


def interaction(**props: Any) -> dict[str, Any]:
    values = {"RecipientId": "20003", "Subject": "Question sur l'adhésion", "Html": "<p>Bonjour</p>",
              "MessageType": "Email", "EmailTo": "membership@association.example"} | props
    return {"$type": ENTITY, "EntityTypeName": "CommunicationLogRecipient",
            "Properties": {"$values": [{"Name": k, "Value": v} for k, v in values.items() if v is not None]}}


def attachment(parent: str, key: str, data: bytes, name: str = "message.eml") -> dict[str, Any]:
    return {"$type": ENTITY, "EntityTypeName": "Attachment",
            "PrimaryParentIdentity": {"EntityTypeName": parent, "IdentityElements": {"$values": [key]}},
            "Properties": {"$values": [
                {"Name": "FileName", "Value": name}, {"Name": "ContentType", "Value": "message/rfc822"},
                {"Name": "Data", "Value": {"$type": "System.Byte[], mscorlib",
                                           "$value": base64.b64encode(data).decode()}}]}}


def _key(reply: Any) -> str:
    return str(reply.json()["Identity"]["IdentityElements"]["$values"][0])


class TestInteractions:
    def test_create_sets_the_interaction_date_itself(self, imis: Imis) -> None:
        reply = imis.api.post("/api/CommunicationLogRecipient",
                              json=interaction(InteractionDate="2020-01-01T00:00:00", CaptureKey="mid-1"))
        assert reply.status_code == 201
        props = properties(reply.json())
        assert props["CommunicationLogRecipientKey"] == _key(reply)
        assert not props["InteractionDate"].startswith("2020")  # the REST API cannot set it [CSI-COMMLOG]
        assert props["Subject"] == "Question sur l'adhésion"

    def test_read_back_and_filter_by_recipient_and_key(self, imis: Imis) -> None:
        key = _key(imis.api.post("/api/CommunicationLogRecipient", json=interaction(CaptureKey="mid-1")))
        imis.api.post("/api/CommunicationLogRecipient", json=interaction(CaptureKey="mid-2")).raise_for_status()
        assert properties(imis.api.get(f"/api/CommunicationLogRecipient/{key}").json())["CaptureKey"] == "mid-1"
        found = imis.api.get("/api/CommunicationLogRecipient?RecipientId=eq:20003&CaptureKey=eq:mid-2").json()
        assert found["Count"] == 1 and properties(found["Items"]["$values"][0])["CaptureKey"] == "mid-2"

    def test_email_to_over_100_characters_is_refused(self, imis: Imis) -> None:
        assert imis.api.post("/api/CommunicationLogRecipient", json=interaction(EmailTo="a" * 100)).status_code == 201
        reply = imis.api.post("/api/CommunicationLogRecipient", json=interaction(EmailTo="a" * 101))
        assert reply.status_code == 400 and error_properties(reply) == ["EmailTo"]

    def test_attachment_names_over_50_characters_are_refused(self, imis: Imis) -> None:
        names = {"$type": "System.Collections.Generic.List`1[[System.String, mscorlib]], mscorlib",
                 "$values": ["ok.pdf", "n" * 47 + ".pdf"]}
        reply = imis.api.post("/api/CommunicationLogRecipient", json=interaction(AttachmentNames=names))
        assert reply.status_code == 400 and error_properties(reply) == ["AttachmentNames"]
        names["$values"] = ["ok.pdf", "n" * 46 + ".pdf"]
        assert imis.api.post("/api/CommunicationLogRecipient", json=interaction(AttachmentNames=names)).is_success

    def test_attachment_names_may_be_one_string_split_by_semicolons(self, imis: Imis) -> None:
        joined = "agenda.pdf; " + "n" * 46 + ".pdf"
        reply = imis.api.post("/api/CommunicationLogRecipient", json=interaction(AttachmentNames=joined))
        assert properties(reply.json())["AttachmentNames"] == ["agenda.pdf", "n" * 46 + ".pdf"]
        reply = imis.api.post("/api/CommunicationLogRecipient", json=interaction(AttachmentNames=joined + "x"))
        assert reply.status_code == 400 and error_properties(reply) == ["AttachmentNames"]

    @pytest.mark.parametrize(("field", "value"), [("RecipientId", None), ("RecipientId", "99999"),
                                                  ("Subject", None), ("Subject", "s" * 401), ("MessageType", "Fax")])
    def test_required_and_checked_fields(self, imis: Imis, field: str, value: str | None) -> None:
        reply = imis.api.post("/api/CommunicationLogRecipient", json=interaction(**{field: value}))
        assert reply.status_code == 400 and error_properties(reply) == [field]
        assert imis.records()["interactions"] == []


class TestAttachments:
    def test_attach_an_eml_to_an_activity(self, imis: Imis) -> None:
        seqn = _key(imis.api.post("/api/Activity", json=activity_body()))
        eml = b"Subject: hi\r\n\r\nbody\r\n"
        reply = imis.api.post("/api/Attachment", json=attachment("Activity", seqn, eml))
        assert reply.status_code == 201
        assert properties(reply.json())["Size"] == len(eml)
        [record] = imis.records()["attachments"]
        assert (record["ParentType"], record["ParentId"], record["FileName"]) == ("Activity", seqn, "message.eml")
        assert imis.http.get(f"/_emulator/attachments/{record['AttachmentId']}").content == eml

    def test_empty_file_is_refused(self, imis: Imis) -> None:
        seqn = _key(imis.api.post("/api/Activity", json=activity_body()))
        reply = imis.api.post("/api/Attachment", json=attachment("Activity", seqn, b""))
        assert reply.status_code == 400 and error_properties(reply) == ["Data"]

    def test_unknown_parent_is_refused(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Attachment", json=attachment("Activity", "424242", b"x"))
        assert reply.status_code == 400 and error_properties(reply) == ["PrimaryParentIdentity"]

    def test_interaction_attachment_names_are_limited_to_50(self, imis: Imis) -> None:
        key = _key(imis.api.post("/api/CommunicationLogRecipient", json=interaction()))
        long_name = "Greenway_Trails_Trust_Partnership_Proposal_2025_final.pdf"
        reply = imis.api.post("/api/Attachment", json=attachment("CommunicationLogRecipient", key, b"%PDF", long_name))
        assert reply.status_code == 400 and error_properties(reply) == ["FileName"]
        ok = imis.api.post("/api/Attachment", json=attachment("CommunicationLogRecipient", key, b"%PDF", "p.pdf"))
        assert ok.status_code == 201
