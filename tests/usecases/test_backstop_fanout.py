"""The delta backstop fans out: its timers only queue one walk per mailbox and folder (no Graph call, so the
run grows by a queue write per folder), BulkWorker runs the walks (the bulk lane), and a walk already done is not
repeated."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.work import CatchUp, parse_work
from shared.services.delta import run_all, run_due
from tests.usecases.world import ALICE, World

MAILBOXES = [f"desk{n}@association.example" for n in range(6)]


def watched_world() -> World:
    world = World()
    for address in MAILBOXES:
        world.watch(address)
    world.graph.calls.clear()
    return world


def queued_walks(world: World) -> list[CatchUp]:
    return [w for w in (parse_work(m.payload) for m in world.bulk.messages) if isinstance(w, CatchUp)]


class TestBackstopFanOut:
    def test_the_timer_run_is_one_queue_write_per_folder_and_no_graph_call(self) -> None:
        world = watched_world()
        world.deps.clock.offset += timedelta(minutes=15)
        due = run_due(world.deps)
        walks = queued_walks(world)
        assert world.graph.calls == []
        assert sorted((w.mailbox, w.folder) for w in walks) == sorted(
            (m, f) for m in MAILBOXES for f in ("inbox", "sentitems"))
        assert len(due) == len(walks) == 2 * len(MAILBOXES) == world.bulk.depth()  # the bulk lane
        assert world.queue.depth() == 0
        assert {w.why for w in walks} == {"backstop"} and all(w.queued_at for w in walks)

    def test_the_walks_run_on_the_queue_and_catch_missed_mail(self) -> None:
        world = watched_world()
        missed = [world.arrive(world.mail(to=m), mailbox=m) for m in MAILBOXES]  # no notifications
        run_all(world.deps)
        assert world.graph.calls == []
        outcomes = world.run()
        assert world.graph.calls.count("delta_page") == 2 * len(MAILBOXES)
        assert outcomes.count("queued 1") == len(MAILBOXES)
        outcomes_of_missed = [world.outcome(mid, m)["outcome"] for mid, m in zip(missed, MAILBOXES, strict=True)]
        assert outcomes_of_missed == ["captured"] * len(MAILBOXES)

    def test_a_walk_queued_twice_runs_once(self) -> None:
        world = watched_world()
        world.arrive(world.mail(sender=ALICE, to=MAILBOXES[0]), mailbox=MAILBOXES[0])
        run_all(world.deps)
        run_all(world.deps)  # a second sweep before the worker got to the first (a backlog)
        outcomes = world.run()
        assert outcomes.count("walked already") == 2 * len(MAILBOXES)
        assert world.graph.calls.count("delta_page") == 2 * len(MAILBOXES)
        assert world.crm.records_for(world.alice.id) and len(world.crm.records_for(world.alice.id)) == 1
