"""Graph mail folder routes: get one, list the top level, list a folder's children.

References (microsoftgraph/microsoft-graph-docs-contrib):
- api-reference/v1.0/api/user-list-mailfolders.md: "the mail folder collection directly under the root folder
  … does not return all mail folders in a mailbox, only the child folders of the root folder"; hidden folders
  only with ``includeHiddenFolders=true``; more than the default page size (10 items) returns @odata.nextLink.
- api-reference/v1.0/api/mailfolder-list-childfolders.md: the same for ``/mailFolders/{id}/childFolders``.
- api-reference/v1.0/api/mailfolder-get.md: ``{id}`` is a folder id or a well-known name (resources/mailfolder.md,
  ``msgfolderroot`` among them); an unknown one is ErrorItemNotFound (concepts/errors.md).
- api-reference/v1.0/api/mailfolder-delete.md (DELETE, 204 No Content, no body) and mailfolder-permanentdelete.md
  (POST .../permanentDelete, 204): what each does to the store is in mailstore.py (delete_folder, purge_folder).
The emulator evaluates no ``$filter``/``$orderby``/``$search`` on folders: it refuses them (400) rather than
answering an unfiltered list a client would take as filtered.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulators.graph.errors import bad_request
from emulators.graph.mailstore import MailStore
from emulators.graph.model import Mailbox
from emulators.graph.odata import page_size, parse_int, parse_list, parse_prefer
from emulators.graph.render import render_folder
from emulators.graph.web import graph_base, graph_json, query, state_of

ROOT = "msgfolderroot"


def _mailbox(request: Request) -> Mailbox:
    return state_of(request).store.resolve(request.path_params["user"])


def _parent_id(mailbox: Mailbox, ref: str) -> str:
    if ref.lower() == ROOT or ref == mailbox.root_id:
        return mailbox.root_id
    return MailStore.graph_folder(mailbox, ref).id


def _selected(body: dict[str, Any], select: list[str] | None) -> dict[str, Any]:
    if select is None:
        return body
    keep = {"id"} | {s.lower() for s in select}
    return {k: v for k, v in body.items() if k.lower() in keep}


async def get_folder(request: Request) -> Response:
    mailbox = _mailbox(request)
    if request.method == "DELETE":
        state_of(request).store.delete_folder(mailbox, request.path_params["folder"])
        return Response(status_code=204)
    folder = MailStore.graph_folder(mailbox, request.path_params["folder"])
    context = f"{graph_base(request)}/$metadata#users('{mailbox.id}')/mailFolders/$entity"
    select = parse_list(query(request).get("$select"))
    return graph_json({"@odata.context": context, **_selected(render_folder(folder, mailbox), select)})


async def list_folders(request: Request) -> Response:
    """``/mailFolders`` (the root's children) and ``/mailFolders/{id}/childFolders``."""
    mailbox, st, q = _mailbox(request), state_of(request), query(request)
    for option in ("$filter", "$orderby", "$search"):
        if option in q:
            raise bad_request(f"{option} on mail folders is not emulated.", code="ErrorInvalidUrlQuery")
    parent = _parent_id(mailbox, request.path_params.get("folder", ROOT))
    hidden = q.get("includehiddenfolders", "").lower() == "true"
    folders = sorted(mailbox.children(parent, hidden), key=lambda f: f.display_name.lower())
    prefer = parse_prefer(request.headers)
    size = page_size(q.get("$top"), prefer.max_page_size, st.settings.default_page_size, st.settings.max_page_size)
    skip = parse_int(q.get("$skip"), "$skip", 0, 10**9)
    select = parse_list(q.get("$select"))
    scope = "childFolders" if "folder" in request.path_params else "mailFolders"
    out: dict[str, Any] = {"@odata.context": f"{graph_base(request)}/$metadata#users('{mailbox.id}')/{scope}"}
    if q.get("$count", "").lower() == "true":
        out["@odata.count"] = len(folders)
    out["value"] = [_selected(render_folder(f, mailbox), select) for f in folders[skip:skip + size]]
    if skip + size < len(folders):
        params = {k: v for k, v in request.query_params.items() if k.lower() != "$skip"}
        next_query = urlencode({**params, "$skip": skip + size})
        out["@odata.nextLink"] = f"{graph_base(request)}{request.url.path[5:]}?{next_query}"
    return graph_json(out)


async def permanent_delete(request: Request) -> Response:
    state_of(request).store.purge_folder(_mailbox(request), request.path_params["folder"])
    return Response(status_code=204)


def folder_routes() -> list[Route]:
    return [
        Route("/v1.0/users/{user}/mailFolders", list_folders),
        Route("/v1.0/users/{user}/mailFolders/{folder}", get_folder, methods=["GET", "DELETE"]),
        Route("/v1.0/users/{user}/mailFolders/{folder}/permanentDelete", permanent_delete, methods=["POST"]),
        Route("/v1.0/users/{user}/mailFolders/{folder}/childFolders", list_folders),
    ]
