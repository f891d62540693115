"""Machine mail recognised by who sends it, when the headers carry no RFC marker.

- A mailing-list manager's own address (RFC 2369's ``LIST-request@``, ``majordomo@``, ``listserv@``…) sends
  subscription confirmations and list notices, whatever the subject says (often "Re: subscribe").
- Role words in the sender's local part or display name, in several languages: a newsletter sender
  (``newsletter@``, "Nieuwsbrief") is bulk; a notifier (``notify@``, ``alerts@``, "Notification Bot"), a feed
  gateway (``rss@``), a fax/scan-to-mail gateway (``fax@``, "Scanner") or a mail filter's quarantine notice is
  automated. Strong words decide alone; weak ones (``news@``, ``updates@``, "Team"…, and the transactional
  ``receipts@``, ``billing@``, ``orders@``, ``bookings@``… that people also answer from) only with a second,
  independent sign of mass mailing (a newsletter footer, a bulk-mailing program, an envelope sender made for
  bounce handling or minted per recipient).
- No From address at all: RFC 5322 3.6 requires one, and only programs leave it out.
Shared mailboxes people write from (``info@``, ``support@``, ``sales@``, ``office@``) are never evidence, and
a newsletter word is none on an answer to a message (In-Reply-To/References): an editor replies from there.
"""

from __future__ import annotations

import re

from shared.domain.automated_mass import mass_mailing_signs
from shared.domain.automated_signals import MachineVerdict, is_reply_or_forward
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason

_SEP = r"(?:^|[._+\-])"
_END = r"(?:$|[._+\-]|\d)"
# RFC 2369 command addresses and the list managers' own mailboxes.
# Only hyphenated command suffixes (LIST-request, LIST-owner, LIST-join…), so "john.owner@" stays a person.
_LIST_MANAGER = re.compile(
    r"-(?:request|owner|subscribe|unsubscribe|confirm|leave|join)(?:\+.*)?$"
    r"|^(?:majordomo|listserv|listproc|lyris|ezmlm|sympa|mailman|smartlist|ecartis|listar)(?:$|[-+.])|^owner-",
    re.I)
_NEWSLETTER_LOCAL = re.compile(
    rf"{_SEP}(?:e?newsletters?|nieuwsbrief|infolettre|rundbrief|boletin|notiziario|nyhetsbrev|uutiskirje|"
    rf"biuletyn|digest|mailinglist|listmanager|e?news|newsflash|bulletin|announce(?:ments?)?|marketing|"
    rf"promos?|promotions?|offers|deals|campaigns?|mailings?|updates?|subscriptions?|hello|team|lists?){_END}", re.I)
# Sub-domains that senders set apart for mass mail or notifications (alerts.example.com, lists.example.org).
_ROLE_SUBDOMAIN = re.compile(r"^(?:e?news|newsletters?|alerts?|notify|notifications?|lists?|mailers?|mailings?|"
                             r"bounces?|campaigns?|marketing|promo)\d*$", re.I)
_NOTIFY_LOCAL = re.compile(
    rf"{_SEP}(?:notify|notifier|notifications?|notices?|alerts?|reminders?|benachrichtigung(?:en)?|"
    rf"notificaci[oó]n(?:es)?|notifiche|powiadomienia|meldingen|varsler|ilmoitukset|uvedomleni[ey]|"
    rf"rss|rssfeeds?|feeds?|robot|automailer|automated|monitoring|monitor|nagios|zabbix|jenkins|cron|"
    rf"fax|efax|faxmail|fax2mail|scan|scans|scanner|scantoemail|scan2mail|copier|mfp|voicemail|dmarc|"
    rf"dmarc-?reports?|quarantine|receipts?|invoices?|invoicing|billing|statements?|orders?|bookings?|"
    rf"reservations?|confirmations?){_END}", re.I)
_STRONG_LOCAL = re.compile(
    rf"{_SEP}(?:e?newsletters?|nieuwsbrief|infolettre|rundbrief|nyhetsbrev|uutiskirje|digest|mailinglist|"
    rf"listmanager|notify|notifier|notifications?|alerts?|reminders?|benachrichtigung(?:en)?|"
    rf"notificaci[oó]n(?:es)?|notifiche|powiadomienia|rss|rssfeeds?|automailer|fax|efax|faxmail|fax2mail|"
    rf"scan|scans|scanner|scantoemail|scan2mail|copier|mfp|voicemail|dmarc|dmarc-?reports?|quarantine){_END}", re.I)
