"""Mailing lists and newsletters: RFC 2369/2919/8058 ``List-*`` headers, ``Precedence: bulk|list|junk``,
list-manager and ESP campaign headers, list envelope senders, and newsletter footers as last resort."""

from __future__ import annotations

import re

from shared.domain.automated_mass import bulk_mailer, from_a_mail_client
from shared.domain.automated_signals import MachineVerdict, is_reply_or_forward, unquoted_text
from shared.domain.model import MailMessage
from shared.domain.reasons import Reason

LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Post", "List-Help",
                "List-Subscribe", "List-Owner", "List-Archive", "Mailing-List", "X-Mailing-List", "X-BeenThere",
                "X-MLServer", "X-ML-Name")
CAMPAIGN_HEADERS = ("Feedback-ID", "X-Campaign", "X-CampaignID", "X-Campaign-ID", "X-CSA-Complaints",
                    "X-MC-User", "X-Mailchimp-Campaign", "X-rpcampaign", "X-Newsletter")
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


def by_bulk(msg: MailMessage) -> MachineVerdict | None:
    list_header = next((h for h in LIST_HEADERS if msg.header(h) is not None), None)
    if list_header:
        return MachineVerdict(Reason.BULK, f"It came through a mailing list or newsletter ({list_header} header).")
    precedence = (msg.header("Precedence") or msg.header("X-Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return MachineVerdict(Reason.BULK, f"It is bulk mail (Precedence: {precedence}).")
    campaign = next((h for h in CAMPAIGN_HEADERS if msg.header(h) is not None), None)
    if campaign:
        return MachineVerdict(Reason.BULK, f"It is a marketing or campaign mailing ({campaign} header).")
    mailer = bulk_mailer(msg)
    if mailer:
        return MachineVerdict(Reason.BULK, f"It was sent by a mass-mailing program (X-Mailer: {mailer[:60]}).")
    if msg.content_type == "multipart/digest":
        return MachineVerdict(Reason.BULK, "It is a mailing-list digest (multipart/digest, RFC 2046).")
    envelope = _list_envelope(msg)
    if envelope:
        return MachineVerdict(Reason.BULK, f"It came through a mailing list (list return path {envelope}).")
    if not is_reply_or_forward(msg) and not from_a_mail_client(msg) \
            and len(set(_BULK_FOOTER.findall(unquoted_text(msg)))) >= 2:
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
