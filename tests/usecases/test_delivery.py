"""Mail arrives exactly once whatever the webhooks do: duplicated, dropped, lifecycle events, expired delta tokens."""

from __future__ import annotations

from shared.services.delta import run_all
from shared.services.worker import handle_lifecycle
from tests.usecases.world import MAILBOX, World


def inbox_subscription(world: World) -> str:
    return next(s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "inbox")


class TestWebhookFaults:
    def test_duplicated_notifications_capture_once(self, world: World) -> None:
        mids = [world.arrive(world.mail()) for _ in range(3)]
        for mid in mids * 3:
            world.notify(mid)
        world.run()
        assert len(world.crm.records_for(world.alice.id)) == 3
        assert all(world.outcomes(m).count("captured") == 1 for m in mids)

    def test_dropped_notifications_are_caught_up_by_the_delta_backstop(self, world: World) -> None:
        mids = [world.arrive(world.mail()) for _ in range(3)]  # no notification at all
        assert f"{MAILBOX}/inbox" in run_all(world.deps)
        assert "queued 3" in world.run()  # the worker walks the folder and queues the three
        assert [world.outcome(m)["outcome"] for m in mids] == ["captured"] * 3
        run_all(world.deps)
        assert "queued 0" in world.run()  # the stored link moved past them

    def test_mail_received_during_onboarding_is_not_lost(self) -> None:
        world = World()
        early = world.arrive(world.mail())  # before any subscription existed
        world.watch()
        assert world.outcome(early)["outcome"] == "captured"


class TestLifecycle:
    def test_missed_runs_the_delta_query(self, world: World) -> None:
        mid = world.arrive(world.mail())
        handle_lifecycle("missed", inbox_subscription(world), world.deps)
        world.run()
        assert world.outcome(mid)["outcome"] == "captured"

    def test_subscription_removed_is_recreated_and_the_gap_caught_up(self, world: World) -> None:
        old = inbox_subscription(world)
        mid = world.arrive(world.mail())
        handle_lifecycle("subscriptionRemoved", old, world.deps)
        world.run()
        assert world.outcome(mid)["outcome"] == "captured"
        new = inbox_subscription(world)
        assert new != old and new in world.graph.subscriptions and old not in world.graph.subscriptions
        assert world.outcome(world.receive(world.mail()))["outcome"] == "captured"  # the new one notifies

    def test_reauthorization_keeps_the_subscription(self, world: World) -> None:
        sub = inbox_subscription(world)
        handle_lifecycle("reauthorizationRequired", sub, world.deps)
        assert inbox_subscription(world) == sub
        assert world.graph.calls.count("reauthorize_subscription") == 1

    def test_an_unknown_subscription_is_ignored(self, world: World) -> None:
        assert handle_lifecycle("missed", "no-such-subscription", world.deps) == "unknown subscription"


class TestDeltaToken:
    def test_an_expired_token_resyncs_the_recent_window_and_records_it(self, world: World) -> None:
        link, _ = world.deps.delta_tokens.get(MAILBOX, "inbox")
        assert link is not None
        world.graph.expired_links.add(link)
        mid = world.arrive(world.mail())
        run_all(world.deps)
        world.run()
        assert world.outcome(mid)["outcome"] == "captured"
        assert world.deps.counters.get("delta-resync", f"{MAILBOX}|inbox") == 1
        assert world.deps.delta_tokens.get(MAILBOX, "inbox")[0] not in (None, link)