_NEWSLETTER_NAME = re.compile(
    r"\b(?:e?-?newsletter|nieuwsbrief|infolettre|rundbrief|bolet[ií]n|nyhetsbrev|digest|mailing list|"
    r"announcements?|e-?news|news|updates?|weekly|daily|tips)\b|ニュースレター|新闻|뉴스레터", re.I)
_NOTIFY_NAME = re.compile(
    r"\b(?:notifications?|notifier|notify|alerts?|reminders?|benachrichtigung(?:en)?|notificaci[oó]n(?:es)?|"
    r"notifiche|powiadomienia|uvedomleni[ey]|notify bot|robot|fax|scanner|scan to e-?mail|voicemail|monitoring)\b"
    r"|通知|お知らせ|알림|уведомлени", re.I)
_STRONG_NAME = re.compile(
    r"\b(?:e?-?newsletter|nieuwsbrief|infolettre|rundbrief|nyhetsbrev|digest|mailing list|notifications?|"
    r"notifier|notify|benachrichtigung(?:en)?|notificaci[oó]n(?:es)?|robot|fax|scanner|scan to e-?mail|"
    r"voicemail)\b|ニュースレター|뉴스레터|通知|お知らせ|알림|уведомлени", re.I)
_SHARED_MAILBOX = frozenset({"info", "support", "sales", "office", "contact", "admin", "help", "service",
                             "hello", "team", "mail", "email", "enquiries", "inquiries", "kontakt"})


def by_sender_role(msg: MailMessage) -> MachineVerdict | None:
    missing = _no_from(msg)
    author = msg.author
    if missing or author is None or not author.email:
        return missing
    local = author.local_part.lower()
    if _LIST_MANAGER.search(local):
        return MachineVerdict(Reason.BULK, f"It came from a mailing-list manager's address ({author.email}).")
    if local in _SHARED_MAILBOX:
        return None
    role = _role(author)
    if role is None:
        signs = mass_mailing_signs(msg)
        if len(signs) >= 2:  # two independent marks of mass mailing, no role word needed
            return MachineVerdict(Reason.BULK, f"It has the marks of a mass mailing: {signs[0]} and {signs[1]}.")
        return None
    reason, strong, word = role
    if reason is Reason.BULK and (msg.in_reply_to or msg.references):
        return None  # newsletters do not answer our mail; a person answering from the newsletter mailbox does
    support = "" if strong else next(iter(mass_mailing_signs(msg)), "")
    if not strong and not support:
        return None
    what = "newsletter sender" if reason is Reason.BULK else "notification or gateway sender"
    also = f", and {support}" if support else ""
    return MachineVerdict(reason, f"It was sent by a {what} ({word}){also}.")


def _role(author: Address) -> tuple[Reason, bool, str] | None:
    """(reason, strong, evidence) from the local part first, then the display name."""
    local, name = author.local_part, author.name
    for pattern, reason in ((_NOTIFY_LOCAL, Reason.AUTOMATED), (_NEWSLETTER_LOCAL, Reason.BULK)):
        if pattern.search(local):
            return reason, bool(_STRONG_LOCAL.search(local)), f"address {author.email}"
    for pattern, reason in ((_NOTIFY_NAME, Reason.AUTOMATED), (_NEWSLETTER_NAME, Reason.BULK)):
        if name and pattern.search(name):
            return reason, bool(_STRONG_NAME.search(name)), f'name "{name}"'
    sub = next((label for label in author.domain.split(".")[:-2] if _ROLE_SUBDOMAIN.match(label)), "")
    if sub:
        reason = Reason.AUTOMATED if sub.startswith(("alert", "notif")) else Reason.BULK
        return reason, False, f"sending domain {author.domain}"
    return None


def _no_from(msg: MailMessage) -> MachineVerdict | None:
    """Neither a From address nor a From field. A name without an address is a broken but human field; a
    copy whose From address was filled in from elsewhere (Exchange may do so from the envelope; unconfirmed)
    is given the benefit of the doubt."""
    if msg.header("From") is not None or (msg.from_ is not None and (msg.from_.email or msg.from_.name)):
        return None
    if is_reply_or_forward(msg) or not (msg.to or msg.cc):
        return None
    return MachineVerdict(Reason.AUTOMATED, "It has no From address, which RFC 5322 requires; only programs "
                                            "send mail without one.")
