"""Two lanes (shared/domain/lanes.py): live mail is never stuck behind a historical import or the backstop.

World.run plays both queue triggers; ``lanes=(Lane.LIVE,)`` is BulkWorker disabled, or so far behind that the
live lane must manage on its own."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import GraphUnavailable
from shared.domain.lanes import Lane
from shared.domain.work import ImportStep, LifecycleEvent, MessageBatch, WorkItem, parse_work, to_payload
from shared.ports import FetchSpec
from shared.services.admin_ops import replay_poison
from shared.services.delta import run_due
from shared.services.history import start_import
from shared.services.status import status
from tests.usecases.world import MAILBOX, World

LIVE_ONLY = (Lane.LIVE,)


def _backlog(world: World, n: int) -> list[str]:
    """A watched mailbox with ``n`` old emails and its import listed: every batch waits on the bulk lane."""
    world.watch(MAILBOX)
    ids = [world.arrive(world.mail(subject=f"Order {i}")) for i in range(n)]
    start_import(MAILBOX, 30, ["inbox"], world.deps)
    world.step(Lane.BULK)  # the import's first step: it lists a page and queues its batches
    return ids


def _kinds(world: World, lane: Lane) -> list[str]:
    return [type(parse_work(p)).__name__ for p in world.lane(lane)[0].sent]


def _failing(world: World, bad: str, error: Exception) -> None:
    real = world.graph.get_message

    def get_message(mailbox: str, message_id: str, spec: FetchSpec) -> Any:
        if message_id == bad:
            raise error
        return real(mailbox, message_id, spec)

    world.graph.get_message = get_message  # type: ignore[method-assign]


class TestLiveMailOvertakesTheBacklog:
    def test_a_live_email_is_captured_while_the_whole_import_still_waits(self, world: World) -> None:
        old = _backlog(world, 200)
        waiting = world.bulk.depth()
        assert waiting >= 200 // 32 and world.queue.depth() == 0  # the import is all on the bulk lane
        live = world.arrive(world.mail(subject="Renewal question"))
        world.notify(live)
        assert world.run(lanes=LIVE_ONLY) == ["captured"]  # one invocation: nothing of the backlog before it
        assert world.outcome(live)["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == 1
        assert world.bulk.depth() == waiting and all(e["source"] != "import" for e in world.log.search(limit=10**4))
        world.run()  # BulkWorker catches up: the backlog is captured too, the live email once
        assert len(world.crm.records_for(world.alice.id)) == len(old) + 1

    def test_with_both_workers_running_the_live_email_is_taken_first(self, world: World) -> None:
        _backlog(world, 100)
        live = world.arrive(world.mail(subject="Renewal question"))
        world.notify(live)
        outcomes = world.run()
        assert outcomes[0] == "captured" and world.outcome(live)["outcome"] == "captured"
        assert sum(o.startswith("captured ") for o in outcomes) >= 100 // 32  # then the batches

    def test_a_removed_subscription_catches_up_on_the_live_lane(self, world: World) -> None:
        _backlog(world, 64)
        sub = next(s for s in world.deps.subscriptions.for_mailbox(MAILBOX) if s.folder == "inbox")
        gap = world.arrive(world.mail(subject="Sent while the subscription was gone"))  # no notification
        world.queue.send([to_payload(LifecycleEvent("subscriptionRemoved", sub.id))])
        world.run(lanes=LIVE_ONLY)
        assert world.outcome(gap)["outcome"] == "captured"  # the gap's walk and its batch stayed live
        assert set(_kinds(world, Lane.BULK)) == {"MessageBatch"}  # the import's batches: still waiting


class TestBulkLane:
    def test_the_import_and_the_backstop_walks_go_on_the_bulk_lane(self, world: World) -> None:
        world.watch(MAILBOX)
        start_import(MAILBOX, 30, ["inbox"], world.deps)
        world.deps.clock.offset += world.deps.clock.now() - world.deps.clock.now().replace(hour=0)  # hours later
        assert run_due(world.deps)
        assert world.queue.depth() == 0
        assert {"ImportStep", "CatchUp"} == set(_kinds(world, Lane.BULK))

    def test_a_failing_id_of_an_import_batch_is_queued_again_alone_on_the_bulk_lane(self, world: World) -> None:
        ids = _backlog(world, 5)
        _failing(world, ids[2], GraphUnavailable("Graph answered 503"))
        assert world.step(Lane.BULK) == "captured 4, requeued 1"
        assert world.queue.depth() == 0
        assert [parse_work(p) for p in world.bulk.sent] == [WorkItem(MAILBOX, ids[2], "inbox", "import")]

    def test_a_throttled_batch_waits_on_the_bulk_lane(self, world: World) -> None:
        ids = _backlog(world, 3)
        for message_id in ids:
            _failing(world, message_id, GraphUnavailable("Graph answered 429", retry_after=30))
        assert world.step(Lane.BULK) == "requeued 3"  # the first id deferred alone, the rest as one batch
        assert world.queue.depth() == 0
        assert [type(parse_work(p)).__name__ for p in world.bulk.sent] == ["WorkItem", "MessageBatch"]


class TestBulkPoison:
    def test_poison_on_the_bulk_lane_is_recorded_shown_and_replayed_onto_the_bulk_lane(self, world: World) -> None:
        ids = _backlog(world, 4)
        real = world.graph.get_message
        _failing(world, ids[1], GraphUnavailable("Graph answered 503"))
        world.run()
        assert world.poison.depth() == 0
        assert [parse_work(p) for p in world.bulk_poison.sent] == [WorkItem(MAILBOX, ids[1], "inbox", "import")]
        gave_up = world.outcome(ids[1])
        assert (gave_up["outcome"], gave_up["reason"]) == ("failed", "retries_exhausted")
        assert "Graph answered 503" in gave_up["detail"] and "mail-bulk-poison" in gave_up["detail"]
        queue = status(world.deps)["queue"]
        assert (queue["poison_depth"], queue["lanes"]["bulk"]["poison_depth"], queue["lanes"]["live"]["poison_depth"]) \
            == (1, 1, 0)
        assert queue["last_poison_reasons"][0]["message_id"] == ids[1]
        world.graph.get_message = real  # type: ignore[method-assign]  (Graph is back)
        assert replay_poison(world.deps) == {"requeued": 1, "kept": 0}
        assert world.bulk.depth() == 1 and world.queue.depth() == 0  # back on its own lane
        world.run()
        assert world.outcome(ids[1])["outcome"] == "captured"
        assert len(world.crm.records_for(world.alice.id)) == len(ids)

    def test_live_poison_stays_on_the_live_lane(self, world: World) -> None:
        world.watch(MAILBOX)
        live = world.arrive(world.mail())
        _failing(world, live, GraphUnavailable("Graph answered 503"))
        world.notify(live)
        world.run()
        assert len(world.poison.sent) == 1 and world.bulk_poison.depth() == 0
        assert "mail-messages-poison" in world.outcome(live)["detail"]


class TestUpgrade:
    def test_bulk_work_already_on_mail_messages_is_processed_and_moves_to_the_bulk_lane(self, world: World) -> None:
        """Before the upgrade everything went on mail-messages: MailWorker still runs every kind of message."""
        world.watch(MAILBOX)
        ids = [world.arrive(world.mail(subject=f"Order {i}")) for i in range(3)]
        start_import(MAILBOX, 30, ["inbox"], world.deps)
        world.bulk.messages.clear()  # as if the import's step had been queued on the one queue of old
        world.queue.send([to_payload(ImportStep(MAILBOX)), to_payload(MessageBatch(MAILBOX, (ids[0],), "inbox"))])
        world.run(lanes=LIVE_ONLY)
        assert world.outcome(ids[0])["outcome"] == "captured"  # the old batch, by MailWorker
        assert "MessageBatch" in _kinds(world, Lane.BULK)  # the old step's page went on the bulk lane
        world.run()
        assert all(world.outcome(i)["outcome"] in ("captured", "duplicate") for i in ids)
        assert len(world.crm.records_for(world.alice.id)) == len(ids)
