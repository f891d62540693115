"""The daily maintenance moves rows of the thread index's former layout, a bounded number a run."""

from __future__ import annotations

from shared.services.maintenance import FORMER_THREAD_ROWS_PER_RUN, daily
from tests.usecases.world import World


def test_the_daily_run_moves_a_bounded_number_of_former_thread_rows(world: World) -> None:
    asked: list[int] = []
    world.deps.threads.move_former_rows = lambda limit: asked.append(limit) or 7  # type: ignore[method-assign]
    assert daily(world.deps)["thread_rows_moved"] == 7 and asked == [FORMER_THREAD_ROWS_PER_RUN]
