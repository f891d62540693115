"""Mail that an inbox rule moves between the change notification and the worker's fetch is still captured,
once (issue 13 item 1). The Graph emulator changes a message's default id on every move and keeps its immutable
id, as Exchange does; a subscription created without ``Prefer: IdType="ImmutableId"`` would notify the old
default id, the fetch would answer 404 and the folder's created-only delta would never list the message."""

from __future__ import annotations

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.mail import customer_mail, subject_of

pytestmark = pytest.mark.integration


def descriptions(driver: StackDriver) -> list[str]:
    return [str(a.get("DESCRIPTION")) for a in driver.crm_records()["activities"]]


def test_mail_moved_by_a_rule_before_the_fetch_is_captured_once(stack: Stack, driver: StackDriver,
                                                                 mailbox: str) -> None:
    driver.graph.post(f"/mailboxes/{mailbox}/folders", json={"displayName": "Members"}).raise_for_status()
    driver.graph.post("/notifications", json={"delayMs": 1500, "delayCount": 1}).raise_for_status()
    raw = customer_mail(mailbox)
    delivered = driver.deliver(mailbox, raw)
    moved = driver.graph.post(f"/mailboxes/{mailbox}/messages/{delivered['id']}/move", json={"folder": "Members"})
    moved.raise_for_status()
    assert moved.json()["restId"] != delivered["restId"]  # the notification in flight names the old default id
    subject = subject_of(raw)
    driver.wait_until(lambda: subject in descriptions(driver), 60, "the moved email in the CRM")
    answer = httpx.post(f"{stack.host_url}/admin/functions/DeltaBackstop", json={"input": ""},
                        headers={"x-functions-key": stack.master_key}, timeout=30)
    assert answer.status_code == 202, answer.text
    driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 30, "an empty queue")
    assert descriptions(driver).count(subject) == 1
    reasons = [d.get("reason") for d in driver.decisions(mailbox=mailbox)]
    assert "message_not_found" not in reasons
