"""Renewal fans out when many subscriptions come due together (mailboxes onboarded the same day): the timer
queues one renewal per subscription on the bulk lane instead of renewing them one after another, BulkWorker renews
each under the row's lease, and a subscription queued twice is renewed once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.domain.work import Renewal, parse_work
from shared.services.deps import WorkerCaches
from shared.services.subscriptions import LEASE, MAX_LIFETIME, RENEW_BEFORE, RENEW_INLINE, renew_subscriptions
from tests.usecases.world import World

MAILBOXES = [f"desk{n}@association.example" for n in range(RENEW_INLINE // 2 + 1)]  # 2 folders each: over


def due_world() -> World:
    world = World()
    for address in MAILBOXES:
        world.watch(address)
    world.bulk.messages.clear()  # onboarding's own catch-ups: not what is measured here
    world.deps.clock.offset += MAX_LIFETIME - RENEW_BEFORE + timedelta(hours=1)
    world.graph.calls.clear()
    return world


def queued_renewals(world: World) -> list[Renewal]:
    return [w for w in (parse_work(m.payload) for m in world.bulk.messages) if isinstance(w, Renewal)]


def expiries(world: World) -> list:
    return [s.expires_at for s in world.deps.subscriptions.all() if s.mailbox in MAILBOXES]


class TestRenewalFanOut:
    def test_many_due_are_queued_one_per_subscription_without_a_graph_call(self) -> None:
        world = due_world()
        ours = sorted(s.id for s in world.deps.subscriptions.all() if s.mailbox in MAILBOXES)
        counts = renew_subscriptions(world.deps)
        assert world.graph.calls == []
        assert counts["queued"] == len(ours) > RENEW_INLINE and counts["renewed"] == 0
        assert world.queue.depth() == 0  # a fan-out never holds live mail back
        assert sorted(r.subscription_id for r in queued_renewals(world)) == sorted(
            s.id for s in world.deps.subscriptions.all())

    def test_the_worker_renews_each_in_place(self) -> None:
        world = due_world()
        before = {s.id for s in world.deps.subscriptions.all()}
        renew_subscriptions(world.deps)
        outcomes = world.run()
        assert outcomes.count("renewed") == len(before) and world.graph.calls.count("create_subscription") == 0
        assert {s.id for s in world.deps.subscriptions.all()} == before
        now = world.deps.clock.now()
        assert all(s.expires_at - now > RENEW_BEFORE and s.lease_until is None
                   for s in world.deps.subscriptions.all())

    def test_queued_twice_is_renewed_once(self) -> None:
        world = due_world()
        total = len(world.deps.subscriptions.all())
        renew_subscriptions(world.deps)
        renew_subscriptions(world.deps)  # the next timer run while the first fan-out waits in a backlog
        outcomes = world.run()
        assert world.graph.calls.count("renew_subscription") == total
        assert outcomes.count("renewed") == outcomes.count("renewed already") == total
        assert all(s.lease_until is None for s in world.deps.subscriptions.all())

    def test_a_renewal_whose_row_is_leased_elsewhere_waits_for_the_lease(self) -> None:
        world = due_world()
        other = replace(world.deps, caches=WorkerCaches())  # a lifecycle event being handled elsewhere
        held = world.deps.subscriptions.all()[0]
        assert other.subscriptions.replace_if(replace(held, lease_until=other.clock.now() + LEASE), held.etag)
        renew_subscriptions(world.deps)
        outcomes = world.run()  # deferred (Retry-After) until the other run's lease lapses, then renewed
        assert any(o.startswith("deferred") for o in outcomes)
        assert world.graph.calls.count("renew_subscription") == len(world.deps.subscriptions.all())
        assert world.poison.depth() == 0

    def test_few_due_are_still_renewed_by_the_timer_itself(self) -> None:
        world = World()
        world.watch()  # one mailbox: two subscriptions
        world.bulk.messages.clear()  # onboarding's catch-ups
        world.deps.clock.offset += MAX_LIFETIME - RENEW_BEFORE + timedelta(hours=1)
        assert renew_subscriptions(world.deps)["renewed"] == 2 and queued_renewals(world) == []
