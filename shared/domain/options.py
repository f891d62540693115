"""Admin-changeable capture options: one versioned document, validated as a whole.

``parse_options(doc)`` is the only way in: it returns ``Options`` or raises ``InvalidOptions`` listing
every problem with its field path (``activity_types.0.fields.1.template``), so the admin API can answer
400 with all of them and keep the stored document untouched.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from shared.domain.errors import InvalidOptions
from shared.domain.folders import folder_path, same_name
from shared.domain.freemail import DEFAULT_AUTO_LINK_EXCLUDED
from shared.domain.model import EXCLUDED_FOLDERS, Folder
from shared.domain.options_limits import DOMAIN_RE, app_roles, domain_names, size_problems

TOKENS = (
    "Subject", "Body", "Recipients", "SentOn", "ReceivedOn", "From", "To", "Cc", "Mailbox", "Direction",
    "InternetMessageId", "ConversationId", "Attachments", "ContactId",
)
TOKEN_RE = re.compile(r"\[([A-Za-z]+)\]")
# iMIS system activity types that must never receive email (ASI and CSI guidance).
SYSTEM_ACTIVITY_TYPES = frozenset(
    {"DUES", "ORDER", "SALES", "GIFT", "PLEDGE", "MEETING", "EVENT", "SUBSCRIPTION", "FR", "INVOICE", "PAYMENT"}
)
# Known Activity columns and their sizes (DESCRIPTION 255, NOTE/NOTE_2 32,000 from the iMIS activity-type window).
ACTIVITY_FIELD_LIMITS = {
    "DESCRIPTION": 255, "NOTE": 32000, "NOTE_2": 32000, "TRANSACTION_DATE": 40, "SOURCE_CODE": 40,
    "OTHER_CODE": 40, "OTHER_ID": 10, "UF_1": 255, "UF_2": 255, "UF_3": 255, "ACTION_CODES": 255,
    "CATEGORY": 40, "EFFECTIVE_DATE": 40, "THRU_DATE": 40, "TICKLER_DATE": 40,
}
RESERVED_ACTIVITY_FIELDS = frozenset({"UF_1"})  # holds the capture key for effectively-once writes
# The DeltaBackstopTick timer's period (functions/timers.py "0 */5 * * * *"): timer schedules are fixed when
# the app is deployed, so the admin's interval is applied by skipping ticks and must be a whole number of them.
BACKSTOP_TICK_MINUTES = 5


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldMapping(_Model):
    field: str = Field(min_length=1, max_length=40, description="CRM column, e.g. DESCRIPTION")
    template: str = Field(max_length=2000, description="Literal text with tokens such as [Subject]")
    max_length: int | None = Field(default=None, ge=1, le=32000, description="Truncate to this many characters")

    @field_validator("template")
    @classmethod
    def _known_tokens(cls, value: str) -> str:
        unknown = sorted({t for t in TOKEN_RE.findall(value) if t not in TOKENS})
        if unknown:
            raise ValueError(f"unknown token(s) {', '.join('[' + t + ']' for t in unknown)}; "
                             f"known: {', '.join('[' + t + ']' for t in TOKENS)}")
        return value

    def limit(self) -> int:
        return self.max_length or ACTIVITY_FIELD_LIMITS.get(self.field.upper(), 255)


DEFAULT_ACTIVITY_FIELDS = (
    FieldMapping(field="DESCRIPTION", template="[Subject]", max_length=255),
    FieldMapping(field="NOTE", template="[Body]", max_length=32000),
    FieldMapping(field="NOTE_2", template="[Direction] email. From: [From]. Recipients: [Recipients]",
                 max_length=32000),
    FieldMapping(field="TRANSACTION_DATE", template="[SentOn]"),
)


class ActivityType(_Model):
    code: str = Field(min_length=1, max_length=10, pattern=r"^[A-Z0-9_]+$")
    description: str = Field(default="", max_length=60)
    fields: tuple[FieldMapping, ...] = DEFAULT_ACTIVITY_FIELDS

    @field_validator("code")
    @classmethod
    def _not_system(cls, value: str) -> str:
        if value.upper() in SYSTEM_ACTIVITY_TYPES:
            raise ValueError(f"{value} is an iMIS system activity type; create a dedicated email type")
        return value


class InteractionMapping(_Model):
    subject_template: str = Field(default="[Subject]", max_length=400)
    body_template: str = Field(default="[Body]", max_length=2000)
    message_type: str = Field(default="Email", max_length=40)

    _tokens = field_validator("subject_template", "body_template")(FieldMapping._known_tokens.__func__)  # type: ignore[attr-defined]


class AutomatedMailRules(_Model):
    skip_auto_replies: bool = True
    skip_bounces: bool = True
    skip_bulk: bool = True
    skip_no_reply_senders: bool = True
    skip_other_automated: bool = True


class Options(_Model):
    internal_domains: tuple[str, ...] = ()
    blocked_domains: tuple[str, ...] = ()
    blocked_addresses: tuple[str, ...] = ()
    automated: AutomatedMailRules = AutomatedMailRules()
    folder_scope: tuple[Folder, ...] = (Folder.INBOX, Folder.SENT_ITEMS)
    capture_folder: str = Field(default="", max_length=255, description="Mail folder (display name, or a path "
                                "such as Inbox/CRM) captured whatever the rules say; empty: none")
    capture_whole_mailbox: bool = Field(default=False, description="Watch every folder (mail filed by rules) "
                                        "instead of folder_scope; Deleted Items, Junk, Drafts, Outbox never")
    never_capture_folders: tuple[str, ...] = Field(default=(), max_length=50, description="Folders (names or paths) "
                                                   "whole-mailbox capture never takes mail from")
    never_capture_category: str = Field(default="Not for CRM", max_length=255,
                                        description="Outlook category that keeps a message out; empty: none")
    tag_captured_category: str = Field(default="", max_length=255,
                                       description="Outlook category added to captured mail (needs Mail.ReadWrite)")
    skip_private_mail: bool = Field(default=True, description="Skip mail marked Personal, Private or Confidential")
    look_back_days: int = Field(default=30, ge=0, le=3650)
    backstop_interval_minutes: int = Field(
        default=15, ge=BACKSTOP_TICK_MINUTES, le=1440,
        description=f"Run the delta backstop per folder this often; a multiple of {BACKSTOP_TICK_MINUTES}")
    max_total_emails: int = Field(default=2000, ge=0, le=1_000_000, description="Per mailbox per day; 0 = no cap")
    allow_duplicate_emails: bool = False
    save_body_as_html: bool = False
    only_new_text: bool = Field(default=False, description="Write Graph's uniqueBody (this reply's own text) "
                                                           "instead of the whole body with the quoted thread")
    save_as_eml: bool = False
    attachments: Literal["none", "all", "non_inline"] = "none"
    max_attachment_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    create_contact_if_not_found: bool = False
    link_organisation_by_domain: bool = False
    auto_link_excluded_domains: tuple[str, ...] = Field(
        default=DEFAULT_AUTO_LINK_EXCLUDED,
        description="Free-mail and other domains never linked to an organisation nor used to create contacts")
    link_replies_to_thread: bool = True
    capture_bcc_on_sent: bool = True
    default_record_type: Literal["activity", "interaction"] = "activity"
    default_activity_type: str = "EMAIL"
    activity_types: tuple[ActivityType, ...] = (ActivityType(code="EMAIL", description="Email"),)
    interaction: InteractionMapping = InteractionMapping()
    retention_days: int = Field(default=90, ge=1, le=3650)
    contact_cache_ttl_minutes: int = Field(default=60, ge=0, le=10080)
    profile_url_template: str = Field(default="", max_length=500)
    change_options_roles: tuple[str, ...] = ("MailCapture.Admin",)
    read_roles: tuple[str, ...] = ("MailCapture.Reader",)
    # The seed's Interaction / Default Activities / Add New Contact Roles: app roles a mailbox's owner must hold
    # (Mailbox.roles) for its mail to become that; empty: no restriction (shared/domain/seed_roles.py).
    interaction_roles: tuple[str, ...] = ()
    activity_roles: tuple[str, ...] = ()
    add_new_contact_roles: tuple[str, ...] = ()

    _capture_folder = field_validator("capture_folder")(folder_path)
    _never_folders = field_validator("never_capture_folders")(lambda v: tuple(folder_path(p) for p in v if p.strip()))
    _internal = field_validator("internal_domains", "blocked_domains", "auto_link_excluded_domains")(domain_names)
    _role_values = field_validator("change_options_roles", "read_roles", "interaction_roles", "activity_roles",
                                   "add_new_contact_roles")(app_roles)

    @field_validator("blocked_addresses")
    @classmethod
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(v.strip().lower() for v in values)
        bad = [v for v in cleaned if v.count("@") != 1 or not DOMAIN_RE.match(v.split("@")[1])]
        if bad:
            raise ValueError(f"not an email address: {', '.join(bad)}")
        return cleaned

    @field_validator("backstop_interval_minutes")
    @classmethod
    def _whole_ticks(cls, value: int) -> int:
        if value % BACKSTOP_TICK_MINUTES:
            raise ValueError(f"must be a multiple of {BACKSTOP_TICK_MINUTES} minutes (the backstop timer's tick)")
        return value

    @field_validator("profile_url_template")
    @classmethod
    def _profile_url(cls, value: str) -> str:
        if value and (not value.startswith(("https://", "http://")) or "{contact_id}" not in value):
            raise ValueError("must be an http(s) URL containing {contact_id}")
        return value

    def activity_type(self, code: str | None = None) -> ActivityType:
        wanted = (code or self.default_activity_type).upper()
        return next(t for t in self.activity_types if t.code == wanted)


def _cross_field_problems(o: Options) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    codes = [t.code for t in o.activity_types]
    if o.default_activity_type not in codes:
        problems.append(("default_activity_type", f"{o.default_activity_type!r} is not one of activity_types"))
    if len(set(codes)) != len(codes):
        problems.append(("activity_types", "activity type codes must be unique"))
    for d in sorted(set(o.internal_domains) & set(o.blocked_domains)):
        problems.append(("blocked_domains", f"{d} is also an internal domain"))
    for i, t in enumerate(o.activity_types):
        for j, f in enumerate(t.fields):
            path = f"activity_types.{i}.fields.{j}"
            if f.field.upper() in RESERVED_ACTIVITY_FIELDS:
                problems.append((f"{path}.field", f"{f.field} is reserved for the capture key"))
            literal = TOKEN_RE.sub("", f.template)
            if len(literal) > f.limit():
                problems.append((f"{path}.template",
                                 f"literal text is {len(literal)} characters; {f.field} holds {f.limit()}"))
    if o.save_as_eml and o.attachments != "none":
        problems.append(("attachments", "choose either save_as_eml (the .eml holds every attachment) "
                                        "or an attachments policy, not both"))
    if not o.change_options_roles:  # with sign-in required, nobody could ever change the options again
        problems.append(("change_options_roles", "at least one role must be allowed to change the options"))
    if o.capture_folder and any(same_name(o.capture_folder, f) for f in o.never_capture_folders):
        problems.append(("never_capture_folders", f"{o.capture_folder} is the capture folder"))
    if not o.folder_scope:
        problems.append(("folder_scope", "at least one folder is needed"))
    bad_folders = (EXCLUDED_FOLDERS | {Folder.CAPTURE, Folder.MAILBOX}) & set(o.folder_scope)
    if bad_folders:
        problems.append(("folder_scope", f"{', '.join(sorted(bad_folders))} cannot be captured"))
    return problems


def parse_options(doc: Any) -> Options:
    """Validate a whole options document; raise InvalidOptions with every problem and its path."""
    if not isinstance(doc, dict):
        raise InvalidOptions([("", "the options document must be a JSON object")])
    too_large = size_problems(doc)
    if too_large:  # before the model: validating 100,000 domains one by one is wasted work
        raise InvalidOptions(too_large)
    try:
        options = Options.model_validate(doc)
    except ValidationError as exc:
        raise InvalidOptions(
            [(".".join(str(p) for p in e["loc"]), e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        ) from None
    problems = _cross_field_problems(options) + size_problems(options_to_doc(options))
    if problems:
        raise InvalidOptions(problems)
    return options


def options_to_doc(options: Options) -> dict[str, Any]:
    return options.model_dump(mode="json")


DEFAULT_OPTIONS = Options()
