"""Files that go with a captured email: the chosen attachments and, optionally, the .eml copy."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from shared.domain.mapping import truncate, truncate_filename
from shared.domain.model import MailMessage
from shared.domain.options import Options
from shared.ports import CrmFile
from shared.services.deps import Services


def attachment_files(data: dict[str, Any], options: Options) -> list[CrmFile]:
    """Graph fileAttachments with content, by the attachments policy; empty ones never (iMIS cannot serve them)."""
    if options.attachments == "none":
        return []
    files = []
    for item in data.get("attachments") or ():
        if not isinstance(item, dict) or not item.get("contentBytes"):
            continue
        if item.get("isInline") and options.attachments != "all":
            continue
        try:
            content = base64.b64decode(item["contentBytes"], validate=True)
        except (binascii.Error, ValueError):
            continue
        if 0 < len(content) <= options.max_attachment_bytes:
            files.append(CrmFile(truncate_filename(str(item.get("name") or "attachment")),
                                 str(item.get("contentType") or "application/octet-stream"), content))
    return files


def eml_file(msg: MailMessage, key: str, mailbox: str, deps: Services) -> CrmFile:
    """The whole message as .eml (MIME from Graph's $value), kept in Blob storage and attached to the record."""
    raw = deps.graph.get_mime(mailbox, msg.id)
    if deps.blobs is not None:
        deps.blobs.put_eml(f"{mailbox}/{key}.eml", raw)
    stem = "".join(c for c in (msg.subject or "email") if c.isalnum() or c in " -_").strip() or "email"
    return CrmFile(truncate(stem, 45).rstrip("…") + ".eml", "message/rfc822", raw)
