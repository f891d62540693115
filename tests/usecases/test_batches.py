"""The import and the delta backstop queue pages of message ids as batches (one queue message per BATCH_IDS ids);
each email is still decided, written, logged and counted on its own, and nothing is lost or doubled: a failing id
is queued again alone, a throttled one waits with the rest of its batch, a crash re-delivers the batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shared.domain.dedupe import normalise_message_id
from shared.domain.errors import GraphUnavailable, TransientError
from shared.domain.lanes import Lane
from shared.domain.work import BATCH_IDS, MessageBatch, WorkItem, parse_work
from shared.ports import FetchSpec
from shared.services import batch as batch_service
from shared.services.admin_ops import replay_poison
from shared.services.delta import run_delta
from shared.services.history import start_import
from shared.services.outcome_stats import import_processed
from shared.services.worker import handle_queue_message
from tests.fakes import InMemoryThreadIndex
from tests.usecases.world import MAILBOX, World


class WorkerKilled(BaseException):
    """The worker process dies mid-batch: no handler of ours runs."""


def _mailbox_with(world: World, n: int, **options: Any) -> list[str]:
    world.watch(MAILBOX)
    if options:
        world.set_options(**options)
    return [world.arrive(world.mail(subject=f"Order {i}")) for i in range(n)]


def _queued(world: World, lane: Lane = Lane.LIVE) -> list[Any]:
    return [parse_work(payload) for payload in world.lane(lane)[0].sent]


def _step(world: World, lane: Lane = Lane.LIVE) -> str:
    """The host runs the next visible message of the lane's queue once."""
    message = world.lane(lane)[0].receive()
    assert message is not None
    return handle_queue_message(message.payload, world.deps.on_lane(lane), owner=message.id,
                                dequeue_count=message.dequeue_count)


def _failing(world: World, bad: set[str], error: Callable[[], Exception], times: int = 10**6) -> list[str]:
    """Graph fails ``times`` times for each message id in ``bad``; returns the ids fetched, in order."""
    fetched: list[str] = []
    real = world.graph.get_message
    left = dict.fromkeys(bad, times)

    def get_message(mailbox: str, message_id: str, spec: FetchSpec) -> Any:
        fetched.append(message_id)
        if left.get(message_id, 0) > 0:
            left[message_id] -= 1
            raise error()
        return real(mailbox, message_id, spec)

    world.graph.get_message = get_message  # type: ignore[method-assign]
    return fetched


def _captured_once(world: World, ids: list[str]) -> None:
    records = world.crm.records_for(world.alice.id)
    assert len(records) == len({r.capture_key for r in records}) == len(ids)  # none lost, none doubled


class TestQueued:
    def test_an_import_page_is_one_queue_message_per_batch_and_every_email_is_logged_and_counted(
            self, world: World) -> None:
        ids = _mailbox_with(world, BATCH_IDS * 2 + 6)
        writes: list[int] = []
        real_write = world.log.write
        world.log.write = lambda entries: (writes.append(len(entries)), real_write(entries))[1]  # type: ignore
        start_import(MAILBOX, 30, ["inbox"], world.deps)
        _step(world, Lane.BULK)  # the import's page: its ids, as batches, on the bulk lane
        queued = [w for w in _queued(world, Lane.BULK) if isinstance(w, MessageBatch)]
        assert [len(b.message_ids) for b in queued] == [BATCH_IDS, BATCH_IDS, 6]
        assert sorted(i for b in queued for i in b.message_ids) == sorted(ids)
        assert not any(isinstance(w, WorkItem) for w in _queued(world, Lane.BULK))
        assert _queued(world) == []  # nothing of the import on the live lane
        world.run()
        _captured_once(world, ids)
        assert all(world.outcome(i)["outcome"] == "captured" and world.outcome(i)["source"] == "import" for i in ids)
        assert len(writes) == 3  # one decision-log write per batch, each email's entries in it
        assert import_processed(world.deps, MAILBOX) == len(ids)
        assert world.deps.stats.rows(world.deps.clock.now(), world.deps.clock.now(), "m:")[0]["Count"] == len(ids)

    def test_the_delta_backstop_queues_batches_too(self, world: World) -> None:
        ids = _mailbox_with(world, BATCH_IDS + 1)
        assert run_delta(MAILBOX, "inbox", world.deps) == len(ids)
        queued = _queued(world)
        assert [len(b.message_ids) for b in queued] == [BATCH_IDS, 1] and queued[0].source == "delta"
        world.run()
        _captured_once(world, ids)


