"""Graph mail routes: users, mailFolders, messages (get, list, update, delete, move, MIME) and attachments.

References: api-reference/v1.0/api/message-get.md, user-list-messages.md, mailfolder-get.md,
message-move.md, attachment-get.md, and "Get MIME content of a message" (message-get.md, ``$value``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.graph.errors import bad_request, not_found
from emulators.graph.mime import build_eml
from emulators.graph.model import Mailbox, Message
from emulators.graph.odata import (
    page_size,
    parse_expand,
    parse_filter,
    parse_int,
    parse_list,
    parse_orderby,
    parse_prefer,
    split_top,
)
from emulators.graph.render import render_attachment, render_message, render_user
from emulators.graph.web import graph_base, graph_json, query, read_json, state_of


def _mailbox(request: Request) -> Mailbox:
    return state_of(request).store.resolve(request.path_params["user"])


def _message(request: Request) -> tuple[Mailbox, Message]:
    mailbox = _mailbox(request)
    store = state_of(request).store
    return mailbox, store.message(mailbox, request.path_params["mid"], request.path_params.get("folder"))


def _pref_headers(applied: str | None) -> dict[str, str]:
    return {"Preference-Applied": applied} if applied else {}


async def get_user(request: Request) -> Response:
    mailbox = _mailbox(request)
    return graph_json({"@odata.context": f"{graph_base(request)}/$metadata#users/$entity", **render_user(mailbox)})


def _check_expand(request: Request, value: str | None) -> None:
    limit = state_of(request).settings.max_expand
    if limit and len(split_top(value or "")) > limit:
        raise bad_request(f"At most {limit} navigation properties can be expanded.", code="ErrorInvalidUrlQuery")


def render_for(request: Request, message: Message) -> tuple[dict[str, Any], str | None]:
    q, prefer = query(request), parse_prefer(request.headers)
    _check_expand(request, q.get("$expand"))
    body = render_message(message, parse_list(q.get("$select")), prefer.text_body, parse_expand(q.get("$expand")),
                          prefer.immutable_id)
    return body, prefer.applied()


async def message_item(request: Request) -> Response:
    mailbox, message = _message(request)
    store = state_of(request).store
    if request.method == "DELETE":
        store.delete(mailbox, message)
        return Response(status_code=204)
    if request.method == "PATCH":
        changes = await read_json(request)
        if not isinstance(changes, dict):
            raise bad_request("The request body must be a JSON object.")
        store.update(mailbox, message, changes)
    body, applied = render_for(request, message)
    context = f"{graph_base(request)}/$metadata#users('{mailbox.id}')/messages/$entity"
    return graph_json({"@odata.context": context, **body}, headers=_pref_headers(applied))


async def move_message(request: Request) -> Response:
    mailbox, message = _message(request)
    body = await read_json(request)
    # Action parameters are case-insensitive: msgraph-sdk sends "DestinationId".
    destination = {k.lower(): v for k, v in body.items()}.get("destinationid") if isinstance(body, dict) else None
    if not destination:
        raise bad_request("destinationId is required.", code="ErrorInvalidIdMalformed")
    store = state_of(request).store  # destinationId: "The destination folder ID, or a well-known folder name"
    store.move(mailbox, message, store.graph_folder(mailbox, str(destination)).id)  # (message-move.md)
    rendered, applied = render_for(request, message)
    return graph_json(rendered, status=201, headers=_pref_headers(applied))


async def message_mime(request: Request) -> Response:
    _, message = _message(request)
    return Response(build_eml(message), media_type="message/rfc822")


async def list_messages(request: Request) -> Response:
    mailbox, st, q = _mailbox(request), state_of(request), query(request)
    if "$search" in q:
        raise bad_request("$search is not emulated.", code="ErrorInvalidUrlQuery")
    folder_ref = request.path_params.get("folder")
    items = list(mailbox.messages.values())
    if folder_ref:
        items = mailbox.in_folder(st.store.graph_folder(mailbox, folder_ref).id)
    matches = parse_filter(q.get("$filter"))
    items = [m for m in items if matches is None or matches(m)]
    key, descending = parse_orderby(q.get("$orderby"))
    items.sort(key=key, reverse=descending)
    prefer = parse_prefer(request.headers)
    size = page_size(q.get("$top"), prefer.max_page_size, st.settings.default_page_size, st.settings.max_page_size)
    skip = parse_int(q.get("$skip"), "$skip", 0, 10**9)
    _check_expand(request, q.get("$expand"))
    expand = parse_expand(q.get("$expand"))
    select = parse_list(q.get("$select"))
    page = [render_message(m, select, prefer.text_body, expand, prefer.immutable_id) for m in items[skip:skip + size]]
    scope = f"mailFolders('{folder_ref}')/messages" if folder_ref else "messages"
    out: dict[str, Any] = {"@odata.context": f"{graph_base(request)}/$metadata#users('{mailbox.id}')/{scope}"}
    # $count=true adds @odata.count, the size of the whole filtered collection, beside the first page; no
    # ConsistencyLevel header is needed outside directory objects
    # (https://learn.microsoft.com/graph/query-parameters#count-parameter, example /me/messages?$top=2&$count=true).
    if q.get("$count", "").lower() == "true":
        out["@odata.count"] = len(items)
    out["value"] = page
    if skip + size < len(items):
        params = {k: v for k, v in request.query_params.items() if k.lower() != "$skip"}
        next_query = urlencode({**params, "$skip": skip + size})
        out["@odata.nextLink"] = f"{graph_base(request)}{request.url.path[5:]}?{next_query}"
    return graph_json(out, headers=_pref_headers(prefer.applied(paged=True)))


async def list_attachments(request: Request) -> Response:
    mailbox, message = _message(request)
    context = f"{graph_base(request)}/$metadata#users('{mailbox.id}')/messages('{message.id}')/attachments"
    values = [render_attachment(a, message) for a in message.attachments]
    return graph_json({"@odata.context": context, "value": values})


async def get_attachment(request: Request) -> Response:
    _, message = _message(request)
    attachment = next((a for a in message.attachments if a.id == request.path_params["aid"]), None)
    if attachment is None:
        raise not_found()
    if request.url.path.endswith("/$value"):
        return Response(attachment.content, media_type=attachment.content_type)
    return graph_json(render_attachment(attachment, message))


def _both(path: str) -> list[str]:
    """A message path both as /users/{user}/messages/... and /users/{user}/mailFolders/{folder}/messages/..."""
    return [f"/v1.0/users/{{user}}/messages{path}", f"/v1.0/users/{{user}}/mailFolders/{{folder}}/messages{path}"]


def mail_routes() -> list[Route]:
    routes = [
        Route("/v1.0/users/{user}", get_user),
        Route("/v1.0/users/{user}/messages", list_messages),
        Route("/v1.0/users/{user}/mailFolders/{folder}/messages", list_messages),
    ]
    for path, endpoint, methods in (
        ("/{mid}", message_item, ["GET", "PATCH", "DELETE"]),
        ("/{mid}/$value", message_mime, ["GET"]),
        ("/{mid}/move", move_message, ["POST"]),
        ("/{mid}/attachments", list_attachments, ["GET"]),
        ("/{mid}/attachments/{aid}", get_attachment, ["GET"]),
        ("/{mid}/attachments/{aid}/$value", get_attachment, ["GET"]),
    ):
        routes += [Route(p, endpoint, methods=methods) for p in _both(path)]
    return routes
