"""Claims in the capture ledger: one writer per (key, contact), for CRM records and created contacts alike."""

from __future__ import annotations

import time

from shared.domain.errors import TransientError
from shared.ports import Claim, ClaimState
from shared.services.deps import Services


def claim_once(ledger_key: str, contact_id: str, owner: str, deps: Services, patience_s: float = 8.0) -> Claim:
    """Claim the row; while another invocation holds it (webhook and delta racing), wait a little for it to
    finish rather than paying a whole queue visibility timeout; still busy after that: retry later."""
    deadline = time.monotonic() + patience_s
    while True:
        claim = deps.ledger.claim(ledger_key, contact_id, owner, deps.clock.now())
        if claim.state != ClaimState.BUSY:
            return claim
        if time.monotonic() > deadline:
            raise TransientError(f"another worker is writing {ledger_key} for {contact_id}")
        time.sleep(0.2)
