"""The capture folder and whole-mailbox capture on the local stack (host, Azurite, Graph and iMIS emulators):
mail filed into a folder on arrival, as an Outlook rule does, is captured exactly once; Junk and Deleted not."""

from __future__ import annotations

import uuid

import pytest

from devhost.driver import StackDriver
from tests.integration.mail import customer_mail, subject_of
from tests.integration.test_delivery import captured_once

pytestmark = pytest.mark.integration


def bulk_mail(to: str) -> bytes:
    """Person-looking mail the rules skip as bulk (a list header)."""
    raw = customer_mail(to)
    return raw.replace(b"Subject: ", b"List-Id: <news.example.org>\nPrecedence: bulk\nSubject: ", 1)


def new_mailbox(driver: StackDriver, *folders: tuple[str, str]) -> tuple[str, dict[str, str]]:
    """A Graph mailbox with user folders ((name, parent) pairs, parent "" for the top level) made before it is
    onboarded, as an existing mailbox has them; returns the address and each folder's id."""
    address = f"folders-{uuid.uuid4().hex[:8]}@association.example"
    driver.graph.post("/mailboxes", json={"address": address}).raise_for_status()
    ids: dict[str, str] = {}
    for name, parent in folders:
        made = driver.graph.post(f"/mailboxes/{address}/folders", json={"displayName": name, "parent": parent})
        made.raise_for_status()
        ids[name] = made.json()["id"]
    return address, ids


def outcome_of(driver: StackDriver, mailbox: str, message_id: str) -> dict:
    return driver.wait_for_outcomes({(mailbox, message_id)})[(mailbox, message_id)]


class TestCaptureFolder:
    def test_bulk_mail_filed_in_the_capture_folder_is_captured_once(self, driver: StackDriver) -> None:
        address, ids = new_mailbox(driver, ("CRM", "inbox"))  # found as Inbox (top level), then CRM inside
        answer = driver.add_mailbox(address, capture_folder="Inbox/CRM", import_days=0)
        assert answer["mailbox"]["capture_folder_id"] == ids["CRM"]
        skipped, filed = bulk_mail(address), bulk_mail(address)
        in_inbox = driver.deliver(address, skipped)["id"]
        in_folder = driver.deliver(address, filed, folder=ids["CRM"])["id"]
        assert outcome_of(driver, address, in_inbox)["reason"] == "bulk"
        entry = outcome_of(driver, address, in_folder)
        assert (entry["outcome"], entry["reason"]) == ("captured", "capture_folder")
        captured_once(driver, [subject_of(filed)])

    def test_a_folder_that_is_not_there_is_a_400_naming_it(self, driver: StackDriver) -> None:
        address, _ = new_mailbox(driver)
        answer = driver.admin("POST", "mailboxes", json={"address": address, "capture_folder": "CRM"})
        assert answer.status_code == 400
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "no folder named 'CRM'" in answer.json()["detail"]


class TestWholeMailbox:
    def test_mail_a_rule_files_into_a_subfolder_is_captured_once_and_junk_is_not(self, driver: StackDriver) -> None:
        address, ids = new_mailbox(driver, ("Projects", "inbox"), ("Alpha", "Projects"))
        answer = driver.add_mailbox(address, capture_whole_mailbox=True, import_days=0)
        assert answer["subscriptions"] and len(answer["subscriptions"]) == 1  # users/{id}/messages
        filed, junk, deleted = (customer_mail(address) for _ in range(3))
        filed_id = driver.deliver(address, filed, folder=ids["Alpha"])["id"]  # the rule's doing: never in Inbox
        junk_id = driver.deliver(address, junk, folder="junkemail")["id"]
        deleted_id = driver.deliver(address, deleted, folder="deleteditems")["id"]
        assert outcome_of(driver, address, filed_id)["outcome"] == "captured"
        assert outcome_of(driver, address, junk_id)["reason"] == "deleted_or_junk"
        assert outcome_of(driver, address, deleted_id)["reason"] == "deleted_or_junk"
        captured_once(driver, [subject_of(filed)])
        subjects = [a.get("DESCRIPTION") for a in driver.crm_records()["activities"]]
        assert subject_of(junk) not in subjects and subject_of(deleted) not in subjects
