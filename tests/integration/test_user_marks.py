"""Marks people set in Outlook, on the local stack: mail marked Private stays out of the CRM."""

from __future__ import annotations

import pytest

from devhost.driver import StackDriver
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy
from tests.integration.test_capture_flow import records_of

pytestmark = pytest.mark.integration

ALICE = SAMPLE_MAIL / "01-alice-renewal-question.eml"


class TestPrivateMail:
    def test_mail_marked_private_is_skipped_and_writes_nothing(self, driver: StackDriver, mailbox: str) -> None:
        raw = b"Sensitivity: Private\n" + fresh_copy(ALICE)  # Exchange keeps it as PidTagSensitivity = 2
        delivered = driver.deliver(mailbox, raw)
        outcomes = driver.wait_for_outcomes({(mailbox, delivered["id"])})
        entry = outcomes[(mailbox, delivered["id"])]
        assert (entry["outcome"], entry["reason"]) == ("skipped", "private")
        assert records_of(driver, raw) == []

    def test_the_same_mail_unmarked_is_captured(self, driver: StackDriver, mailbox: str) -> None:
        raw = fresh_copy(ALICE)
        delivered = driver.deliver(mailbox, raw)
        outcomes = driver.wait_for_outcomes({(mailbox, delivered["id"])})
        assert outcomes[(mailbox, delivered["id"])]["outcome"] == "captured"
        assert [a["PartyId"] for a in records_of(driver, raw)] == ["20001"]


class TestNeverCaptureCategory:
    def test_a_message_with_the_category_is_skipped(self, driver: StackDriver, mailbox: str) -> None:
        message = {"subject": "Personal note", "categories": ["Not for CRM"],
                   "from": {"emailAddress": {"address": "alice.moreau@example.org", "name": "Alice Moreau"}},
                   "toRecipients": [{"emailAddress": {"address": mailbox}}],
                   "body": {"contentType": "text", "content": "Just between us."}}
        delivered = driver.deliver_json(mailbox, message)
        entry = driver.wait_for_outcomes({(mailbox, delivered["id"])})[(mailbox, delivered["id"])]
        assert (entry["outcome"], entry["reason"]) == ("skipped", "excluded_by_user")
