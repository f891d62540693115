"""The backstop's two timers on the local host: the 5-minute tick honours backstop_interval_minutes (a folder
whose delta link is fresh is left alone); DeltaBackstop, on demand, runs every folder."""

from __future__ import annotations

from datetime import datetime

import pytest

from devhost.driver import StackDriver
from devhost.stack import Stack
from tests.integration.test_delivery import inbox_of, run_function

pytestmark = pytest.mark.integration


def link_updated(driver: StackDriver, mailbox: str) -> datetime | None:
    stamp = inbox_of(driver, mailbox)["delta_updated_at"]
    return datetime.fromisoformat(stamp) if stamp else None


def finished_runs(stack: Stack, function: str) -> int:
    """Invocations of ``function`` the host reported finished (its log line, as the Functions host writes it)."""
    log = (stack.workdir / "logs" / "host.log").read_text(errors="replace")
    return log.count(f"Executed 'Functions.{function}'")


class TestBackstopTimers:
    def test_the_tick_leaves_a_fresh_folder_and_the_on_demand_run_moves_it(self, stack: Stack,
                                                                           driver: StackDriver,
                                                                           mailbox: str) -> None:
        driver.wait_until(lambda: link_updated(driver, mailbox) is not None, 60, "onboarding's delta link")
        taken = link_updated(driver, mailbox)  # onboarding took it just now
        assert taken is not None
        runs = finished_runs(stack, "DeltaBackstopTick")
        run_function(stack, "DeltaBackstopTick")
        driver.wait_until(lambda: finished_runs(stack, "DeltaBackstopTick") > runs, 60, "the tick to finish")
        assert link_updated(driver, mailbox) == taken  # 15 minutes have not passed: not due
        run_function(stack, "DeltaBackstop")
        driver.wait_until(lambda: (link_updated(driver, mailbox) or taken) > taken, 60, "the on-demand run")
        assert inbox_of(driver, mailbox)["delta_note"] == ""
