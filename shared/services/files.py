"""Files that go with a captured email: the chosen attachments and, optionally, the .eml copy."""

from __future__ import annotations

from shared.domain.mapping import truncate, truncate_filename
from shared.domain.model import AttachmentContent, MailMessage
from shared.domain.options import Options
from shared.ports import CrmFile
from shared.services.deps import Services


def attachment_files(attached: tuple[AttachmentContent, ...], options: Options) -> list[CrmFile]:
    """The fetched files the attachments policy keeps; empty ones never (iMIS cannot serve them)."""
    if options.attachments == "none":
        return []
    return [CrmFile(truncate_filename(item.name), item.content_type, item.data) for item in attached
            if (options.attachments == "all" or not item.is_inline)
            and 0 < len(item.data) <= options.max_attachment_bytes]


def eml_file(msg: MailMessage, key: str, mailbox: str, deps: Services) -> CrmFile:
    """The whole message as .eml (MIME from Graph's $value), kept in Blob storage and attached to the record."""
    raw = deps.graph.get_mime(mailbox, msg.id)
    if deps.blobs is not None:
        deps.blobs.put_eml(f"{mailbox}/{key}.eml", raw)
    stem = "".join(c for c in (msg.subject or "email") if c.isalnum() or c in " -_").strip() or "email"
    return CrmFile(truncate(stem, 45).rstrip("…") + ".eml", "message/rfc822", raw)
