"""Admin API for the page's charts and field-mapping editor: daily counts, record-type fields, field results."""

from __future__ import annotations

import azure.functions as func

from functions._admin import admin, query_int
from functions._http import json_response, read_json
from shared.domain.field_catalog import record_types
from shared.services import outcome_stats
from shared.services.access import Access, Caller
from shared.services.deps import Services
from shared.services.field_results import preview_mapping

bp_admin_insights = func.Blueprint()


@bp_admin_insights.function_name("AdminStats")
@bp_admin_insights.route(route="manage/stats", methods=["GET"])
@admin(Access.READ)
def stats(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(outcome_stats.daily(deps, deps.clock.now(), query_int(req, "days", 30, 90)))


@bp_admin_insights.function_name("AdminRecordTypes")
@bp_admin_insights.route(route="manage/record-types", methods=["GET"])
@admin(Access.READ)
def fields(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(record_types())


@bp_admin_insights.function_name("AdminMappingPreview")
@bp_admin_insights.route(route="manage/mapping/preview", methods=["POST"])
@admin(Access.READ)
def mapping_preview(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    """Body: {"options": {...}, "record_type", "activity_type", and "eml" (text) or "email" {mailbox,
    message_id, folder}}. Nothing is saved or written."""
    return json_response(preview_mapping(read_json(req), deps))
