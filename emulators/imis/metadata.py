"""``GET /api/metadata/{EntityTypeName}``: the entity's property definitions, and the schema control route.

Source: developer.imis.com "Working with iMIS REST API" lists FindMetaDataForEntity among the operations, and a
developer.imis.com discussion ("metadata for BOEntityDefinition", discuss/660f25505e07760044729018) calls it
as ``GET /api/metadata/{entity}`` (that site answered 501 for BOEntityDefinition). BOEntityDefinitionData has
``EntityTypeName`` and ``Properties`` (developer.imis.com reference "Creates a BOEntityDefinition"). The shape of
each property definition (``Name``, ``PropertyTypeName``, ``MaxLength``) is UNCONFIRMED: the product reads only
``Name`` and falls back to reading one record when a site does not answer.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.imis import activities, attachments, interactions
from emulators.imis.entities import Column
from emulators.imis.replies import message, not_found, read_json
from emulators.imis.schema import schema_of
from emulators.imis.wire import ASI, CORE

ENTITIES: dict[str, tuple[str, dict[str, Column]]] = {
    "activity": ("Activity", activities.COLUMNS),
    "communicationlogrecipient": (interactions.ENTITY, interactions.COLUMNS),
    "attachment": ("Attachment", attachments.COLUMNS),
}
_TYPES = {"string": "String", "strings": "String", "decimal": "Decimal", "int": "Int32", "date": "DateTime"}


def _definition(column: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"$type": f"{CORE}.PropertyDefinitionData, {ASI}", "Name": column.name,
                           "PropertyTypeName": _TYPES.get(column.kind, "String")}
    if column.size:
        out["MaxLength"] = column.size
    return out


async def entity_metadata(request: Request) -> Response:
    schema = schema_of(request)
    if not schema.metadata:
        raise message(501, "The method or operation is not implemented.")
    found = ENTITIES.get(request.path_params["entity"].lower())
    if found is None:
        raise not_found(f"Entity type {request.path_params['entity']}")
    name, columns = found
    props = [_definition(c) for c in schema.live(name, columns).values()]
    return JSONResponse({"$type": f"{CORE}.BOEntityDefinitionData, {ASI}", "EntityTypeName": name,
                         "Properties": {"$type": f"{CORE}.PropertyDefinitionDataCollection, {ASI}",
                                        "$values": props}})


async def set_schema(request: Request) -> Response:
    body = await read_json(request)
    schema = schema_of(request)
    entity = str(body.get("entity", "")).lower()
    if "drop_columns" in body:
        schema.dropped[entity] = {str(c).lower() for c in body["drop_columns"]}
    if "ignored_filters" in body:
        schema.ignored_filters[entity] = {str(c).lower() for c in body["ignored_filters"]}
    if "metadata" in body:
        schema.metadata = bool(body["metadata"])
    return await get_schema(request)


async def get_schema(request: Request) -> Response:
    schema = schema_of(request)
    return JSONResponse({"dropped": {k: sorted(v) for k, v in schema.dropped.items()},
                         "ignored_filters": {k: sorted(v) for k, v in schema.ignored_filters.items()},
                         "metadata": schema.metadata})


ROUTES = [
    Route("/api/metadata/{entity}", entity_metadata, methods=["GET"]),
    Route("/_emulator/schema", set_schema, methods=["POST"]),
    Route("/_emulator/schema", get_schema, methods=["GET"]),
]
