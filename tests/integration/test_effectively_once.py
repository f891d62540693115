"""A worker killed after the CRM write and before recording it must not write a second record on retry."""

from __future__ import annotations

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy

pytestmark = pytest.mark.integration


def activities_for(driver: StackDriver, subject_start: str) -> list[dict]:
    return [a for a in driver.crm_records()["activities"] if a.get("DESCRIPTION", "").startswith(subject_start)]


class TestCrashBetweenCrmWriteAndLedger:
    def test_process_kill_then_retry_leaves_one_record(self, stack: Stack, driver: StackDriver,
                                                       mailbox: str) -> None:
        raw = fresh_copy(SAMPLE_MAIL / "04-ben-invoice-query-pdf.eml")
        subject = raw.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].decode().strip()[:20]
        before = len(activities_for(driver, subject))
        # iMIS commits the activity, then holds the answer back for 5 s: the worker is killed meanwhile.
        driver.imis.post("/faults", json={"count": 1, "after_ms": 5000, "path_prefix": "/api/Activity",
                                          "method": "POST"}).raise_for_status()
        delivered = driver.deliver(mailbox, raw)
        driver.wait_until(lambda: len(activities_for(driver, subject)) == before + 1, 30, "the CRM write")
        stack.kill_host(hard=True)  # SIGKILL: no exception handler, no ledger update
        stack.start_host()
        outcomes = driver.wait_for_outcomes({(mailbox, delivered["id"])}, timeout=60)
        assert outcomes[(mailbox, delivered["id"])]["outcome"] == "captured"
        assert len(activities_for(driver, subject)) == before + 1
        recovered = driver.decisions(mailbox=mailbox, outcome="captured")
        assert any(e.get("record_kind") == "activity" for e in recovered)
