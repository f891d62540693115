"""Control API for mail (not Graph, no auth): mailboxes, folders, delivery, bulk load, move, delete.

Delivery accepts ``message/rfc822`` bytes (anything not JSON) or Graph-shaped JSON (see ``json_in``).
Query options on delivery: ``folder`` (default inbox), ``notify`` (default true), ``receivedDateTime``
and ``messageClass`` (override what the .eml implies).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.graph import ids
from emulators.graph.errors import bad_request
from emulators.graph.json_in import parse_json_message
from emulators.graph.mime import parse_eml
from emulators.graph.model import Mailbox, Message
from emulators.graph.web import pick, read_json, state_of


def _summary(mailbox: Mailbox) -> dict[str, Any]:
    return {
        "id": mailbox.id, "address": mailbox.address, "displayName": mailbox.display_name,
        "folders": {f.well_known or f.display_name: f.id for f in mailbox.folders.values()},
        "messageCount": len(mailbox.messages),
    }


def _mailbox(request: Request) -> Mailbox:
    return state_of(request).store.resolve(request.path_params["address"])


def _flag(value: str | None, default: bool) -> bool:
    return default if value is None else value.strip().lower() not in ("0", "false", "no")


def _delivered(mailbox: Mailbox, m: Message) -> dict[str, Any]:
    return {"id": m.id, "restId": m.rest_id, "internetMessageId": m.internet_message_id, "folderId": m.folder_id,
            "conversationId": m.conversation_id, "userId": mailbox.id}


async def create_mailbox(request: Request) -> Response:
    body = await read_json(request)
    address = str(pick(body, "address", "mail", default="")).strip()
    mailbox, created = state_of(request).store.create_mailbox(address, str(pick(body, "displayName", default="")))
    return JSONResponse(_summary(mailbox), status_code=201 if created else 200)


async def list_mailboxes(request: Request) -> Response:
    return JSONResponse({"value": [_summary(m) for m in state_of(request).store.mailboxes.values()]})


async def get_mailbox(request: Request) -> Response:
    return JSONResponse(_summary(_mailbox(request)))


async def create_folder(request: Request) -> Response:
    """``{"displayName", "parent": folder id, well-known or display name (default: the root), "isHidden"}``;
    a folder of that name under that parent is answered as it is (sibling names are unique in Exchange)."""
    mailbox, body = _mailbox(request), await read_json(request)
    name = str(pick(body, "displayName", default="")).strip()
    if not name:
        raise bad_request("displayName is required.")
    parent_ref = str(pick(body, "parent", "parentFolderId", default="") or "")
    parent = state_of(request).store.folder(mailbox, parent_ref).id if parent_ref else mailbox.root_id
    folder = next((f for f in mailbox.children(parent, hidden=True) if f.display_name.lower() == name.lower()), None)
    folder = folder or mailbox.add_folder(name, parent_id=parent, hidden=bool(pick(body, "isHidden", default=False)))
    return JSONResponse({"id": folder.id, "displayName": folder.display_name, "parentFolderId": folder.parent_id},
                        status_code=201)


async def deliver(request: Request) -> Response:
    st, mailbox, params = state_of(request), _mailbox(request), request.query_params
    now = st.clock.now()
    if request.headers.get("content-type", "").startswith("application/json"):
        message = parse_json_message(await read_json(request), now)
    else:
        raw = await request.body()
        if not raw.strip():
            raise bad_request("Send .eml bytes (message/rfc822) or a JSON message.")
        message = parse_eml(raw, now)
    if params.get("receivedDateTime"):
        message.received = ids.parse_iso(params["receivedDateTime"])
    if params.get("messageClass"):
        message.message_class = params["messageClass"]
    st.store.deliver(mailbox, message, params.get("folder", "inbox"), notify=_flag(params.get("notify"), True))
    return JSONResponse(_delivered(mailbox, message), status_code=201)


async def bulk(request: Request) -> Response:
    st, mailbox = state_of(request), _mailbox(request)
    body = await read_json(request)
    items = body if isinstance(body, list) else pick(body, "messages", default=[])
    options = body if isinstance(body, dict) else {}
    folder, notify = str(pick(options, "folder", default="inbox")), bool(pick(options, "notify", default=False))
    now = st.clock.now()
    delivered = [st.store.deliver(mailbox, parse_json_message(item, now), folder, notify) for item in items]
    return JSONResponse({"count": len(delivered), "ids": [m.id for m in delivered]}, status_code=201)


async def message_item(request: Request) -> Response:
    st, mailbox = state_of(request), _mailbox(request)
    message = st.store.message(mailbox, request.path_params["mid"])
    if request.method == "DELETE":
        st.store.delete(mailbox, message)
        return Response(status_code=204)
    st.store.update(mailbox, message, await read_json(request))
    return JSONResponse(_delivered(mailbox, message))


async def move(request: Request) -> Response:
    st, mailbox = state_of(request), _mailbox(request)
    message = st.store.message(mailbox, request.path_params["mid"])
    target = str(pick(await read_json(request), "folder", "destinationId", default=""))
    st.store.move(mailbox, message, target)
    return JSONResponse(_delivered(mailbox, message))


async def expire_delta_tokens(request: Request) -> Response:
    mailbox = _mailbox(request)
    mailbox.delta_generation += 1
    return JSONResponse({"address": mailbox.address, "generation": mailbox.delta_generation})


def control_mail_routes() -> list[Route]:
    base = "/_emulator/mailboxes"
    return [
        Route(base, create_mailbox, methods=["POST"]),
        Route(base, list_mailboxes, methods=["GET"]),
        Route(base + "/{address}", get_mailbox, methods=["GET"]),
        Route(base + "/{address}/folders", create_folder, methods=["POST"]),
        Route(base + "/{address}/messages", deliver, methods=["POST"]),
        Route(base + "/{address}/bulk", bulk, methods=["POST"]),
        Route(base + "/{address}/messages/{mid}", message_item, methods=["PATCH", "DELETE"]),
        Route(base + "/{address}/messages/{mid}/move", move, methods=["POST"]),
        Route(base + "/{address}/expire-delta-tokens", expire_delta_tokens, methods=["POST"]),
    ]
