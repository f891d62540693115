"""Signals shared by the machine-mail rule families: RFC 3834 and RFC 5321 header evidence, subjects and
body samples. Pure functions of ``MailMessage``."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from shared.domain.model import MailMessage
from shared.domain.reasons import Reason


@dataclass(frozen=True, slots=True)
class MachineVerdict:
    reason: Reason
    detail: str  # one readable sentence naming the evidence


REPLY_PREFIXES = ("re:", "aw:", "sv:", "vs:", "antw:", "rif:", "réf:", "tr:", "wg:", "fw:", "fwd:", "i:", "enc:")


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


def return_path(msg: MailMessage) -> str:
    value = msg.header("Return-Path")
    return value.strip() if value is not None else "absent"


def has_machine_marker(msg: MailMessage) -> bool:
    """Anything a person's mail client does not set: backs up a subject that reads like an auto-reply."""
    return (auto_submitted(msg) not in ("", "no") or null_return_path(msg)
            or msg.header("X-Auto-Response-Suppress") is not None
            or msg.header("X-MS-Exchange-Inbox-Rules-Loop") is not None
            or (msg.header("Precedence") or "").strip().lower() in ("bulk", "junk", "list"))


_LIST_TAG = re.compile(r"^(?:\[[^\]]{1,60}\]\s*)+")


def plain_subject(subject: str) -> str:
    """Lower-case, whitespace collapsed, leading list tags ("[SAtalk] ") removed."""
    return _LIST_TAG.sub("", " ".join(subject.split()).lower())


def is_reply_or_forward(msg: MailMessage) -> bool:
    return bool(msg.in_reply_to or msg.references or plain_subject(msg.subject).startswith(REPLY_PREFIXES))


def shown_body(msg: MailMessage) -> str:
    """The body Graph returns for the message: the HTML alternative when there is one, else the text. Rules
    read only this one, so a MIME copy and a Graph copy of the same mail decide alike."""
    return msg.body_html[:200_000] or msg.body_text[:60_000]


def _html_text(markup: str) -> str:
    """Text of an HTML body: quoted blocks, styles and scripts dropped, tags turned into line breaks."""
    markup = _DROPPED_HTML.sub(" ", markup)
    return html.unescape(re.sub(r"<[^>]{0,2000}>", "\n", markup))


_DROPPED_HTML = re.compile(r"<(blockquote|style|script|head)\b[\s\S]*?</\1\s*>", re.I)


def body_sample(msg: MailMessage) -> str:
    return _html_text(msg.body_html[:60_000]) if msg.body_html else msg.body_text[:20_000]


def unquoted_text(msg: MailMessage) -> str:
    """The shown body without quoted lines, HTML tags and entities, whitespace collapsed (footers wrap)."""
    text = _html_text(msg.body_html[:200_000]) if msg.body_html else msg.body_text[:60_000]
    kept = (line for line in text.splitlines() if not line.lstrip().startswith(">"))
    return " ".join(" ".join(kept).split())
