"""Field Configuration Results: what a (proposed) mapping would write for one email, field by field.

The records come from ``build_records``, the worker's own mapping code, so what the admin sees is what the
worker writes; nothing is written, and the CRM is not asked (the contact id is a placeholder).
"""

from __future__ import annotations

from typing import Any

from shared.domain.errors import BadRequest
from shared.domain.filters import MailboxContext, direction
from shared.domain.mailbox import Mailbox
from shared.domain.mapping import EMAIL_TO_LIMIT, INTERACTION_SUBJECT_LIMIT, CrmRecord, render, token_values
from shared.domain.matching import ContactRef
from shared.domain.model import Folder, MailMessage
from shared.domain.options import Options, parse_options
from shared.ports import FetchSpec
from shared.services.deps import Services
from shared.services.records import build_records, record_body

PREVIEW_CONTACT = ContactRef("(contact id)", "(contact)")
SAMPLE_MAILBOX = "mailbox@organisation.invalid"


def preview_mapping(body: Any, deps: Services) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest('expected {"options": {...}, "record_type": "activity", "eml": "..." or "email": {...}}')
    options = parse_options(body.get("options"))
    kind = body.get("record_type") or options.default_record_type
    if kind not in ("activity", "interaction"):
        raise BadRequest("record_type must be activity or interaction")
    code = str(body.get("activity_type") or options.default_activity_type).upper()
    if kind == "activity" and code not in {t.code for t in options.activity_types}:
        raise BadRequest(f"activity_type {code} is not one of the activity types")
    msg, address = _message(body, kind, options, deps)
    mailbox = Mailbox(address=address, record_types=(kind,), activity_type=code)
    context = MailboxContext(address)
    record = build_records(msg, options, context, mailbox, PREVIEW_CONTACT, "(capture key)",
                           deps.settings.imis_timezone)[0]
    values = token_values(msg, mailbox=address, direction=direction(msg, context),
                          body=record_body(msg, kind, options), tz=deps.settings.imis_timezone,
                          contact_id=PREVIEW_CONTACT.id)
    values["EmailTo"] = ", ".join(a.email for a in msg.to)
    return {"record_type": kind, "activity_type": code if kind == "activity" else "", "subject": msg.subject,
            "fields": _fields(record, options, code, values), "attachment_names": list(record.attachment_names)}


def _message(body: dict[str, Any], kind: str, options: Options, deps: Services) -> tuple[MailMessage, str]:
    if isinstance(body.get("eml"), str):  # UnparseableMessage is a ValueError: a 400 that says what is wrong
        return deps.parse_mime(body["eml"].encode("utf-8", "surrogateescape"), Folder.INBOX), SAMPLE_MAILBOX
    email = body.get("email")
    if not isinstance(email, dict) or not email.get("mailbox") or not email.get("message_id"):
        raise BadRequest('give the email as "eml" (its text) or "email": {"mailbox", "message_id", "folder"}')
    if not isinstance(email.get("folder"), str | None):
        raise BadRequest("email.folder must be a folder name such as inbox or sentitems")
    address = str(email["mailbox"]).lower()
    spec = FetchSpec(html_body=kind == "interaction" or options.save_body_as_html,
                     folder=Folder.parse(email.get("folder")))
    return deps.graph.get_message(address, str(email["message_id"]), spec).message, address


def _fields(record: CrmRecord, options: Options, code: str, values: dict[str, str]) -> list[dict[str, Any]]:
    written = dict(record.fields)
    mappings: list[tuple[str, str, int | None]]
    if record.kind == "activity":
        mappings = [(m.field, m.template, m.limit()) for m in options.activity_type(code).fields]
    else:
        i = options.interaction
        mappings = [("Subject", i.subject_template, INTERACTION_SUBJECT_LIMIT), ("Html", i.body_template, None),
                    ("MessageType", i.message_type, None), ("EmailTo", "(the To addresses)", EMAIL_TO_LIMIT)]
    out = []
    for field, template, limit in mappings:
        full = render(template, values) if field != "EmailTo" else values["EmailTo"]
        value = written.get(field, "")
        out.append({"field": field, "template": template, "value": value, "length": len(value),
                    "full_length": len(full), "limit": limit, "truncated": field in record.truncated})
    return out