class TestFailures:
    def test_a_failing_id_is_queued_again_alone_and_the_batch_carries_on(self, world: World) -> None:
        ids = _mailbox_with(world, 5)
        fetched = _failing(world, {ids[1]}, lambda: GraphUnavailable("Graph answered 503"), times=1)
        run_delta(MAILBOX, "inbox", world.deps)
        assert _step(world) == "captured 4, requeued 1"
        again = _queued(world)
        assert again == [WorkItem(MAILBOX, ids[1], "inbox", "delta")]  # a normal WorkItem: its own retries
        world.run()
        _captured_once(world, ids)
        assert sorted(fetched) == sorted([*ids, ids[1]])  # the batch was not run again
        assert world.poison.depth() == 0

    def test_an_id_that_keeps_failing_ends_in_poison_alone_with_its_reason(self, world: World) -> None:
        ids = _mailbox_with(world, 4)
        _failing(world, {ids[2]}, lambda: GraphUnavailable("Graph answered 503"))
        run_delta(MAILBOX, "inbox", world.deps)
        world.run()
        assert [p["message_id"] for p in world.poison.sent] == [ids[2]]
        entry = world.outcome(ids[2])
        assert (entry["outcome"], entry["reason"]) == ("failed", "retries_exhausted")
        assert "503" in entry["detail"]
        assert all(world.outcome(i)["outcome"] == "captured" for i in ids if i != ids[2])

    def test_throttling_defers_the_id_and_the_rest_of_its_batch_for_the_retry_after(self, world: World) -> None:
        ids = _mailbox_with(world, 6)
        _failing(world, {ids[2]}, lambda: GraphUnavailable("Graph answered 429", retry_after=30), times=1)
        run_delta(MAILBOX, "inbox", world.deps)
        now = world.deps.clock.now()
        assert _step(world) == "captured 2, requeued 4"
        later = {m.id: m.visible_at for m in world.queue.messages}
        assert _queued(world) == [WorkItem(MAILBOX, ids[2], "inbox", "delta", deferrals=1),
                                  MessageBatch(MAILBOX, tuple(ids[3:]), "inbox", "delta", deferrals=1)]
        assert all((at - now).total_seconds() >= 30 for at in later.values())
        world.run()
        _captured_once(world, ids)

    def test_a_batch_past_its_deadline_queues_the_rest_and_ends(self, world: World,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
        ids = _mailbox_with(world, 3)
        monkeypatch.setattr(batch_service, "BATCH_DEADLINE_S", -1.0)  # every id after the first is late
        run_delta(MAILBOX, "inbox", world.deps)
        assert _step(world) == "captured 1, requeued 2"
        assert _queued(world) == [MessageBatch(MAILBOX, tuple(ids[1:]), "inbox", "delta")]
        world.run()
        _captured_once(world, ids)


    def test_a_batch_that_keeps_failing_ends_in_poison_with_the_reason_and_replays(self, world: World) -> None:
        ids = _mailbox_with(world, 3)
        _failing(world, {ids[1]}, lambda: GraphUnavailable("Graph answered 503"), times=world.deps.max_dequeue_count)
        run_delta(MAILBOX, "inbox", world.deps)
        real_send = world.queue.send

        def send(payloads: Any, visibility_timeout: int | None = None) -> None:
            raise TransientError("the queue refused the message")

        world.queue.send = send  # type: ignore[method-assign]
        world.run()
        assert [p["kind"] for p in world.poison.sent] == ["messages"]
        gave_up = [e for e in world.log.entries if e["reason"] == "retries_exhausted"]
        assert [e["message_id"] for e in gave_up] == ["(batch of 3 message ids)"]
        assert "the queue refused the message" in gave_up[0]["detail"]
        world.queue.send = real_send  # type: ignore[method-assign]
        assert replay_poison(world.deps) == {"requeued": 1, "kept": 0}
        world.run()
        _captured_once(world, ids)


class TestCrash:
    def test_a_crash_mid_batch_redelivers_it_and_what_was_written_is_not_written_again(self, world: World) -> None:
        ids = _mailbox_with(world, 5)
        real_write, writes = world.crm.write_record, []

        def write_record(record: Any, files: Any) -> str:
            writes.append(record)
            if len(writes) == 3:  # the third email: stored in the CRM, then the worker dies
                world.crm.crash_after_write = WorkerKilled()
            return real_write(record, files)

        world.crm.write_record = write_record  # type: ignore[method-assign]
        run_delta(MAILBOX, "inbox", world.deps)
        with pytest.raises(WorkerKilled):
            world.run()
        world.run()  # the same queue message again
        _captured_once(world, ids)
        # as a re-delivered single WorkItem: the ledger knows the first two; the third is found in the CRM
        assert [world.outcome(i)["outcome"] for i in ids] == ["duplicate", "duplicate", "captured", "captured",
                                                               "captured"]
        # the thread rows the crash kept from being stored are written by the second delivery
        threads = _threads(world)
        assert all(f"mid:{normalise_message_id(_internet_id(world, i))}" in threads.rows for i in ids)


class TestDailyCap:
    def test_the_cap_counts_the_batch_s_captures_not_logged_yet(self, world: World) -> None:
        ids = _mailbox_with(world, 8, max_total_emails=5)
        real = world.graph.get_message

        def get_message(mailbox: str, message_id: str, spec: FetchSpec) -> Any:
            world.deps.caches.captured_today.clear()  # the cap's count is read again from the outcome rows
            return real(mailbox, message_id, spec)

        world.graph.get_message = get_message  # type: ignore[method-assign]
        run_delta(MAILBOX, "inbox", world.deps)
        world.run()
        assert [world.outcome(i)["outcome"] for i in ids] == ["captured"] * 5 + ["skipped"] * 3
        assert {world.outcome(i)["reason"] for i in ids[5:]} == {"daily_cap"}
        assert world.deps.caches.unlogged_captures == {f"{MAILBOX}|{world.deps.clock.now():%Y-%m-%d}": 0}


def _threads(world: World) -> InMemoryThreadIndex:
    assert isinstance(world.deps.threads, InMemoryThreadIndex)
    return world.deps.threads


def _internet_id(world: World, message_id: str) -> str:
    return world.graph.messages[(MAILBOX, message_id)].message.internet_message_id


class TestThreads:
    def test_a_reply_later_in_the_batch_reaches_the_contacts_of_an_earlier_email(self, world: World) -> None:
        world.watch(MAILBOX)
        first = world.mail(conversation_id="conv-1")
        reply = world.mail(sender="alice.private@example.net", conversation_id="conv-1",
                           in_reply_to=first.internet_message_id)
        world.arrive(first)
        world.arrive(reply)
        run_delta(MAILBOX, "inbox", world.deps)
        writes = _threads(world).writes
        world.run()
        assert len(world.crm.records_for(world.alice.id)) == 2  # as when each was queued alone
        assert _threads(world).writes == writes + 1  # the batch's rows in one write, when it ends
        assert {"conv:conv-1", f"mid:{normalise_message_id(first.internet_message_id)}"} <= set(_threads(world).rows)
