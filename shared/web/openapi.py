"""The admin API's OpenAPI 3.1 document: every route of functions/admin_options.py, admin_ops.py,
admin_insights.py and admin_page.py. ``openapi_document()`` builds it; tests/integration/test_openapi.py
holds it to the routes."""

from __future__ import annotations

import copy
import functools
from typing import Any

from shared.web.openapi_schemas import Schema, component_schemas, ref

STR, TIME = {"type": "string"}, {"type": "string", "description": "ISO 8601 date and time with its UTC offset"}
JSON, PROBLEM, EML = "application/json", "application/problem+json", "message/rfc822"
_ERRORS = {
    400: "Invalid request; `errors` lists each problem with its field path",
    401: "No or wrong function key (the Functions host answers with an empty body), or no principal where one "
         "is required",
    403: "The signed-in principal lacks a role allowed to do this",
    404: "Not found (for a mailbox: Graph does not know it)",
    412: "If-Match does not match the current ETag: changed by someone else; reload",
    409: "Not done: the confirmation does not match the current list, or deletion is switched off",
    413: "The request body is over the route's limit (1 MiB of JSON; an .eml up to the host's 100 MB)",
    428: "If-Match is required: GET the options and send back their ETag",
    502: "Graph or the CRM refused the call",
    503: "Graph, the CRM or storage is unavailable; retry later",
}
_COMMON = (400, 401, 403, 404, 413, 502, 503)


def _body(schema: Schema, media: str = JSON) -> dict[str, Any]:
    return {"content": {media: {"schema": schema}}}


