"""The capture folder and whole-mailbox capture on the local stack (host, Azurite, Graph and iMIS emulators):
mail filed into a folder on arrival, as an Outlook rule does, is captured exactly once; Junk and Deleted not."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
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

    def test_a_backstop_round_costs_a_listing_per_parent_and_a_delta_per_folder(self, stack: Stack,
                                                                             driver: StackDriver) -> None:
        """The cost the README states, measured on the emulator: one listing of the top level and one per folder
        with children, one delta request per included folder (no new mail: one page each), and the well-known
        folder ids only when this worker has not read them yet (8 reads)."""
        address, _ = new_mailbox(driver, ("Projects", "inbox"), ("Alpha", "Projects"), ("Clients", ""))
        driver.add_mailbox(address, capture_whole_mailbox=True, import_days=0)
        driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 60, "the onboarding walks")
        driver.graph.delete("/requests").raise_for_status()
        answer = httpx.post(f"{stack.host_url}/admin/functions/DeltaBackstop", json={"input": ""},
                            headers={"x-functions-key": stack.master_key}, timeout=30)
        assert answer.status_code == 202, answer.text
        included = 6  # Inbox, Sent Items, Archive, Clients, Projects, Alpha (not Drafts, Deleted, Junk, Outbox, ...)
        listings = 3  # the top level, Inbox's children, Projects' children

        def spent() -> int:
            per = driver.graph.get("/requests").json()["perMailbox"]
            return int(sum(n for who, n in per.items() if who.lower() == address))

        driver.wait_until(lambda: spent() >= listings + included and driver.status()["queue"]["depth"] == 0, 60,
                          "the backstop round")
        print(f"whole-mailbox backstop round: {spent()} Graph requests for 11 folders (2 with children)")
        assert spent() in (listings + included, listings + included + 8)
