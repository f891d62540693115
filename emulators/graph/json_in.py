"""Graph-shaped JSON (a partial ``message``) into a stored ``Message``.

Accepts the properties Graph returns (subject, body, from, sender, toRecipients, ccRecipients,
bccRecipients, replyTo, sentDateTime, receivedDateTime, internetMessageId, internetMessageHeaders,
conversationId, isRead, isDraft, importance, inferenceClassification, categories) plus two emulator
extras: ``messageClass`` and ``attachments`` as ``[{name, contentType, contentBytes (base64), isInline,
contentId}]``. When no headers are given, the usual top-level headers are synthesised from the fields.
"""

from __future__ import annotations

import base64
from datetime import datetime
from email.utils import format_datetime, make_msgid
from typing import Any

from emulators.graph import ids
from emulators.graph.classify import class_from_headers
from emulators.graph.errors import bad_request
from emulators.graph.mime import conversation_seed
from emulators.graph.model import Attachment, Message, Recipient


def _recipient(value: Any) -> Recipient | None:
    if not isinstance(value, dict):
        return None
    email = value.get("emailAddress", value)
    address = str(email.get("address") or "")
    return Recipient(address, str(email.get("name") or "")) if address else None


def _recipients(values: Any) -> list[Recipient]:
    found = [_recipient(v) for v in values or []]
    return [r for r in found if r is not None]


def _attachments(values: Any) -> list[Attachment]:
    out: list[Attachment] = []
    for raw in values or []:
        try:
            content = base64.b64decode(raw.get("contentBytes") or "", validate=True)
        except (ValueError, TypeError) as exc:
            raise bad_request(f"attachment {raw.get('name')!r}: contentBytes must be base64") from exc
        out.append(Attachment(str(raw.get("name") or "attachment"), str(raw.get("contentType") or
                   "application/octet-stream"), content, bool(raw.get("isInline")), raw.get("contentId")))
    return out


def _display(r: Recipient) -> str:
    return f'"{r.name}" <{r.address}>' if r.name else r.address


def _synth_headers(m: Message) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    if m.from_:
        headers.append(("From", _display(m.from_)))
    for name, people in (("To", m.to), ("Cc", m.cc), ("Reply-To", m.reply_to)):
        if people:
            headers.append((name, ", ".join(_display(r) for r in people)))
    headers += [("Subject", m.subject), ("Date", format_datetime(m.sent)), ("Message-ID", m.internet_message_id),
                ("MIME-Version", "1.0")]
    return headers


def _when(data: dict[str, Any], key: str, default: datetime) -> datetime:
    value = data.get(key)
    try:
        return ids.parse_iso(value) if isinstance(value, str) and value else default
    except ValueError as exc:
        raise bad_request(f"{key}: not an ISO 8601 timestamp") from exc


def _unique_body(value: Any) -> tuple[str, str] | None:
    """An emulator extra: Exchange computes uniqueBody itself (the text not quoted from earlier messages);
    a test that needs a particular one gives it with the message."""
    if not isinstance(value, dict):
        return None
    kind = "html" if str(value.get("contentType") or "html").lower() == "html" else "text"
    return kind, str(value.get("content") or "")


def parse_json_message(data: dict[str, Any], received: datetime) -> Message:
    if not isinstance(data, dict):
        raise bad_request("a message must be a JSON object")
    body = data.get("body") or {}
    is_html = str(body.get("contentType") or "html").lower() == "html"
    content = str(body.get("content") or "")
    from_ = _recipient(data.get("from")) or _recipient(data.get("sender"))
    received_at = _when(data, "receivedDateTime", received)
    imid = str(data.get("internetMessageId") or make_msgid(domain="emulator.prod.outlook.com"))
    message = Message(
        received=received_at,
        sent=_when(data, "sentDateTime", received_at),
        internet_message_id=imid,
        conversation_id="",
        subject=str(data.get("subject") or ""),
        body_html=content if is_html else None,
        body_text=None if is_html else content,
        sender=_recipient(data.get("sender")) or from_,
        from_=from_,
        to=_recipients(data.get("toRecipients")),
        cc=_recipients(data.get("ccRecipients")),
        bcc=_recipients(data.get("bccRecipients")),
        reply_to=_recipients(data.get("replyTo")),
        attachments=_attachments(data.get("attachments")),
        importance=str(data.get("importance") or "normal").lower(),
        inference=str(data.get("inferenceClassification") or "focused"),
        is_read=bool(data.get("isRead", False)),
        is_draft=bool(data.get("isDraft", False)),
        unique_body=_unique_body(data.get("uniqueBody")),
        categories=[str(c) for c in data.get("categories") or []],
    )
    given = data.get("internetMessageHeaders")
    message.headers = [(str(h["name"]), str(h["value"])) for h in given] if given else _synth_headers(message)
    message.conversation_id = str(data.get("conversationId") or "") or ids.stable_id(
        "AAQkAD", conversation_seed(message.headers, imid))
    lookup = {k.lower(): v for k, v in message.headers}
    message.message_class = str(data.get("messageClass") or "") or class_from_headers(
        lookup.get("auto-submitted", ""), message.subject) or "IPM.Note"
    return message
