"""Reason codes: the same strings in the decision log, the admin API, the demo summary and explain."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    CAPTURED = "captured"
    SKIPPED = "skipped"
    DUPLICATE = "duplicate"
    FAILED = "failed"


class Reason(StrEnum):
    # Message-level skips (filters)
    DRAFT = "draft"
    DELETED_OR_JUNK = "deleted_or_junk"
    FOLDER_OUT_OF_SCOPE = "folder_out_of_scope"
    EXCLUDED_BY_USER = "excluded_by_user"  # the mailbox owner gave it the never-capture category
    PRIVATE = "private"  # marked Personal, Private or Confidential in Outlook (sensitivity)
    INTERNAL_ONLY = "internal_only"
    BLOCKED_SENDER = "blocked_sender"  # sender's address or domain is blocked
    NO_EXTERNAL_PARTICIPANT = "no_external_participant"  # every outside participant is blocked
    AUTO_REPLY = "auto_reply"  # RFC 3834 responses, out-of-office, Exchange OOF
    BOUNCE = "bounce"  # non-delivery / delay reports (RFC 3464 / 6522)
    BULK = "bulk"  # mailing lists, newsletters, marketing (RFC 2369 / 2919 / 8058, Precedence)
    NO_REPLY_SENDER = "no_reply_sender"
    AUTOMATED = "automated"  # other machine reports: ARF, read receipts, system notifications
    TOO_OLD = "too_old"  # older than the look-back window
    DAILY_CAP = "daily_cap"  # Max Total Emails reached for the mailbox today
    UNPARSEABLE = "unparseable"
    MAILBOX_NOT_WATCHED = "mailbox_not_watched"
    # Per-contact or per-message processing
    NO_CONTACT = "no_contact"
    AMBIGUOUS_CONTACT = "ambiguous_contact"
    ALREADY_CAPTURED = "already_captured"
    MESSAGE_NOT_FOUND = "message_not_found"
    CRM_REJECTED = "crm_rejected"
    RETRIES_EXHAUSTED = "retries_exhausted"
    # Captured although a rule would have skipped it
    CAPTURE_FOLDER = "capture_folder"  # the mailbox owner put it in the mailbox's capture folder


# One readable line per reason, shown in the README, explain and the admin page.
DESCRIPTIONS: dict[Reason, str] = {
    Reason.DRAFT: "The message is a draft (not yet sent).",
    Reason.DELETED_OR_JUNK: "The message is in Deleted Items or Junk Email.",
    Reason.FOLDER_OUT_OF_SCOPE: "The message is in a folder the mailbox is not configured to capture.",
    Reason.EXCLUDED_BY_USER: "The mailbox owner marked it with the never-capture category.",
    Reason.PRIVATE: "The message is marked Personal, Private or Confidential.",
    Reason.INTERNAL_ONLY: "Every participant is in the organisation's own domains.",
    Reason.BLOCKED_SENDER: "The sender's address or domain is on the blocked list.",
    Reason.NO_EXTERNAL_PARTICIPANT: "Every outside participant is on the blocked list.",
    Reason.AUTO_REPLY: "An automatic reply (out-of-office, RFC 3834 auto-responder).",
    Reason.BOUNCE: "A delivery status notification (bounce or delay report).",
    Reason.BULK: "Bulk mail: a mailing list, newsletter or marketing message.",
    Reason.NO_REPLY_SENDER: "Sent from a no-reply address that does not take replies.",
    Reason.AUTOMATED: "Other machine-generated mail (feedback report, read receipt, system notification).",
    Reason.TOO_OLD: "Older than the look-back window.",
    Reason.DAILY_CAP: "The mailbox reached its Max Total Emails for the day.",
    Reason.UNPARSEABLE: "The message could not be parsed.",
    Reason.MAILBOX_NOT_WATCHED: "The mailbox is not (or no longer) watched.",
    Reason.NO_CONTACT: "No CRM contact has this email address.",
    Reason.AMBIGUOUS_CONTACT: "Two or more CRM contacts share this email address.",
    Reason.ALREADY_CAPTURED: "This email was already captured for this contact.",
    Reason.MESSAGE_NOT_FOUND: "The message no longer exists in the mailbox.",
    Reason.CRM_REJECTED: "The CRM refused the record (validation error).",
    Reason.RETRIES_EXHAUSTED: "Processing kept failing; the message is in the poison queue.",
    Reason.CAPTURE_FOLDER: "Captured because its owner put it in the capture folder, whatever the rules say.",
}

MACHINE_REASONS = frozenset(
    {Reason.AUTO_REPLY, Reason.BOUNCE, Reason.BULK, Reason.NO_REPLY_SENDER, Reason.AUTOMATED}
)
