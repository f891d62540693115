"""Explain one MIME message: the decision every rule that needs no CRM or Graph call would take.

Used by the admin API (``POST /api/manage/explain``) and ``python -m shared.explain``; the MIME parser is
passed in (the adapter is wired by the caller), so this stays free of I/O.
"""

from __future__ import annotations

from typing import Any

from shared.domain.errors import UnparseableMessage
from shared.domain.filters import MailboxContext, decide, lookup_participants
from shared.domain.model import Folder
from shared.domain.options import Options
from shared.domain.reasons import Reason
from shared.ports import MimeParser


def explain_message(raw: bytes, options: Options, mailbox: str, folder: Folder, name: str,
                    parse: MimeParser) -> dict[str, Any]:
    """The explain answer for one message: {file, decision, reason, detail, participants}."""
    try:
        msg = parse(raw, folder)
    except UnparseableMessage as exc:
        return unparseable(name, str(exc))
    except Exception as exc:  # a parser bug must cost one line, not the run
        return unparseable(name, f"the parser failed ({type(exc).__name__})")
    context = MailboxContext(address=mailbox.strip().lower())
    decision = decide(msg, options, context)
    participants = [a.email for a in lookup_participants(msg, options, context)] if decision.capture else []
    return {
        "file": name,
        "decision": "capture" if decision.capture else "skip",
        "reason": decision.reason.value if decision.reason else None,
        "detail": decision.detail,
        "participants": participants,
    }


def unparseable(name: str, why: str) -> dict[str, Any]:
    return {"file": name, "decision": "skip", "reason": Reason.UNPARSEABLE.value,
            "detail": f"The message could not be parsed: {why}.", "participants": []}
