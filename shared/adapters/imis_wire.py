"""iMIS JSON envelopes (Json.NET ``$type``/``$values``), built and read in one place."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from shared.domain.mapping import CrmRecord
from shared.domain.matching import ContactRef
from shared.ports import CrmFile

GENERIC = "Asi.Soa.Core.DataContracts.GenericEntityData, Asi.Contracts"
PROPERTY = "Asi.Soa.Core.DataContracts.GenericPropertyData, Asi.Contracts"
PROPERTIES = "Asi.Soa.Core.DataContracts.GenericPropertyDataCollection, Asi.Contracts"
IDENTITY = "Asi.Soa.Core.DataContracts.IdentityData, Asi.Contracts"
STRINGS = "System.Collections.ObjectModel.Collection`1[[System.String, mscorlib]], mscorlib"


def _properties(values: list[tuple[str, Any]]) -> dict[str, Any]:
    return {"$type": PROPERTIES,
            "$values": [{"$type": PROPERTY, "Name": name, "Value": value} for name, value in values]}


def _parent(party_id: str) -> dict[str, Any]:
    return {"$type": IDENTITY, "EntityTypeName": "Party",
            "IdentityElements": {"$type": STRINGS, "$values": [party_id]}}


def activity_body(record: CrmRecord) -> dict[str, Any]:
    values: list[tuple[str, Any]] = [("PartyId", record.contact_id), ("ACTIVITY_TYPE", record.activity_type)]
    values += [(name, value) for name, value in record.fields if value != ""]
    values.append(("UF_1", record.capture_key))  # attachment names travel in a field via [Attachments]
    return {"$type": GENERIC, "EntityTypeName": "Activity", "PrimaryParentEntityTypeName": "Party",
            "PrimaryParentIdentity": _parent(record.contact_id), "Properties": _properties(values)}


def interaction_body(record: CrmRecord) -> dict[str, Any]:
    values: list[tuple[str, Any]] = [("RecipientId", record.contact_id), *record.fields,
                                     ("CaptureKey", record.capture_key)]
    if record.attachment_names:
        values.append(("AttachmentNames", "; ".join(record.attachment_names)))
    return {"$type": GENERIC, "EntityTypeName": "CommunicationLogRecipient",
            "PrimaryParentEntityTypeName": "Party", "PrimaryParentIdentity": _parent(record.contact_id),
            "Properties": _properties(values)}


def attachment_body(parent_type: str, parent_id: str, file: CrmFile) -> dict[str, Any]:
    data = {"$type": "System.Byte[], mscorlib", "$value": base64.b64encode(file.data).decode()}
    return {"$type": GENERIC, "EntityTypeName": "Attachment", "PrimaryParentEntityTypeName": parent_type,
            "PrimaryParentIdentity": {"$type": IDENTITY, "EntityTypeName": parent_type,
                                      "IdentityElements": {"$type": STRINGS, "$values": [parent_id]}},
            "Properties": _properties([("FileName", file.name), ("ContentType", file.content_type),
                                       ("Data", data)])}


def person_body(email: str, name: str) -> dict[str, Any]:
    first, _, last = (name or email.split("@")[0]).partition(" ")
    return {
        "$type": "Asi.Soa.Membership.DataContracts.PersonData, Asi.Contracts",
        "PersonName": {"$type": "Asi.Soa.Membership.DataContracts.PersonNameData, Asi.Contracts",
                       "FirstName": first, "LastName": last or first},
        "Emails": {"$type": "Asi.Soa.Membership.DataContracts.EmailDataCollection, Asi.Contracts",
                   "$values": [{"$type": "Asi.Soa.Membership.DataContracts.EmailData, Asi.Contracts",
                                "Address": email, "EmailType": "_Primary", "IsPrimary": True}]},
    }


def contact_from_party(party: dict[str, Any]) -> ContactRef:
    party_id = str(party.get("Id") or party.get("PartyId") or "")
    name = party.get("Name") or (party.get("PersonName") or {}).get("FullName") or ""
    if not name and party.get("PersonName"):
        person = party["PersonName"]
        name = f"{person.get('FirstName', '')} {person.get('LastName', '')}".strip()
    return ContactRef(party_id, name, "OrganizationData" in str(party.get("$type", "")))


def listed(container: Any) -> list[Any]:
    """The items of a Json.NET collection (``{"$type", "$values": [...]}``) or of a bare list; else none."""
    if isinstance(container, dict):
        container = container.get("$values", [])
    return container if isinstance(container, list) else []


def carries(entity: dict[str, Any], wanted: dict[str, str]) -> bool:
    """The GenericEntityData holds each of these property values (names case-insensitive)."""
    found: dict[str, str] = {}
    for item in listed(entity.get("Properties") or entity.get("properties")):
        if isinstance(item, dict):
            value = item.get("Value")
            value = value.get("$value") if isinstance(value, dict) else value
            found[str(item.get("Name", "")).lower()] = "" if value is None else str(value)
    return all(found.get(name.lower()) == value for name, value in wanted.items())


def record_id(entity: dict[str, Any]) -> str:
    identity = entity.get("Identity") or {}
    values = (identity.get("IdentityElements") or {}).get("$values") or []
    return str(values[0]) if values else str(entity.get("Id") or entity.get("SEQN") or "")


def validation_message(answer: httpx.Response) -> str:
    """The readable part of an iMIS error body (its shape is not documented: take what is there)."""
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:300]
    if isinstance(body, dict):
        errors = (body.get("Errors") or {}).get("$values") if isinstance(body.get("Errors"), dict) else None
        if errors:
            return "; ".join(f"{e.get('PropertyName', '')}: {e.get('Message', '')}".strip(": ") for e in errors)
        for key in ("error_description", "Message", "message", "error"):
            if body.get(key):
                return str(body[key])[:300]
    return str(body)[:300]
