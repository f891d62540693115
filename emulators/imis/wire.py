"""iMIS JSON envelopes: Json.NET type-name handling (``$type``, ``$values``, ``$value``) as iMIS REST uses it.

Confirmed shapes (crm-apis.md §2.4): GenericEntityData with Properties/GenericPropertyData, typed scalars
``{"$type": "System.Boolean", "$value": true}``, identities at ``Identity.IdentityElements.$values``.
PagedResult fields Items/Offset/Limit/Count/TotalCount/NextPageLink/HasNext/NextOffset appear in public
client typings of the iMIS contracts (search-index id 3129650575); the docs show only Offset/Limit/Count.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

ASI = "Asi.Contracts"
CORE = "Asi.Soa.Core.DataContracts"
MEMBERSHIP = "Asi.Soa.Membership.DataContracts"
GENERIC_ENTITY = f"{CORE}.GenericEntityData, {ASI}"
GENERIC_PROPERTY = f"{CORE}.GenericPropertyData, {ASI}"
GENERIC_PROPERTIES = f"{CORE}.GenericPropertyDataCollection, {ASI}"
IDENTITY = f"{CORE}.IdentityData, {ASI}"
STRING_COLLECTION = "System.Collections.ObjectModel.Collection`1[[System.String, mscorlib]], mscorlib"
BYTES = "System.Byte[], mscorlib"


def contract(name: str, namespace: str = MEMBERSHIP) -> str:
    return f"{namespace}.{name}, {ASI}"


def unwrap(value: Any) -> Any:
    """``{"$value": x}`` → x and ``{"$values": [...]}`` → [...]; anything else unchanged."""
    if isinstance(value, dict):
        if "$value" in value:
            return value["$value"]
        if "$values" in value:
            return [unwrap(v) for v in value["$values"]]
    return value


def typed(value: Any) -> Any:
    """The wire form iMIS answers with: strings plain, other scalars in a typed wrapper."""
    if isinstance(value, bool):
        return {"$type": "System.Boolean", "$value": value}
    if isinstance(value, int):
        return {"$type": "System.Int32", "$value": value}
    if isinstance(value, float | Decimal):
        return {"$type": "System.Decimal", "$value": float(value)}
    if isinstance(value, datetime):
        return {"$type": "System.DateTime", "$value": value.isoformat(timespec="seconds")}
    if isinstance(value, list):
        return {"$type": STRING_COLLECTION, "$values": [str(v) for v in value]}
    return value


def identity(entity: str, *elements: str) -> dict[str, Any]:
    return {"$type": IDENTITY, "EntityTypeName": entity,
            "IdentityElements": {"$type": STRING_COLLECTION, "$values": list(elements)}}


def generic_entity(entity: str, key: str, properties: dict[str, Any], parent: tuple[str, str] | None = None
                   ) -> dict[str, Any]:
    """A GenericEntityData document; ``properties`` holds plain values (typed on the way out)."""
    doc: dict[str, Any] = {"$type": GENERIC_ENTITY, "EntityTypeName": entity, "Identity": identity(entity, key)}
    if parent:
        doc["PrimaryParentEntityTypeName"] = parent[0]
        doc["PrimaryParentIdentity"] = identity(parent[0], parent[1])
    values = []
    for name, value in properties.items():
        prop: dict[str, Any] = {"$type": GENERIC_PROPERTY, "Name": name}
        if value is not None and value != "":
            prop["Value"] = typed(value)  # iMIS omits Value for empty properties
        values.append(prop)
    doc["Properties"] = {"$type": GENERIC_PROPERTIES, "$values": values}
    return doc


def paged_result(items: list[dict[str, Any]], item_type: str, *, offset: int, limit: int, total: int
                 ) -> dict[str, Any]:
    has_next = offset + len(items) < total
    return {
        "$type": f"{CORE}.PagedResult`1[[{item_type}]], {ASI}",
        "Items": {"$type": f"System.Collections.Generic.List`1[[{item_type}]], mscorlib", "$values": items},
        "Offset": offset,
        "Limit": limit,
        "Count": len(items),
        "TotalCount": total,
        "NextPageLink": None,  # UNCONFIRMED: never seen populated; clients page with HasNext + offset
        "HasNext": has_next,
        "NextOffset": offset + len(items) if has_next else 0,
    }


def validation_errors(errors: list[tuple[str, str]]) -> dict[str, Any]:
    """400 body for rejected writes. UNCONFIRMED shape: the ValidationResultsData contract (Errors/Warnings)
    is seen in public client typings; field names inside each error are our best guess."""
    result = f"{CORE}.ValidationResultData, {ASI}"
    collection = f"{CORE}.ValidationResultDataCollection, {ASI}"
    return {
        "$type": f"{CORE}.ValidationResultsData, {ASI}",
        "Errors": {"$type": collection, "$values": [
            {"$type": result, "Message": message, "PropertyName": prop} for prop, message in errors]},
        "Warnings": {"$type": collection, "$values": []},
        "Summary": " ".join(message for _, message in errors),
    }
