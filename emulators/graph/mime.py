"""MIME in and out: parse delivered .eml bytes into a ``Message`` and generate .eml for ``$value``.

Parsing uses the stdlib ``email`` package with ``policy.default``. Bodies come from the text/html and
text/plain body parts; every other leaf part (``message/*`` parts count as leaves) is an attachment,
inline when its disposition says so or when it has a Content-ID and no disposition.
"""

from __future__ import annotations

import mimetypes
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.message import Message as MimePart
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid

from emulators.graph import ids
from emulators.graph.classify import infer_message_class
from emulators.graph.model import Attachment, Message, Recipient

CLASS_HEADER = "X-Emulator-Message-Class"


def _recipients(msg: EmailMessage, name: str) -> list[Recipient]:
    header = msg.get(name)
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    return [Recipient(a.addr_spec, a.display_name or "") for a in addresses if a.addr_spec]


def _body(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else None


def _leaves(part: MimePart) -> list[MimePart]:
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        return [leaf for sub in part.get_payload() if isinstance(sub, MimePart) for leaf in _leaves(sub)]
    return [part]


def _part_bytes(part: MimePart) -> bytes:
    if part.get_content_maintype() == "message":
        raw = part.as_bytes()
        return raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _attachments(msg: EmailMessage) -> list[Attachment]:
    bodies = {id(p) for p in (msg.get_body(("html",)), msg.get_body(("plain",))) if p is not None}
    found: list[Attachment] = []
    for part in _leaves(msg):
        if id(part) in bodies:
            continue
        ctype = part.get_content_type()
        cid = (part.get("Content-ID") or "").strip().strip("<>") or None
        disposition = part.get_content_disposition()
        inline = disposition == "inline" or (disposition is None and cid is not None)
        name = part.get_filename() or f"ATT{len(found) + 1:05d}{mimetypes.guess_extension(ctype) or '.dat'}"
        found.append(Attachment(name, ctype, _part_bytes(part), inline, cid))
    return found


def _sent(msg: EmailMessage, fallback: datetime) -> datetime:
    header = msg.get("Date")
    value = getattr(header, "datetime", None) if header is not None else None
    if not isinstance(value, datetime):
        return fallback
    return ids.parse_iso(value.isoformat())


def conversation_seed(headers: list[tuple[str, str]], own_id: str) -> str:
    """The thread root: first References entry, else In-Reply-To, else the message itself."""
    lookup = {k.lower(): v for k, v in headers}
    references = lookup.get("references", "").split()
    return (references[0] if references else lookup.get("in-reply-to", "").strip()) or own_id


def parse_eml(raw: bytes, received: datetime) -> Message:
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    headers = [(k, str(v)) for k, v in msg.items() if k.lower() != CLASS_HEADER.lower()]
    imid = str(msg.get("Message-ID") or "").strip() or make_msgid(domain="emulator.prod.outlook.com")
    from_ = next(iter(_recipients(msg, "From")), None)
    sender = next(iter(_recipients(msg, "Sender")), None) or from_
    return Message(
        received=received,
        sent=_sent(msg, received),
        internet_message_id=imid,
        conversation_id=ids.stable_id("AAQkAD", conversation_seed(headers, imid)),
        subject=str(msg.get("Subject") or ""),
        body_html=_body(msg, "html"),
        body_text=_body(msg, "plain"),
        sender=sender,
        from_=from_,
        to=_recipients(msg, "To"),
        cc=_recipients(msg, "Cc"),
        bcc=_recipients(msg, "Bcc"),
        reply_to=_recipients(msg, "Reply-To"),
        headers=headers,
        attachments=_attachments(msg),
        message_class=str(msg.get(CLASS_HEADER) or "").strip() or infer_message_class(msg),
        importance=_importance(msg),
        raw_mime=raw,
    )


def _importance(msg: EmailMessage) -> str:
    value = str(msg.get("Importance") or "").strip().lower()
    if value in ("high", "low"):
        return value
    priority = str(msg.get("X-Priority") or "").strip()[:1]
    return {"1": "high", "2": "high", "4": "low", "5": "low"}.get(priority, "normal")


def _address(r: Recipient) -> str:
    return f'"{r.name}" <{r.address}>' if r.name else r.address


def build_eml(message: Message) -> bytes:
    """MIME for a message that was delivered as JSON (messages delivered as .eml keep their bytes)."""
    if message.raw_mime is not None:
        return message.raw_mime
    out = EmailMessage(policy=policy.default)
    if message.from_:
        out["From"] = _address(message.from_)
    for name, people in (("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to)):
        if people:
            out[name] = ", ".join(_address(r) for r in people)
    out["Subject"] = message.subject
    out["Date"] = format_datetime(message.sent)
    out["Message-ID"] = message.internet_message_id
    for name, value in message.headers:
        if name.lower() not in {"from", "to", "cc", "reply-to", "subject", "date", "message-id", "mime-version"}:
            out[name] = value
    out.set_content(message.body_text if message.body_text is not None else "")
    if message.body_html is not None:
        out.add_alternative(message.body_html, subtype="html")
    for att in message.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        disposition = "inline" if att.is_inline else "attachment"
        cid = f"<{att.content_id}>" if att.content_id else None
        out.add_attachment(att.content, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=att.name, disposition=disposition, cid=cid)
    return out.as_bytes()
