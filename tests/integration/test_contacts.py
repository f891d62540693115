"""Options that change who gets a record: create the contact, or link to the organisation by domain."""

from __future__ import annotations

import uuid

import pytest

from devhost.driver import StackDriver
from tests.integration.mail import customer_mail

pytestmark = pytest.mark.integration


def patch_options(driver: StackDriver, patch: dict) -> None:
    etag = driver.admin("GET", "options").headers["ETag"]
    driver.admin("PATCH", "options", json=patch, headers={"If-Match": etag}).raise_for_status()


def outcome(driver: StackDriver, mailbox: str, raw: bytes) -> dict:
    delivered = driver.deliver(mailbox, raw)
    return driver.wait_for_outcomes({(mailbox, delivered["id"])})[(mailbox, delivered["id"])]


class TestUnknownSenders:
    def test_organisation_by_domain(self, driver: StackDriver, mailbox: str) -> None:
        patch_options(driver, {"link_organisation_by_domain": True})
        try:
            entry = outcome(driver, mailbox, customer_mail(mailbox, sender="sales.new@northwind-bikes.example"))
        finally:
            patch_options(driver, {"link_organisation_by_domain": False})
        assert entry["outcome"] == "captured"
        [activity] = [a for a in driver.crm_records()["activities"] if str(a["SEQN"]) == entry["record_ids"][0]]
        assert activity["PartyId"] == "10002"  # Northwind Bikes Ltd

    def test_create_contact_if_not_found(self, driver: StackDriver, mailbox: str) -> None:
        sender = f"prospect-{uuid.uuid4().hex[:6]}@example.net"
        patch_options(driver, {"create_contact_if_not_found": True})
        try:
            entry = outcome(driver, mailbox, customer_mail(mailbox, sender=sender))
        finally:
            patch_options(driver, {"create_contact_if_not_found": False})
        assert entry["outcome"] == "captured"
        created = [p for p in driver.crm_records()["parties"]
                   if sender in json_text(p)]
        assert len(created) == 1


def json_text(value: object) -> str:
    import json

    return json.dumps(value)
