"""Subscriptions survive a stopped app, renewal timers racing, and 429 storms during a historical import."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.services.subscriptions import renew_subscriptions
from tests.integration.mail import ALICE, customer_mail, subject_of
from tests.integration.test_delivery import captured_once, subscription_ids

pytestmark = pytest.mark.integration
# Enough pages and storms for the pacing and Retry-After wiring; the paging itself is tested in process
# (tests/usecases/test_subscriptions.py) and the 10,000-message import is a benchmark.
IMPORT_SIZE = 500


def graph_subscriptions(driver: StackDriver) -> list[dict]:
    return list(driver.graph.get("/subscriptions").json()["value"])


def expire_at_graph(stack: Stack, driver: StackDriver) -> None:
    """Graph forgets every subscription, as when they expire while the app is stopped. (The emulator's clock
    is not moved: the app's clock is the real one, and the two must agree for new expiry times.)"""
    graph = httpx.Client(base_url=stack.graph_url, headers={"Authorization": "Bearer dev-token"})
    for sub in graph_subscriptions(driver):
        graph.delete(f"/subscriptions/{sub['id']}").raise_for_status()


class TestStoppedApp:
    def test_subscription_expired_while_stopped_is_recreated_on_start(self, stack: Stack, driver: StackDriver,
                                                                       mailbox: str) -> None:
        before = subscription_ids(driver, mailbox)
        stack.kill_host(hard=True)
        expire_at_graph(stack, driver)
        raw = customer_mail(mailbox)
        driver.deliver(mailbox, raw)  # arrives while nothing listens: no live subscription
        stack.start_host()  # the renewal timer runs on start-up and finds the subscriptions gone
        driver.wait_until(lambda: not set(subscription_ids(driver, mailbox)) & set(before), 60, "new subscriptions")
        captured_once(driver, [subject_of(raw)])  # the catch-up after recreation found the missed email
        after = customer_mail(mailbox)
        driver.deliver(mailbox, after)
        captured_once(driver, [subject_of(after)])


class TestRenewalRace:
    def test_two_renewal_timers_racing_recreate_each_subscription_once(self, stack: Stack, driver: StackDriver,
                                                                        mailbox: str) -> None:
        deps = [build_services(Settings.from_env(stack.app_env())) for _ in range(2)]
        expire_at_graph(stack, driver)
        ours = len(deps[0].subscriptions.all())
        results: list[dict[str, int]] = []
        barrier = threading.Barrier(2)

        def timer(services) -> None:  # type: ignore[no-untyped-def]
            barrier.wait()
            results.append(renew_subscriptions(services, force=True))

        threads = [threading.Thread(target=timer, args=(d,)) for d in deps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert sum(r["recreated"] for r in results) == ours  # each subscription recreated by exactly one timer
        assert sum(r["skipped"] for r in results) == ours
        assert len(graph_subscriptions(driver)) == ours == len(deps[0].subscriptions.all())


class TestHistoricalImport:
    @pytest.mark.timeout(900)
    def test_import_through_429_storms_keeps_to_graphs_limits(self, driver: StackDriver) -> None:
        address = f"archive-{uuid.uuid4().hex[:8]}@association.example"
        driver.graph.post("/mailboxes", json={"address": address}).raise_for_status()
        now = datetime.now(UTC)
        messages = [{"subject": f"Archived question {i}", "from": {"emailAddress": {"address": ALICE}},
                     "toRecipients": [{"emailAddress": {"address": address}}],
                     "body": {"contentType": "text", "content": "Hello"},
                     "internetMessageId": f"<{uuid.uuid4().hex}@example.org>",
                     "receivedDateTime": (now - timedelta(minutes=i)).isoformat()} for i in range(IMPORT_SIZE)]
        driver.graph.post(f"/mailboxes/{address}/bulk", json={"messages": messages, "notify": False},
                          timeout=120).raise_for_status()
        driver.graph.delete("/requests")
        driver.add_mailbox(address, "Archive", import_days=30)  # the import runs from the queue from here on
        for _ in range(4):  # storms of 429 and 503 while the import pages and the worker fetches
            driver.graph.post("/faults", json={"count": 40, "status": 429, "retryAfter": 1, "mailbox": address})
            driver.graph.post("/faults", json={"count": 10, "status": 503, "retryAfter": 1, "mailbox": address})
        subjects = {m["subject"] for m in messages}
        writes = driver.imis.get("/requests").json()["by_route"].get("POST /api/Activity", 0)

        def all_written() -> bool:  # cheap to poll: the emulator's request counters
            return driver.imis.get("/requests").json()["by_route"].get("POST /api/Activity", 0) >= writes + IMPORT_SIZE

        driver.wait_until(all_written, 600, f"{IMPORT_SIZE} activity writes")
        driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 60, "an empty queue")
        descriptions = [a.get("DESCRIPTION") for a in driver.crm_records()["activities"]]
        assert all(descriptions.count(s) == 1 for s in subjects)
        stats = driver.graph.get("/requests").json()
        assert stats["maxConcurrencyPerMailbox"].get(address, 0) <= 4
        assert stats["throttled"] == 0, stats["throttledByReason"]  # the limits were never exceeded
        def progress() -> dict:
            return next(m for m in driver.status()["mailboxes"] if m["address"] == address)["import"]

        driver.wait_until(lambda: progress()["processed"] >= IMPORT_SIZE, 60, "every imported email counted")
        done = progress()
        assert done["state"] == "done" and done["queued"] >= IMPORT_SIZE
        assert (done["total"], done["processed"], done["percent"], done["complete"]) == \
            (IMPORT_SIZE, IMPORT_SIZE, 100.0, True)
