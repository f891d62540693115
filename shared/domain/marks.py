"""What the sender or the mailbox owner marked on a message: its sensitivity (Outlook's Normal, Personal,
Private, Confidential) and its Outlook categories (a "Not for CRM" category keeps it out).

Two sources, one meaning:
- Graph: v1.0's ``message`` resource has no ``sensitivity`` property (only ``event`` has one), so the worker
  reads MAPI PidTagSensitivity (property tag 0x0036, PT_LONG) as a single-value extended property in the same
  fetch: 0 normal, 1 personal, 2 private, 3 confidential ([MS-OXCMSG] 2.2.1.13,
  learn.microsoft.com/openspecs/exchange_server_protocols/ms-oxcmsg/4c5f91f9-e25c-47bd-901f-71e0610d6346).
- MIME: the ``Sensitivity`` header (RFC 2156 section 5.3.4: ``Personal``, ``Private``,
  ``Company-Confidential``), which Exchange maps to the same property (CDO ``urn:schemas:mailheader:sensitivity``).
"""

from __future__ import annotations

from shared.domain.model import MailMessage

NORMAL = "normal"
PRIVATE_LEVELS = ("personal", "private", "confidential")
_BY_MAPI = {0: NORMAL, 1: "personal", 2: "private", 3: "confidential"}
_BY_HEADER = {"personal": "personal", "private": "private", "company-confidential": "confidential",
              "company confidential": "confidential", "confidential": "confidential", "normal": NORMAL}


def sensitivity_from_mapi(value: str | int | None) -> str:
    """PidTagSensitivity as Graph returns it (the value of an extended property is a string); "" if unknown."""
    try:
        return _BY_MAPI.get(int(str(value).strip()), "") if value is not None else ""
    except ValueError:
        return ""


def sensitivity(msg: MailMessage) -> str:
    """The message's sensitivity: the MAPI property when Graph gave it, else the Sensitivity header."""
    if msg.sensitivity:
        return msg.sensitivity
    header = (msg.header("Sensitivity") or "").strip().lower()
    return _BY_HEADER.get(header, "")


def is_private(msg: MailMessage) -> bool:
    return sensitivity(msg) in PRIVATE_LEVELS


def categories(msg: MailMessage) -> tuple[str, ...]:
    """Graph's ``categories``; from MIME the ``Keywords`` header, where MIME writers put one keyword per
    category, separated by ", " (PidLidCategories, learn.microsoft.com/office/client-developer/outlook/mapi/
    pidlidcategories-canonical-property; RFC 5322 section 3.6.5)."""
    if msg.categories:
        return msg.categories
    return tuple(k.strip() for value in msg.header_all("Keywords") for k in value.split(",") if k.strip())


def has_category(msg: MailMessage, name: str) -> bool:
    """Outlook compares category names without regard to case; surrounding spaces are not part of a name."""
    wanted = name.strip().casefold()
    return bool(wanted) and any(c.strip().casefold() == wanted for c in categories(msg))
