"""Message-level filters: should this email be captured at all, and whom would the CRM be asked about?

Pure: ``now`` and ``captured_today`` are passed in (explain passes neither, so the look-back window and the
daily cap do not apply there). Checks run cheapest and most certain first; the first skip wins.

Internal addresses: a domain in ``options.internal_domains`` or the watched mailbox's own domain, each
with its subdomains. The mailbox's own domain counts as internal because colleagues sharing it are never
CRM contacts; an organisation with several domains lists the others in ``internal_domains``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.addresses import domain_matches, is_blocked
from shared.domain.automated import classify
from shared.domain.mailbox import Mailbox
from shared.domain.marks import has_category, is_private, sensitivity
from shared.domain.model import EXCLUDED_FOLDERS, Address, Direction, Folder, MailMessage
from shared.domain.options import Options
from shared.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class MailboxContext:
    """The watched mailbox the message was found in."""

    address: str  # lower-case
    folders: tuple[Folder, ...] | None = None  # per-mailbox folder scope; None -> options.folder_scope
    skip_private: bool | None = None  # per-mailbox; None -> options.skip_private_mail
    whole_mailbox: bool | None = None  # per-mailbox; None -> options.capture_whole_mailbox

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].lower()

    @classmethod
    def of(cls, address: str, mailbox: Mailbox | None) -> MailboxContext:
        """The context with the mailbox's own settings (None: a mailbox no longer watched, the options decide)."""
        if mailbox is None:
            return cls(address)
        return cls(address, mailbox.folders, mailbox.skip_private_mail, mailbox.capture_whole_mailbox)


@dataclass(frozen=True, slots=True)
class Decision:
    capture: bool
    reason: Reason | None  # None when captured by the rules; CAPTURE_FOLDER when captured because of the folder
    detail: str  # one readable sentence (no body text; addresses ok)


def _skip(reason: Reason, detail: str) -> Decision:
    return Decision(capture=False, reason=reason, detail=detail)


_TOGGLES = {
    Reason.AUTO_REPLY: "skip_auto_replies",
    Reason.BOUNCE: "skip_bounces",
    Reason.BULK: "skip_bulk",
    Reason.NO_REPLY_SENDER: "skip_no_reply_senders",
    Reason.AUTOMATED: "skip_other_automated",
}


def decide(msg: MailMessage, options: Options, mailbox: MailboxContext, *, now: datetime | None = None,
           captured_today: int | None = None) -> Decision:
    scope_skip = _scope_check(msg, options, mailbox, now)
    if scope_skip:
        return scope_skip
    if has_category(msg, options.never_capture_category):
        return _skip(Reason.EXCLUDED_BY_USER, f"The message has the category {options.never_capture_category!r}.")
    chosen = msg.folder == Folder.CAPTURE  # the owner put it there: the mailbox's own rules step aside
    skip_private = options.skip_private_mail if mailbox.skip_private is None else mailbox.skip_private
    if skip_private and is_private(msg) and not chosen:
        return _skip(Reason.PRIVATE, f"The message is marked {sensitivity(msg).capitalize()} in Outlook.")
    for verdict in () if chosen else classify(msg):
        if getattr(options.automated, _TOGGLES[verdict.reason]):
            return _skip(verdict.reason, verdict.detail)
    author = msg.author
    if author and author.email and is_blocked(author, options.blocked_addresses, options.blocked_domains):
        return _skip(Reason.BLOCKED_SENDER, f"The sender {author.email} is on the blocked list.")
    external = _external(msg, options, mailbox)
    if not external:
        named = any(a.email for a in msg.participants() if a.email != mailbox.address)
        return _skip(Reason.INTERNAL_ONLY, "Every participant is in the organisation's own domains "
                                           f"({', '.join(_internal_domains(options, mailbox))})." if named else
                     "No participant outside the organisation: the message names no other address.")
    wanted = lookup_participants(msg, options, mailbox)
    if not wanted:
        return _skip(Reason.NO_EXTERNAL_PARTICIPANT, "Every outside participant is on the blocked list: "
                                                     f"{', '.join(a.email for a in external)}.")
    cap = options.max_total_emails
    if captured_today is not None and cap > 0 and captured_today >= cap:
        return _skip(Reason.DAILY_CAP, f"The mailbox already captured {captured_today} emails today (cap {cap}).")
    detail = f"{direction(msg, mailbox).value} email; would look up {_count(len(wanted))} in the CRM."
    if chosen:
        return Decision(True, Reason.CAPTURE_FOLDER, "In the mailbox's capture folder, so captured whatever the "
                                                     f"capture rules say. {detail}")
    return Decision(capture=True, reason=None, detail=detail)


