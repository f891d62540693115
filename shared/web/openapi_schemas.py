"""Component schemas of the admin API's OpenAPI document.

Request documents (options, mailboxes) come from the pydantic models the API validates with, so the document
cannot drift from them; the response envelopes are written out here, next to each other, from functions/admin_*.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from shared.domain.mailbox import Mailbox
from shared.domain.options import Options
from shared.domain.reasons import DESCRIPTIONS, Outcome, Reason

REF = "#/components/schemas/{model}"
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": REF.format(model=name)}


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), extra: bool = False) -> Schema:
    """An object schema; ``extra`` allows properties not listed (documents that may grow)."""
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": extra}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
TIME = {"type": "string", "description": "ISO 8601 date and time with its UTC offset"}
NULL_STR, NULL_INT = {"type": ["string", "null"]}, {"type": ["integer", "null"]}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}


def _model_schemas() -> dict[str, Schema]:
    _, found = models_json_schema([(Options, "validation"), (Mailbox, "validation")], ref_template=REF)
    schemas: dict[str, Schema] = found["$defs"]
    update = {k: v for k, v in schemas["Mailbox"].items() if k != "required"}
    schemas["MailboxUpdate"] = update | {"description": "A mailbox's settings; its address comes from the path."}
    return schemas


def _decision_schemas() -> dict[str, Schema]:
    reason_or_none = {"anyOf": [ref("Reason"), {"type": "null"}]}
    decision = obj({"decision": {"enum": ["capture", "skip"]}, "reason": reason_or_none, "detail": STR},
                   ("decision", "reason", "detail"))
    return {
        "Reason": {"type": "string", "enum": [r.value for r in Reason],
                   "description": "Why an email was skipped or not captured (the same codes everywhere).",
                   "x-enum-descriptions": {r.value: DESCRIPTIONS[r] for r in Reason}},
        "Outcome": {"type": "string", "enum": [o.value for o in Outcome]},
        "Decision": decision,
        "PreviewDecision": obj({"decision": {"enum": ["capture", "skip"]}, "reason": reason_or_none, "detail": STR,
                                "records": array(obj({"kind": STR, "contact_id": STR, "contact_name": STR,
                                                      "new_contact": BOOL, "already_written": STR,
                                                      "activity_type": STR, "fields": obj({}, extra=True),
                                                      "truncated": array(STR), "files": array(STR)}))},
                               ("decision", "reason", "detail", "records")),
        "ExplainResult": obj({"file": STR, "decision": {"enum": ["capture", "skip"]}, "reason": reason_or_none,
                              "detail": STR, "participants": array(STR)},
                             ("file", "decision", "reason", "detail", "participants")),
        "ExplainRequest": obj({"eml": {"type": "string", "description": "The whole message as text"},
                               "options": ref("Options")}, ("eml",)),
        "DecisionEntry": obj({
            "entry_id": STR, "at": TIME, "expires_at": TIME, "mailbox": STR, "message_id": STR, "folder": STR,
            "source": STR, "key": STR, "outcome": ref("Outcome"),
            "reason": {"anyOf": [ref("Reason"), {"const": ""}]}, "detail": STR, "options_version": INT,
            "internet_message_id": STR, "subject": STR, "from_address": STR, "conversation_id": STR,
            "sent_at": STR, "contact_id": {"type": "string", "description": "Empty on the message-level entry"},
            "contact_name": STR, "participant": STR, "record_kind": STR, "record_ids": array(STR),
            "truncated": STR, "profile_url": STR, "timings_ms": COUNTS,
        }, ("entry_id", "at", "mailbox", "message_id", "outcome", "reason", "detail"), extra=True),
        "PreviewEmail": {"oneOf": [
            obj({"entry_id": STR, "mailbox": STR, "subject": STR, "changed": BOOL,
                 "logged": obj({"outcome": ref("Outcome"), "reason": {"anyOf": [ref("Reason"), {"type": "null"}]}},
                               ("outcome", "reason")),
                 "current": ref("PreviewDecision"), "proposed": ref("PreviewDecision"),
                 "field_changes": array(obj({}, extra=True))},
                ("entry_id", "mailbox", "subject", "logged", "current", "proposed", "changed")),
            obj({"entry_id": STR, "subject": STR, "error": STR}, ("entry_id", "subject", "error")),
        ]},
    }


def _status_schemas() -> dict[str, Schema]:
    folder = obj({"folder": STR, "subscription_id": NULL_STR, "subscription_expires_at": NULL_STR,
                  "subscription_expired": BOOL, "last_notification_at": NULL_STR, "delta_updated_at": NULL_STR,
                  "delta_lag_seconds": NULL_INT, "delta_note": STR},
                 ("folder", "subscription_id", "subscription_expires_at", "subscription_expired"), extra=True)
    poison = obj({"at": TIME, "mailbox": STR, "message_id": STR, "detail": STR}, extra=True)
    return {
        "ImportProgress": obj({"state": {"enum": ["running", "done"]}, "days": INT, "since": TIME,
                               "pending": array(STR), "cursor": NULL_STR, "queued": INT,
                               "estimated_total": NULL_INT, "started_at": TIME, "finished_at": TIME,
                               "total": {"type": ["integer", "null"],
                                         "description": "Messages to import, from Graph's $count; null if unknown"},
                               "processed": {"type": "integer", "description": "Imported emails decided so far"},
                               "eta_seconds": {"type": ["integer", "null"], "description": "From the rate so far"},
                               "percent": {"type": ["number", "null"]}, "complete": BOOL},
                              extra=True) | {"description": "Historical import; empty before the first one"},
        "Status": obj({
            "now": TIME,
            "mailboxes": array(obj({"address": STR, "enabled": BOOL, "folders": array(folder),
                                    "import": ref("ImportProgress")}, ("address", "enabled", "folders"))),
            "queue": obj({"depth": INT, "poison_depth": INT, "last_poison_reasons": array(poison)},
                         ("depth", "poison_depth")),
            "last_24h": obj({"messages": INT, "since": TIME, "by_outcome": COUNTS, "by_reason": COUNTS},
                            ("messages", "by_outcome", "by_reason")) | {
                "description": "Emails decided in the current hour and the 23 before it, each counted once"},
            "webhook_rejected": INT,
            "crm_preflight": ref("CrmPreflight"),
        }, ("now", "mailboxes", "queue", "last_24h"), extra=True),
        "CrmPreflight": obj({
            "ok": {"type": ["boolean", "null"], "description": "null: not run yet"},
            "at": NULL_STR, "why": {"type": "string", "description": "Each failing step and field"},
            "checks": array(obj({"step": STR, "field": STR, "ok": BOOL, "detail": STR},
                                ("step", "field", "ok", "detail")))}, ("ok", "at", "why", "checks")),
    }


def _page_schemas() -> dict[str, Schema]:
    series = {"type": "object", "additionalProperties": array(INT)}
    field = obj({"field": STR, "label": STR, "help": STR, "limit": NULL_INT, "reserved": BOOL, "template": STR,
                 "value": STR, "length": INT, "truncated": BOOL}, ("field",), extra=True)
    return {
        "Stats": obj({"days": array(STR), "by_outcome": series, "by_reason": series,
                      "by_mailbox": {"type": "object", "additionalProperties": COUNTS}},
                     ("days", "by_outcome", "by_reason", "by_mailbox")) | {
            "description": "Per day (UTC), each email counted once per mailbox; series align with days"},
        "RecordTypes": obj({"source": {"enum": ["documented", "crm"]}, "activity": array(field),
                            "interaction": array(field),
                            "tokens": array(obj({"token": STR, "help": STR}, ("token", "help")))},
                           ("source", "activity", "interaction", "tokens")),
        "MappingPreviewRequest": obj({
            "options": ref("Options"), "record_type": {"enum": ["activity", "interaction"]}, "activity_type": STR,
            "eml": {"type": "string", "description": "A message as text (or give entry_id)"},
            "entry_id": {"type": "string", "description": "A decision-log entry: its email is read from Graph"}},
            ("options", "record_type")),
        "MappingPreview": obj({"record_type": STR, "activity_type": STR, "subject": STR, "fields": array(field),
                               "attachment_names": array(STR)}, ("record_type", "fields")),
    }


def _envelopes() -> dict[str, Schema]:
    change = obj({"path": STR, "from": {}, "to": {}, "added": array({}), "removed": array({})}, ("path",))
    return {
        "Problem": obj({"type": STR, "title": STR, "status": INT, "detail": STR,
                        "errors": array(obj({"field": {"type": "string", "description": "Dotted path, e.g. "
                                                       "activity_types.0.fields.1.template; empty: the document"},
                                             "message": STR}, ("field", "message")))},
                       ("title", "status"), extra=True) | {"description": "RFC 9457 problem details"},
        "StoredOptions": obj({"version": INT, "updated_by": STR, "updated_at": STR, "options": ref("Options")},
                             ("version", "updated_by", "updated_at", "options")),
        "OptionsPatch": {"type": "object", "description": "RFC 7396 merge patch: null removes a key"},
        "OptionsHistory": obj({"history": array(obj({"version": INT, "updated_by": STR, "updated_at": STR,
                                                     "changes": array(change)}, ("version", "changes")))},
                              ("history",)),
        "OptionsPreview": obj({"emails": array(ref("PreviewEmail"))}, ("emails",)),
        "MailboxList": obj({"mailboxes": array(ref("Mailbox"))}, ("mailboxes",)),
        "Onboarded": obj({"mailbox": ref("Mailbox"), "subscriptions": array(STR), "import": ref("ImportProgress")},
                         ("mailbox", "subscriptions", "import")),
        "Removed": obj({"mailbox": STR, "subscriptions_deleted": INT}, ("mailbox", "subscriptions_deleted")),
        "DecisionList": obj({"entries": array(ref("DecisionEntry"))}, ("entries",)),
        "ReplayRequest": obj({"emails": array(obj({"mailbox": STR, "message_id": STR, "folder": STR},
                                                  ("mailbox", "message_id"), extra=True)) | {"minItems": 1}},
                             ("emails",)),
        "ReplayQueued": obj({"queued": INT}, ("queued",)),
        "PoisonReplayed": obj({"requeued": INT, "kept": INT}, ("requeued", "kept")),
        "CachePurged": obj({"generation": INT}, ("generation",)),
    }


def component_schemas() -> dict[str, Schema]:
    return _model_schemas() | _decision_schemas() | _status_schemas() | _page_schemas() | _envelopes()
