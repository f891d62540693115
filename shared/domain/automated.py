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
6. Who sends it: a list manager's or notifier's address, a mailing program (CDOSYS), a body that is a data
   document, a fax/scan gateway's report (``automated_sender``, ``automated_program``).
7. A no-reply sender (``no-reply@``, ``donotreply@``…) and, last, other machine markers.
``X-Auto-Response-Suppress`` is only a request *not to be answered* (MS-OXCMAIL 2.1.3.2.20): never alone.

One module per family: ``automated_bounce`` (2, 3), ``automated_reply`` (4), ``automated_bulk`` (5); the
signals they share are in ``automated_signals``.
"""

from __future__ import annotations

import re

from shared.domain.addresses import is_no_reply, is_system_account
from shared.domain.automated_bounce import by_bounce_traits, by_report
from shared.domain.automated_bulk import by_bulk
from shared.domain.automated_program import by_program
from shared.domain.automated_reply import by_auto_reply
from shared.domain.automated_sender import by_sender_role
from shared.domain.automated_signals import MachineVerdict, auto_submitted, body_sample, is_reply_or_forward
from shared.domain.model import Address, MailMessage
from shared.domain.reasons import Reason

__all__ = ["MachineVerdict", "classify"]


def classify(msg: MailMessage) -> tuple[MachineVerdict, ...]:
    """Every machine-mail verdict that applies, most specific first; () for person-to-person mail.

    The first one whose skip toggle is on is the reason; the no-reply verdict is independent of the others
    because it is about the address, not the content."""
    primary = _by_message_class(msg) or by_report(msg) or by_bounce_traits(msg) or _by_report_parts(msg)
    primary = primary or by_auto_reply(msg) or by_bulk(msg) or by_sender_role(msg) or by_program(msg)
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
        if cls.endswith(".dr") and ".delayed." not in cls:  # a delivery receipt: the message arrived
            return MachineVerdict(Reason.AUTOMATED, f"It is a delivery receipt: the message was delivered "
                                                    f"({msg.message_class}).")
        if cls.endswith((".ipnrn", ".ipnnrn")):
            return MachineVerdict(Reason.AUTOMATED, f"Exchange marks it as a read receipt ({msg.message_class}).")
        return MachineVerdict(Reason.BOUNCE, f"Exchange marks it as a delivery report ({msg.message_class}).")
    if cls.startswith(("ipm.note.rules.ooftemplate", "ipm.note.rules.replytemplate")):
        return MachineVerdict(Reason.AUTO_REPLY, f"Exchange marks it as an automatic reply ({msg.message_class}).")
    if cls.startswith("ipm.schedule.meeting.resp."):
        return MachineVerdict(Reason.AUTOMATED, f"It is a meeting response sent by a calendar ({msg.message_class}).")
    if cls.startswith(_MACHINE_CLASSES):
        return MachineVerdict(Reason.AUTOMATED, f"Exchange marks it as a generated item ({msg.message_class}).")
    return None


def _by_report_parts(msg: MailMessage) -> MachineVerdict | None:
    """Reports sent without multipart/report: DMARC aggregate files, failure reports as plain multipart."""
    subject = msg.subject.strip()
    attached = any(a.content_type in _REPORT_ATTACHMENTS or _DMARC_FILE.match(a.name.strip())
                   for a in msg.attachments)
    if _REPORT_SUBJECT.match(subject) or any(_DMARC_FILE.match(a.name.strip()) for a in msg.attachments) \
            or (_DMARC_SUBJECT.search(subject) and attached and not is_reply_or_forward(msg)):
        return MachineVerdict(Reason.AUTOMATED, "It is a DMARC or TLS aggregate report (RFC 7489 7.2.1.1, "
                                                "RFC 8460).")
    if "text/rfc822-headers" in msg.part_types or _ARF_FIELDS.search(body_sample(msg)[:4000]):
        return MachineVerdict(Reason.AUTOMATED, "It is an authentication-failure or abuse report (RFC 6591, "
                                                "RFC 5965 fields).")
    if _JMRP_SUBJECT.match(subject):
        return MachineVerdict(Reason.AUTOMATED, "It is a spam complaint report (Microsoft JMRP).")
    return None


def _by_other_markers(msg: MailMessage) -> MachineVerdict | None:
    """Weaker markers, used only when nothing else spoke. An empty reverse path (Return-Path: <>) is not one
    of them: saved and re-injected copies of people's mail carry it too."""
    system = is_system_account(msg.author) or any(
        is_system_account(Address(v.strip().strip("<>").strip().lower())) for v in msg.header_all("Return-Path"))
    if system:
        return MachineVerdict(Reason.AUTOMATED, "It was sent by a server's system account (e.g. www-data, cron).")
    submitted = auto_submitted(msg)
    if submitted not in ("", "no"):
        return MachineVerdict(Reason.AUTOMATED, f"It was generated by a machine (Auto-Submitted: {submitted}).")
    return None


# MAPI classes of generated items (MS-OXOCAL meeting responses, MS-OXOUM voice mail and fax, recall reports).
_MACHINE_CLASSES = ("ipm.note.microsoft.voicemail", "ipm.note.microsoft.missed",
                    "ipm.note.microsoft.fax", "ipm.recall.report")
# RFC 7489 7.2.1.1 file name: receiver!policy-domain!begin!end[!id].xml[.gz] (or .zip).
_DMARC_FILE = re.compile(r"^[\w.-]+![\w.-]+!\d{9,}!\d{9,}(?:![^.]*)?\.(?:xml|xml\.gz|zip|gz)$", re.I)
# ARF report fields (RFC 5965 3.1, RFC 6591 3.1) as they appear when a report is sent as ordinary text.
_ARF_FIELDS = re.compile(r"^feedback-type: *(?:auth-failure|abuse|fraud|virus)\b[\s\S]{0,2000}?^"
                         r"(?:auth-failure|user-agent|version|source-ip|original-mail-from|arrival-date|"
                         r"reported-domain):", re.I | re.M)
# A DMARC report named in the subject, with the report or the failed message attached.
_DMARC_SUBJECT = re.compile(r"\bdmarc\b.{0,40}\b(?:failure|forensic|aggregate|feedback)?\s*report", re.I)
_REPORT_ATTACHMENTS = frozenset({"message/rfc822", "text/rfc822-headers", "application/zip", "application/gzip",
                                 "application/x-gzip", "text/xml", "application/xml"})
# DMARC aggregate (RFC 7489 7.2.1.1) and SMTP TLS (RFC 8460 5.3) report subjects.
_REPORT_SUBJECT = re.compile(r"report domain: \S+ submitter: \S+ report-id: ", re.I)
# Microsoft's Junk Mail Reporting Program complaint ("complaint about message from 192.0.2.1").
_JMRP_SUBJECT = re.compile(r"complaint about message from \d{1,3}(\.\d{1,3}){3}$", re.I)
