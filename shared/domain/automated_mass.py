"""Marks of mass mailing that a person's mail client does not leave: a mass-mailing program, an unsubscribe
footer, links personalised with the recipient's address, an envelope sender made for bounce processing or
minted per recipient (VERP), recipients hidden from the To field. One mark alone is weak evidence (people
mention unsubscribing, hide recipients, use forwarding services); the sender rules ask for two, or for one
together with a sender role word. A footer does not count in mail written in a person's mail program to a named
recipient: companies put unsubscribe lines into every employee's signature.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from shared.domain.automated_signals import is_reply_or_forward, shown_body, unquoted_text
from shared.domain.model import MailMessage

# Programs that only send mass mail (X-Mailer / User-Agent values).
_BULK_MAILER = re.compile(
    r"accucast|targetmail|lyris|listmanager|strongmail|mailchimp|campaign ?monitor|constant ?contact|phplist|"
    r"sendy|mailjet|sendinblue|acumbamail|octeth|e-?mail ?marketing|newsletter|mass ?mail|bulk ?mail|"
    r"store-mailer|sunmail|exacttarget|salesforce marketing|responsys|eloqua|marketo|pardot|klaviyo|"
    r"mailerlite|getresponse|aweber|icontact|benchmark ?email|cheetahmail|emarsys|mailup",
    re.I)
_FOOTER = re.compile(
    r"unsubscribe|opt[- ]?out|subscri(?:ption|ber) (?:information|preferences|settings)|manage (?:your )?subscription"
    r"|(?:account|e-?mail) preferences|abmelden|se d[ée]sinscrire|d[ée]sabonner|darse de baja|cancelar (la )?suscripci"
    r"|afmelden|uitschrijven|avregistrer|disiscriviti|annulla l.iscrizione|wypisz|отписаться|配信停止|退订", re.I)
# Envelope senders that mass-mailing services use to process bounces (never BATV "prvs=" or SRS "SRS0=").
_BOUNCE_ENVELOPE = re.compile(r"^(?:bounces?|bnc|return|mailer-?bounces?|rp)(?:$|[-+._=])|[-.]bounces?(?:$|[-+._=])",
                              re.I)
# A sender address minted per recipient or per mailing (VERP): a long token in which letters and digits
# alternate at least four times ("UgGTgZFN19NAr9RR"), unlike a person's "johnsmith1987".
_PER_RECIPIENT = re.compile(r"[a-z0-9]{0,40}?(?:[a-z]+\d+){2,}[a-z]+\d*[a-z0-9]{0,40}|[a-z0-9]{0,40}?(?:\d+[a-z]+){2,}"
                            r"\d+[a-z0-9]{0,40}", re.I)
# Programs people write mail in (desktop, mobile and webmail clients).
_MAIL_CLIENT = re.compile(r"outlook|apple mail|iphone mail|ipad mail|thunderbird|evolution|kmail|mutt|gnus|eudora|"
                          r"mulberry|sylpheed|claws|postbox|em client|mailbird|the bat|pegasus|seamonkey|airmail|"
                          r"windows live mail|lotus notes|zimbra|roundcube|horde|squirrelmail|rainloop|sogo", re.I)
_URL = re.compile(r"https?://[^\s\"'<>]{1,2000}", re.I)
# Link-protection services that rewrite each link per recipient (Defender Safe Links puts the recipient's address
# in its data parameter), on people's mail as much as on newsletters.
_REWRITER = re.compile(r"^https?://[^/]*(?:safelinks\.protection\.outlook\.com|urldefense|mimecast|"
                       r"linkprotect|protect-[a-z]{2}\.|trendmicro|barracuda)", re.I)
_UNDISCLOSED = re.compile(r"undisclosed|recipients? (?:suppressed|not shown)|^$", re.I)


def bulk_mailer(msg: MailMessage) -> str:
    """The X-Mailer of a mass-mailing program, or ""."""
    mailer = msg.header("X-Mailer") or ""
    return mailer.strip() if _BULK_MAILER.search(mailer) else ""


def mass_mailing_signs(msg: MailMessage) -> list[str]:
    """Each distinct mark found, as a short phrase for the decision's detail."""
    signs = []
    mailer = bulk_mailer(msg) or (msg.header("User-Agent") or "").strip()
    if _BULK_MAILER.search(mailer):
        signs.append(f"a mass-mailing program ({mailer[:60]})")
    fresh = not is_reply_or_forward(msg)
    text = unquoted_text(msg) if fresh else ""
    if fresh and _FOOTER.search(text[-6000:]) and not from_a_mail_client(msg):
        signs.append("an unsubscribe footer")
    if fresh and _links_name_recipient(msg):
        signs.append("links personalised with the recipient's address")
    envelope = _envelope_sign(msg)
    if envelope:
        signs.append(envelope)
    if fresh and _hidden_recipients(msg):
        signs.append("recipients hidden from the To field")
    return signs


def from_a_mail_client(msg: MailMessage) -> bool:
    """Written in a person's mail program (Outlook's Thread-Index, or the client named in X-Mailer/User-Agent)
    to a recipient named in To: footer lines alone do not outweigh that, because companies put unsubscribe lines
    into every employee's signature (Canada's CASL asks for one in each commercial message)."""
    named = any(a.email and a.email != (msg.author.email if msg.author else "") for a in msg.to)
    program = f"{msg.header('X-Mailer') or ''} {msg.header('User-Agent') or ''}"
    return named and (msg.header("Thread-Index") is not None or bool(_MAIL_CLIENT.search(program)))


def _links_name_recipient(msg: MailMessage) -> bool:
    html_and_text = shown_body(msg)
    recipients = {a.email.lower() for a in msg.to + msg.cc if "@" in a.email}
    if not recipients:
        return False
    for url in _URL.findall(html_and_text):
        if _REWRITER.search(url):  # link protection rewrites every link of every message with the recipient
            continue
        decoded = unquote(unquote(url)).lower()
        if any(r in decoded for r in recipients):
            return True
    return False


def _envelope_sign(msg: MailMessage) -> str:
    # Errors-To (RFC 2076: non-standard, set by list and bulk software to collect bounces) counts like the path.
    for field in ("Return-Path", "Errors-To"):
        for value in msg.header_all(field):
            local = value.strip().strip("<>").partition("@")[0]
            if _BOUNCE_ENVELOPE.search(local):
                what = "return path" if field == "Return-Path" else field
                return f"a bounce-processing {what} ({value.strip()[:60]})"
    author = msg.author.local_part if msg.author else ""
    for local in [author, *(v.strip().strip("<>").partition("@")[0] for v in msg.header_all("Return-Path"))]:
        # a local part is at most 64 octets (RFC 5321 4.5.3.1.1); longer input would make the pattern's nested
        # repetition backtrack for minutes (a 6,000-character From took 49 s)
        if any(len(m) >= 12 for m in _PER_RECIPIENT.findall(local[:64])):
            return f"a sender address minted per recipient ({local[:60]})"
    return ""


def _hidden_recipients(msg: MailMessage) -> bool:
    """Nobody but the sender (or an "undisclosed recipients" group) in To and Cc: the real recipients were
    sent as Bcc, as mass mailings are."""
    named = [a for a in msg.to + msg.cc if a.email]
    author = msg.author.email if msg.author else ""
    if not named:
        return any(_UNDISCLOSED.search(a.name) for a in msg.to) or not msg.to
    return all(a.email == author for a in named)
