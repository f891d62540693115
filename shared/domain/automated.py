"""Machine-mail rules: is this message a bounce, an auto-reply, bulk, from a no-reply address, or another
machine report? Pure: decides on ``MailMessage`` only, so Graph and MIME copies decide alike.

Evidence, strongest first:
1. Exchange's MAPI message class (REPORT.* delivery/read reports, OOF and reply templates).
2. RFC 3462/6522 ``multipart/report``: delivery-status (RFC 3464, 6533) is a bounce; feedback-report (ARF,
   RFC 5965) and disposition-notification (MDN, RFC 8098) are other machine reports.
3. Classic non-RFC bounces (qmail, old Sendmail, Exchange 2003…): a mailer-daemon-like sender or a null
   reverse-path, *supported* by a bounce subject or a bounce-body marker; never a person's "Fwd:".
4. RFC 3834 ``Auto-Submitted`` (anything but "no"), auto-responder headers, and auto-reply subjects only
   when backed by a machine marker, so a person's "Re: Automatic reply: …" is kept.
5. Mailing lists and newsletters: RFC 2369/2919/8058 ``List-*`` headers, ``Precedence: bulk|list|junk``,
   ESP campaign headers (``Feedback-ID``, ``X-Campaign``, ``X-CSA-Complaints``).
6. A no-reply sender (``no-reply@``, ``donotreply@``…) and, last, other machine markers.
``X-Auto-Response-Suppress`` is only a request *not to be answered* (MS-OXCMAIL 2.1.3.2.20): never alone.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from shared.domain.addresses import is_mailer_daemon, is_no_reply, is_postmaster, is_system_account
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class MachineVerdict:
    reason: Reason
    detail: str  # one readable sentence naming the evidence


def classify(msg: MailMessage) -> tuple[MachineVerdict, ...]:
    """Every machine-mail verdict that applies, most specific first; () for person-to-person mail.

    The first one whose skip toggle is on is the reason; the no-reply verdict is independent of the others
    because it is about the address, not the content."""
    primary = _by_message_class(msg) or _by_report(msg) or _by_bounce_traits(msg) or _by_auto_reply(msg)
    primary = primary or _by_bulk(msg)
    verdicts = [primary] if primary else []
    if msg.author is not None and is_no_reply(msg.author):
        verdicts.append(MachineVerdict(Reason.NO_REPLY_SENDER, f"The sender {msg.author.email} is a no-reply "
                                                               "address."))
    if not primary:
        other = _by_other_markers(msg)
        if other:
            verdicts.append(other)
    return tuple(verdicts)


def _by_message_class(msg: MailMessage) -> MachineVerdict | None:
    cls = msg.message_class.lower()
    if cls.startswith("report."):
        if cls.endswith((".ipnrn", ".ipnnrn")):
            return MachineVerdict(Reason.AUTOMATED, f"Exchange marks it as a read receipt ({msg.message_class}).")
        return MachineVerdict(Reason.BOUNCE, f"Exchange marks it as a delivery report ({msg.message_class}).")
    if cls.startswith(("ipm.note.rules.ooftemplate", "ipm.note.rules.replytemplate")):
        return MachineVerdict(Reason.AUTO_REPLY, f"Exchange marks it as an automatic reply ({msg.message_class}).")
    return None


def _by_report(msg: MailMessage) -> MachineVerdict | None:
    report = msg.report_type if msg.content_type == "multipart/report" else ""
    parts = set(msg.part_types)
    if report in DSN_REPORT_TYPES or (report and parts & DSN_PARTS):
        return MachineVerdict(Reason.BOUNCE, f"It is a delivery status notification (multipart/report; "
                                             f"report-type={report}, RFC 3464).")
    if report == "feedback-report" or (report and "message/feedback-report" in parts):
        return MachineVerdict(Reason.AUTOMATED, "It is an abuse/feedback report (ARF, RFC 5965).")
    if report in MDN_REPORT_TYPES or (report and parts & MDN_PARTS):
        return MachineVerdict(Reason.AUTOMATED, "It is a read receipt (message disposition notification, RFC 8098).")
    if report:
        return MachineVerdict(Reason.AUTOMATED, f"It is a machine report (multipart/report; report-type={report}).")
    return None


def _by_bounce_traits(msg: MailMessage) -> MachineVerdict | None:
    subject = subject_is_bounce(msg.subject)
    body = body_is_bounce(msg)
    nested_report = bool(set(msg.part_types) & DSN_PARTS)  # a DSN part outside multipart/report (McAfee…)
    no_author = msg.author is None or not msg.author.email
    machine = (null_return_path(msg) or is_postmaster(msg.author) or no_author
               or auto_submitted(msg) not in ("", "no"))
    sender = msg.author.email if msg.author and msg.author.email else "an empty sender"
    if is_mailer_daemon(msg.author):  # no person writes as MAILER-DAEMON (RFC 5321 4.5.5)
        return MachineVerdict(Reason.BOUNCE, f"It is a delivery failure notice from the mail system ({sender}).")
    if (machine and (subject or body or nested_report)) or (nested_report and subject):
        return MachineVerdict(Reason.BOUNCE, f"It is a delivery failure notice: a bounce subject or text sent by "
                                             f"the mail system ({sender}, Return-Path {_return_path(msg)}).")
    if subject and _MTA_BODY.search(_body(msg)):  # no sender evidence: the text must be an MTA's own
        return MachineVerdict(Reason.BOUNCE, "It is a delivery failure notice (bounce subject and mail-system "
                                             "text).")
    ses = _SES_NOTIFICATION.search(msg.body_text[:2000])
    if ses:
        reason = Reason.AUTOMATED if ses.group(1) == "Complaint" else Reason.BOUNCE
        return MachineVerdict(reason, f"It is an Amazon SES {ses.group(1).lower()} notification.")
    return None


def _return_path(msg: MailMessage) -> str:
    value = msg.header("Return-Path")
    return value.strip() if value is not None else "absent"


def _by_auto_reply(msg: MailMessage) -> MachineVerdict | None:
    submitted = auto_submitted(msg)
    if submitted == "auto-replied" and _plain_subject(msg.subject) in ("unsubscribe", "subscribe"):
        return MachineVerdict(Reason.AUTOMATED, "It is a mailing-list (un)subscribe request sent by a mail client "
                                                "(RFC 2369 mailto link).")
    if submitted == "auto-replied":
        return MachineVerdict(Reason.AUTO_REPLY, "It is an automatic reply (Auto-Submitted: auto-replied, RFC 3834).")
    header = auto_reply_header(msg)
    if header:
        return MachineVerdict(Reason.AUTO_REPLY, f"It is an automatic reply ({header} header).")
    if _AUTO_REPLY_PREFIX.match(msg.subject.strip()):
        return MachineVerdict(Reason.AUTO_REPLY, "It is an automatic reply (its subject starts with an "
                                                 "auto-responder prefix).")
    if subject_is_auto_reply(msg.subject) and has_machine_marker(msg):
        return MachineVerdict(Reason.AUTO_REPLY, "It is an automatic reply (out-of-office subject sent by a "
                                                 "machine).")
    if (submitted not in ("", "no") or null_return_path(msg)) and _OOF_BODY.search(_body(msg)[:600]):
        return MachineVerdict(Reason.AUTO_REPLY, f"It is an automatic reply (out-of-office text, Auto-Submitted: "
                                                 f"{submitted or 'absent'}, Return-Path {_return_path(msg)}).")
    return None


def _by_bulk(msg: MailMessage) -> MachineVerdict | None:
    list_header = next((h for h in LIST_HEADERS if msg.header(h) is not None), None)
    if list_header:
        return MachineVerdict(Reason.BULK, f"It came through a mailing list or newsletter ({list_header} header).")
    precedence = (msg.header("Precedence") or msg.header("X-Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return MachineVerdict(Reason.BULK, f"It is bulk mail (Precedence: {precedence}).")
    campaign = next((h for h in CAMPAIGN_HEADERS if msg.header(h) is not None), None)
    if campaign:
        return MachineVerdict(Reason.BULK, f"It is a marketing or campaign mailing ({campaign} header).")
    if msg.content_type == "multipart/digest":
        return MachineVerdict(Reason.BULK, "It is a mailing-list digest (multipart/digest, RFC 2046).")
    envelope = _list_envelope(msg)
    if envelope:
        return MachineVerdict(Reason.BULK, f"It came through a mailing list (list return path {envelope}).")
    if not _is_reply_or_forward(msg) and len(set(_BULK_FOOTER.findall(_unquoted_text(msg)))) >= 2:
        return MachineVerdict(Reason.BULK, "It is a newsletter or marketing mailing (unsubscribe and "
                                           "\"you received this\" footer).")
    return None


def _list_envelope(msg: MailMessage) -> str:
    """Mailing-list managers send with their own envelope sender: owner-LIST@ (Majordomo, LISTSERV),
    LIST-owner@ (Sympa), LIST-bounces@ (Mailman, with VERP suffixes)."""
    for value in msg.header_all("Return-Path"):
        path = value.strip().strip("<>").strip().lower()
        local = path.partition("@")[0]
        if _LIST_ENVELOPE.search(local):
            return path
    return ""


def _is_reply_or_forward(msg: MailMessage) -> bool:
    return bool(msg.in_reply_to or msg.references or _plain_subject(msg.subject).startswith(REPLY_PREFIXES))


def _unquoted_text(msg: MailMessage) -> str:
    """The body without quoted lines, HTML tags and entities, whitespace collapsed (footers wrap oddly)."""
    text = msg.body_text[:60_000] or re.sub(r"<[^>]{0,2000}>", " ", msg.body_html[:200_000])
    kept = (line for line in text.splitlines() if not line.lstrip().startswith(">"))
    return " ".join(html.unescape(" ".join(kept)).split())


def _by_other_markers(msg: MailMessage) -> MachineVerdict | None:
    if _REPORT_SUBJECT.match(msg.subject.strip()):
        return MachineVerdict(Reason.AUTOMATED, "It is a DMARC or TLS aggregate report (RFC 7489, RFC 8460).")
    if _JMRP_SUBJECT.match(msg.subject.strip()):
        return MachineVerdict(Reason.AUTOMATED, "It is a spam complaint report (Microsoft JMRP).")
    system = is_system_account(msg.author) or any(
        is_system_account(Address(v.strip().strip("<>").strip().lower())) for v in msg.header_all("Return-Path"))
    if system:
        return MachineVerdict(Reason.AUTOMATED, "It was sent by a server's system account (e.g. www-data, cron).")
    submitted = auto_submitted(msg)
    if submitted not in ("", "no"):
        return MachineVerdict(Reason.AUTOMATED, f"It was generated by a machine (Auto-Submitted: {submitted}).")
    if null_return_path(msg):
        return MachineVerdict(Reason.AUTOMATED, "It was sent with an empty return path (<>), as only mail "
                                                "systems send.")
    return None


# --- signals -------------------------------------------------------------------------------------------

DSN_REPORT_TYPES = frozenset({"delivery-status", "global-delivery-status"})
DSN_PARTS = frozenset({"message/delivery-status", "message/global-delivery-status"})
MDN_REPORT_TYPES = frozenset({"disposition-notification", "global-disposition-notification"})
MDN_PARTS = frozenset({"message/disposition-notification", "message/global-disposition-notification"})
LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Post", "List-Help",
                "List-Subscribe", "List-Owner", "List-Archive", "Mailing-List", "X-Mailing-List", "X-BeenThere",
                "X-MLServer", "X-ML-Name")
CAMPAIGN_HEADERS = ("Feedback-ID", "X-Campaign", "X-CampaignID", "X-Campaign-ID", "X-CSA-Complaints",
                    "X-MC-User", "X-Mailchimp-Campaign", "X-rpcampaign", "X-Newsletter")
# Set only by auto-responders (vacation programs, hMailServer, cPanel, Zimbra…); the value may be anything.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply", "X-Autoreply-From",
                      "X-Mail-Autoreply", "X-Vacation")
REPLY_PREFIXES = ("re:", "aw:", "sv:", "vs:", "antw:", "rif:", "réf:", "tr:", "wg:", "fw:", "fwd:", "i:", "enc:")

_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status )?notification|delivery (failure|failed|problem|report|error)"
    r"|mail delivery|failure notice|returned mail|return(ed)? to sender|non[- ]?deliver|nondeliverable"
    r"|could not be delivered|not (be )?delivered|delivery has failed|failed delivery|delivery (delayed|warning)"
    r"|delivery status|delayed mail|warning: could not send|mail system error|delivery final"
    r"|message (delayed|not sent|failure)|mail error|failed mail|mail failed|failure delivery|not delivered"
    r"|unzustellbar|non remis|no entregado|non recapitato|niet bezorgd|配信|送信失敗|エラー", re.I)
# Sentences that MTAs write into their failure notices and people never write themselves.
_MTA_BODY = re.compile(
    r"this is the qmail-send program|this is the (postfix program|mail system) at|i.m afraid i wasn.t able to deliver"
    r"|created automatically by mail delivery software|the original message was received at"
    r"|delivery has failed to these recipients|following address(es)? had permanent fatal errors"
    r"|transcript of session follows|permanent error; i.ve given up|did not reach the following recipient"
    r"|diagnostic-code:|reporting-mta:|final-recipient:|remote host said: \d{3}|\b[45]\.\d{1,3}\.\d{1,3}\b.{0,40}"
    r"(user unknown|mailbox|recipient)|failed recipients|smtp error|requested action not taken|non-delivery report"
    r"|could not be delivered to the following recipients|delivery attempts"
    r"|^received: from \S+.{0,200}\bby\b", re.I | re.M)
_BOUNCE_BODY = re.compile(
    r"this is the qmail-send program|this is the mail system at|created automatically by mail delivery software"
    r"|the original message was received at|delivery has failed to these recipients"
    r"|wasn.t able to deliver your message|could not be delivered to (one or more|the following)"
    r"|following address(es)? had permanent fatal errors|delivery to the following recipient"
    r"|your message (could not|was not|wasn.t|cannot) be delivered|message could not be delivered"
    r"|permanent error; i.ve given up|unable to deliver (your|the) message|mail delivery failed"
    r"|undeliverable message|delivery status notification|this message was undeliverable"
    r"|transcript of session follows|returned mail: |user unknown|no such user"
    r"|did not reach the following recipient|(mail|message) (could not|cannot|can ?not) be delivered"
    r"|could not deliver (the |your )?message|unable to deliver (message|mail)"
    r"|mailbox (is )?(unavailable|full|not found)"
    r"|the following message to .{1,100} was undeliverable|diagnostic-code:", re.I)
# Prefixes that auto-responders put before the original subject; no person types them (a reply is "Re: …").
_AUTO_REPLY_PREFIX = re.compile(
    r"(auto(matic)?[ -]?(reply|response|answer)|autoreply|autoresponse|out of office auto ?reply"
    r"|automatische antwort|abwesenheitsnotiz|réponse automatique|respuesta automática|risposta automatica"
    r"|automatisch antwoord|resposta automática|automatyczna odpowiedź|automaattinen vastaus|autosvar|自動応答"
    r"|automatiskt? svar|automatická odpověď|automatikus válasz|автоматический ответ|otomatik yanıt"
    r"|αυτόματη απάντηση|自动答复|自動回覆|자동 회신)\s*:", re.I)
# Opening lines of out-of-office texts; only used together with a machine marker.
_OOF_BODY = re.compile(
    r"out of (the )?office|on (annual |parental |sick )?leave|away from (my desk|the office|my e-?mail)"
    r"|limited access to (my )?e-?mail|(will|shall) (respond|reply|get back to you|answer).{0,40}(return|back)"
    r"|currently (away|unavailable|travelling|traveling|on vacation)|abwesend|absent du bureau|fuera de la oficina",
    re.I)
_LIST_ENVELOPE = re.compile(r"^owner-|-owner$|-bounces?(\+.*)?$|-return-")
# Footer lines of newsletters and marketing (two distinct ones needed; a person may write one of them).
_BULK_FOOTER = re.compile(
    r"(?:click|tap) here to (?:unsubscribe|opt[- ]?out)|to unsubscribe[ ,]|unsubscribe (?:here|link|from this)"
    r"|you (?:are receiving|received|receive) this (?:e-?mail|message|newsletter)"
    r"|this (?:e-?mail|message) was sent to|do not reply to this (?:e-?mail|message)"
    r"|(?:update|manage) your (?:e-?mail |subscription |communication )?preferences"
    r"|view (?:this |the )?(?:e-?mail|message|newsletter|it) (?:online|in (?:(?:your|a|the) )?(?:web )?browser)"
    r"|stop receiving (?:these|further|this|our|future)"
    r"|if you (?:no longer wish|would prefer not|do not wish) to receive", re.I)
# DMARC aggregate (RFC 7489 7.2.1.1) and SMTP TLS (RFC 8460 5.3) report subjects.
_REPORT_SUBJECT = re.compile(r"report domain: \S+ submitter: \S+ report-id: ", re.I)
# Microsoft's Junk Mail Reporting Program complaint ("complaint about message from 192.0.2.1").
_JMRP_SUBJECT = re.compile(r"complaint about message from \d{1,3}(\.\d{1,3}){3}$", re.I)
# Amazon SES bounce/complaint/delivery notifications sent as JSON by SNS email subscriptions.
_SES_NOTIFICATION = re.compile(r'\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint|Delivery)')
_AUTO_REPLY_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response|answer)|autoreply|autoresponse"
    r"|away from (my|the) (mail|e-?mail|office|desk)|on (vacation|holiday|leave)|vacation (reply|notice)"
    r"|abwesenheit|automatische antwort|réponse automatique|respuesta automática|risposta automatica"
    r"|automatisch antwoord|afwezig|fuera de la oficina|absence|autosvar|automaattinen vastaus|自動応答|不在", re.I)


def auto_submitted(msg: MailMessage) -> str:
    """The RFC 3834 keyword ("auto-replied", "auto-generated (failure)" -> "auto-generated"), "" if absent."""
    return (msg.header("Auto-Submitted") or "").split(";")[0].split("(")[0].strip().lower()


def null_return_path(msg: MailMessage) -> bool:
    """RFC 5321 4.5.5: bounces and other notifications carry an empty reverse-path (Return-Path: <>); some
    relays write the null path as <MAILER-DAEMON> instead."""
    for value in msg.header_all("Return-Path"):
        path = value.strip().strip("<>").strip().lower()
        if path == "" or path.partition("@")[0] == "mailer-daemon":
            return True
    return False


def auto_reply_header(msg: MailMessage) -> str:
    found = next((h for h in AUTO_REPLY_HEADERS if msg.header(h) is not None), "")
    if found:
        return found
    if (msg.header("X-Autogenerated") or "").strip().lower() == "reply":
        return "X-Autogenerated: Reply"
    if (msg.header("Precedence") or "").strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    return ""


def has_machine_marker(msg: MailMessage) -> bool:
    """Anything a person's mail client does not set: backs up a subject that reads like an auto-reply."""
    return (auto_submitted(msg) not in ("", "no") or null_return_path(msg)
            or msg.header("X-Auto-Response-Suppress") is not None
            or msg.header("X-MS-Exchange-Inbox-Rules-Loop") is not None
            or (msg.header("Precedence") or "").strip().lower() in ("bulk", "junk", "list"))


def _plain_subject(subject: str) -> str:
    return " ".join(subject.split()).lower()


def subject_is_bounce(subject: str) -> bool:
    plain = _plain_subject(subject)
    return not plain.startswith(REPLY_PREFIXES) and bool(_BOUNCE_SUBJECT.search(plain))


def subject_is_auto_reply(subject: str) -> bool:
    plain = _plain_subject(subject)
    return not plain.startswith(REPLY_PREFIXES) and bool(_AUTO_REPLY_SUBJECT.search(plain))


def _body(msg: MailMessage) -> str:
    return msg.body_text[:20_000] or re.sub(r"<[^>]{0,2000}>", " ", msg.body_html[:60_000])


def body_is_bounce(msg: MailMessage) -> bool:
    return bool(_BOUNCE_BODY.search(_body(msg)))
