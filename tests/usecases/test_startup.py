"""The start-up check in process: one instance at a time, lost subscriptions recreated, the rest kept, and every
folder caught up for the time the app was down."""

from __future__ import annotations

from dataclasses import replace

from shared.services.deps import WorkerCaches
from shared.services.startup import LEASE, LEASE_NAME, startup_check
from tests.usecases.world import MAILBOX, World


def subscription_of(world: World, folder: str) -> str:
    return next(s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == folder)


class TestStartupCheck:
    def test_a_lost_subscription_is_recreated_the_other_kept_and_mail_missed_while_down_captured(
            self, world: World) -> None:
        lost, kept = subscription_of(world, "inbox"), subscription_of(world, "sentitems")
        del world.graph.subscriptions[lost]  # Graph dropped it while the app was stopped
        missed = world.arrive(world.mail())  # and no notification came
        counts = startup_check(world.deps)
        assert (counts["recreated"], counts["kept"]) == (1, 1)
        assert subscription_of(world, "inbox") != lost and subscription_of(world, "sentitems") == kept
        world.run()
        assert world.outcome(missed)["outcome"] == "captured"

    def test_a_second_instance_starting_meanwhile_does_nothing(self, world: World) -> None:
        other = replace(world.deps, caches=WorkerCaches())  # another instance on the same storage
        now = other.clock.now()
        etag = other.subscriptions.take_lease(LEASE_NAME, now, now + LEASE)
        assert etag
        calls = len(world.graph.calls)
        assert startup_check(world.deps) == {"skipped": 1}
        assert len(world.graph.calls) == calls  # not even a look at Graph
        other.subscriptions.release_lease(LEASE_NAME, etag, other.clock.now())
        assert startup_check(world.deps)["kept"] == 2
