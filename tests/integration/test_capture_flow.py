"""Notification → queue → worker → iMIS record, with the real handshake and the decision log."""

from __future__ import annotations

import email

import httpx
import pytest

from devhost.crm_view import capture_key
from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.conftest import SAMPLE_MAIL, fresh_copy

pytestmark = pytest.mark.integration

ALICE = SAMPLE_MAIL / "01-alice-renewal-question.eml"


def records_of(driver: StackDriver, raw: bytes) -> list[dict]:
    """The CRM's activities that carry this email's capture key."""
    key = capture_key(email.message_from_bytes(raw)["Message-ID"])
    return [a for a in driver.crm_records()["activities"] if a.get("UF_1") == key]


class TestOnboarding:
    def test_subscribes_each_folder_after_the_graph_handshake(self, driver: StackDriver, mailbox: str) -> None:
        folders = driver.status()["mailboxes"]
        mine = next(m for m in folders if m["address"] == mailbox)
        assert {f["folder"] for f in mine["folders"]} == {"inbox", "sentitems"}
        assert all(f["subscription_id"] and not f["subscription_expired"] for f in mine["folders"])


class TestCapture:
    def test_a_customer_email_becomes_one_activity(self, driver: StackDriver, mailbox: str) -> None:
        raw = fresh_copy(ALICE)
        delivered = driver.deliver(mailbox, raw)
        driver.wait_for_outcomes({(mailbox, delivered["id"])})
        [activity] = records_of(driver, raw)  # one record in the CRM, however many deliveries and catch-ups
        assert (activity["PartyId"], activity["ACTIVITY_TYPE"]) == ("20001", "EMAIL")
        assert activity["DESCRIPTION"].startswith("Renewal for 2026")
        assert "bank transfer" in activity["NOTE"]
        assert activity["NOTE_2"].startswith("Inbound email. From: Alice Moreau")
        contact_entries = driver.decisions(mailbox=mailbox, contact_id=activity["PartyId"])
        assert "single invoice" in activity["NOTE"]
        assert contact_entries and "single invoice" not in str(contact_entries)  # the log holds no body text


class TestWebhook:
    def test_answers_the_validation_handshake_with_the_token(self, stack: Stack) -> None:
        answer = httpx.post(f"{stack.host_url}/api/graph/notifications", params={"validationToken": "abc 123"})
        assert (answer.status_code, answer.text) == (200, "abc 123")
        assert answer.headers["content-type"].startswith("text/plain")

    def test_refuses_and_counts_a_wrong_client_state(self, stack: Stack, driver: StackDriver, mailbox: str) -> None:
        sub = driver.status()["mailboxes"]
        sub_id = next(m for m in sub if m["address"] == mailbox)["folders"][0]["subscription_id"]
        before = driver.status()["webhook_rejected"]
        body = {"value": [{"subscriptionId": sub_id, "clientState": "not-the-secret", "changeType": "created",
                           "resource": "Users/x/Messages/forged", "resourceData": {"id": "forged"}}]}
        answer = httpx.post(f"{stack.host_url}/api/graph/notifications", json=body)
        assert answer.status_code == 202
        assert driver.status()["webhook_rejected"] == before + 1
        assert not driver.decisions(mailbox=mailbox)  # nothing was queued for the forged id

    def test_refuses_a_malformed_body(self, stack: Stack) -> None:
        answer = httpx.post(f"{stack.host_url}/api/graph/notifications", content=b"{not json")
        assert answer.status_code == 400
