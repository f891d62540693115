"""A message that keeps failing ends in the poison queue with its reason recorded, and can be replayed."""

from __future__ import annotations

import pytest

from devhost.driver import StackDriver
from tests.integration.conftest import FAST_HOST, SAMPLE_MAIL, fresh_copy

pytestmark = pytest.mark.integration


class TestPoison:
    def test_crm_outage_ends_in_poison_then_replay_captures(self, driver: StackDriver, mailbox: str) -> None:
        driver.imis.post("/faults", json={"count": 1000, "status": 503, "path_prefix": "/api/Activity",
                                          "method": "POST"}).raise_for_status()
        try:
            delivered = driver.deliver(mailbox, fresh_copy(SAMPLE_MAIL / "10-karin-junior-membership.eml"))
            key = (mailbox, delivered["id"])
            outcomes = driver.wait_for_outcomes({key}, timeout=60)
            assert outcomes[key]["outcome"] == "failed"
            assert outcomes[key]["reason"] == "retries_exhausted"
            assert str(FAST_HOST["maxDequeueCount"]) in outcomes[key]["detail"]
            # the webhook's copy, and possibly the onboarding catch-up's copy of the same id, both end there
            driver.wait_until(lambda: driver.status()["queue"]["poison_depth"] >= 1, 30, "the poison queue")
            reasons = driver.status()["queue"]["last_poison_reasons"]
            assert reasons[0]["message_id"] == delivered["id"]
            parked = driver.status()["queue"]["poison_depth"]
        finally:
            driver.imis.delete("/faults")
        replayed = driver.admin("POST", "poison/replay")
        assert replayed.status_code == 202
        assert replayed.json()["requeued"] == parked
        driver.wait_until(lambda: driver.message_outcomes()[key]["outcome"] == "captured", 60, "the replay")
        assert driver.status()["queue"]["poison_depth"] == 0
        written = [a for a in driver.crm_records()["activities"] if a.get("UF_1") == outcomes[key]["key"]]
        assert len(written) == 1  # replaying several copies still writes one record
