"""Admin API: erasure — list, then with the listing's confirmation delete, the CRM records this service wrote
for an address or a domain (shared.services.erasure)."""

from __future__ import annotations

import azure.functions as func

from functions._admin import admin
from functions._http import json_response, read_json
from shared.domain.errors import BadRequest
from shared.services import admin_ops as ops
from shared.services.access import Access, Caller
from shared.services.deps import Services
from shared.services.erasure import erase, erasure_list, erasure_target

bp_admin_erasure = func.Blueprint()


@bp_admin_erasure.function_name("AdminErasure")
@bp_admin_erasure.route(route="manage/erasure", methods=["GET", "POST"])
@admin(Access.READ)
def erasure(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    if req.method == "GET":
        kind, value = erasure_target(req.params.get("address"), req.params.get("domain"))
        return json_response(erasure_list(kind, value, deps))
    ops.require_write(caller, deps)
    body = read_json(req)
    if not isinstance(body, dict) or not isinstance(body.get("confirm", ""), str):
        raise BadRequest('send {"address" or "domain": …, "confirm": the token the listing gave}')
    address, domain = body.get("address"), body.get("domain")
    if not isinstance(address, str | None) or not isinstance(domain, str | None):
        raise BadRequest("address and domain must be strings")
    kind, value = erasure_target(address, domain)
    return json_response(erase(kind, value, body.get("confirm", ""), caller.name, deps))
