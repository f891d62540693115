"""Files (e.g. the .eml) attached to an activity or an interaction: ``POST /api/Attachment``.

UNCONFIRMED ENDPOINT: iMIS activities do carry attachments (Activity Attachment window, "Attachment
Sequence"/"Attachment Total" columns [IMIS-ATTACH][CSI-ACT]) but no REST upload was found (crm-apis.md §3.5).
Our design keeps to the GenericEntityData conventions: the parent is ``PrimaryParentIdentity`` (EntityTypeName
"Activity" + SEQN, or "CommunicationLogRecipient" + key) and the bytes travel as Json.NET serialises a byte[]:
``{"$type": "System.Byte[], mscorlib", "$value": "<base64>"}`` (a bare base64 string is accepted too).
Empty files and files over the administrator's size limit (seed ``attachment_max_bytes``) are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.imis.entities import Column, columns_by_name, delete_handler, get_handler, read_properties
from emulators.imis.replies import invalid, read_json, store_of
from emulators.imis.schema import live_columns
from emulators.imis.store import ACTIVITY, ATTACHMENT, INTERACTION
from emulators.imis.wire import BYTES, generic_entity, unwrap

PARENTS = {"activity": ACTIVITY, "communicationlogrecipient": INTERACTION}
COLUMNS = columns_by_name(Column("FileName", "string", 255), Column("ContentType", "string", 100),
                          Column("Data"))
INTERACTION_NAME_LIMIT = 50  # the product brief's limit for names on interactions (UNCONFIRMED)


def render(doc: dict[str, Any], *, with_data: bool = True) -> dict[str, Any]:
    props = {k: v for k, v in doc.items() if k not in ("Data", "ParentType", "ParentId")}
    if with_data:
        props["Data"] = {"$type": BYTES, "$value": doc["Data"]}
    return generic_entity("Attachment", doc["AttachmentId"], props, parent=(doc["ParentType"], doc["ParentId"]))


def _decode(raw: Any) -> bytes | None:
    try:
        return base64.b64decode(str(unwrap(raw) or ""), validate=True)
    except (binascii.Error, ValueError):
        return None


async def create(request: Request) -> Response:
    store = store_of(request)
    body = await read_json(request)
    props, problems = read_properties(body, live_columns(request, "Attachment", COLUMNS))
    parent = body.get("PrimaryParentIdentity") or {}
    parent_type = str(parent.get("EntityTypeName", ""))
    parent_ids = unwrap(parent.get("IdentityElements") or {})
    parent_id = str(parent_ids[0]) if isinstance(parent_ids, list) and parent_ids else ""
    kind = PARENTS.get(parent_type.lower())
    if kind is None or store.get(kind, parent_id) is None:
        problems.append(("PrimaryParentIdentity", f"No {parent_type or 'parent'} '{parent_id}' to attach to."))
    name = str(props.get("FileName") or "")
    if not name:
        problems.append(("FileName", "FileName is required."))
    elif kind == INTERACTION and len(name) > INTERACTION_NAME_LIMIT:
        problems.append(("FileName", f"The field FileName must be a string with a maximum length of "
                                     f"{INTERACTION_NAME_LIMIT}."))
    data = _decode(props.get("Data"))
    if data is None:
        problems.append(("Data", "Data must be base64."))
    elif not data:
        problems.append(("Data", "The file is empty."))
    elif len(data) > store.seed.attachment_max_bytes:
        problems.append(("Data", f"The file exceeds the size limit of {store.seed.attachment_max_bytes} bytes."))
    if problems:
        raise invalid(*problems)
    assert data is not None

    def build(key: str) -> dict[str, Any]:
        return {"AttachmentId": key, "ParentType": "Activity" if kind == ACTIVITY else "CommunicationLogRecipient",
                "ParentId": parent_id, "FileName": name,
                "ContentType": props.get("ContentType") or "application/octet-stream", "Size": len(data),
                "Sha256": hashlib.sha256(data).hexdigest(), "Data": base64.b64encode(data).decode()}

    doc = store.add_with_counter(ATTACHMENT, "next_attachment", build, parent=parent_id)
    return JSONResponse(render(doc, with_data=False), 201)


ROUTES = [
    Route("/api/Attachment", create, methods=["POST"]),
    Route("/api/Attachment/{key}", get_handler(ATTACHMENT, "Attachment", render), methods=["GET"]),
    Route("/api/Attachment/{key}", delete_handler(ATTACHMENT, "Attachment"), methods=["DELETE"]),  # I14: erasure
]
