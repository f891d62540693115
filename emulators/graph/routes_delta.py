"""``GET /users/{id}/mailFolders/{id}/messages/delta`` (api-reference/v1.0/api/message-delta.md,
concepts/delta-query-messages.md): pages of at most ``Prefer: odata.maxpagesize`` items with
``@odata.nextLink`` (``$skiptoken``) and finally ``@odata.deltaLink`` (``$deltatoken``); removed messages
appear as ``{"id", "@removed": {"reason": "deleted"}}``. See ``delta.py`` for tokens and 410 answers.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.graph.delta import DeltaQuery, Round, check_generation, gone, start_round
from emulators.graph.model import Mailbox
from emulators.graph.odata import Prefer, page_size, parse_expand, parse_filter, parse_list, parse_prefer
from emulators.graph.render import render_message
from emulators.graph.web import graph_base, graph_json, query, state_of

_TYPE = {"@odata.type": "#microsoft.graph.message"}
INVALID = "The sync state is invalid; the delta or skip token is not recognised. Restart with a full synchronization."


def _item(mailbox: Mailbox, rnd: Round, message_id: str, removed: bool, prefer: Prefer) -> dict[str, Any]:
    """Ids follow this request's ``Prefer: IdType`` (tokens work with both kinds: outlook-immutable-id.md,
    "Immutable ID with delta query")."""
    message = mailbox.messages.get(message_id)
    if removed or message is None or message.folder_id != rnd.query.folder_id:
        gone_id = rnd.left.get(message_id, message_id) if not prefer.immutable_id else message_id
        return {**_TYPE, "id": gone_id, "@removed": {"reason": "deleted"}}
    return {**_TYPE, **render_message(message, rnd.query.select, prefer.text_body, parse_expand(rnd.query.expand),
                                      prefer.immutable_id)}


def _start(request: Request, mailbox: Mailbox, folder_id: str, location: str) -> tuple[Round, int]:
    st, q, prefer = state_of(request), query(request), parse_prefer(request.headers)
    if q.get("$skiptoken"):
        page = st.deltas.pages.get(q["$skiptoken"])
        if page is None or page.round.query.folder_id != folder_id:
            raise gone("syncStateInvalid", INVALID, location)
        check_generation(mailbox, page.round.generation, location)
        return page.round, page.start
    size = page_size(q.get("$top"), prefer.max_page_size, st.settings.default_page_size, st.settings.max_page_size)
    if q.get("$deltatoken"):
        token = st.deltas.tokens.get(q["$deltatoken"])
        if token is None or token.query.folder_id != folder_id:
            raise gone("syncStateInvalid", INVALID, location)
        check_generation(mailbox, token.generation, location)
        return start_round(mailbox, token.query, token.since_seq, size), 0
    parse_filter(q.get("$filter"))  # reject a bad filter now, not on a later page
    parse_expand(q.get("$expand"))
    delta_query = DeltaQuery(mailbox.id, folder_id, parse_list(q.get("$select")), q.get("$expand"),
                             q.get("$filter"), q.get("$orderby"), q.get("changetype"))
    return start_round(mailbox, delta_query, None, size), 0


async def messages_delta(request: Request) -> Response:
    st = state_of(request)
    mailbox = st.store.resolve(request.path_params["user"])
    folder = st.store.graph_folder(mailbox, request.path_params["folder"])
    location = f"{graph_base(request)}/users/{mailbox.id}/mailFolders('{folder.id}')/messages/delta"
    rnd, start = _start(request, mailbox, folder.id, location)
    prefer = parse_prefer(request.headers)
    size = prefer.max_page_size or rnd.page_size
    chunk = rnd.items[start:start + size]
    out: dict[str, Any] = {
        "@odata.context": f"{graph_base(request)}/$metadata#Collection(message)",
        "value": [_item(mailbox, rnd, mid, removed, prefer) for mid, removed in chunk],
    }
    if start + size < len(rnd.items):
        out["@odata.nextLink"] = f"{location}?$skiptoken={st.deltas.issue_page(rnd, start + size)}"
    else:
        out["@odata.deltaLink"] = f"{location}?$deltatoken={st.deltas.issue_delta(rnd)}"
    applied = prefer.applied(paged=True)
    return graph_json(out, headers={"Preference-Applied": applied} if applied else {})


def delta_routes() -> list[Route]:
    return [Route("/v1.0/users/{user}/mailFolders/{folder}/messages/delta", messages_delta)]
