"""Mail arrives exactly once even when webhooks are dropped, duplicated, removed or missed (issue: delivery)."""

from __future__ import annotations

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.mail import customer_mail, subject_of

pytestmark = pytest.mark.integration


def run_function(stack: Stack, name: str) -> None:
    answer = httpx.post(f"{stack.host_url}/admin/functions/{name}", json={"input": ""},
                        headers={"x-functions-key": stack.master_key}, timeout=30)
    assert answer.status_code == 202, answer.text


def captured_once(driver: StackDriver, subjects: list[str]) -> None:
    def all_there() -> bool:
        descriptions = [a.get("DESCRIPTION") for a in driver.crm_records()["activities"]]
        return all(descriptions.count(s) >= 1 for s in subjects)

    driver.wait_until(all_there, 60, f"{len(subjects)} activities")
    driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 30, "an empty queue")
    descriptions = [a.get("DESCRIPTION") for a in driver.crm_records()["activities"]]
    assert {s: descriptions.count(s) for s in subjects} == {s: 1 for s in subjects}


def drop_notifications(driver: StackDriver, seconds: float) -> None:
    driver.graph.post("/notifications", json={"dropForSeconds": seconds}).raise_for_status()


def inbox_of(driver: StackDriver, mailbox: str) -> dict:
    return dict(next(m for m in driver.status()["mailboxes"] if m["address"] == mailbox)["folders"][0])


def subscription_ids(driver: StackDriver, mailbox: str) -> list[str]:
    mine = next(m for m in driver.status()["mailboxes"] if m["address"] == mailbox)
    return [f["subscription_id"] for f in mine["folders"]]


def graph_subscription(driver: StackDriver, subscription_id: str) -> dict:
    """The Graph emulator's own view of one live subscription (control API)."""
    live = driver.graph.get("/subscriptions").json()["value"]
    return dict(next(s for s in live if s["id"] == subscription_id))


class TestWebhookFaults:
    def test_duplicated_and_delayed_notifications_capture_once(self, driver: StackDriver, mailbox: str) -> None:
        driver.graph.post("/notifications", json={"duplicates": 2, "jitterMs": 300}).raise_for_status()
        try:
            mails = [customer_mail(mailbox) for _ in range(5)]
            for raw in mails:
                driver.deliver(mailbox, raw)
            captured_once(driver, [subject_of(m) for m in mails])
        finally:
            driver.graph.post("/notifications", json={"duplicates": 0, "jitterMs": 0})

    def test_dropped_notifications_are_caught_up_by_the_delta_backstop(self, stack: Stack, driver: StackDriver,
                                                                       mailbox: str) -> None:
        drop_notifications(driver, 30)
        try:
            mails = [customer_mail(mailbox) for _ in range(3)]
            for raw in mails:
                driver.deliver(mailbox, raw)
            run_function(stack, "DeltaBackstop")
            captured_once(driver, [subject_of(m) for m in mails])
        finally:
            drop_notifications(driver, 0)


class TestLifecycle:
    @pytest.mark.parametrize("event", ["missed", "subscriptionRemoved"])
    def test_lifecycle_event_catches_up_what_was_dropped(self, driver: StackDriver, mailbox: str, event: str) -> None:
        drop_notifications(driver, 30)
        raw = customer_mail(mailbox)
        driver.deliver(mailbox, raw)
        inbox_sub = subscription_ids(driver, mailbox)[0]
        drop_notifications(driver, 0)
        driver.graph.post(f"/subscriptions/{inbox_sub}/lifecycle", json={"event": event}).raise_for_status()
        captured_once(driver, [subject_of(raw)])
        if event == "subscriptionRemoved":
            driver.wait_until(lambda: subscription_ids(driver, mailbox)[0] != inbox_sub, 30, "a new subscription")
            after = customer_mail(mailbox)
            driver.deliver(mailbox, after)  # the recreated subscription notifies again
            captured_once(driver, [subject_of(after)])

    def test_reauthorization_is_answered_and_keeps_the_subscription(self, driver: StackDriver, mailbox: str) -> None:
        inbox_sub = subscription_ids(driver, mailbox)[0]
        assert graph_subscription(driver, inbox_sub)["reauthorizations"] == 0
        driver.graph.post(f"/subscriptions/{inbox_sub}/lifecycle",
                          json={"event": "reauthorizationRequired"}).raise_for_status()
        # The product must call POST /subscriptions/{id}/reauthorize: the emulator records that it was called.
        driver.wait_until(lambda: graph_subscription(driver, inbox_sub)["reauthorizations"] == 1, 30,
                          "the /reauthorize call")
        assert graph_subscription(driver, inbox_sub)["reauthorizationRequired"] is False
        raw = customer_mail(mailbox)
        driver.deliver(mailbox, raw)
        captured_once(driver, [subject_of(raw)])
        assert subscription_ids(driver, mailbox)[0] == inbox_sub


class TestDeltaToken:
    def test_expired_delta_token_resyncs_and_records_it(self, stack: Stack, driver: StackDriver,
                                                        mailbox: str) -> None:
        run_function(stack, "DeltaBackstop")  # a normal round first: the stored link is a delta link
        driver.wait_until(lambda: inbox_of(driver, mailbox)["delta_note"] == "", 30, "a normal delta round")
        driver.graph.post(f"/mailboxes/{mailbox}/expire-delta-tokens").raise_for_status()
        drop_notifications(driver, 30)
        try:
            raw = customer_mail(mailbox)
            driver.deliver(mailbox, raw)

            def resynced() -> bool:  # a backstop run asked while the previous one still runs is skipped: ask again
                if inbox_of(driver, mailbox)["delta_resyncs"] >= 1:
                    return True
                run_function(stack, "DeltaBackstop")
                return False

            driver.wait_until(resynced, 60, "the recorded re-sync")  # the 410 answered by a bounded re-sync
            captured_once(driver, [subject_of(raw)])
        finally:
            drop_notifications(driver, 0)
        assert inbox_of(driver, mailbox)["delta_resyncs"] == 1
