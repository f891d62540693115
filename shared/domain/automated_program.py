"""Mail written by a program, recognised by the program that sent it or by what its body is, when no RFC
marker says so. Replies and forwards are never judged here: a person may answer from any client.

- Microsoft CDO for Windows 2000 (CDOSYS) is the COM library that applications and scripts (ASP pages,
  VBScript, SQL Server jobs) call to send mail; mail clients do not set it. A few 2000s webmail services
  were built on it, which is why only new messages count.
- A body that is a data document (it opens with an XML declaration: ADF sales leads, order feeds) is meant
  for a program, not for a reader.
- Fax and scan-to-mail gateways: an opening that announces a received fax or scan *and* at least two of
  the report fields such gateways print (pages, remote ID/CSID, duration, result, channel, scan date…).
"""

from __future__ import annotations

import re

from shared.domain.automated_signals import MachineVerdict, body_sample, is_reply_or_forward, unquoted_text
from shared.domain.model import MailMessage
from shared.domain.reasons import Reason

# X-Mailer that CDOSYS writes (Microsoft's CDO for Windows 2000 library, cdosys.dll).
_CDOSYS = re.compile(r"^microsoft cdo for windows 2000\b", re.I)
_FAX_OPENING = re.compile(
    r"\b(?:a|new|incoming|inbound) fax (?:has (?:arrived|been received)|was received|received|message)\b"
    r"|\byou (?:have )?(?:received|got) an? (?:new )?fax\b|\bfax received from\b"
    r"|\bscanned and sent to you\b"
    r"|\bscanned (?:document|image|file)s? (?:from|attached|is attached)\b", re.I)
# Field labels in fax/scan reports (RightFax, HylaFAX, Xerox/Ricoh/Canon scan-to-mail…), at a line start.
_REPORT_FIELD = re.compile(
    r"^[ \t]*(pages?|page record|number of pages|remote (?:id|station|csid|fax)|csid|tsid|caller id|sender fax|"
    r"fax number|elapsed time|duration|result|status|channel|resolution|scan date|device name|device model|"
    r"number of images|attachment file type|received from remote id)[ \t]*:", re.I | re.M)


def by_program(msg: MailMessage) -> MachineVerdict | None:
    if is_reply_or_forward(msg):
        return None
    mailer = (msg.header("X-Mailer") or "").strip()
    if _CDOSYS.match(mailer):
        return MachineVerdict(Reason.AUTOMATED, f"It was sent by an application through Microsoft's CDOSYS "
                                                f"library (X-Mailer: {mailer[:60]}).")
    if not msg.body_html and msg.body_text.lstrip("\ufeff \t\r\n").startswith("<?xml"):
        return MachineVerdict(Reason.AUTOMATED, "Its body is an XML data document, written for a program to "
                                                "read (e.g. a lead or order feed).")
    return _gateway_report(msg)


def _gateway_report(msg: MailMessage) -> MachineVerdict | None:
    shown = (msg.body_html[:200_000] or msg.body_text[:60_000]).lower()
    if "fax" not in shown and "scann" not in shown:
        return None  # cheap first: the opening below needs one of these words, and most mail has neither
    if not _FAX_OPENING.search(" ".join(unquoted_text(msg)[:300].split())):
        return None
    fields = {m.lower() for m in _REPORT_FIELD.findall(body_sample(msg)[:5000])}
    if len(fields) < 2:
        return None
    return MachineVerdict(Reason.AUTOMATED, f"It is a fax or scan-to-mail gateway's report (it announces a "
                                            f"received document, with fields {', '.join(sorted(fields)[:3])}).")

