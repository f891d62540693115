"""The MAPI message class (PidTagMessageClass) Exchange would give a delivered message.

Inferred from MIME structure when not given explicitly (JSON ``messageClass`` or the
``X-Emulator-Message-Class`` header on an uploaded .eml):

- ``multipart/report; report-type=delivery-status``: ``REPORT.IPM.Note.NDR`` when an Action is
  ``failed`` (or none is readable), ``REPORT.IPM.Note.Delayed`` for ``delayed``, else ``REPORT.IPM.Note.DR``.
- ``multipart/report; report-type=disposition-notification``: ``REPORT.IPM.Note.IPNRN`` (read) when the
  Disposition says ``displayed``, else ``REPORT.IPM.Note.IPNNRN`` (not read).
- ``Auto-Submitted: auto-replied``: ``IPM.Note.Rules.OofTemplate.Microsoft`` when the subject reads like
  an out-of-office reply ("Automatic reply", "Out of Office"), else ``IPM.Note.Rules.ReplyTemplate.Microsoft``.
- a ``text/calendar`` part: ``IPM.Schedule.Meeting.Request`` / ``.Canceled`` by its METHOD.
- anything else: ``IPM.Note``.
"""

from __future__ import annotations

from email.message import Message as MimePart

_OOF_SUBJECTS = ("automatic reply", "out of office", "autoreply", "auto reply")


def _report_fields(msg: MimePart, part_type: str, field: str) -> list[str]:
    values: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != part_type:
            continue
        blocks = part.get_payload()
        for block in blocks if isinstance(blocks, list) else []:
            if isinstance(block, MimePart):
                values += [str(v).strip().lower() for v in block.get_all(field, [])]
        if not values:  # some parsers leave the status text unparsed
            text = part.as_string().lower()
            prefix = field.lower() + ":"
            values += [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith(prefix)]
    return values


def _delivery_class(msg: MimePart) -> str:
    actions = _report_fields(msg, "message/delivery-status", "Action")
    if not actions or any(a.startswith("failed") for a in actions):
        return "REPORT.IPM.Note.NDR"
    if any(a.startswith("delayed") for a in actions):
        return "REPORT.IPM.Note.Delayed"
    return "REPORT.IPM.Note.DR"


def _disposition_class(msg: MimePart) -> str:
    dispositions = _report_fields(msg, "message/disposition-notification", "Disposition")
    return "REPORT.IPM.Note.IPNRN" if any("displayed" in d for d in dispositions) else "REPORT.IPM.Note.IPNNRN"


def class_from_headers(auto_submitted: str, subject: str) -> str | None:
    if auto_submitted.strip().lower().startswith("auto-replied"):
        oof = subject.strip().lower().startswith(_OOF_SUBJECTS)
        return "IPM.Note.Rules.OofTemplate.Microsoft" if oof else "IPM.Note.Rules.ReplyTemplate.Microsoft"
    return None


def infer_message_class(msg: MimePart) -> str:
    if msg.get_content_type() == "multipart/report":
        report = str(msg.get_param("report-type") or "").lower()
        if report == "delivery-status":
            return _delivery_class(msg)
        if report == "disposition-notification":
            return _disposition_class(msg)
    by_header = class_from_headers(str(msg.get("Auto-Submitted") or ""), str(msg.get("Subject") or ""))
    if by_header:
        return by_header
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            method = str(part.get_param("method") or "").upper()
            return "IPM.Schedule.Meeting.Canceled" if method == "CANCEL" else "IPM.Schedule.Meeting.Request"
    return "IPM.Note"
