"""Lifecycle events as Graph delivers them (at least once, possibly batched), through the local host:
the same subscriptionRemoved three times in one POST leaves exactly one subscription (issue 19, defect 1)."""

from __future__ import annotations

import httpx
import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.test_delivery import subscription_ids

pytestmark = pytest.mark.integration


def graph_subscriptions_for(driver: StackDriver, mailbox: str) -> list[dict]:
    return [s for s in driver.graph.get("/subscriptions").json()["value"] if mailbox in s.get("resource", "")]


def lifecycle(stack: Stack, subscription_id: str, event: str, times: int) -> httpx.Response:
    item = {"subscriptionId": subscription_id, "clientState": stack.client_state, "lifecycleEvent": event,
            "subscriptionExpirationDateTime": "2030-01-01T00:00:00Z", "tenantId": "t"}
    return httpx.post(f"{stack.host_url}/api/graph/lifecycle", json={"value": [item] * times}, timeout=30)


class TestRepeatedLifecycleEvents:
    def test_subscription_removed_three_times_recreates_once(self, stack: Stack, driver: StackDriver,
                                                             mailbox: str) -> None:
        before = subscription_ids(driver, mailbox)
        removed = before[0]
        assert lifecycle(stack, removed, "subscriptionRemoved", 3).status_code == 202

        def settled() -> bool:
            ids = subscription_ids(driver, mailbox)
            return removed not in ids and driver.status()["queue"]["depth"] == 0

        driver.wait_until(settled, 90, "the removed subscription replaced and the queue drained")
        after = subscription_ids(driver, mailbox)
        assert len(after) == len(before)  # one row per watched folder, no extra
        live = graph_subscriptions_for(driver, mailbox)
        assert sorted(s["id"] for s in live) == sorted(after)  # exactly one live Graph subscription per row

    def test_reauthorization_required_three_times_keeps_the_subscription(self, stack: Stack, driver: StackDriver,
                                                                         mailbox: str) -> None:
        before = sorted(subscription_ids(driver, mailbox))
        assert lifecycle(stack, before[0], "reauthorizationRequired", 3).status_code == 202
        driver.wait_until(lambda: driver.status()["queue"]["depth"] == 0, 60, "the queue drained")
        assert sorted(subscription_ids(driver, mailbox)) == before
        assert sorted(s["id"] for s in graph_subscriptions_for(driver, mailbox)) == before
