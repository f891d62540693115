"""Stored objects to Graph JSON: message, attachment, mailFolder and user representations.

``$select`` keeps ``id`` and ``@odata.etag``; ``internetMessageHeaders`` appears only when selected, as
on Graph. Bodies are HTML unless ``Prefer: outlook.body-content-type="text"`` asks for text (HTML is
converted with inscriptis); a text-only message is wrapped in HTML the way Exchange does.
"""

from __future__ import annotations

import base64
import html
import re
from typing import Any

from inscriptis import get_text

from emulators.graph.errors import bad_request
from emulators.graph.ids import iso_z
from emulators.graph.model import Attachment, Folder, Mailbox, Message, Recipient
from emulators.graph.odata import Expand

HEADERS_PROP = "internetMessageHeaders"
# Returned only when $select names it, in the form Prefer: outlook.body-content-type asks for (as body)
# (microsoft-graph-docs-contrib api-reference/v1.0/resources/message.md, "uniqueBody").
UNIQUE_PROP = "uniqueBody"
EXT_PROPS = "singleValueExtendedProperties"
# Extended properties we can answer: PidTagMessageClass, PidTagTransportMessageHeaders and PidTagSensitivity
# (PT_LONG: the type name "Integer", the value a string, as extended-properties-overview.md shows).
KNOWN_TAGS = {0x001A: "String 0x1a", 0x007D: "String 0x7d", 0x0036: "Integer 0x36"}
# Exchange stores the RFC 2156 Sensitivity header as PidTagSensitivity (CDO urn:schemas:mailheader:sensitivity
# "corresponds to the Sensitivity: mail header"; values from [MS-OXCMSG] 2.2.1.13). Without the header the
# emulator leaves the property out (not documented either way): the product must then read the header.
_SENSITIVITY = {"personal": "1", "private": "2", "company-confidential": "3"}


def _sensitivity(m: Message) -> str | None:
    header = next((v for k, v in m.headers if k.lower() == "sensitivity"), None)
    return _SENSITIVITY.get(header.strip().lower(), "0") if header is not None else None


def _address(r: Recipient | None) -> dict[str, Any] | None:
    return {"emailAddress": {"name": r.name or r.address, "address": r.address}} if r else None


def text_of(m: Message) -> str:
    if m.body_text is not None:
        return m.body_text
    if m.text_cache is None:
        m.text_cache = get_text(m.body_html or "").strip()
    return m.text_cache


def _html_of(m: Message) -> str:
    if m.body_html is not None:
        return m.body_html
    escaped = html.escape(m.body_text or "").replace("\r\n", "\n").replace("\n", "<br>\r\n")
    return ('<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
            f'<body><div class="PlainText">{escaped}</div></body></html>')


def _ext_value(m: Message, tag: int) -> str | None:
    if tag == 0x001A:
        return m.message_class
    if tag == 0x0036:
        return _sensitivity(m)
    return "".join(f"{k}: {v}\r\n" for k, v in m.headers)


def _unique_body(m: Message, text_body: bool) -> dict[str, str]:
    """The part given at delivery, else the whole body: what Graph answers for a message quoting nothing
    (Exchange's own split of new and quoted text is not emulated)."""
    if m.unique_body is None:
        return {"contentType": "text", "content": text_of(m)} if text_body \
            else {"contentType": "html", "content": _html_of(m)}
    kind, content = m.unique_body
    if text_body and kind == "html":
        return {"contentType": "text", "content": get_text(content).strip()}
    if not text_body and kind == "text":
        escaped = html.escape(content).replace("\n", "<br>\r\n")
        return {"contentType": "html", "content": f'<div class="PlainText">{escaped}</div>'}
    return {"contentType": kind, "content": content}


