"""Lifecycle wiring on the whole stack: reauthorizationRequired reaches Graph's /reauthorize and the subscription
stays. Duplicated, dropped and lifecycle-announced mail and expired delta tokens are use cases tested in process
(tests/usecases/test_delivery.py) and end to end, all at once, in the fault suite (tests/faults)."""

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


class TestLifecycle:
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
