"""Map a message to CRM-neutral records through the admin's token templates.

Templates are literal text with tokens (``[Subject]``, ``[Body]``…); every field is cut to its limit and the
cut is reported, so the CRM never rejects a record for length. iMIS limits from the vendor docs: the
interaction email-to field holds 100 characters, attachment names 50, empty attachments are never saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain.model import AttachmentInfo, Direction, MailMessage
from shared.domain.options import TOKEN_RE, FieldMapping, Options

EMAIL_TO_LIMIT = 100
ATTACHMENT_NAME_LIMIT = 50
INTERACTION_SUBJECT_LIMIT = 400
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class CrmRecord:
    """One record to write for one contact: an Activity or an Interaction (communication-log entry)."""

    kind: str  # "activity" | "interaction"
    contact_id: str
    capture_key: str  # idempotency key stored in the record
    fields: tuple[tuple[str, str], ...]
    activity_type: str = ""
    attachment_names: tuple[str, ...] = ()
    truncated: tuple[str, ...] = ()

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + ELLIPSIS


def truncate_filename(name: str, limit: int = ATTACHMENT_NAME_LIMIT) -> str:
    """Cut a long file name but keep its extension, so the saved file still opens."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10 or not stem:
        return truncate(name, limit)
    return truncate(stem, limit - len(ext) - 1) + "." + ext


def saved_attachments(attachments: tuple[AttachmentInfo, ...], include_inline: bool) -> tuple[AttachmentInfo, ...]:
    return tuple(a for a in attachments if a.size > 0 and (include_inline or not a.is_inline))


def _addresses(addrs: tuple) -> str:
    return "; ".join(a.display() for a in addrs)


def token_values(msg: MailMessage, *, mailbox: str, direction: Direction, body: str, tz: str,
                 contact_id: str) -> dict[str, str]:
    def local(ts: datetime | None) -> str:
        if ts is None:
            return ""
        try:
            return ts.astimezone(ZoneInfo(tz)).replace(tzinfo=None).isoformat(timespec="seconds")
        except OverflowError:  # year 1 or 9999 shifted out of range: keep the date as sent rather than crash
            return ts.replace(tzinfo=None).isoformat(timespec="seconds")

    return {
        "Subject": msg.subject,
        "Body": body,
        "Recipients": _addresses(msg.recipients()),
        "SentOn": local(msg.sent_at or msg.received_at),
        "ReceivedOn": local(msg.received_at or msg.sent_at),
        "From": msg.author.display() if msg.author else "",
        "To": _addresses(msg.to),
        "Cc": _addresses(msg.cc),
        "Mailbox": mailbox,
        "Direction": direction.value,
        "InternetMessageId": msg.internet_message_id,
        "ConversationId": msg.conversation_id,
        "Attachments": ", ".join(a.name for a in saved_attachments(msg.attachments, False)),
        "ContactId": contact_id,
    }


def render(template: str, values: dict[str, str]) -> str:
    return TOKEN_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def _render_fields(mappings: tuple[FieldMapping, ...], values: dict[str, str]) -> tuple[list, list]:
    fields, cut = [], []
    for mapping in mappings:
        text = render(mapping.template, values)
        limited = truncate(text, mapping.limit())
        if limited != text:
            cut.append(mapping.field)
        fields.append((mapping.field, limited))
    return fields, cut


def to_activity(msg: MailMessage, options: Options, *, activity_type: str, contact_id: str, capture_key: str,
                values: dict[str, str]) -> CrmRecord:
    kind = options.activity_type(activity_type)
    fields, cut = _render_fields(kind.fields, values | {"ContactId": contact_id})
    return CrmRecord("activity", contact_id, capture_key, tuple(fields), kind.code,
                     _attachment_names(msg, options), tuple(cut))


def to_interaction(msg: MailMessage, options: Options, *, contact_id: str, capture_key: str,
                   values: dict[str, str]) -> CrmRecord:
    mapping = options.interaction
    subject = render(mapping.subject_template, values)
    email_to = ", ".join(a.email for a in msg.to)
    fields = (
        ("Subject", truncate(subject, INTERACTION_SUBJECT_LIMIT)),
        ("Html", render(mapping.body_template, values | {"ContactId": contact_id})),
        ("MessageType", mapping.message_type),
        ("EmailTo", truncate(email_to, EMAIL_TO_LIMIT)),
    )
    cut = tuple(name for name, full in (("Subject", subject), ("EmailTo", email_to)) if dict(fields)[name] != full)
    return CrmRecord("interaction", contact_id, capture_key, fields, "", _attachment_names(msg, options), cut)


def _attachment_names(msg: MailMessage, options: Options) -> tuple[str, ...]:
    if options.attachments == "none":
        return ()
    chosen = saved_attachments(msg.attachments, include_inline=options.attachments == "all")
    return tuple(truncate_filename(a.name) for a in chosen if a.size <= options.max_attachment_bytes)
