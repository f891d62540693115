"""Graph message JSON (camelCase wire format) -> ``MailMessage``.

Fetch it so that every rule has what it needs (one request)::

    GET /users/{id}/messages/{id}?$select=GRAPH_SELECT&$expand=GRAPH_EXPAND

- ``internetMessageHeaders`` is returned only when named in ``$select`` (Graph "message resource type").
- The MAPI message class (PidTagMessageClass, property tag 0x001A) is not a message property: it comes as a
  single-value extended property, ``$expand=singleValueExtendedProperties($filter=id eq 'String 0x001A')``
  ("Get singleValueLegacyExtendedProperty", learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get).
  Graph answers with the id normalised, e.g. ``{"id": "String 0x1a", "value": "REPORT.IPM.Note.NDR"}``.
- v1.0's message has no ``sensitivity`` property (only ``event`` has one), so PidTagSensitivity (0x0036,
  PT_LONG) is expanded the same way, ``id eq 'Integer 0x0036'``; the value comes as a string, e.g. ``"2"``
  (extended-properties-overview: "Integer" is the PT_LONG type name; values are always strings). A message
  without the property omits it: then the ``Sensitivity`` header decides (shared/domain/marks.py).
- Graph has no MIME tree: ``content_type``/``report_type`` come from the ``Content-Type`` header entry and
  ``part_types`` from it plus the expanded attachments' ``contentType`` (when attachments were expanded).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from shared.domain.marks import sensitivity_from_mapi
from shared.domain.model import Address, AttachmentContent, AttachmentInfo, FetchedMessage, Folder, MailMessage

MESSAGE_CLASS_PROPERTY = "String 0x001A"
SENSITIVITY_PROPERTY = "Integer 0x0036"
GRAPH_SELECT = ("id,internetMessageId,conversationId,subject,sender,from,toRecipients,ccRecipients,bccRecipients,"
                "replyTo,sentDateTime,receivedDateTime,isDraft,isReadReceiptRequested,body,hasAttachments,"
                "internetMessageHeaders,categories,parentFolderId")
GRAPH_EXPAND = (f"singleValueExtendedProperties($filter=id eq '{MESSAGE_CLASS_PROPERTY}'"
                f" or id eq '{SENSITIVITY_PROPERTY}'),"
                "attachments($select=id,name,contentType,size,isInline)")


def fetched_from_graph(data: dict[str, Any], folder: Folder) -> FetchedMessage:
    """The message and the decoded files of its fileAttachments (present when they were fetched)."""
    return FetchedMessage(message_from_graph(data, folder), attachment_contents(data.get("attachments")))


def attachment_contents(items: Any) -> tuple[AttachmentContent, ...]:
    """fileAttachment ``contentBytes`` is base64 (Graph "fileAttachment resource type"); an item without
    content (item or reference attachments) or with undecodable content is not a file we can store."""
    out = []
    for item in items or ():
        if not isinstance(item, dict) or not item.get("contentBytes"):
            continue
        try:
            data = base64.b64decode(item["contentBytes"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            continue
        out.append(AttachmentContent(str(item.get("name") or "attachment"),
                                     str(item.get("contentType") or "application/octet-stream"), data,
                                     bool(item.get("isInline"))))
    return tuple(out)


def message_from_graph(data: dict[str, Any], folder: Folder) -> MailMessage:
    headers = tuple((str(h.get("name", "")), str(h.get("value", "")))
                    for h in data.get("internetMessageHeaders") or () if isinstance(h, dict))
    content_type, report_type = _content_type(headers)
    attachments = tuple(_attachment(a) for a in data.get("attachments") or () if isinstance(a, dict))
    body = data.get("body") or {}
    is_html = str(body.get("contentType", "")).lower() == "html"
    content = str(body.get("content") or "")
    unique = data.get("uniqueBody") or {}
    unique_html = str(unique.get("contentType", "")).lower() == "html"
    unique_content = str(unique.get("content") or "")
    part_types = ((content_type,) if content_type else ()) + tuple(a.content_type for a in attachments)
    return MailMessage(
        id=str(data.get("id") or ""),
        internet_message_id=str(data.get("internetMessageId") or ""),
        conversation_id=str(data.get("conversationId") or ""),
        subject=str(data.get("subject") or ""),
        sender=_address(data.get("sender")),
        from_=_address(data.get("from")),
        to=_addresses(data.get("toRecipients")),
        cc=_addresses(data.get("ccRecipients")),
        bcc=_addresses(data.get("bccRecipients")),
        reply_to=_addresses(data.get("replyTo")),
        sent_at=_datetime(data.get("sentDateTime")),
        received_at=_datetime(data.get("receivedDateTime")),
        is_draft=bool(data.get("isDraft")),
        is_read_receipt_requested=bool(data.get("isReadReceiptRequested")),
        folder=folder,
        folder_id=str(data.get("parentFolderId") or ""),
        headers=headers,
        message_class=str(_extended(data.get("singleValueExtendedProperties"), "string", 0x001A) or ""),
        categories=tuple(str(c) for c in data.get("categories") or () if isinstance(c, str)),
        sensitivity=sensitivity_from_mapi(_extended(data.get("singleValueExtendedProperties"), "integer", 0x0036)),
        content_type=content_type,
        report_type=report_type,
        part_types=part_types,
        body_text="" if is_html else content,
        body_html=content if is_html else "",
        unique_body_text="" if unique_html else unique_content,
        unique_body_html=unique_content if unique_html else "",
        attachments=attachments,
        has_attachments=bool(data.get("hasAttachments")),
        in_reply_to=_header(headers, "in-reply-to").strip(),
        references=tuple(_header(headers, "references").split()),
    )


def _header(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((v for k, v in headers if k.lower() == name), "")


def _content_type(headers: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    raw = _header(headers, "content-type")
    if not raw:
        return "", ""
    parsed = Message()
    parsed["Content-Type"] = raw
    report = parsed.get_param("report-type") if parsed.get_content_type() == "multipart/report" else None
    return parsed.get_content_type(), (str(report).strip().lower() if isinstance(report, str) else "")


def _extended(props: Any, kind_wanted: str, tag_wanted: int) -> Any:
    """The value of the single-value extended property ``{type} {tag}``; Graph normalises the id it echoes
    (``String 0x1a``), so compare the type case-insensitively and the tag as a number."""
    for prop in props or ():
        if not isinstance(prop, dict):
            continue
        kind, _, tag = str(prop.get("id", "")).partition(" ")
        try:
            if kind.lower() == kind_wanted and int(tag, 16) == tag_wanted:
                return prop.get("value")
        except ValueError:
            continue
    return None


def _address(recipient: Any) -> Address | None:
    if not isinstance(recipient, dict):
        return None
    inner = recipient.get("emailAddress") or {}
    email = str(inner.get("address") or "").strip().lower()
    name = str(inner.get("name") or "").strip()
    if " " in email:  # "domain.tld postmaster@domain.tld": keep the token that is an address, as MIME does
        email = next((t for t in reversed(email.split()) if "@" in t), email)
    if "@" not in email:  # e.g. a bare "MAILER-DAEMON": a name, not an address (as the MIME adapter reads it)
        email, name = "", name or email
    return Address(email=email, name=name) if email or name else None


def _addresses(recipients: Any) -> tuple[Address, ...]:
    return tuple(a for a in (_address(r) for r in recipients or ()) if a is not None)


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _attachment(data: dict[str, Any]) -> AttachmentInfo:
    return AttachmentInfo(
        name=str(data.get("name") or ""),
        size=int(data.get("size") or 0),
        content_type=str(data.get("contentType") or "application/octet-stream").lower(),
        is_inline=bool(data.get("isInline")),
        id=str(data.get("id") or ""),
    )
