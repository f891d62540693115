"""Why a queue message went to the poison queue, recorded whatever failed: the decision log (which the status
page's last_poison_reasons reads) and, should that write fail too, the worker's own log."""

from __future__ import annotations

import logging
import re
from typing import Any

from shared.domain.reasons import Outcome, Reason
from shared.domain.work import WorkItem
from shared.services.decision_log import DecisionRecorder
from shared.services.deps import Services

logger = logging.getLogger(__name__)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _printable(value: Any, limit: int = 1024) -> str:
    """Storage refuses some characters (Table storage answers InvalidInput): the entry must still be written."""
    return _UNPRINTABLE.sub("\ufffd", str(value))[:limit] or "(none)"


def record_poison(payload: dict[str, Any], exc: BaseException, deps: Services, attempts: int) -> None:
    kind = str(payload.get("kind", "message"))
    message_id = payload.get("message_id") if kind == "message" else f"({kind} {payload.get('event') or ''})"
    if kind == "messages" and isinstance(payload.get("message_ids"), list):  # a batch: replaying it retries them all
        message_id = f"(batch of {len(payload['message_ids'])} message ids)"
    item = WorkItem(_printable(payload.get("mailbox")).lower(), _printable(message_id or "(none)"),
                    _printable(payload.get("folder") or "inbox", 256), _printable(payload.get("source") or kind, 40))
    detail = _printable(f"Gave up after {attempts} attempts: {type(exc).__name__}: {exc}. "
                        f"The message is in the poison queue {deps.poison_name}.", 2000)
    logger.error("poison: %s %s/%s: %s", kind, item.mailbox, item.message_id, detail)
    try:
        recorder = DecisionRecorder(deps, item)
        recorder.message(Outcome.FAILED, Reason.RETRIES_EXHAUSTED, detail)
        recorder.flush()
    except Exception:  # the reason is in the worker's log above; nothing more can be done here
        logger.exception("poison: the decision log refused the entry for %s/%s", item.mailbox, item.message_id)
