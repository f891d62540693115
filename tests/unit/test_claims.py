"""A ledger row held by another invocation is waited for briefly, then the work is deferred, not failed."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest

from shared.domain.errors import TransientError
from shared.ports import Claim, ClaimState
from shared.services.claims import claim_once
from shared.services.deps import Services


def deps_with(*states: ClaimState) -> Services:
    answers = iter(states)
    ledger = SimpleNamespace(claim=lambda *a: cast(Any, SimpleNamespace(state=next(answers))))
    return cast(Services, SimpleNamespace(ledger=ledger, clock=SimpleNamespace(now=lambda: datetime.now(UTC))))


def test_a_row_freed_while_waiting_is_claimed() -> None:
    claim: Claim = claim_once("k", "101", "me", deps_with(ClaimState.BUSY, ClaimState.NEW), patience_s=5)
    assert claim.state == ClaimState.NEW


def test_a_row_still_busy_defers_the_work_with_retry_after() -> None:
    with pytest.raises(TransientError) as raised:
        claim_once("k", "101", "me", deps_with(*[ClaimState.BUSY] * 50), patience_s=0.3)
    assert raised.value.retry_after == 1.0  # re-queued later without spending a queue attempt (worker.py)
