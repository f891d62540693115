"""Timer triggers: NCRONTAB/TimeSpan schedules (unit) and the sample app's timers in the running host."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from devhost.hostconfig import HostConfigError
from devhost.stack import Stack
from devhost.timers import Schedule
from tests.devhost.support import Records

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


class TestSchedule:
    @pytest.mark.parametrize(("expression", "expected"), [
        ("*/15 * * * * *", datetime(2025, 3, 1, 12, 0, 15, tzinfo=UTC)),  # seconds come first (NCRONTAB)
        ("0 30 9 * * *", datetime(2025, 3, 2, 9, 30, 0, tzinfo=UTC)),
        ("0 0 0 * * 1", datetime(2025, 3, 3, 0, 0, 0, tzinfo=UTC)),  # next Monday
        ("00:05:00", datetime(2025, 3, 1, 12, 5, 0, tzinfo=UTC)),  # TimeSpan interval
    ])
    def test_next_occurrence(self, expression: str, expected: datetime) -> None:
        assert Schedule.parse(expression).next_after(T0) == expected

    def test_missed_occurrences_collapse_into_the_latest(self) -> None:
        schedule = Schedule.parse("*/10 * * * * *")
        late = datetime(2025, 3, 1, 12, 1, 3, tzinfo=UTC)
        assert schedule.latest_until(late, since=T0) == datetime(2025, 3, 1, 12, 1, 0, tzinfo=UTC)

    @pytest.mark.parametrize("expression", ["every minute", "* * * *", "00:00:00", "61 * * * * *",
                                            "0 */5 * * *"])  # five fields: the host parses with seconds
    def test_rejects_invalid_schedules(self, expression: str) -> None:
        with pytest.raises(HostConfigError):
            Schedule.parse(expression)


def run(stack: Stack, name: str) -> int:
    return httpx.post(f"{stack.host_url}/admin/functions/{name}", json={"input": ""},
                      headers={"x-functions-key": stack.master_key}, timeout=10).status_code


@pytest.mark.integration
class TestTimersInTheHost:
    def test_run_on_startup_fires_at_start(self, sample_stack: Stack, sample_records: Records) -> None:
        (startup,) = sample_records.wait(fn="Yearly")[:1]
        assert startup["past_due"] is False

    def test_schedule_fires_repeatedly(self, sample_stack: Stack, sample_records: Records) -> None:
        before = len(sample_records.where(fn="Ticker"))
        sample_records.wait(count=max(2, before + 1), timeout=8, fn="Ticker")  # every 2 s

    def test_a_timer_never_overlaps_itself(self, sample_stack: Stack, sample_records: Records) -> None:
        before = len(sample_records.where(fn="Ticker"))
        assert [run(sample_stack, "Ticker") for _ in range(3)] == [202, 202, 202]
        runs = sample_records.wait(count=before + 3, timeout=8, fn="Ticker")
        spans = sorted((r["started"], r["at"]) for r in runs)
        assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:], strict=False))