def _query(name: str, schema: Schema, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _limit(default: int, high: int) -> dict[str, Any]:
    return _query("limit", {"type": "integer", "minimum": 1, "maximum": high, "default": default},
                  f"At most this many (1 to {high})")


def _op(op_id: str, summary: str, tag: str, ok: tuple[int, str, Schema | None], *, errors: tuple[int, ...] = _COMMON,
        params: tuple[dict[str, Any], ...] = (), body: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None) -> dict[str, Any]:
    status, description, schema = ok
    good: dict[str, Any] = {"description": description, **(_body(schema) if schema else {})}
    if headers:
        good["headers"] = headers
    responses = {str(status): good} | {str(e): {"$ref": f"#/components/responses/E{e}"} for e in errors}
    operation: dict[str, Any] = {"operationId": op_id, "summary": summary, "tags": [tag], "parameters": list(params),
                                 "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, **body}
    return operation


_ETAG = {"ETag": {"description": 'The options version, e.g. "v7": send it back as If-Match', "schema": STR}}
_IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": STR,
             "description": "The ETag from GET /manage/options (or * to overwrite whatever is stored)"}
_ADDRESS = {"name": "address", "in": "path", "required": True, "schema": STR, "description": "The mailbox address"}
_STORED = (200, "The stored options, with their ETag", ref("StoredOptions"))
_UPDATE = (*_COMMON, 412, 428)
_ANON: list[dict[str, list[str]]] = []


def _option_paths() -> dict[str, Any]:
    patch = _body(ref("OptionsPatch"), "application/merge-patch+json") | {
        "description": "application/json is accepted too"}
    return {
        "/manage/options": {
            "get": _op("AdminGetOptions", "Read the options document", "Options", _STORED, headers=_ETAG),
            "put": _op("AdminPutOptions", "Replace the options document", "Options", _STORED, errors=_UPDATE,
                       params=(_IF_MATCH,), body=_body(ref("Options")), headers=_ETAG),
            "patch": _op("AdminPatchOptions", "Change some options (JSON merge patch)", "Options", _STORED,
                         errors=_UPDATE, params=(_IF_MATCH,), body=patch, headers=_ETAG),
        },
        "/manage/options/history": {"get": _op(
            "AdminOptionsHistory", "Past versions with their field-level changes, newest first", "Options",
            (200, "History", ref("OptionsHistory")), params=(_limit(50, 500),))},
        "/manage/options/preview": {"post": _op(
            "AdminPreviewOptions", "Re-decide recently logged emails with proposed options (nothing is saved)",
            "Options", (200, "Decisions now and with the proposed options", ref("OptionsPreview")),
            params=(_limit(20, 100),), body=_body(ref("Options")))},
    }


def _mailbox_paths() -> dict[str, Any]:
    item = {
        "get": _op("AdminMailbox", "Read one mailbox", "Mailboxes", (200, "The mailbox", ref("Mailbox")),
                   errors=_COMMON, params=(_ADDRESS,)),
        "put": _op("AdminMailboxPut", "Add or change a mailbox at this address", "Mailboxes",
                   (200, "Saved and subscribed", ref("Onboarded")), params=(_ADDRESS,),
                   body=_body(ref("MailboxUpdate"))),
        "delete": _op("AdminMailboxDelete", "Stop watching a mailbox", "Mailboxes",
                      (200, "Removed with its subscriptions", ref("Removed")), params=(_ADDRESS,)),
    }
    return {
        "/manage/mailboxes": {
            "get": _op("AdminListMailboxes", "List watched mailboxes", "Mailboxes",
                       (200, "Mailboxes", ref("MailboxList"))),
            "post": _op("AdminPutMailbox", "Watch a mailbox: subscribe its folders and start the import", "Mailboxes",
                        (201, "Saved and subscribed", ref("Onboarded")), body=_body(ref("Mailbox"))),
        },
        "/manage/mailboxes/{address}": item,
    }


def _ops_paths() -> dict[str, Any]:
    search = tuple(_query(n, STR, d) for n, d in (
        ("mailbox", "Watched mailbox address"), ("internet_message_id", "Internet Message-ID, with <>"),
        ("contact_id", "CRM contact id; empty string: message-level entries only"))) + (
        _query("outcome", ref("Outcome")), _query("reason", ref("Reason")),
        _query("since", TIME, "From this time (with a zone, e.g. 2026-11-01T00:00:00Z)"),
        _query("until", TIME, "Up to this time (with a zone)"), _limit(100, 1000))
    explain_body = {"content": {EML: {"schema": {"type": "string", "contentMediaType": EML}},
                                JSON: {"schema": ref("ExplainRequest")}},
                    "description": "The .eml itself, or JSON with the message as text and options to try"}
    explain_params = (_query("mailbox", STR, "The watched mailbox the email is in"),
                      _query("folder", {"type": "string", "enum": ["inbox", "sentitems"], "default": "inbox"}))
    return {
        "/manage/status": {"get": _op("AdminStatus", "Mailboxes, subscriptions, queues and the last 24 hours",
                                     "Operations", (200, "Status", ref("Status")))},
        "/manage/decisions": {"get": _op("AdminDecisions", "Search the decision log, newest first", "Operations",
                                        (200, "Matching entries", ref("DecisionList")), params=search)},
        "/manage/replay": {"post": _op("AdminReplay", "Queue emails again (captured ones stay single)", "Operations",
                                      (202, "Queued", ref("ReplayQueued")), body=_body(ref("ReplayRequest")))},
        "/manage/poison/replay": {"post": _op(
            "AdminReplayPoison", "Move poison-queue messages back to their lane's work queue (up to limit per lane)",
            "Operations",
            (202, "Moved; unreadable messages are kept in the poison queue", ref("PoisonReplayed")),
            params=(_limit(32, 32),))},
        "/manage/contact-cache/purge": {"post": _op("AdminPurgeContactCache", "Forget cached CRM contact look-ups",
                                                   "Operations", (200, "Purged", ref("CachePurged")))},
        "/manage/crm-check": {"post": _op("AdminCrmCheck", "Run the read-only CRM preflight now (capture waits "
                                          "while it fails)", "Operations", (200, "The report", ref("CrmPreflight")),
                                          params=(_query("email", STR, "Address for the contact look-up"),))},
        "/manage/erasure": _erasure_paths(),
        "/manage/explain": {"post": _op("AdminExplain", "What would happen to this email (no CRM or Graph call)",
                                       "Operations", (200, "The decision", ref("ExplainResult")),
                                       params=explain_params, body=explain_body)},
    }


def _erasure_paths() -> dict[str, Any]:
    target = (_query("address", STR, "An e-mail address (give this or domain)"),
              _query("domain", STR, "A domain, e.g. example.org (give this or address)"))
    return {
        "get": _op("AdminErasure", "The CRM records this service wrote for an address or domain (from the "
                   "capture ledger), with the token that confirms their deletion", "Operations",
                   (200, "The records and the confirm token; nothing is deleted", ref("ErasureListing")),
                   params=target),
        "post": _op("AdminErasureDelete", "Delete the listed records (confirm token required; IMIS_ALLOW_DELETE); each "
                    "deletion is logged", "Operations", (200, "The report: deleted, already gone, refused, not "
                    "attempted", ref("ErasureReport")), errors=(*_COMMON, 409), body=_body(ref("ErasureRequest"))),
    }


def _insight_paths() -> dict[str, Any]:
    days = _query("days", {"type": "integer", "minimum": 1, "maximum": 90, "default": 30}, "How many days, to today")
    return {
        "/manage/stats": {"get": _op("AdminStats", "Emails per day by outcome, reason and mailbox (for charts)",
                                    "Operations", (200, "Daily counts", ref("Stats")), params=(days,))},
        "/manage/record-types": {"get": _op(
            "AdminRecordTypes", "The fields each record type offers to the mapping, with limits, and the tokens",
            "Options", (200, "Fields and tokens", ref("RecordTypes")))},
        "/manage/mapping/preview": {"post": _op(
            "AdminMappingPreview", "Field Configuration Results: what a mapping would write for one email",
            "Options", (200, "Each field's value, length and limit; nothing is saved",
                        ref("MappingPreview")), body=_body(ref("MappingPreviewRequest")))},
    }


def _page_paths() -> dict[str, Any]:
    def page(op_id: str, summary: str, media: str) -> dict[str, Any]:
        return {"operationId": op_id, "summary": summary, "tags": ["Page"], "security": _ANON,
                "responses": {"200": {"description": summary, "content": {media: {"schema": STR}}},
                              "404": {"description": "No such asset"}}}
    asset = page("AdminPageAsset", "A script or style sheet of the admin page", "text/javascript")
    asset["parameters"] = [{"name": "name", "in": "path", "required": True, "schema": STR}]
    asset["responses"]["200"]["content"]["text/css"] = {"schema": STR}
    document = page("AdminOpenApi", "This document", JSON)
    document["responses"]["200"]["content"][JSON]["schema"] = {"type": "object"}
    return {"/manage/ui": {"get": page("AdminPage", "The admin page (static; holds no data)", "text/html")},
            "/manage/ui/{name}": {"get": asset}, "/manage/openapi.json": {"get": document}}


def _components() -> dict[str, Any]:
    problem = {"content": {PROBLEM: {"schema": ref("Problem")}}}
    return {
        "schemas": component_schemas(),
        "responses": {f"E{status}": {"description": text, **problem} for status, text in _ERRORS.items()},
        "securitySchemes": {
            "functionKey": {"type": "apiKey", "in": "header", "name": "x-functions-key",
                            "description": "A function key of the app (local: DEVHOST_FUNCTION_KEY)"},
            "functionKeyQuery": {"type": "apiKey", "in": "query", "name": "code"},
            "appServiceAuth": {"type": "apiKey", "in": "cookie", "name": "AppServiceAuthSession",
                               "description": "App Service Authentication session (Entra ID); app roles decide"},
        },
    }


@functools.cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mail capture admin API", "version": "1",
                 "description": "Options, mailboxes, status, the decision log and tools for the admins of mail "
                                "capture. Errors are RFC 9457 problem details."},
        "servers": [{"url": "/api", "description": "This function app (the host's route prefix)"}],
        "security": [{"functionKey": []}, {"functionKeyQuery": []}, {"appServiceAuth": []}],
        "tags": [{"name": n} for n in ("Options", "Mailboxes", "Operations", "Page")],
        "paths": _option_paths() | _mailbox_paths() | _ops_paths() | _insight_paths() | _page_paths(),
        "components": _components(),
    }


def openapi_document() -> dict[str, Any]:
    """A fresh copy: callers may change it."""
    return copy.deepcopy(_document())
