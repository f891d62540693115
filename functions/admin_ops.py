"""Admin API: mailboxes, status, decision log, replay, poison replay, contact-cache purge, CRM preflight,
explain."""

from __future__ import annotations

from datetime import UTC, datetime

import azure.functions as func

from functions._admin import admin, query_int
from functions._http import HOST_MAX_BYTES, json_response, problem, read_json
from shared.domain.errors import BadRequest
from shared.domain.mailbox import Mailbox, ReplayRequest, mailbox_address
from shared.services import admin_ops as ops
from shared.services.access import Access, Caller
from shared.services.deps import Services
from shared.services.mailboxes import onboard_mailbox, remove_mailbox
from shared.services.status import status as status_document

bp_admin_ops = func.Blueprint()


@bp_admin_ops.function_name("AdminListMailboxes")
@bp_admin_ops.route(route="manage/mailboxes", methods=["GET"])
@admin(Access.READ)
def list_mailboxes(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response({"mailboxes": [m.model_dump(mode="json") for m in deps.mailboxes.all()]})


@bp_admin_ops.function_name("AdminPutMailbox")
@bp_admin_ops.route(route="manage/mailboxes", methods=["POST"])
@admin(Access.WRITE)
def add_mailbox(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(onboard_mailbox(Mailbox.model_validate(read_json(req)), deps), status=201)


@bp_admin_ops.function_name("AdminMailbox")
@bp_admin_ops.route(route="manage/mailboxes/{address}", methods=["GET", "PUT", "DELETE"])
@admin(Access.READ)
def mailbox(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    address = req.route_params["address"].lower()
    if req.method == "GET":
        found = deps.mailboxes.get(address)
        return json_response(found.model_dump(mode="json")) if found else problem(404, "No such mailbox", address)
    ops.require_write(caller, deps)
    if req.method == "DELETE":
        return json_response(remove_mailbox(address, deps))
    body = read_json(req)
    if not isinstance(body, dict):
        raise BadRequest("the mailbox must be a JSON object")
    return json_response(onboard_mailbox(Mailbox.model_validate(body | {"address": address}), deps))


@bp_admin_ops.function_name("AdminStatus")
@bp_admin_ops.route(route="manage/status", methods=["GET"])
@admin(Access.READ)
def status(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(status_document(deps))


def _when(req: func.HttpRequest, name: str) -> datetime | None:
    raw = req.params.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(f"{name} is not an ISO 8601 time, e.g. 2026-11-01T00:00:00Z") from None
    if value.tzinfo is None:
        raise BadRequest(f"{name} needs a time zone, e.g. 2026-11-01T00:00:00Z")
    try:
        return value.astimezone(UTC)  # the log stores UTC; 0001-01-01T00:00+14:00 has no UTC time
    except OverflowError:
        raise BadRequest(f"{name} is out of range") from None


# Longest legitimate filter values: an address (RFC 5321: 254), a Message-ID (RFC 5322 lines: 998).
_FILTER_LIMITS = {"mailbox": 254, "internet_message_id": 998, "contact_id": 254, "outcome": 64, "reason": 64}


def _filters(req: func.HttpRequest) -> dict[str, str | None]:
    found = {name: req.params.get(name) for name in _FILTER_LIMITS}
    for name, value in found.items():
        if value is not None and len(value) > _FILTER_LIMITS[name]:
            raise BadRequest(f"{name} is longer than {_FILTER_LIMITS[name]} characters")
    return found


@bp_admin_ops.function_name("AdminDecisions")
@bp_admin_ops.route(route="manage/decisions", methods=["GET"])
@admin(Access.READ)
def decisions(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    found = ops.search_decisions(deps, **_filters(req), since=_when(req, "since"), until=_when(req, "until"),
                                 limit=query_int(req, "limit", 100, 1000))
    return json_response({"entries": found})


@bp_admin_ops.function_name("AdminReplay")
@bp_admin_ops.route(route="manage/replay", methods=["POST"])
@admin(Access.WRITE)
def replay(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    emails = ReplayRequest.model_validate(read_json(req)).emails  # 400 with each field's path
    return json_response({"queued": ops.replay([e.model_dump() for e in emails], deps)}, status=202)


@bp_admin_ops.function_name("AdminReplayPoison")
@bp_admin_ops.route(route="manage/poison/replay", methods=["POST"])
@admin(Access.WRITE)
def replay_poison(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(ops.replay_poison(deps, query_int(req, "limit", 32, 32)), status=202)


@bp_admin_ops.function_name("AdminPurgeContactCache")
@bp_admin_ops.route(route="manage/contact-cache/purge", methods=["POST"])
@admin(Access.WRITE)
def purge_contact_cache(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    return json_response(ops.purge_contact_cache(deps))


@bp_admin_ops.function_name("AdminCrmCheck")
@bp_admin_ops.route(route="manage/crm-check", methods=["POST"])
@admin(Access.WRITE)
def crm_check(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    """Run the read-only CRM preflight now and store its verdict (capture waits while it fails)."""
    from shared.services.crm_check import PROBE_EMAIL, check_and_store, preflight_json

    email = req.params.get("email")
    report = check_and_store(deps, mailbox_address(email) if email else PROBE_EMAIL)  # BadRequest: 400
    return json_response(preflight_json(report))


@bp_admin_ops.function_name("AdminExplain")
@bp_admin_ops.route(route="manage/explain", methods=["POST"])
@admin(Access.READ)
def explain(req: func.HttpRequest, deps: Services, caller: Caller) -> func.HttpResponse:
    """Body: the .eml itself (message/rfc822), or JSON {"eml": "<text>", "options": {...}} to try proposed
    options. Query: mailbox, folder."""
    raw, options_doc = req.get_body(), None
    if (req.headers.get("content-type") or "").startswith("application/json"):
        body = read_json(req, max_bytes=HOST_MAX_BYTES)  # an .eml as JSON text: as large as the host lets in
        if not isinstance(body, dict) or not isinstance(body.get("eml"), str):
            raise BadRequest('expected {"eml": "<the message as text>", "options": {...}}')
        raw, options_doc = body["eml"].encode("utf-8", "surrogateescape"), body.get("options")
    return json_response(ops.explain(raw, deps, mailbox=req.params.get("mailbox"), folder=req.params.get("folder"),
                                     options_doc=options_doc))
