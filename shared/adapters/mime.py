"""MIME (.eml) bytes -> ``MailMessage``, tolerant of the mail found in real mailboxes.

Python's ``email`` parser (compat32 policy, which never raises lazily on odd headers) does the work; this
module decodes headers and bodies defensively (unknown charsets, 8-bit headers, CR-only line ends, mbox
``From `` lines) and caps what it keeps, so a hostile file costs bounded time. Parts inside attached
messages (``message/rfc822``) are not walked: a bounce *attached* by a person must not look like a bounce.
``UnparseableMessage`` is raised only when the input is not a message at all.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import Message

from shared.adapters.mime_decode import (
    addresses,
    body_text,
    header_text,
    parse_date,
    part_filename,
    part_param,
    payload_size,
    raw_str,
    received_date,
)
from shared.domain.errors import UnparseableMessage  # re-exported: the parser's error
from shared.domain.model import AttachmentInfo, Folder, MailMessage

MAX_BYTES = 100 * 1024 * 1024
MAX_HEADERS = 2000
MAX_PARTS = 500
MAX_DEPTH = 40
MAX_BODY_BYTES = 1024 * 1024
# A message has at least one of these; binary garbage or a random text file has none.
_MESSAGE_FIELDS = frozenset({
    "from", "sender", "to", "cc", "bcc", "subject", "date", "message-id", "received", "return-path",
    "mime-version", "content-type", "in-reply-to", "references", "reply-to", "delivered-to", "x-mailer",
})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def message_from_mime(raw: bytes, folder: Folder = Folder.INBOX) -> MailMessage:
    msg = _parse(raw)
    headers = tuple((name, header_text(value)) for name, value in msg.raw_items())[:MAX_HEADERS]

    def first(name: str) -> str:
        return next((v for k, v in headers if k.lower() == name), "")

    def raw_values(name: str) -> list[str]:
        return [raw_str(v) for k, v in msg.raw_items() if k.lower() == name]

    top_type = msg.get_content_type()
    parts, bodies, attachments = _walk(msg)
    report_type = _report_type(msg, parts)
    sent_at = parse_date(first("date"))
    return MailMessage(
        internet_message_id=first("message-id").strip(),
        subject=first("subject").strip(),
        sender=next(iter(addresses(raw_values("sender"))), None),
        from_=next(iter(addresses(raw_values("from"))), None),
        to=addresses(raw_values("to")),
        cc=addresses(raw_values("cc")),
        bcc=addresses(raw_values("bcc")),
        reply_to=addresses(raw_values("reply-to")),
        sent_at=sent_at,
        received_at=received_date(first("received")) or sent_at,
        is_draft=first("x-unsent").strip() == "1",  # Outlook marks an unsent draft saved as .eml this way
        is_read_receipt_requested=bool(first("disposition-notification-to")),
        folder=folder,
        headers=headers,
        content_type=top_type,
        report_type=report_type,
        message_class=meeting_response_class(parts) or delivery_report_class(top_type, report_type, parts),
        part_types=tuple(ctype for ctype, _ in parts),
        body_text=bodies.get("text/plain", ""),
        body_html=bodies.get("text/html", ""),
        attachments=tuple(attachments),
        has_attachments=any(not a.is_inline for a in attachments),
        in_reply_to=first("in-reply-to").strip(),
        references=tuple(first("references").split()),
    )


def _parse(raw: bytes) -> Message:
    raw = raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")  # a BOM or blank lines from Windows tools
    if not raw or not raw.strip():
        raise UnparseableMessage("the file is empty")
    if raw.startswith(_OLE_MAGIC):
        raise UnparseableMessage("this is an Outlook .msg file, not MIME; save the message as .eml")
    if len(raw) > MAX_BYTES:
        raise UnparseableMessage(f"the message is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except (RecursionError, MemoryError):
        # Absurdly nested MIME: the headers alone still decide most rules.
        msg = email.message_from_bytes(raw.split(b"\n\n", 1)[0] + b"\n\n", policy=email.policy.compat32)
    names = {k.lower() for k in msg}
    if not names & _MESSAGE_FIELDS:
        raise UnparseableMessage("no message header fields (From, To, Subject, Date…) were found")
    return msg


def _walk(msg: Message) -> tuple[list[tuple[str, Message]], dict[str, str], list[AttachmentInfo]]:
    """Every part up to the limits, without entering attached messages; first text bodies; attachments."""
    parts: list[tuple[str, Message]] = []
    bodies: dict[str, str] = {}
    attachments: list[AttachmentInfo] = []
    stack: list[tuple[Message, int]] = [(msg, 0)]
    while stack and len(parts) < MAX_PARTS:
        part, depth = stack.pop()
        ctype = part.get_content_type()
        parts.append((ctype, part))
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list) and not ctype.startswith("message/"):
            if depth < MAX_DEPTH:
                stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
            continue
        if part is msg and ctype.startswith("message/"):
            continue
        disposition = raw_str(part.get("content-disposition") or "").split(";")[0].strip().lower()
        filename = part_filename(part)
        if ctype.startswith("multipart/"):  # boundary missing or broken: its text is all we have
            ctype = "text/plain"
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            if ctype not in bodies:
                bodies[ctype] = body_text(part, MAX_BODY_BYTES)
        elif part is not msg:
            attachments.append(_attachment(part, ctype, disposition, filename))
    return parts, bodies, attachments


def _attachment(part: Message, ctype: str, disposition: str, filename: str) -> AttachmentInfo:
    content_id = raw_str(part.get("content-id") or "").strip()
    return AttachmentInfo(
        name=filename or ctype.replace("/", "."),
        size=payload_size(part),
        content_type=ctype,
        is_inline=disposition == "inline" and bool(content_id),
        id=content_id.strip("<>"),
    )


def _report_type(msg: Message, parts: list[tuple[str, Message]]) -> str:
    """report-type of the top-level multipart/report, else of the first one nested in the structure."""
    for ctype, part in parts:
        if ctype == "multipart/report":
            return part_param(part, "report-type").lower()
    return ""


# iTIP (RFC 5546 3.2.3) REPLY -> the class Exchange stores a meeting response under; the CDO reference for
# Respond: "IPM.Schedule.Meeting.Resp.Pos if you accept, ...Resp.Neg if you decline, ...Resp.Tent" -
# https://learn.microsoft.com/en-us/previous-versions/exchange-server/exchange-10/ms526385(v=exchg.10)
_RESPONSE_CLASSES = {"ACCEPTED": "Pos", "DECLINED": "Neg", "TENTATIVE": "Tent"}
_ITIP_METHOD = re.compile(r"^METHOD:\s*(\w+)", re.I | re.M)
_PARTSTAT = re.compile(r"PARTSTAT=(ACCEPTED|DECLINED|TENTATIVE)", re.I)


def meeting_response_class(parts: list[tuple[str, Message]]) -> str:
    """The MAPI message class of an iCalendar meeting response (METHOD:REPLY), else ""."""
    for ctype, part in parts:
        if ctype != "text/calendar":
            continue
        text = body_text(part, 256 * 1024)
        method = (part_param(part, "method") or next(iter(_ITIP_METHOD.findall(text)), "")).upper()
        if method == "REPLY":
            status = next(iter(_PARTSTAT.findall(text)), "").upper()
            return "IPM.Schedule.Meeting.Resp." + _RESPONSE_CLASSES.get(status, "Pos")
    return ""


# Exchange's MIME reader gives a delivery status notification the message class of its most severe Action
# (MS-OXCMAIL 2.2.3.7.1, https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmail/
# d0b2d172-ec08-4c01-b43f-377b860cba1b); one whose every recipient was delivered, relayed or expanded is a
# delivery report, REPORT.<class>.DR (Exchange SDK, "Delivery Reports", https://learn.microsoft.com/en-us/
# previous-versions/office/developer/exchange-server-2003/ms987557(v=exchg.65)). Only that case is named here:
# the classes Exchange gives failures and delays are not confirmed, and the rules read those from the report.
_SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})
_DSN_TYPES = frozenset({"delivery-status", "global-delivery-status"})
_ACTION = re.compile(r"^action:[ \t]*([a-z-]+)", re.I | re.M)


def delivery_report_class(top_type: str, report_type: str, parts: list[tuple[str, Message]]) -> str:
    """REPORT.IPM.Note.DR for a top-level DSN that reports only successful delivery, else ""."""
    if top_type != "multipart/report" or report_type not in _DSN_TYPES:
        return ""
    actions = {a.lower() for ctype, part in parts if ctype in ("message/delivery-status",
                                                             "message/global-delivery-status")
               for a in _ACTION.findall(_status_text(part))}
    return "REPORT.IPM.Note.DR" if actions and actions <= _SUCCESS_ACTIONS else ""


def _status_text(part: Message) -> str:
    """The per-message and per-recipient fields: compat32 parses message/delivery-status into header blocks."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n".join(f"{k}: {v}" for block in payload[:200] if isinstance(block, Message)
                         for k, v in block.items())
    raw = part.get_payload(decode=True)
    return raw.decode("utf-8", "replace")[:256 * 1024] if isinstance(raw, bytes) else str(payload)[:256 * 1024]
