"""PersonData / OrganizationData documents, shaped like crm-apis.md §2.4 and the public iMIS contract typings
(PersonName, Emails.$values[*].Address/EmailType/IsPrimary, PrimaryOrganization.OrganizationPartyId/Name,
Status.PartyStatusId/Name, Id, PartyId, UniformId, Name, Sort)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from emulators.imis.wire import GENERIC_PROPERTIES, GENERIC_PROPERTY, contract

PERSON = contract("PersonData")
ORGANIZATION = contract("OrganizationData")
PARTY = contract("PartyData")
STATUS_NAMES = {"A": "Active", "I": "Inactive", "S": "Suspended", "D": "Deceased"}


def _status(code: str) -> dict[str, Any]:
    name = STATUS_NAMES.get(code, code)
    return {"$type": contract("PartyStatusData"), "PartyStatusId": code, "Name": name, "Description": name}


def _emails(emails: list[tuple[str, str]]) -> dict[str, Any]:
    return {"$type": contract("EmailDataCollection"), "$values": [
        {"$type": contract("EmailData"), "Address": address, "EmailType": kind, "IsPrimary": i == 0}
        for i, (address, kind) in enumerate(emails)]}


def _common(party_id: str, name: str, sort: str, emails: list[tuple[str, str]], status: str) -> dict[str, Any]:
    now = datetime.now().isoformat(timespec="seconds")
    return {
        "Emails": _emails(emails),
        "Id": party_id,
        "PartyId": party_id,
        "UniformId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"imis-emulator/party/{party_id}")),
        "Status": _status(status),
        "Name": name,
        "Sort": sort,
        "UpdateInformation": {"$type": contract("EntityUpdateInformationData"), "CreatedOn": now, "UpdatedOn": now},
    }


def person_doc(party_id: str, first: str, last: str, emails: list[tuple[str, str]], *,
               organization: tuple[str, str] | None = None, title: str = "", status: str = "A") -> dict[str, Any]:
    full = " ".join(p for p in (first, last) if p)
    doc: dict[str, Any] = {"$type": PERSON, "PersonName": {
        "$type": contract("PersonNameData"), "FirstName": first, "LastName": last, "FullName": full}}
    if organization:
        doc["PrimaryOrganization"] = {"$type": contract("PrimaryOrganizationInformationData"),
                                      "OrganizationPartyId": organization[0], "Name": organization[1],
                                      "Title": title}
    return doc | _common(party_id, full, ", ".join(p for p in (last, first) if p), emails, status)


def organization_doc(party_id: str, name: str, emails: list[tuple[str, str]], *, status: str = "A",
                     website: str = "") -> dict[str, Any]:
    doc: dict[str, Any] = {"$type": ORGANIZATION, "OrganizationName": name}
    if website:
        # UNCONFIRMED where iMIS exposes an organisation's web site; an AdditionalAttributes entry is our guess.
        doc["AdditionalAttributes"] = {"$type": GENERIC_PROPERTIES, "$values": [
            {"$type": GENERIC_PROPERTY, "Name": "Website", "Value": website}]}
    return doc | _common(party_id, name, name, emails, status)


def is_organization(doc: dict[str, Any]) -> bool:
    return "OrganizationData" in str(doc.get("$type", ""))


def email_addresses(doc: dict[str, Any]) -> list[str]:
    return [str(e.get("Address", "")) for e in (doc.get("Emails") or {}).get("$values", [])]


def website(doc: dict[str, Any]) -> str:
    for prop in (doc.get("AdditionalAttributes") or {}).get("$values", []):
        if prop.get("Name") == "Website":
            return str(prop.get("Value", ""))
    return ""


def searchable(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Filterable Party properties (lower-case names) → their values; Email covers EVERY address."""
    name = doc.get("PersonName") or {}
    org = doc.get("PrimaryOrganization") or {}
    return {
        "email": email_addresses(doc),
        "id": [doc["Id"]], "partyid": [doc["Id"]], "uniformid": [doc.get("UniformId", "")],
        "name": [doc.get("Name", "")], "firstname": [name.get("FirstName", "")],
        "lastname": [name.get("LastName", "")], "organizationname": [doc.get("OrganizationName", "")],
        "status": [(doc.get("Status") or {}).get("PartyStatusId", "")],
        "primaryorganizationpartyid": [org.get("OrganizationPartyId", "")],
        "website": [website(doc)],
    }