def _scope_check(msg: MailMessage, options: Options, mailbox: MailboxContext, now: datetime | None) -> Decision | None:
    if msg.is_draft or msg.folder == Folder.DRAFTS:
        return _skip(Reason.DRAFT, "The message is a draft that was never sent.")
    if msg.folder in (Folder.DELETED_ITEMS, Folder.JUNK_EMAIL):
        return _skip(Reason.DELETED_OR_JUNK, f"The message is in the {msg.folder.value} folder.")
    if msg.folder == Folder.NEVER_CAPTURE:
        return _skip(Reason.EXCLUDED_BY_USER, "The message is in one of the never-capture folders.")
    if msg.folder == Folder.CAPTURE:  # chosen by its owner: neither the folder scope nor the look-back applies
        return None
    scope = mailbox.folders if mailbox.folders is not None else options.folder_scope
    whole = options.capture_whole_mailbox if mailbox.whole_mailbox is None else mailbox.whole_mailbox
    if msg.folder in EXCLUDED_FOLDERS or not whole and msg.folder not in scope:
        return _skip(Reason.FOLDER_OUT_OF_SCOPE, f"The {msg.folder.value} folder is not captured for this "
                                                 f"mailbox (captured: {', '.join(f.value for f in scope)}).")
    when = msg.received_at or msg.sent_at
    days = options.look_back_days
    if now is not None and days > 0 and when is not None and when < now - timedelta(days=days):
        return _skip(Reason.TOO_OLD, f"It arrived {when:%Y-%m-%d}, before the {days}-day look-back window.")
    return None


def direction(msg: MailMessage, mailbox: MailboxContext) -> Direction:
    author = msg.author.email if msg.author else ""
    sent = author == mailbox.address.lower() or msg.folder == Folder.SENT_ITEMS
    return Direction.OUTBOUND if sent else Direction.INBOUND


def lookup_participants(msg: MailMessage, options: Options, mailbox: MailboxContext) -> tuple[Address, ...]:
    """Who would be looked up in the CRM: outside participants that are not blocked, once each."""
    return tuple(a for a in _external(msg, options, mailbox)
                 if not is_blocked(a, options.blocked_addresses, options.blocked_domains))


def _external(msg: MailMessage, options: Options, mailbox: MailboxContext) -> tuple[Address, ...]:
    candidates = ((msg.author,) if msg.author else ()) + msg.to + msg.cc
    if options.capture_bcc_on_sent and direction(msg, mailbox) == Direction.OUTBOUND:
        candidates += msg.bcc
    internal = _internal_domains(options, mailbox)
    seen: set[str] = set()
    out: list[Address] = []
    for addr in candidates:
        email = addr.email.strip().lower()
        if not email or "@" not in email or email in seen or email == mailbox.address.lower():
            continue
        seen.add(email)
        if not domain_matches(email.rpartition("@")[2], internal):
            out.append(Address(email=email, name=addr.name))
    return tuple(out)


def _internal_domains(options: Options, mailbox: MailboxContext) -> tuple[str, ...]:
    own = (mailbox.domain,) if mailbox.domain else ()
    return own + tuple(d for d in options.internal_domains if d != mailbox.domain)


def _count(n: int) -> str:
    return f"{n} participant" + ("" if n == 1 else "s")
