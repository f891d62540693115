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


def parties_with(driver: StackDriver, address: str) -> list[dict]:
    """Parties the service created through the CRM's API that carry this address."""
    return [p for p in driver.crm_records()["parties"] if address in json_text(p)]


class TestAutoLinkExclusions:
    """Free-mail domains (auto_link_excluded_domains, issue 16 item 8) never cause contact creation."""

    def test_a_stranger_on_a_free_mail_domain_creates_no_contact(self, driver: StackDriver, mailbox: str) -> None:
        stranger, newcomer = f"s-{uuid.uuid4().hex[:6]}@gmail.com", f"n-{uuid.uuid4().hex[:6]}@example.net"
        patch_options(driver, {"create_contact_if_not_found": True})
        try:
            free = outcome(driver, mailbox, customer_mail(mailbox, sender=stranger))
            other = outcome(driver, mailbox, customer_mail(mailbox, sender=newcomer))
        finally:
            patch_options(driver, {"create_contact_if_not_found": False})
        assert (free["outcome"], free["reason"]) == ("skipped", "no_contact")
        assert "gmail.com" in free["detail"]
        assert parties_with(driver, stranger) == []
        assert other["outcome"] == "captured" and len(parties_with(driver, newcomer)) == 1


class TestSeedRoles:
    """The seed's Add New Contact Roles and Interaction Roles against a mailbox owner's roles (issue 16 item 9)."""

    def test_only_a_mailbox_whose_owner_holds_the_role_creates_contacts(self, driver: StackDriver) -> None:
        allowed, plain = (f"{who}-{uuid.uuid4().hex[:6]}@association.example" for who in ("allowed", "plain"))
        patch_options(driver, {"create_contact_if_not_found": True,
                               "add_new_contact_roles": ["MailCapture.NewContacts"]})
        try:
            driver.add_mailbox(allowed, "Allowed", import_days=0, roles=["MailCapture.NewContacts"])
            driver.add_mailbox(plain, "Plain", import_days=0)
            first, second = (f"p-{uuid.uuid4().hex[:6]}@example.net" for _ in range(2))
            refused = outcome(driver, plain, customer_mail(plain, sender=first))
            created = outcome(driver, allowed, customer_mail(allowed, sender=second))
        finally:
            patch_options(driver, {"create_contact_if_not_found": False, "add_new_contact_roles": []})
        assert refused["outcome"] == "skipped" and parties_with(driver, first) == []
        assert created["outcome"] == "captured" and len(parties_with(driver, second)) == 1

    def test_a_mailbox_asking_for_more_than_its_roles_allow_is_refused(self, driver: StackDriver) -> None:
        address = f"sales-{uuid.uuid4().hex[:6]}@association.example"
        patch_options(driver, {"interaction_roles": ["MailCapture.Interactions"]})
        try:
            driver.graph.post("/mailboxes", json={"address": address, "displayName": "Sales"})
            answer = driver.admin("POST", "mailboxes", json={"address": address, "record_types": ["interaction"],
                                                             "roles": ["MailCapture.Activities"]})
        finally:
            patch_options(driver, {"interaction_roles": []})
        assert answer.status_code == 400
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "Interaction Roles" in answer.json()["detail"]
        assert all(m["address"] != address for m in driver.status()["mailboxes"])
