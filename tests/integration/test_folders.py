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


def run_timer(stack: Stack, name: str) -> None:
    """A timer function now (the host answers 202 before it has run)."""
    answer = httpx.post(f"{stack.host_url}/admin/functions/{name}", json={"input": ""},
                        headers={"x-functions-key": stack.master_key}, timeout=30)
    assert answer.status_code == 202, answer.text


def backstop_round(stack: Stack) -> None:
    """The backstop's round now: every folder walked."""
    run_timer(stack, "DeltaBackstop")


def mailbox_status(driver: StackDriver, address: str) -> dict:
    return next(m for m in driver.status()["mailboxes"] if m["address"] == address)


def capture_walked_at(driver: StackDriver, address: str) -> str:
    mine = mailbox_status(driver, address)
    return str(next(f for f in mine["folders"] if f["folder"] == "capture")["delta_updated_at"])


def as_owner(stack: Stack, method: str, path: str) -> httpx.Response:
    """The mailbox owner's own Graph call (Outlook's doing), on the emulator's Graph API."""
    return httpx.request(method, f"{stack.graph_url}{path}", headers={"Authorization": "Bearer dev-token"},
                         timeout=10)


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

    def test_a_capture_folder_its_owner_deletes_then_purges_ends_as_a_folder_problem(
            self, stack: Stack, driver: StackDriver) -> None:
        """Deleting a folder in Outlook moves it, mail and all, under Deleted Items with the same ids: the walks
        go on and nothing is captured twice. Emptying it from there removes it: the next walk finds it gone, which
        is shown as the mailbox's folder_problem (no retry loop), and the rest of the mailbox goes on."""
        address, ids = new_mailbox(driver, ("CRM", ""))
        driver.add_mailbox(address, capture_folder="CRM", import_days=0)
        filed = bulk_mail(address)
        filed_id = driver.deliver(address, filed, folder=ids["CRM"])["id"]
        assert outcome_of(driver, address, filed_id)["reason"] == "capture_folder"
        assert as_owner(stack, "DELETE", f"/users/{address}/mailFolders/{ids['CRM']}").status_code == 204
        walked = capture_walked_at(driver, address)
        backstop_round(stack)
        driver.wait_until(lambda: capture_walked_at(driver, address) != walked, 60, "the capture folder's walk")
        captured_once(driver, [subject_of(filed)])
        assert mailbox_status(driver, address)["folder_problem"] == ""  # in Deleted Items: nothing lost or doubled

        purge = as_owner(stack, "POST", f"/users/{address}/mailFolders/{ids['CRM']}/permanentDelete")
        assert purge.status_code == 204
        backstop_round(stack)
        driver.wait_until(lambda: mailbox_status(driver, address)["folder_problem"] != "", 60, "the folder problem")
        assert mailbox_status(driver, address)["folder_problem"].startswith("the capture folder is gone")
        later = customer_mail(address)
        assert outcome_of(driver, address, driver.deliver(address, later)["id"])["outcome"] == "captured"
        captured_once(driver, [subject_of(filed), subject_of(later)])

    def test_a_capture_folder_its_owner_deletes_is_dropped_by_the_daily_check_and_made_again_picked_up(
            self, stack: Stack, driver: StackDriver) -> None:
        address, ids = new_mailbox(driver, ("CRM", ""))
        driver.add_mailbox(address, capture_folder="CRM", import_days=0)
        assert as_owner(stack, "DELETE", f"/users/{address}/mailFolders/{ids['CRM']}").status_code == 204
        run_timer(stack, "Maintenance")
        driver.wait_until(lambda: mailbox_status(driver, address)["folder_problem"] != "", 60, "the folder problem")
        mine = mailbox_status(driver, address)
        assert "no folder named 'CRM' at the top of the mailbox" in mine["folder_problem"]
        assert [f["folder"] for f in mine["folders"]] == ["inbox", "sentitems"]  # its subscription went

        again = driver.graph.post(f"/mailboxes/{address}/folders", json={"displayName": "CRM", "parent": ""})
        run_timer(stack, "Maintenance")
        driver.wait_until(lambda: mailbox_status(driver, address)["folder_problem"] == "", 60, "the folder again")
        filed = bulk_mail(address)
        filed_id = driver.deliver(address, filed, folder=again.json()["id"])["id"]
        assert outcome_of(driver, address, filed_id)["reason"] == "capture_folder"
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
