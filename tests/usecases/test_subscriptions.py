"""Subscription lifecycle and historical import, in process: renewal, recreation, the lease, paged import."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.domain.errors import GraphUnavailable
from shared.services.deps import WorkerCaches
from shared.services.subscriptions import LEASE, MAX_LIFETIME, RENEW_BEFORE, renew_subscriptions
from tests.usecases.world import MAILBOX, World


def our_subscriptions(world: World) -> dict[str, str]:
    return {s.folder: s.id for s in world.deps.subscriptions.for_mailbox(MAILBOX)}


class TestOnboarding:
    def test_each_watched_folder_is_subscribed_with_our_client_state(self, world: World) -> None:
        subs = world.deps.subscriptions.for_mailbox(MAILBOX)
        assert sorted(s.folder for s in subs) == ["inbox", "sentitems"]
        assert all(s.client_state == world.deps.settings.client_state and s.id in world.graph.subscriptions
                   for s in subs)
        assert world.graph.calls.count("check_mailbox") == 1


class TestRenewal:
    def test_nothing_is_renewed_long_before_expiry(self, world: World) -> None:
        assert renew_subscriptions(world.deps) == {"renewed": 0, "recreated": 0, "skipped": 0}

    def test_subscriptions_near_expiry_are_renewed_in_place(self, world: World) -> None:
        before = our_subscriptions(world)
        world.deps.clock.offset += MAX_LIFETIME - RENEW_BEFORE + timedelta(hours=1)
        assert renew_subscriptions(world.deps)["renewed"] == 2
        assert our_subscriptions(world) == before
        sub = world.deps.subscriptions.get(before["inbox"])
        assert sub is not None and sub.expires_at > world.deps.clock.now() + RENEW_BEFORE and sub.lease_until is None

    def test_expired_while_stopped_is_recreated_on_the_first_run_and_the_gap_caught_up(self, world: World) -> None:
        before = our_subscriptions(world)
        world.graph.subscriptions.clear()  # Graph removed them while the app was stopped
        missed = world.arrive(world.mail())
        counts = renew_subscriptions(world.deps, force=True)  # the first run after a start
        assert counts["recreated"] == 2
        assert not set(our_subscriptions(world).values()) & set(before.values())
        world.run()
        assert world.outcome(missed)["outcome"] == "captured"
        assert world.outcome(world.receive(world.mail()))["outcome"] == "captured"

    def test_subscriptions_from_before_immutable_ids_are_recreated_not_renewed(self, world: World) -> None:
        before = our_subscriptions(world)
        for sub in world.deps.subscriptions.for_mailbox(MAILBOX):  # stored before the header was sent
            world.deps.subscriptions.put(replace(sub, immutable_ids=False))
        assert renew_subscriptions(world.deps, force=True)["recreated"] == 2  # renewal cannot switch the id kind
        assert not set(our_subscriptions(world).values()) & set(before.values())
        assert all(s.immutable_ids for s in world.deps.subscriptions.for_mailbox(MAILBOX))
        assert renew_subscriptions(world.deps, force=True)["renewed"] == 2

    def test_a_subscription_leased_by_another_timer_is_left_alone(self, world: World) -> None:
        other = replace(world.deps, caches=WorkerCaches())  # a second worker on the same storage
        for sub in world.deps.subscriptions.for_mailbox(MAILBOX):  # the other timer holds the rows
            assert other.subscriptions.replace_if(replace(sub, lease_until=other.clock.now() + LEASE), sub.etag)
        assert renew_subscriptions(world.deps, force=True) == {"renewed": 0, "recreated": 0, "skipped": 2}
        world.deps.clock.offset += LEASE + timedelta(seconds=1)  # the lease lapses (that timer died)
        assert renew_subscriptions(world.deps, force=True)["renewed"] == 2


class TestHistoricalImport:
    def test_the_last_days_are_imported_page_by_page_through_throttling(self) -> None:
        world = World()
        now = world.deps.clock.now()
        old = [world.arrive(world.mail(received_at=now - timedelta(days=60), sent_at=now - timedelta(days=60)))]
        recent = [world.arrive(world.mail(received_at=now - timedelta(hours=i), sent_at=now - timedelta(hours=i)))
                  for i in range(1, 451)]
        world.graph.failures["list_messages_since"] = [GraphUnavailable("429", retry_after=5.0)] * 3
        world.watch(import_days=30)
        progress = world.deps.mailboxes.get_progress(MAILBOX)
        assert progress["state"] == "done" and progress["queued"] >= 450
        captured = {e["message_id"] for e in world.log.search(outcome="captured", contact_id="", limit=10_000)}
        assert captured == set(recent)
        assert len(world.crm.records_for(world.alice.id)) == 450  # each once, however often queued
        assert old[0] not in {e["message_id"] for e in world.log.entries}
        assert world.poison.depth() == 0
