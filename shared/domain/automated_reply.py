"""Automatic replies (RFC 3834): ``Auto-Submitted: auto-replied``, auto-responder headers, auto-responder
subject prefixes, and out-of-office subjects or texts only when backed by a machine marker, so a person's
"Re: Automatic reply: …" is kept."""

from __future__ import annotations

import re

from shared.domain.automated_signals import (
    REPLY_PREFIXES,
    MachineVerdict,
    auto_submitted,
    body_sample,
    has_machine_marker,
    is_reply_or_forward,
    null_return_path,
    plain_subject,
    return_path,
    unquoted_text,
)
from shared.domain.model import MailMessage
from shared.domain.reasons import Reason

# Set only by auto-responders (vacation programs, hMailServer, cPanel, Zimbra…); the value may be anything.
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply", "X-Autoreply-From",
                      "X-Mail-Autoreply", "X-Vacation")
# Prefixes that auto-responders put before the original subject; no person types them (a reply is "Re: …").
_AUTO_REPLY_PREFIX = re.compile(
    r"(auto(matic)?[ -]?(reply|response|answer)|autoreply|autoresponse|out of office auto ?reply"
    r"|automatische antwort|abwesenheitsnotiz|réponse automatique|respuesta automática|risposta automatica"
    r"|automatisch antwoord|resposta automática|automatyczna odpowiedź|automaattinen vastaus|autosvar|自動応答"
    r"|automatiskt? svar|automatická odpověď|automatikus válasz|автоматический ответ|otomatik yanıt"
    r"|αυτόματη απάντηση|自动答复|自动回复|自動回覆|자동 회신|automatski odgovor|samodejni odgovor"
    r"|automatická odpoveď|răspuns automat|automātiskā atbilde|automatinis atsakymas|automaatne vastus"
    r"|автоматична відповідь|автоматичен отговор|תשובה אוטומטית|رد تلقائي|ตอบกลับอัตโนมัติ|trả lời tự động"
    r"|balasan otomatis|resposta automàtica|sjálfvirkt svar)\s*:", re.I)
# Challenge-response systems (TMDA, Spam Arrest, Boxbe, ChoiceMail…): the sender must prove to be a person.
_CHALLENGE = re.compile(
    r"(?:confirm|verify|prove) (?:that )?you (?:are|\'re) (?:a )?(?:human|real person|not a (?:robot|spammer))"
    r"|(?:challenge[- ]response|sender verification|spam ?arrest|whitelist request)"
    r"|confirm (?:that )?(?:your|this) (?:message|e-?mail) was (?:sent|written) by (?:you|a (?:real )?person)"
    r"|please confirm your (?:message|e-?mail) (?:so|to|before)|awaiting (?:your )?(?:sender )?verification"
    r"|anti-?spam (?:system|service|software|filter)[^.]{0,80}(?:confirm|verify)"
    r"|your (?:message|e-?mail) (?:is|has been|was) (?:being )?(?:held|quarantined|queued)[^.]{0,80}"
    r"(?:until|pending|unless) (?:you|the sender)"
    r"|bestätigen sie, dass sie ein mensch|confirmez que vous (?:êtes|etes) un humain", re.I)
# Responders that set no header often say so in their first sentence.
_SELF_DECLARED = re.compile(
    r"this is an? (?:automated|automatic|auto-generated|auto) (?:response|reply|message|answer|e-?mail)"
    r"|(?:automated|automatic) (?:response|reply) to (?:a|your) message|this (?:e-?mail|message) (?:is|was) "
    r"(?:automatically|auto-?) ?generated in (?:reply|response)|dies ist eine automatische (?:antwort|nachricht)"
    r"|ceci est une réponse automatique|este es un mensaje automático|questa è una risposta automatica"
    r"|dit is een automatisch (?:antwoord|bericht)", re.I)
# Opening lines of out-of-office texts; only used together with a machine marker.
_OOF_BODY = re.compile(
    r"out of (the )?office|on (annual |parental |sick )?leave|away from (my desk|the office|my e-?mail)"
    r"|limited access to (my )?e-?mail|(will|shall) (respond|reply|get back to you|answer).{0,40}(return|back)"
    r"|currently (away|unavailable|travelling|traveling|on vacation)|abwesend|absent du bureau|fuera de la oficina",
    re.I)
_AUTO_REPLY_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto(matic)?[- ]?(reply|response|answer)|autoreply|autoresponse"
    r"|away from (my|the) (mail|e-?mail|office|desk)|on (vacation|holiday|leave)|vacation (reply|notice)"
    r"|abwesenheit|automatische antwort|réponse automatique|respuesta automática|risposta automatica"
    r"|automatisch antwoord|afwezig|fuera de la oficina|absence|autosvar|automaattinen vastaus|自動応答|不在", re.I)


def by_auto_reply(msg: MailMessage) -> MachineVerdict | None:
    submitted = auto_submitted(msg)
    if submitted == "auto-replied" and plain_subject(msg.subject) in ("unsubscribe", "subscribe"):
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
    if (submitted not in ("", "no") or null_return_path(msg)) and _OOF_BODY.search(body_sample(msg)[:600]):
        return MachineVerdict(Reason.AUTO_REPLY, f"It is an automatic reply (out-of-office text, Auto-Submitted: "
                                                 f"{submitted or 'absent'}, Return-Path {return_path(msg)}).")
    return _by_reply_text(msg)


def _by_reply_text(msg: MailMessage) -> MachineVerdict | None:
    """An answer to our mail whose own opening says a program wrote it: a responder that sets no header, or a
    challenge-response system asking the sender to prove they are a person (RFC 3834 5 counts both)."""
    if not (is_reply_or_forward(msg) or has_machine_marker(msg)) or plain_subject(msg.subject).startswith(
            ("fw:", "fwd:", "wg:", "tr:", "i:", "enc:")):
        return None
    opening = " ".join(unquoted_text(msg)[:700].split())
    if _CHALLENGE.search(opening):
        return MachineVerdict(Reason.AUTO_REPLY, "It is a challenge-response reply asking to confirm the sender "
                                                 "before the message is delivered.")
    if _SELF_DECLARED.search(opening[:300]):
        return MachineVerdict(Reason.AUTO_REPLY, "It is an automatic reply (its text says it was sent "
                                                 "automatically).")
    return None


def auto_reply_header(msg: MailMessage) -> str:
    found = next((h for h in AUTO_REPLY_HEADERS if msg.header(h) is not None), "")
    if found:
        return found
    if (msg.header("X-Autogenerated") or "").strip().lower() == "reply":
        return "X-Autogenerated: Reply"
    if (msg.header("Precedence") or "").strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    return ""


def subject_is_auto_reply(subject: str) -> bool:
    plain = plain_subject(subject)
    return not plain.startswith(REPLY_PREFIXES) and bool(_AUTO_REPLY_SUBJECT.search(plain))
