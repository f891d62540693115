"""Tag captured mail in Outlook: after a record was written, add the admin's category (e.g. "In CRM") to the
message so its owner sees it reached the CRM. Off unless ``tag_captured_category`` is set: it needs the
Mail.ReadWrite application permission instead of Mail.Read (docs/deploy.md weighs the trade-off).

Best effort and idempotent: the record is already written, so a failed tag is logged, never retried into a
second record; a message that already has the category is not touched. Graph replaces the whole categories
collection on PATCH, so the message's own categories (read in the same fetch) are sent with ours.
"""

from __future__ import annotations

import logging

from shared.domain.marks import has_category
from shared.domain.model import MailMessage
from shared.domain.options import Options
from shared.services.deps import Services

logger = logging.getLogger(__name__)


def tag_captured(msg: MailMessage, mailbox: str, message_id: str, options: Options, deps: Services) -> bool:
    """True when the category was added now."""
    category = options.tag_captured_category.strip()
    if not category or has_category(msg, category):
        return False
    try:
        deps.graph.set_categories(mailbox, message_id, (*msg.categories, category))
    except Exception as exc:  # noqa: BLE001 - the capture succeeded; the tag is a courtesy
        logger.warning("could not tag %s in %s with %r: %s", message_id, mailbox, category, exc)
        return False
    return True
