"""Admin API: the options document (GET with ETag; PUT/PATCH with If-Match), its history and a preview."""

from __future__ import annotations

import azure.functions as func

from functions._admin import admin, query_int
from functions._http import json_response, read_json
from shared.domain.options import options_to_doc
from shared.ports import StoredOptions
from shared.services import admin_options as service
from shared.services.access import Access, Caller
from shared.services.deps import Services
from shared.services.erasure import erasure_hint

bp_admin_options = func.Blueprint()


def _answer(stored: StoredOptions, before: StoredOptions | None = None) -> func.HttpResponse:
    # Newly blocked addresses/domains: where to list what was already captured for them (never deleted here).
    hint = erasure_hint(before.options, stored.options) if before else []
    return json_response({"version": stored.version, "updated_by": stored.updated_by,
                          "updated_at": stored.updated_at, "options": options_to_doc(stored.options),
                          **({"erasure": hint} if hint else {})},
                         headers={"ETag": service.options_etag(stored)})


def _roles(caller: Caller) -> frozenset[str] | None:
    """A signed-in caller's roles: they must keep the right to write (a key holder has no roles to keep)."""
    return caller.roles if caller.has_principal else None


@bp_admin_options.function_name("AdminGetOptions")
@bp_admin_options.route(route="manage/options", methods=["GET"])
@admin(Access.READ)
def get_options(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return _answer(service.get_options(deps))


@bp_admin_options.function_name("AdminPutOptions")
@bp_admin_options.route(route="manage/options", methods=["PUT"])
@admin(Access.WRITE)
def put_options(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    before = service.get_options(deps)
    return _answer(service.replace_options(read_json(req), req.headers.get("if-match"), caller.name, deps,
                                           _roles(caller)), before)


@bp_admin_options.function_name("AdminPatchOptions")
@bp_admin_options.route(route="manage/options", methods=["PATCH"])
@admin(Access.WRITE)
def patch_options(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    before = service.get_options(deps)
    return _answer(service.patch_options(read_json(req), req.headers.get("if-match"), caller.name, deps,
                                         _roles(caller)), before)


@bp_admin_options.function_name("AdminOptionsHistory")
@bp_admin_options.route(route="manage/options/history", methods=["GET"])
@admin(Access.READ)
def options_history(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response({"history": deps.options.history(query_int(req, "limit", 50, 500))})


@bp_admin_options.function_name("AdminPreviewOptions")
@bp_admin_options.route(route="manage/options/preview", methods=["POST"])
@admin(Access.READ)
def preview_options(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    limit = query_int(req, "limit", 20, 100)
    return json_response({"emails": service.preview_options(read_json(req), limit, deps)})
