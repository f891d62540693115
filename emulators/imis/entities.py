"""Generic entities (GenericEntityData): column specs, reading and validating a posted body, and the shared
list/get handlers for Activity and CommunicationLogRecipient.

Accepted bodies (crm-apis.md §3.1): the full form with ``$type`` on every property, and the lenient form with
lower-case ``properties`` and no per-property ``$type``. Typed ``$value`` wrappers are unwrapped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emulators.imis import query
from emulators.imis.replies import invalid, not_found, store_of
from emulators.imis.wire import GENERIC_ENTITY, paged_result, unwrap

Problem = tuple[str, str]  # (PropertyName, Message)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: str = "string"  # string | strings | decimal | int | date
    size: int = 0  # maximum characters of a string (of each item for "strings"); 0 = unlimited


def _too_long(name: str, size: int) -> str:
    # The .NET StringLength wording; iMIS's exact text is UNCONFIRMED.
    return f"The field {name} must be a string with a maximum length of {size}."


def coerce(col: Column, raw: Any) -> tuple[Any, str | None]:
    if raw is None:
        return None, None
    if col.kind in ("decimal", "int"):
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            return None, f"The value '{raw}' is not valid for {col.name}."
        return (int(number) if col.kind == "int" else float(number)), None
    if col.kind == "date":
        try:
            return datetime.fromisoformat(str(raw)).replace(tzinfo=None).isoformat(timespec="seconds"), None
        except ValueError:
            return None, f"The value '{raw}' is not a valid date for {col.name}."
    if col.kind == "strings":
        # A list, or one string with ";" between items (the form shared/adapters/imis.py sends).
        items = [str(v) for v in raw] if isinstance(raw, list) else [v.strip() for v in str(raw).split(";")]
        items = [v for v in items if v]
        long = [v for v in items if col.size and len(v) > col.size]
        return items, (f"{_too_long(col.name, col.size)} ('{long[0]}')" if long else None)
    text = raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)
    return text, (_too_long(col.name, col.size) if col.size and len(text) > col.size else None)


def read_properties(body: dict[str, Any], columns: dict[str, Column]) -> tuple[dict[str, Any], list[Problem]]:
    """Canonical column name → plain value, plus every problem found (unknown names, types, sizes)."""
    container = body.get("Properties", body.get("properties")) or {}
    items = container.get("$values", []) if isinstance(container, dict) else container
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    entity = body.get("EntityTypeName", "the entity")
    for item in items if isinstance(items, list) else []:
        name = str(item.get("Name", item.get("name", ""))) if isinstance(item, dict) else ""
        col = columns.get(name.lower())
        if col is None:
            problems.append((name, f"Property '{name}' does not exist on {entity}."))
            continue
        value, problem = coerce(col, unwrap(item.get("Value", item.get("value"))))
        if problem:
            problems.append((col.name, problem))
        values[col.name] = value
    return values, problems


def parent_id(body: dict[str, Any]) -> str:
    elements = (body.get("PrimaryParentIdentity") or {}).get("IdentityElements") or {}
    found = unwrap(elements)
    return str(found[0]) if isinstance(found, list) and found else ""


def columns_by_name(*columns: Column) -> dict[str, Column]:
    return {c.name.lower(): c for c in columns}


def matches(doc: dict[str, Any], wanted: list[query.Filter]) -> bool:
    lowered = {k.lower(): v for k, v in doc.items()}
    for f in wanted:
        value = lowered.get(f.name)
        values = [str(v) for v in value] if isinstance(value, list) else ["" if value is None else str(value)]
        if not f.matches(values):
            return False
    return True


def list_handler(kind: str, columns: dict[str, Column], parent_column: str,
                 render: Callable[[dict[str, Any]], dict[str, Any]], entity: str = "") -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        from emulators.imis.schema import schema_of

        schema = schema_of(request)
        try:
            wanted = schema.applied(entity, query.filters(request.query_params, schema.live(entity, columns)))
            limit, offset = query.paging(request.query_params)
        except query.QueryError as exc:
            raise invalid(("", str(exc))) from None
        # Use the parent index when the query pins the parent (PartyId / RecipientId) exactly.
        pinned = [f.value for f in wanted if f.name == parent_column.lower() and f.op == "eq"]
        docs = store_of(request).all(kind, parent=pinned[0] if pinned else None)
        found = [d for d in docs if matches(d, wanted)]
        page = [render(d) for d in found[offset:offset + limit]]
        return JSONResponse(paged_result(page, GENERIC_ENTITY, offset=offset, limit=limit, total=len(found)))

    return handler


def get_handler(kind: str, label: str, render: Callable[[dict[str, Any]], dict[str, Any]]
                ) -> Callable[[Request], Any]:
    async def handler(request: Request) -> Response:
        key = request.path_params["key"]
        doc = store_of(request).get(kind, key)
        if doc is None:
            raise not_found(f"{label} {key}")
        return JSONResponse(render(doc))

    return handler


def delete_handler(kind: str, label: str) -> Callable[[Request], Any]:
    """``DELETE /api/{entity}/{key}``. developer.imis.com/reference lists DELETE operations on the REST resources
    ("DELETE operations are not currently interactive"); the exact answer for Activity,
    CommunicationLogRecipient and Attachment is UNCONFIRMED (docs/wire-fidelity.md I14): 404 like GET when absent,
    else 200 with no body. Child Attachment entities are not removed (no cascade is documented): erasure deletes
    them by their own ids."""
    async def handler(request: Request) -> Response:
        key = request.path_params["key"]
        if not store_of(request).delete(kind, key):
            raise not_found(f"{label} {key}")
        return Response(status_code=200)

    return handler
