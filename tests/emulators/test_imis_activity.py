"""Activity create, read back, filters and the iMIS-style validation 400s."""

from __future__ import annotations

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


class TestCreateAndRead:
    def test_create_answers_201_with_the_new_seqn(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="Renewal question", UF_1="key-1"))
        assert reply.status_code == 201
        entity = reply.json()
        seqn = entity["Identity"]["IdentityElements"]["$values"][0]
        assert seqn == "50001"  # first_seqn in the sample seed
        assert entity["PrimaryParentIdentity"]["IdentityElements"]["$values"] == ["20001"]
        props = properties(entity)
        assert (props["SEQN"], props["DESCRIPTION"], props["ACTIVITY_TYPE"]) == (50001, "Renewal question", "EMAIL")
        assert props["TRANSACTION_DATE"]  # the server fills a blank date with "now"

    def test_read_back_by_seqn(self, imis: Imis) -> None:
        body = activity_body(DESCRIPTION="Subject", NOTE="Body", TRANSACTION_DATE="2025-03-01T14:05:00",
                             UNITS={"$type": "System.Decimal", "$value": 3})
        seqn = imis.api.post("/api/Activity", json=body).json()["Identity"]["IdentityElements"]["$values"][0]
        entity = imis.api.get(f"/api/Activity/{seqn}").json()
        assert entity["$type"] == "Asi.Soa.Core.DataContracts.GenericEntityData, Asi.Contracts"
        props = properties(entity)
        assert (props["NOTE"], props["TRANSACTION_DATE"], props["UNITS"]) == ("Body", "2025-03-01T14:05:00", 3)
        assert imis.api.get("/api/Activity/1").status_code == 404

    def test_lenient_form_and_parent_identity_are_accepted(self, imis: Imis) -> None:
        body = {"$type": "Asi.Soa.Core.DataContracts.GenericEntityData, Asi.Contracts",
                "PrimaryParentIdentity": {"IdentityElements": {"$values": ["20002"]}},
                "properties": {"$values": [{"Name": "activity_type", "Value": "email"},
                                           {"Name": "Description", "Value": "lower-case names"}]}}
        reply = imis.api.post("/api/activity", json=body)
        assert reply.status_code == 201
        assert properties(reply.json())["PartyId"] == "20002"
        assert properties(reply.json())["ACTIVITY_TYPE"] == "EMAIL"

    def test_filter_by_party_and_uf_1(self, imis: Imis) -> None:
        for party, key in (("20001", "k-a"), ("20001", "k-b"), ("20002", "k-a")):
            imis.api.post("/api/Activity", json=activity_body(party, UF_1=key)).raise_for_status()
        body = imis.api.get("/api/Activity?PartyId=eq:20001&UF_1=eq:K-A&limit=1").json()
        assert (body["Count"], body["TotalCount"], body["HasNext"]) == (1, 1, False)
        assert properties(body["Items"]["$values"][0])["UF_1"] == "k-a"
        assert imis.api.get("/api/Activity", params={"UF_1": "eq:k-a"}).json()["TotalCount"] == 2
        assert imis.api.get("/api/Activity", params={"UF_1": "eq:none"}).json()["Count"] == 0

    def test_records_hold_every_written_field(self, imis: Imis) -> None:
        imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="d", NOTE_2="n2")).raise_for_status()
        [record] = imis.records()["activities"]
        assert record["PartyId"] == "20001" and record["NOTE_2"] == "n2" and record["SEQN"] == 50001


class TestValidation:
    def test_over_long_description_is_refused_with_a_validation_body(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="x" * 256))
        assert reply.status_code == 400
        body = reply.json()
        assert body["$type"] == "Asi.Soa.Core.DataContracts.ValidationResultsData, Asi.Contracts"
        assert error_properties(reply) == ["DESCRIPTION"]
        assert "255" in body["Errors"]["$values"][0]["Message"]

    def test_description_of_exactly_255_is_fine(self, imis: Imis) -> None:
        assert imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="x" * 255)).status_code == 201

    @pytest.mark.parametrize(("column", "size"), [("NOTE", 32000), ("NOTE_2", 32000), ("UF_1", 255),
                                                  ("UF_3", 255), ("OTHER_CODE", 40)])
    def test_other_columns_have_sizes(self, imis: Imis, column: str, size: int) -> None:
        assert imis.api.post("/api/Activity", json=activity_body(**{column: "y" * size})).status_code == 201
        reply = imis.api.post("/api/Activity", json=activity_body(**{column: "y" * (size + 1)}))
        assert reply.status_code == 400 and error_properties(reply) == [column]

    def test_unknown_activity_type_is_refused(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Activity", json=activity_body(activity_type="EMAILX"))
        assert reply.status_code == 400 and error_properties(reply) == ["ACTIVITY_TYPE"]

    def test_missing_type_or_party_is_refused(self, imis: Imis) -> None:
        assert error_properties(imis.api.post("/api/Activity", json=activity_body(activity_type=None))) == [
            "ACTIVITY_TYPE"]
        assert error_properties(imis.api.post("/api/Activity", json=activity_body(party_id=None))) == ["PartyId"]

    def test_unknown_party_is_refused(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Activity", json=activity_body(party_id="99999"))
        assert reply.status_code == 400 and error_properties(reply) == ["PartyId"]

    def test_unknown_column_and_bad_date_are_refused(self, imis: Imis) -> None:
        assert error_properties(imis.api.post("/api/Activity", json=activity_body(TITLE="x"))) == ["TITLE"]
        reply = imis.api.post("/api/Activity", json=activity_body(TRANSACTION_DATE="yesterday"))
        assert error_properties(reply) == ["TRANSACTION_DATE"]

    def test_nothing_is_written_when_refused(self, imis: Imis) -> None:
        imis.api.post("/api/Activity", json=activity_body(DESCRIPTION="x" * 300))
        assert imis.records()["activities"] == []

    def test_body_that_is_not_json_is_refused(self, imis: Imis) -> None:
        reply = imis.api.post("/api/Activity", content=b"{not json", headers={"Content-Type": "application/json"})
        assert reply.status_code == 400
