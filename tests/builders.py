"""Test data builders: a_message(**overrides) with sensible defaults."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shared.domain.model import Address, AttachmentInfo, Folder, MailMessage


def random_id(prefix: str = "id") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def a_message(**overrides: Any) -> MailMessage:
    values: dict[str, Any] = {
        "id": random_id("msg"),
        "internet_message_id": f"<{uuid.uuid4().hex}@mail.example.com>",
        "conversation_id": random_id("conv"),
        "subject": "Renewal question",
        "from_": Address("ada@example.com", "Ada Lovelace"),
        "to": (Address("membership@association.example", "Membership"),),
        "sent_at": datetime(2026, 11, 2, 14, 5, tzinfo=UTC),
        "received_at": datetime(2026, 11, 2, 14, 6, tzinfo=UTC),
        "folder": Folder.INBOX,
        "body_text": "Hello, when is my renewal due?",
        "headers": (("Message-ID", "<x@example.com>"),),
    }
    values.update(overrides)
    return MailMessage(**values)


def an_attachment(name: str = "agenda.pdf", size: int = 1000, inline: bool = False) -> AttachmentInfo:
    return AttachmentInfo(name=name, size=size, content_type="application/pdf", is_inline=inline)
