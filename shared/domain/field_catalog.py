"""What the field-mapping editor offers: each record type's fields with their limits, and the tokens.

Activity columns and sizes are the documented defaults (ACTIVITY_FIELD_LIMITS, from the iMIS activity-type
window); a CRM that publishes its metadata can replace them. Token help uses the seed's words where it names the
token ("[Subject] – Email subject", "[Body] – Email content", "[Recipients] – All recipients",
"[SentOn] – Date sent").
"""

from __future__ import annotations

from typing import Any

from shared.domain.mapping import INTERACTION_SUBJECT_LIMIT
from shared.domain.options import ACTIVITY_FIELD_LIMITS, RESERVED_ACTIVITY_FIELDS, TOKENS

ACTIVITY_FIELDS = {
    "DESCRIPTION": ("Activity description", "The line shown in the contact's activity list."),
    "NOTE": ("Notes", "Long text: usually the email body."),
    "NOTE_2": ("Notes 2", "A second long text, e.g. who wrote to whom."),
    "TRANSACTION_DATE": ("Activity date", "When it happened: usually the date sent."),
    "EFFECTIVE_DATE": ("Effective date", "A second date on the activity."),
    "THRU_DATE": ("Through date", "End date of the activity."),
    "TICKLER_DATE": ("Tickler date", "A follow-up reminder date."),
    "SOURCE_CODE": ("Source code", "A short code saying where the activity came from."),
    "OTHER_CODE": ("Other code", "A short code of your own."),
    "OTHER_ID": ("Other participant id", "Another contact's id (10 characters)."),
    "CATEGORY": ("Category", "A short category code."),
    "ACTION_CODES": ("Action codes", "Action codes for follow-up."),
    "UF_1": ("User field 1", "Reserved: holds the capture key that keeps each email single."),
    "UF_2": ("User field 2", "Free text of your own."),
    "UF_3": ("User field 3", "Free text of your own."),
}
INTERACTION_FIELDS = (
    ("subject_template", "Subject", INTERACTION_SUBJECT_LIMIT, "The interaction's subject line."),
    ("body_template", "Message (HTML)", None, "The interaction's message: usually the email body."),
    ("message_type", "Message type", 40, "A fixed value, e.g. Email (no tokens)."),
)
TOKEN_HELP = {
    "Subject": "Email subject", "Body": "Email content", "Recipients": "All recipients", "SentOn": "Date sent",
    "ReceivedOn": "Date received", "From": "The sender", "To": "The To recipients", "Cc": "The Cc recipients",
    "Mailbox": "The watched mailbox", "Direction": "Incoming or outgoing",
    "InternetMessageId": "The email's Message-ID", "ConversationId": "Outlook's conversation id",
    "Attachments": "Names of the saved attachments", "ContactId": "The CRM contact's id",
}


def record_types() -> dict[str, Any]:
    activity = [{"field": name, "label": label, "help": text, "limit": ACTIVITY_FIELD_LIMITS[name],
                 "reserved": name in RESERVED_ACTIVITY_FIELDS} for name, (label, text) in ACTIVITY_FIELDS.items()]
    interaction = [{"field": key, "label": label, "help": text, "limit": limit, "reserved": False}
                   for key, label, limit, text in INTERACTION_FIELDS]
    tokens = [{"token": f"[{t}]", "help": TOKEN_HELP[t]} for t in TOKENS]
    return {"source": "documented", "activity": activity, "interaction": interaction, "tokens": tokens}
