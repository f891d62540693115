"""The delta backstop's interval is an option: the timer ticks every 5 minutes (schedules are fixed at deploy
time) and a folder runs only when its delta link is at least the interval old."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.errors import InvalidOptions
from shared.domain.options import parse_options
from shared.services.delta import run_all, run_due
from tests.usecases.world import MAILBOX, World, options_doc

TICK = timedelta(minutes=5)


def ticks_that_ran(world: World, ticks: int) -> list[int]:
    """Advance the clock tick by tick (each tick at its own moment) and note which ticks queued the Inbox."""
    ran = []
    for n in range(1, ticks + 1):
        world.deps.clock.offset += TICK
        if f"{MAILBOX}/inbox" in run_due(world.deps):
            ran.append(n)
        world.run()  # MailWorker runs the queued walks between ticks
    return ran


class TestBackstopInterval:
    def test_the_default_runs_every_third_tick(self, world: World) -> None:
        assert ticks_that_ran(world, 9) == [3, 6, 9]  # every 15 minutes after onboarding took the link

    def test_a_longer_interval_skips_more_ticks(self, world: World) -> None:
        world.set_options(backstop_interval_minutes=60)
        world.deps.forget_options()
        assert ticks_that_ran(world, 24) == [12, 24]

    def test_the_shortest_interval_runs_every_tick(self, world: World) -> None:
        world.set_options(backstop_interval_minutes=5)
        world.deps.forget_options()
        assert ticks_that_ran(world, 4) == [1, 2, 3, 4]

    def test_a_due_tick_still_catches_dropped_mail(self, world: World) -> None:
        world.deps.clock.offset += timedelta(minutes=15)
        mid = world.arrive(world.mail())  # no notification
        assert f"{MAILBOX}/inbox" in run_due(world.deps)
        assert "queued 1" in world.run()
        assert world.outcome(mid)["outcome"] == "captured"

    def test_the_on_demand_run_ignores_the_interval(self, world: World) -> None:
        world.arrive(world.mail())
        assert f"{MAILBOX}/inbox" not in run_due(world.deps)  # the link was just taken at onboarding
        assert f"{MAILBOX}/inbox" in run_all(world.deps)
        assert "queued 1" in world.run()

    @pytest.mark.parametrize("minutes", [0, 4, 7, 1445, 10_000])
    def test_out_of_bounds_or_off_tick_intervals_are_refused(self, minutes: int) -> None:
        with pytest.raises(InvalidOptions) as caught:
            parse_options(options_doc(backstop_interval_minutes=minutes))
        assert [path for path, _ in caught.value.problems] == ["backstop_interval_minutes"]
