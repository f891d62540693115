"""Claims in the capture ledger: one writer per (key, contact), for CRM records and created contacts alike."""

from __future__ import annotations

import time

from shared.domain.errors import TransientError
from shared.ports import Claim, ClaimState
from shared.services.deps import Services


def claim_once(ledger_key: str, contact_id: str, owner: str, deps: Services, patience_s: float = 8.0) -> Claim:
    """Claim the row; while another invocation holds it (webhook and delta racing), wait a little for it to
    finish rather than paying a whole queue visibility timeout; still busy after that: look again later. A busy
    row is not this message's failure (the holder is working, e.g. on a CRM write that takes its full timeout),
    so the retry is deferred by ``patience_s`` (``retry_after``) without spending one of the queue's attempts:
    a duplicate delivery must never reach the poison queue because the first one was slow."""
    deadline = time.monotonic() + patience_s
    while True:
        claim = deps.ledger.claim(ledger_key, contact_id, owner, deps.clock.now())
        if claim.state != ClaimState.BUSY:
            return claim
        if time.monotonic() > deadline:
            raise TransientError(f"another worker is writing {ledger_key} for {contact_id}",
                                 retry_after=max(patience_s, 1.0))
        time.sleep(0.2)
