"""Delivery reports and bounces: RFC 3462/6522 ``multipart/report`` (delivery-status, RFC 3464/6533; ARF,
RFC 5965; MDN, RFC 8098) and classic non-RFC bounces (qmail, old Sendmail, Exchange 2003…), where a
mailer-daemon-like sender or a null reverse-path is *supported* by a bounce subject or body; never a "Fwd:"."""

from __future__ import annotations

import re

from shared.domain.addresses import is_mailer_daemon, is_postmaster
from shared.domain.automated_signals import (
    REPLY_PREFIXES,
    MachineVerdict,
    auto_submitted,
    body_sample,
    null_return_path,
    plain_subject,
    return_path,
    shown_body,
    unquoted_text,
)
from shared.domain.model import MailMessage
from shared.domain.reasons import Reason

DSN_REPORT_TYPES = frozenset({"delivery-status", "global-delivery-status"})
DSN_PARTS = frozenset({"message/delivery-status", "message/global-delivery-status"})
MDN_REPORT_TYPES = frozenset({"disposition-notification", "global-disposition-notification"})
MDN_PARTS = frozenset({"message/disposition-notification", "message/global-disposition-notification"})


def by_report(msg: MailMessage) -> MachineVerdict | None:
    report = msg.report_type if msg.content_type == "multipart/report" else ""
    parts = set(msg.part_types)
    if report in DSN_REPORT_TYPES or (report and parts & DSN_PARTS):
        return MachineVerdict(Reason.BOUNCE, f"It is a delivery status notification (multipart/report; "
                                             f"report-type={report}, RFC 3464).")
    if report == "feedback-report" or (report and "message/feedback-report" in parts):
        return MachineVerdict(Reason.AUTOMATED, "It is an abuse/feedback report (ARF, RFC 5965).")
    if (report in MDN_REPORT_TYPES or (report and parts & MDN_PARTS)) and is_mailer_daemon(msg.author):
        # the mail system, not a reader, sends this one: a Sieve reject after delivery (RFC 5429: an MDN)
        return MachineVerdict(Reason.BOUNCE, "It is a rejection notice from the mail system (sent as a message "
                                             "disposition notification, RFC 5429).")
    if report in MDN_REPORT_TYPES or (report and parts & MDN_PARTS):
        return MachineVerdict(Reason.AUTOMATED, "It is a read receipt (message disposition notification, RFC 8098).")
    if report:
        return MachineVerdict(Reason.AUTOMATED, f"It is a machine report (multipart/report; report-type={report}).")
    return None


def by_bounce_traits(msg: MailMessage) -> MachineVerdict | None:
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
                                             f"the mail system ({sender}, Return-Path {return_path(msg)}).")
    if subject and _MTA_BODY.search(body_sample(msg)):  # no sender evidence: the text must be an MTA's own
        return MachineVerdict(Reason.BOUNCE, "It is a delivery failure notice (bounce subject and mail-system "
                                             "text).")
    if _reply_shaped_notice(msg):
        return MachineVerdict(Reason.BOUNCE, "It is a delivery failure notice written like a reply (\"RE:\" and a "
                                             "bounce subject, no reference to a message, opening with MTA text).")
    ses = _SES_NOTIFICATION.search(shown_body(msg)[:2000])
    if ses:
        reason = Reason.AUTOMATED if ses.group(1) == "Complaint" else Reason.BOUNCE
        return MachineVerdict(reason, f"It is an Amazon SES {ses.group(1).lower()} notification.")
    return None


def _reply_shaped_notice(msg: MailMessage) -> bool:
    """Some gateways answer with "RE: <subject> : non remis (delivery failed)". A person's reply carries
    In-Reply-To/References (RFC 5322 3.6.4) and opens with their own words, so only a "RE:" without either,
    opening with a failure sentence, counts; forwards ("Fwd:") never do."""
    plain = plain_subject(msg.subject)
    prefix, _, rest = plain.partition(":")
    if f"{prefix}:" not in _ANSWER_PREFIXES or msg.in_reply_to or msg.references:
        return False
    opening = " ".join(unquoted_text(msg)[:400].split()).strip("*-=_ ")
    return subject_is_bounce(rest.strip()) and bool(_BOUNCE_BODY.search(opening[:300]))


_ANSWER_PREFIXES = frozenset({"re:", "aw:", "sv:", "vs:", "antw:", "rif:", "réf:"})
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
# Amazon SES bounce/complaint/delivery notifications sent as JSON by SNS email subscriptions.
_SES_NOTIFICATION = re.compile(r'\\?"notificationType\\?"\s*:\s*\\?"(Bounce|Complaint|Delivery)')


def subject_is_bounce(subject: str) -> bool:
    plain = plain_subject(subject)
    return not plain.startswith(REPLY_PREFIXES) and bool(_BOUNCE_SUBJECT.search(plain))


def body_is_bounce(msg: MailMessage) -> bool:
    return bool(_BOUNCE_BODY.search(body_sample(msg)))