def message_json(m: Message, text_body: bool = False, immutable: bool = False) -> dict[str, Any]:
    item_id = m.id_for(immutable)
    return {
        "@odata.etag": f'W/"{m.change_key}"',
        "id": item_id,
        "createdDateTime": iso_z(m.created or m.received),
        "lastModifiedDateTime": iso_z(m.modified or m.received),
        "changeKey": m.change_key,
        "categories": list(m.categories),
        "receivedDateTime": iso_z(m.received),
        "sentDateTime": iso_z(m.sent),
        "hasAttachments": m.has_attachments,
        "internetMessageId": m.internet_message_id,
        "subject": m.subject,
        "bodyPreview": re.sub(r"\s+", " ", text_of(m)).strip()[:255],
        "importance": m.importance,
        "parentFolderId": m.folder_id,
        "conversationId": m.conversation_id,
        "isDeliveryReceiptRequested": False,
        "isReadReceiptRequested": any(k.lower() == "disposition-notification-to" for k, _ in m.headers),
        "isRead": m.is_read,
        "isDraft": m.is_draft,
        "webLink": f"https://outlook.office365.com/owa/?ItemID={item_id}&exvsurl=1&viewmodel=ReadMessageItem",
        "inferenceClassification": m.inference,
        "body": {"contentType": "text", "content": text_of(m)} if text_body
        else {"contentType": "html", "content": _html_of(m)},
        "sender": _address(m.sender),
        "from": _address(m.from_),
        "toRecipients": [_address(r) for r in m.to],
        "ccRecipients": [_address(r) for r in m.cc],
        "bccRecipients": [_address(r) for r in m.bcc],
        "replyTo": [_address(r) for r in m.reply_to],
        "flag": {"flagStatus": "notFlagged"},
    }


def render_message(m: Message, select: list[str] | None = None, text_body: bool = False,
                   expand: Expand | None = None, immutable: bool = False) -> dict[str, Any]:
    """``immutable``: the request asked ``Prefer: IdType="ImmutableId"``; without it Graph answers the default
    id, which changes when the message moves (outlook-immutable-id.md)."""
    full = message_json(m, text_body, immutable)
    full[HEADERS_PROP] = [{"name": k, "value": v} for k, v in m.headers]
    if select is None:
        out = {k: v for k, v in full.items() if k != HEADERS_PROP}
    else:
        by_lower = {k.lower(): k for k in full}
        extra = ("attachments", EXT_PROPS.lower(), UNIQUE_PROP.lower())
        unknown = [s for s in select if s.lower() not in by_lower and s.lower() not in extra]
        if unknown:
            raise bad_request(f"Could not find a property named '{unknown[0]}' on type 'microsoft.graph.message'.",
                              code="RequestBroker--ParseUri")
        keep = {"@odata.etag", "id"} | {by_lower[s.lower()] for s in select if s.lower() in by_lower}
        out = {k: v for k, v in full.items() if k in keep}
    if select is not None and any(s.lower() == UNIQUE_PROP.lower() for s in select):
        out[UNIQUE_PROP] = _unique_body(m, text_body)
    expand = expand or Expand()
    values = [(KNOWN_TAGS[t], _ext_value(m, t)) for t in expand.ext_tags if t in KNOWN_TAGS]
    props = [{"id": tag, "value": value} for tag, value in values if value is not None]
    if props:
        out[EXT_PROPS] = props
    if expand.attachments:
        out["attachments"] = [render_attachment(a, m, expand.attachment_select) for a in m.attachments]
    return out


def render_attachment(a: Attachment, m: Message, select: tuple[str, ...] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "@odata.type": "#microsoft.graph.fileAttachment",
        "@odata.mediaContentType": a.content_type,
        "id": a.id,
        "lastModifiedDateTime": iso_z(m.modified or m.received),
        "name": a.name,
        "contentType": a.content_type,
        "size": len(a.content),
        "isInline": a.is_inline,
        "contentId": a.content_id,
        "contentLocation": None,
        "contentBytes": base64.b64encode(a.content).decode("ascii"),
    }
    if select is None:
        return out
    keep = {"@odata.type", "id"} | {s.lower() for s in select}
    return {k: v for k, v in out.items() if k.lower() in keep}


def render_folder(f: Folder, mailbox: Mailbox) -> dict[str, Any]:
    items = mailbox.in_folder(f.id)
    return {
        "id": f.id,
        "displayName": f.display_name,
        "parentFolderId": f.parent_id,
        "childFolderCount": len(mailbox.children(f.id, hidden=True)),
        "unreadItemCount": sum(1 for m in items if not m.is_read),
        "totalItemCount": len(items),
        "isHidden": f.is_hidden,
    }


def render_user(mailbox: Mailbox) -> dict[str, Any]:
    return {
        "id": mailbox.id,
        "displayName": mailbox.display_name,
        "mail": mailbox.address,
        "userPrincipalName": mailbox.address,
    }
