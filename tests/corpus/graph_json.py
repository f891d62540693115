"""Test helper: the JSON Graph would return for an .eml (GET message with $select incl. internetMessageHeaders
and $expand of the message-class property and attachments), built with the standard library only.

Deliberately conservative: Graph's body is the HTML part when there is one (else the text part), only the
top-level headers are listed, and the message class is the neutral ``IPM.Note`` (a meeting response class
for an iCalendar REPLY, as Exchange files those) so the rules must decide from what the headers and
attachments say, exactly as they must for a MIME copy.
"""

from __future__ import annotations

import email
import email.header
import email.message
import email.policy
import email.utils
from datetime import UTC
from email.message import EmailMessage
from typing import Any

from shared.adapters.mime import delivery_report_class, meeting_response_class
from shared.adapters.mime_decode import header_text as _header_text  # the same decoding Exchange applies to headers


def _recipient(name: str, address: str) -> dict[str, Any]:
    return {"emailAddress": {"name": name or address, "address": address}}


def _all(msg: email.message.Message, header: str) -> list[str]:
    return [str(v) for k, v in msg.raw_items() if k.lower() == header]


def _get(msg: email.message.Message, header: str) -> str:
    return next(iter(_all(msg, header)), "")


def _recipients(msg: email.message.Message, header: str) -> list[dict[str, Any]]:
    values = _all(msg, header)
    try:
        pairs = email.utils.getaddresses(values)
    except Exception:
        return []
    return [_recipient(_text(n), a) for n, a in pairs if a or n]


def _text(value: object) -> str:
    """A header as Exchange shows it: encoded-words and 8-bit text decoded."""
    return _header_text(value)


def _iso(value: str | None) -> str | None:
    try:
        parsed = email.utils.parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _leaves(msg: EmailMessage) -> list[EmailMessage]:
    out: list[EmailMessage] = []
    stack = [msg]
    while stack:
        part = stack.pop()
        payload = part.get_payload()
        ctype = part.get_content_type()
        if part.is_multipart() and isinstance(payload, list) and not ctype.startswith("message/"):
            stack.extend(reversed([p for p in payload if isinstance(p, EmailMessage)]))
        elif ctype.startswith("multipart/"):  # boundary missing: Exchange shows the raw text as the body
            del part["Content-Type"]
            part["Content-Type"] = "text/plain"
            out.append(part)
        elif part is not msg or not ctype.startswith("message/"):
            out.append(part)
    return out


def _message_class(msg: EmailMessage) -> str:
    """What Exchange stores: a meeting response class for an iTIP REPLY, a delivery report's class for a DSN
    of successful delivery, else the neutral IPM.Note."""
    parts = [(p.get_content_type(), p) for p in msg.walk()]
    report = msg.get_param("report-type") if msg.get_content_type() == "multipart/report" else ""
    report_type = report.strip().lower() if isinstance(report, str) else ""
    return (meeting_response_class(parts)  # type: ignore[arg-type]
            or delivery_report_class(msg.get_content_type(), report_type, parts)  # type: ignore[arg-type]
            or "IPM.Note")


def graph_json_from_eml(raw: bytes) -> dict[str, Any]:
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    modern = email.message_from_bytes(raw, policy=email.policy.compat32.clone(message_factory=EmailMessage))
    assert isinstance(modern, EmailMessage)
    leaves = _leaves(modern)
    bodies: dict[str, EmailMessage] = {}
    for p in leaves:
        if p.get_content_type() in ("text/plain", "text/html") and not p.get_filename() \
                and p.get_content_disposition() != "attachment":
            bodies.setdefault(p.get_content_type(), p)
    body_part = bodies.get("text/html") or bodies.get("text/plain")
    attachments = [p for p in leaves if p not in bodies.values() and p is not modern]

    def text(part: EmailMessage) -> str:
        data = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
        try:
            return data.decode(charset, "replace") if isinstance(data, bytes) else ""
        except LookupError:
            return data.decode("cp1252", "replace") if isinstance(data, bytes) else ""

    frm = _recipients(msg, "from")
    sender = _recipients(msg, "sender") or frm
    return {
        "id": "AAMkAD-test",
        "internetMessageId": _text(_get(msg, "message-id")).strip(),
        "subject": " ".join(_text(_get(msg, "subject")).split()),
        "from": frm[0] if frm else None,
        "sender": sender[0] if sender else None,
        "toRecipients": _recipients(msg, "to"),
        "ccRecipients": _recipients(msg, "cc"),
        "bccRecipients": _recipients(msg, "bcc"),
        "replyTo": _recipients(msg, "reply-to"),
        "sentDateTime": _iso(_text(_get(msg, "date"))),
        "receivedDateTime": _iso(_text(_get(msg, "date"))),
        "isDraft": False,
        "isReadReceiptRequested": msg.get("disposition-notification-to") is not None,
        "hasAttachments": bool(attachments),
        "body": {"contentType": "html" if body_part is not None and body_part.get_content_type() == "text/html"
                 else "text", "content": text(body_part) if body_part is not None else ""},
        "internetMessageHeaders": [{"name": k, "value": _text(v)} for k, v in msg.raw_items()],
        "singleValueExtendedProperties": [{"id": "String 0x1a", "value": _message_class(modern)}],
        "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment", "name": _text(p.get_filename() or ""),
                         "contentType": p.get_content_type(), "size": len(str(p.get_payload())),
                         "isInline": p.get_content_disposition() == "inline"} for p in attachments],
    }
