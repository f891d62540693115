"""Live mail is never stuck behind a historical import (shared/domain/lanes.py), on the whole local stack.

The host runs with BulkWorker disabled (``AzureWebJobs.BulkWorker.Disabled``, as an operator or a stalled instance
group would leave it): the import of a mailbox's history waits on mail-bulk, and an email that arrives meanwhile
still goes webhook → mail-messages → MailWorker → the CRM."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.conftest import HOST_JSON, SAMPLE_MAIL, fresh_copy, stack_env

pytestmark = pytest.mark.integration
HISTORY = 40
KARIN = SAMPLE_MAIL / "10-karin-junior-membership.eml"


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackDriver]:
    env = stack_env() | {"AzureWebJobs.BulkWorker.Disabled": "true"}
    with Stack(tmp_path_factory.mktemp("lanes"), host_json=HOST_JSON, extra_env=env) as stack:
        drv = StackDriver(stack)
        yield drv
        drv.close()


def test_a_live_email_reaches_the_crm_while_the_import_waits_on_the_bulk_lane(driver: StackDriver) -> None:
    address = f"history-{uuid.uuid4().hex[:8]}@association.example"
    driver.graph.post("/mailboxes", json={"address": address, "displayName": "History"}).raise_for_status()
    old = {driver.deliver(address, fresh_copy(KARIN))["id"] for _ in range(HISTORY)}  # before any subscription
    onboarded = driver.add_mailbox(address, "History", import_days=30)
    assert onboarded["import"]["state"] == "running"
    live = driver.deliver(address, fresh_copy(KARIN))["id"]
    driver.wait_until(lambda: driver.message_outcomes().get((address, live), {}).get("outcome") == "captured", 60,
                      "the live email captured by MailWorker")
    status = driver.status()
    lanes = status["queue"]["lanes"]
    assert lanes["live"]["queue"] == "mail-messages" and lanes["bulk"]["queue"] == "mail-bulk"
    assert lanes["bulk"]["depth"] >= 1  # the import's step and the onboarding walks, untouched
    [box] = [m for m in status["mailboxes"] if m["address"] == address]
    assert (box["import"]["queued"], box["import"]["processed"]) == (0, 0)  # not one page listed yet
    decided = {mid for (box, mid) in driver.message_outcomes() if box == address}
    assert decided == {live} and not decided & old  # none of the history was taken before the live email
    key = driver.message_outcomes()[(address, live)]["key"]
    assert len([a for a in driver.crm_records()["activities"] if a.get("UF_1") == key]) == 1
