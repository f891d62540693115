"""Live mail is never stuck behind a historical import (shared/domain/lanes.py), on the whole local stack.

The host runs with BulkWorker disabled (``AzureWebJobs.BulkWorker.Disabled``, as an operator or a stalled instance
group would leave it): the import of a mailbox's history waits on mail-bulk, and an email that arrives meanwhile
still goes webhook → mail-messages → MailWorker → the CRM. A second host on the same storage then runs BulkWorker
alone, as Flex Consumption runs it in its own instance group: what fails there ends in mail-bulk-poison, with its
reason, and the admin's replay puts it back on mail-bulk."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.domain.work import MessageBatch, to_payload
from tests.integration.conftest import FAST_HOST, HOST_JSON, SAMPLE_MAIL, fresh_copy, stack_env
from tests.integration.inprocess import registered_functions

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


@pytest.fixture
def bulk_host(driver: StackDriver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """BulkWorker alone, in a host of its own on the same storage and emulators."""
    stack = driver.stack
    others = [str(f.get_function_name()) for f in registered_functions() if f.get_function_name() != "BulkWorker"]
    env = stack_env() | {f"AzureWebJobs.{name}.Disabled": "true" for name in others} | {
        "GRAPH_BASE_URL": stack.graph_url, "IMIS_BASE_URL": stack.imis_url, "GRAPH_CLIENT_STATE": stack.client_state,
        "WEBHOOK_BASE_URL": stack.host_url + "/api"}
    with Stack(tmp_path_factory.mktemp("bulk"), storage=stack.connection_string, emulators=False,
               host_json=HOST_JSON, extra_env=env) as bulk:
        yield bulk


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


def test_poison_on_the_bulk_lane_is_recorded_shown_and_replayed_onto_it(driver: StackDriver, bulk_host: Stack) -> None:
    address = f"bulk-{uuid.uuid4().hex[:8]}@association.example"
    driver.add_mailbox(address, "Bulk", import_days=0)
    # BulkWorker catches up first: the import the test above left waiting is captured, the onboarding walks run
    driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 120, "the bulk lane drained")
    answer = driver.graph.post(f"/mailboxes/{address}/messages", params={"folder": "inbox", "notify": "false"},
                               content=fresh_copy(KARIN), headers={"Content-Type": "message/rfc822"})
    message_id = answer.raise_for_status().json()["id"]  # no webhook: only the batch below names it
    key = (address, message_id)
    driver.imis.post("/faults", json={"count": 1000, "status": 503, "path_prefix": "/api/Activity",
                                      "method": "POST"}).raise_for_status()
    try:
        deps = build_services(Settings.from_env(driver.stack.app_env()))
        deps.bulk_queue.send([to_payload(MessageBatch(address, (message_id,), "inbox", "import"))])
        driver.wait_until(lambda: driver.message_outcomes().get(key, {}).get("outcome") == "failed", 90,
                          "the id given up on the bulk lane")
        gave_up = driver.message_outcomes()[key]
        assert gave_up["reason"] == "retries_exhausted" and "mail-bulk-poison" in gave_up["detail"]
        assert f"{FAST_HOST['maxDequeueCount']} attempts" in gave_up["detail"]
        driver.wait_until(lambda: driver.status()["queue"]["lanes"]["bulk"]["poison_depth"] == 1, 30,
                          "mail-bulk-poison")
        queue = driver.status()["queue"]
        assert (queue["poison_depth"], queue["lanes"]["live"]["poison_depth"]) == (1, 0)
        assert queue["last_poison_reasons"][0]["message_id"] == message_id
    finally:
        driver.imis.delete("/faults")
    replayed = driver.admin("POST", "poison/replay")
    assert replayed.status_code == 202 and replayed.json() == {"requeued": 1, "kept": 0}
    driver.wait_until(lambda: driver.message_outcomes()[key]["outcome"] == "captured", 60, "the replay, by BulkWorker")
    assert driver.status()["queue"]["poison_depth"] == 0
    assert len([a for a in driver.crm_records()["activities"] if a.get("UF_1") == gave_up["key"]]) == 1
