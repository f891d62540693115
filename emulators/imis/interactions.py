"""Interactions (the Communication Log, "Recent Interactions") at ``/api/CommunicationLogRecipient``.

UNCONFIRMED ENDPOINT: crm-apis.md §4 found no documentation for any communication-log REST resource. We chose
``CommunicationLogRecipient`` because the reporting business objects join on ``CommunicationLogRecipientKey``
[IMIS-INTERACTIONLOG] and one public iMIS project names this endpoint (also unconfirmed). The body is
GenericEntityData like Activity. Fields from the iDMS import guide [CSI-COMMLOG]: RecipientId and Subject
required, Html and MessageType optional. The server sets InteractionDate to "now": "The REST API does not
provide the functionality for inserting/updating the interaction date" [CSI-COMMLOG]; a posted value is ignored.
EmailTo (100 characters) and attachment names (50 each) are the limits the product brief names (not found in
vendor docs, UNCONFIRMED); CaptureKey is this emulator's stand-in for a custom idempotency column (the name
shared/adapters/imis.py uses). AttachmentNames is a ``$values`` list or one string of names split by ";".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.imis.entities import (
    Column,
    columns_by_name,
    delete_handler,
    get_handler,
    list_handler,
    read_properties,
)
from emulators.imis.replies import invalid, read_json, store_of
from emulators.imis.schema import live_columns
from emulators.imis.store import INTERACTION, PARTY
from emulators.imis.wire import generic_entity

ENTITY = "CommunicationLogRecipient"
KEY = "CommunicationLogRecipientKey"
COLUMNS = columns_by_name(
    Column("RecipientId", "string", 10), Column("Subject", "string", 400), Column("Html"),
    Column("MessageType", "string", 50), Column("EmailTo", "string", 100), Column("EmailFrom", "string", 100),
    Column("AttachmentNames", "strings", 50), Column("CaptureKey", "string", 100),
    Column("InteractionDate", "date"), Column(KEY, "string", 36),
)


def render(doc: dict[str, Any]) -> dict[str, Any]:
    return generic_entity(ENTITY, doc[KEY], doc, parent=("Party", str(doc["RecipientId"])))


def _problems(props: dict[str, Any], request: Request) -> list[tuple[str, str]]:
    store = store_of(request)
    problems = []
    recipient = props.get("RecipientId")
    if not recipient:
        problems.append(("RecipientId", "RecipientId is required."))
    elif store.get(PARTY, recipient) is None:
        problems.append(("RecipientId", f"The contact '{recipient}' does not exist."))
    if not props.get("Subject"):
        problems.append(("Subject", "Subject is required."))
    kind = props.get("MessageType")
    if kind and kind.lower() not in {t.lower() for t in store.seed.message_types}:
        problems.append(("MessageType", f"'{kind}' is not a valid message type."))
    return problems


async def create(request: Request) -> Response:
    body = await read_json(request)
    props, problems = read_properties(body, live_columns(request, ENTITY, COLUMNS))
    problems += _problems(props, request)
    if problems:
        raise invalid(*problems)
    props[KEY] = str(uuid.uuid4())
    props["InteractionDate"] = datetime.now().isoformat(timespec="seconds")
    props["MessageType"] = props.get("MessageType") or "Email"
    store_of(request).add(INTERACTION, props[KEY], props, parent=props["RecipientId"])
    return JSONResponse(render(props), 201)


ROUTES = [
    Route(f"/api/{ENTITY}", create, methods=["POST"]),
    Route(f"/api/{ENTITY}", list_handler(INTERACTION, COLUMNS, "RecipientId", render, ENTITY), methods=["GET"]),
    Route(f"/api/{ENTITY}/{{key}}", get_handler(INTERACTION, "Interaction", render), methods=["GET"]),
    Route(f"/api/{ENTITY}/{{key}}", delete_handler(INTERACTION, "Interaction"), methods=["DELETE"]),
]
