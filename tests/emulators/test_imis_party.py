"""Contact search by email, paging, read by id, create, and organisation lookup by domain."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulators.imis_fixtures import Imis, imis_clients_fixture, imis_fixture, imis_server_fixture  # noqa: F401

pytestmark = pytest.mark.integration


def _ids(reply: Any) -> list[str]:
    return [item["Id"] for item in reply.json()["Items"]["$values"]]


class TestSearchByEmail:
    def test_eq_finds_the_person_with_the_paged_envelope(self, imis: Imis) -> None:
        body = imis.api.get("/api/Party", params={"Email": "eq:alice.moreau@example.org"}).json()
        assert body["$type"].startswith("Asi.Soa.Core.DataContracts.PagedResult`1")
        assert (body["Count"], body["TotalCount"], body["HasNext"], body["Offset"]) == (1, 1, False, 0)
        person = body["Items"]["$values"][0]
        assert person["$type"] == "Asi.Soa.Membership.DataContracts.PersonData, Asi.Contracts"
        assert (person["Id"], person["PartyId"]) == ("20001", "20001")
        assert person["PersonName"]["LastName"] == "Moreau"
        assert person["PrimaryOrganization"]["OrganizationPartyId"] == "10001"
        assert person["Status"]["PartyStatusId"] == "A"

    def test_match_is_case_insensitive_both_ways(self, imis: Imis) -> None:
        assert _ids(imis.api.get("/api/Party", params={"Email": "eq:maya.patel@example.net"})) == ["20013"]
        assert _ids(imis.api.get("/api/Party", params={"Email": "eq:ALICE.Moreau@Example.org"})) == ["20001"]

    def test_bare_lowercase_parameter_is_an_exact_match(self, imis: Imis) -> None:
        assert _ids(imis.api.get("/api/party", params={"email": "ben.okafor@example.com"})) == ["20002"]
        assert _ids(imis.api.get("/api/party", params={"email": "okafor@example.com"})) == []

    def test_secondary_addresses_are_searched(self, imis: Imis) -> None:
        assert _ids(imis.api.get("/api/Party", params={"Email": "eq:alice@harbourview-cc.example"})) == ["20001"]

    def test_shared_address_returns_both_contacts(self, imis: Imis) -> None:
        body = imis.api.get("/api/Party", params={"Email": "eq:family@berg-home.example"}).json()
        assert body["Count"] == 2
        assert sorted(i["Id"] for i in body["Items"]["$values"]) == ["20010", "20011"]

    def test_plus_sign_must_be_percent_encoded(self, imis: Imis) -> None:
        assert _ids(imis.api.get("/api/Party?Email=eq:noah.w%2Bcycling@example.org")) == ["20014"]
        assert _ids(imis.api.get("/api/Party?Email=eq:noah.w+cycling@example.org")) == []  # '+' is a space

    def test_unknown_address_gives_an_empty_page(self, imis: Imis) -> None:
        body = imis.api.get("/api/Party", params={"Email": "eq:nobody@example.org"}).json()
        assert (body["Count"], body["TotalCount"], body["Items"]["$values"]) == (0, 0, [])

    def test_unknown_query_property_is_refused(self, imis: Imis) -> None:
        assert imis.api.get("/api/Party", params={"Emial": "eq:x@example.org"}).status_code == 400


class TestPaging:
    def test_limit_and_offset_walk_every_party_once(self, imis: Imis) -> None:
        seen, offset = [], 0
        while True:
            body = imis.api.get("/api/Party", params={"limit": 7, "offset": offset}).json()
            seen += [i["Id"] for i in body["Items"]["$values"]]
            assert body["Limit"] == 7 and body["Offset"] == offset and body["TotalCount"] == 19
            if not body["HasNext"]:
                break
            assert body["Count"] == 7 and body["NextOffset"] == offset + 7
            offset = body["NextOffset"]
        assert len(seen) == len(set(seen)) == 19

    def test_last_page_has_no_next(self, imis: Imis) -> None:
        body = imis.api.get("/api/Party", params={"limit": 5, "offset": 15}).json()
        assert (body["Count"], body["HasNext"]) == (4, False)

    def test_bad_paging_values_are_refused(self, imis: Imis) -> None:
        assert imis.api.get("/api/Party", params={"limit": "lots"}).status_code == 400
        assert imis.api.get("/api/Party", params={"limit": 0}).status_code == 400


class TestReadAndCreate:
    def test_get_by_id_and_unknown_id(self, imis: Imis) -> None:
        assert imis.api.get("/api/Party/20011").json()["Emails"]["$values"][1]["Address"] == "family@berg-home.example"
        assert imis.api.get("/api/Party/99999").status_code == 404

    def test_post_person_creates_a_searchable_contact(self, imis: Imis) -> None:
        person = {
            "$type": "Asi.Soa.Membership.DataContracts.PersonData, Asi.Contracts",
            "PersonName": {"$type": "Asi.Soa.Membership.DataContracts.PersonNameData, Asi.Contracts",
                           "FirstName": "Ada", "LastName": "Lovelace"},
            "Emails": {"$type": "Asi.Soa.Membership.DataContracts.EmailDataCollection, Asi.Contracts",
                       "$values": [{"$type": "Asi.Soa.Membership.DataContracts.EmailData, Asi.Contracts",
                                    "Address": "ada@example.org", "EmailType": "_Primary", "IsPrimary": True}]},
        }
        reply = imis.api.post("/api/Party", json=person)
        assert reply.status_code == 201
        new_id = reply.json()["Id"]
        assert new_id == reply.json()["PartyId"] and new_id not in {"20001", "20015"}
        assert _ids(imis.api.get("/api/Party", params={"Email": "eq:ADA@example.org"})) == [new_id]
        assert [p["Id"] for p in imis.records()["parties"]] == [new_id]

    def test_post_without_a_contract_type_or_name_is_refused(self, imis: Imis) -> None:
        assert imis.api.post("/api/Party", json={"PersonName": {"LastName": "X"}}).status_code == 400
        typed = {"$type": "Asi.Soa.Membership.DataContracts.PersonData, Asi.Contracts", "PersonName": {}}
        assert imis.api.post("/api/Party", json=typed).status_code == 400


class TestOrganisationByDomain:
    def test_endswith_domain_finds_the_organisation_and_its_people(self, imis: Imis) -> None:
        body = imis.api.get("/api/Party", params={"Email": "endsWith:@harbourview-cc.example"}).json()
        orgs = [i for i in body["Items"]["$values"] if "OrganizationData" in i["$type"]]
        assert [o["Id"] for o in orgs] == ["10001"] and orgs[0]["OrganizationName"] == "Harbourview Cycling Club"
        assert "20001" in _ids_of(body)

    def test_organization_endpoint_answers_organisations_only(self, imis: Imis) -> None:
        reply = imis.api.get("/api/Organization", params={"Email": "endsWith:@harbourview-cc.example"})
        assert _ids(reply) == ["10001"]
        assert _ids(imis.api.get("/api/Organization", params={"Website": "contains:greenway-trust.example"})) == [
            "10004"]


def _ids_of(body: dict[str, Any]) -> list[str]:
    return [i["Id"] for i in body["Items"]["$values"]]
