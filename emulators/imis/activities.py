"""``/api/Activity``: create (GenericEntityData, crm-apis.md §3.1), read by SEQN, and filtered lists.

Confirmed columns: PartyId, ACTIVITY_TYPE, DESCRIPTION, TRANSACTION_DATE, UNITS [CODE-ACT][TGT-SINKS].
Confirmed sizes: DESCRIPTION 255, NOTE/NOTE_2 32,000 [IMIS-ACTTYPES-CLASSIC]. Every other spelling and size
below is UNCONFIRMED (same convention; sizes match shared.domain.options.ACTIVITY_FIELD_LIMITS).
Unknown property names are refused, so a mapping typo shows up here rather than on a live site.
"""

from __future__ import annotations

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
    parent_id,
    read_properties,
)
from emulators.imis.replies import invalid, read_json, store_of
from emulators.imis.schema import live_columns
from emulators.imis.store import ACTIVITY, PARTY
from emulators.imis.wire import generic_entity

_TEXT = {"DESCRIPTION": 255, "NOTE": 32000, "NOTE_2": 32000, "ACTIVITY_TYPE": 10, "PartyId": 10,
         "SOURCE_CODE": 40, "OTHER_CODE": 40, "OTHER_ID": 10, "UF_1": 255, "UF_2": 255, "UF_3": 255,
         "ACTION_CODES": 255, "CATEGORY": 40, "PRODUCT_CODE": 31, "CAMPAIGN_CODE": 10, "SOLICITOR_ID": 10,
         "CO_ID": 10, "ORG_CODE": 5, "MEMBER_TYPE": 5, "BATCH_NUM": 15, "SOURCE_SYSTEM": 10, "PAY_METHOD": 10,
         "STATUS_CODE": 5, "OBJECT": 255}
_DATES = ("TRANSACTION_DATE", "EFFECTIVE_DATE", "THRU_DATE", "TICKLER_DATE", "UF_6", "UF_7")
_NUMBERS = ("UNITS", "AMOUNT", "QUANTITY", "UF_4", "UF_5")
COLUMNS = columns_by_name(
    *(Column(n, "string", s) for n, s in _TEXT.items()),
    *(Column(n, "date") for n in _DATES),
    *(Column(n, "decimal") for n in _NUMBERS),
    Column("SEQN", "int"), Column("ATTACH_SEQN", "int"),
)


def render(doc: dict[str, Any]) -> dict[str, Any]:
    """Every column is listed; an empty one has no ``Value`` (the IQA sample in crm-apis.md §2.4 lists
    ``{"Name": "Description"}`` with no Value) - so a read shows the site's column names [CODE-PAGED]."""
    every = {c.name: doc.get(c.name) for c in COLUMNS.values()} | doc
    return generic_entity("Activity", str(doc["SEQN"]), every, parent=("Party", str(doc["PartyId"])))


def _problems(props: dict[str, Any], body: dict[str, Any], request: Request) -> list[tuple[str, str]]:
    problems = []
    party = props.get("PartyId") or parent_id(body)
    if not party:
        problems.append(("PartyId", "PartyId is required."))
    elif props.get("PartyId") and parent_id(body) and parent_id(body) != props["PartyId"]:
        problems.append(("PartyId", "PartyId does not match PrimaryParentIdentity."))
    elif store_of(request).get(PARTY, party) is None:
        problems.append(("PartyId", f"The contact '{party}' does not exist."))
    kind = str(props.get("ACTIVITY_TYPE") or "")
    if not kind:
        problems.append(("ACTIVITY_TYPE", "ACTIVITY_TYPE is required."))
    elif kind.upper() not in store_of(request).seed.activity_types:
        problems.append(("ACTIVITY_TYPE", f"'{kind}' is not a valid activity type."))
    return problems


async def create(request: Request) -> Response:
    body = await read_json(request)
    props, problems = read_properties(body, live_columns(request, "Activity", COLUMNS))
    problems += _problems(props, body, request)
    if problems:
        raise invalid(*problems)
    props["PartyId"] = props.get("PartyId") or parent_id(body)
    props["ACTIVITY_TYPE"] = str(props["ACTIVITY_TYPE"]).upper()
    # "If this field is left blank, the current date will be entered." [CSI-ACT-GUIDE]
    props["TRANSACTION_DATE"] = props.get("TRANSACTION_DATE") or datetime.now().isoformat(timespec="seconds")
    props.pop("SEQN", None)  # the server assigns the key
    doc = store_of(request).add_with_counter(
        ACTIVITY, "next_seqn", lambda seqn: {"SEQN": int(seqn), **props}, parent=props["PartyId"])
    return JSONResponse(render(doc), 201)


ROUTES = [
    Route("/api/Activity", create, methods=["POST"]),
    Route("/api/Activity", list_handler(ACTIVITY, COLUMNS, "PartyId", render, "Activity"), methods=["GET"]),
    Route("/api/Activity/{key}", get_handler(ACTIVITY, "Activity", render), methods=["GET"]),
    Route("/api/Activity/{key}", delete_handler(ACTIVITY, "Activity"), methods=["DELETE"]),
]
