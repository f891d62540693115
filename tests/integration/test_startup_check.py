"""Start-up no longer renews every subscription (issue 20 item 5): one instance checks under a lease, the
others do nothing; subscriptions Graph lost are recreated, the rest kept; and every watched folder catches up at
once, so mail whose webhooks failed while the app was down is captured without the backstop timer (issue 19)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from shared.bootstrap import build_services
from shared.config import Settings
from shared.ports import GraphSubscription
from shared.services.deps import Services
from shared.services.startup import startup_check
from tests.integration.mail import customer_mail, subject_of
from tests.integration.test_delivery import captured_once, drop_notifications, subscription_ids

pytestmark = pytest.mark.integration


class RecordingGraph:
    """The real Graph adapter, recording which subscription calls an instance made; listing takes a while, as
    a Graph call under load does, so two start-ups really overlap."""

    def __init__(self, graph: Any) -> None:
        self._graph, self.calls = graph, []  # type: ignore[var-annotated]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._graph, name)

    def list_subscriptions(self) -> list[GraphSubscription]:
        self.calls.append("list")
        time.sleep(1.0)
        return list(self._graph.list_subscriptions())

    def renew_subscription(self, subscription_id: str, expires_at: Any) -> GraphSubscription:
        self.calls.append("renew")
        return self._graph.renew_subscription(subscription_id, expires_at)


def instance(stack: Stack) -> tuple[Services, RecordingGraph]:
    deps = build_services(Settings.from_env(stack.app_env()))
    deps.graph = graph = RecordingGraph(deps.graph)  # type: ignore[assignment]
    return deps, graph


def start_together(instances: list[Services]) -> list[dict[str, int]]:
    results: list[dict[str, int]] = []
    barrier = threading.Barrier(len(instances))

    def start(deps: Services) -> None:
        barrier.wait()
        results.append(startup_check(deps))

    threads = [threading.Thread(target=start, args=(d,)) for d in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


class TestStartUp:
    def test_two_instances_starting_together_check_once_and_renew_nothing(self, stack: Stack,
                                                                          mailbox: str) -> None:
        (first, graph_a), (second, graph_b) = instance(stack), instance(stack)
        rows = len(first.subscriptions.all())
        results = start_together([first, second])
        assert sorted(results, key=len) == [{"skipped": 1}, {"kept": rows, "renewed": 0, "recreated": 0,
                                                            "skipped": 0, "catch_up": rows}]
        assert sorted(graph_a.calls + graph_b.calls) == ["list"]  # one Graph call in all, no renewal

    def test_a_subscription_graph_lost_is_recreated_and_the_others_kept(self, stack: Stack, driver: StackDriver,
                                                                        mailbox: str) -> None:
        deps, graph = instance(stack)
        lost, *kept = subscription_ids(driver, mailbox)
        deps.graph.delete_subscription(lost)
        counts = startup_check(deps)
        assert counts["recreated"] == 1 and "renew" not in graph.calls
        now = subscription_ids(driver, mailbox)
        assert lost not in now and set(kept) <= set(now)

    def test_mail_missed_while_down_is_caught_up_at_start_without_the_timer(self, stack: Stack,
                                                                          driver: StackDriver, mailbox: str) -> None:
        def walked() -> bool:  # onboarding's first delta walk is done: it cannot be what finds the mail
            return all(f["delta_updated_at"] for m in driver.status()["mailboxes"] if m["address"] == mailbox
                       for f in m["folders"])

        driver.wait_until(walked, 60, "the mailbox's first delta walk")
        for _ in range(2):  # the host's DeltaBackstop fires at each quarter hour: a run that spans one proves nothing
            started = datetime.now(UTC)
            drop_notifications(driver, 600)  # webhook deliveries fail, as while the app is down
            try:
                raw = customer_mail(mailbox)
                driver.deliver(mailbox, raw)
            finally:
                drop_notifications(driver, 0)
            deps, _ = instance(stack)
            assert startup_check(deps)["catch_up"] >= 1
            captured_once(driver, [subject_of(raw)])
            if not spans_a_backstop_tick(started, datetime.now(UTC)):
                return
        raise AssertionError("two attempts in a row spanned a backstop tick")


def spans_a_backstop_tick(start: datetime, end: datetime) -> bool:
    """Whether DeltaBackstop's schedule (0 */15 * * * *) fired between ``start`` and ``end``."""
    return start.replace(minute=start.minute // 15 * 15, second=0, microsecond=0) + timedelta(minutes=15) <= end
