"""Timer trigger: NCRONTAB schedules (``{second} {minute} {hour} {day} {month} {day-of-week}``, exactly six
fields as the host parses them, UTC) or a TimeSpan interval (``hh:mm:ss``), ``run_on_startup``, and the host's
singleton rule: an invocation never overlaps another of the same function (scheduled, startup or admin runs
queue behind a lock).

An occurrence missed while the previous run was still going (or the machine slept) runs once as soon as
possible with ``past_due=True``; older missed occurrences are collapsed into that one, as the host does.
WEBSITE_TIME_ZONE is not honoured: schedules are UTC.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from azure.functions.timer import TimerRequest
from croniter import croniter

from devhost.hostconfig import HostConfigError
from devhost.hostjson import dotnet_timespan
from devhost.hostrules import schedule_problem
from devhost.invoker import Invoker
from devhost.registry import FunctionSpec

logger = logging.getLogger("devhost.timers")
PAST_DUE_AFTER = timedelta(seconds=1)  # later than this after its occurrence = past due


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Schedule:
    expression: str

    @classmethod
    def parse(cls, expression: str) -> Schedule:
        text = expression.strip()
        problem = schedule_problem(text)  # the host's rule: six-field NCRONTAB or a TimeSpan
        if problem:
            raise HostConfigError(f"{problem} ({expression!r})")
        schedule = cls(text)
        if schedule._interval is not None and schedule._interval <= timedelta(0):
            raise HostConfigError(f"timer interval must be positive: {expression!r}")
        return schedule

    @property
    def _interval(self) -> timedelta | None:
        """A TimeSpan schedule's period; None for NCRONTAB (the host tries NCRONTAB first)."""
        if len(self.expression.split()) == 6:
            return None
        return timedelta(seconds=dotnet_timespan(self.expression) or 0)

    def next_after(self, moment: datetime) -> datetime:
        if (interval := self._interval) is not None:
            return moment + interval
        return croniter(self.expression, moment, second_at_beginning=True).get_next(datetime)

    def latest_until(self, moment: datetime, since: datetime) -> datetime:
        """The last occurrence after ``since`` and at or before ``moment`` (``moment`` >= first occurrence)."""
        if (interval := self._interval) is not None:
            return since + interval * int((moment - since) / interval)
        latest = croniter(self.expression, moment + timedelta(microseconds=1), second_at_beginning=True)
        return max(latest.get_prev(datetime), self.next_after(since))


class TimerRunner:
    def __init__(self, spec: FunctionSpec, invoker: Invoker) -> None:
        self.spec = spec
        self.schedule = Schedule.parse(spec.settings["schedule"])
        self._invoker = invoker
        self._lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._last: datetime | None = None

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        if self.spec.settings.get("run_on_startup"):
            await self.fire(past_due=False, reason="Timer fired at startup")
        cursor = utcnow()
        while not self._stopping.is_set():
            due = self.schedule.next_after(cursor)
            now = utcnow()
            if due > now:
                try:
                    await asyncio.wait_for(self._stopping.wait(), (due - now).total_seconds())
                    break
                except TimeoutError:
                    pass
            else:
                due = self.schedule.latest_until(now, cursor)
            await self.fire(past_due=utcnow() - due > PAST_DUE_AFTER, reason=f"Timer fired at {due.isoformat()}")
            cursor = due

    async def fire(self, past_due: bool, reason: str) -> None:
        async with self._lock:
            now = utcnow()
            status = {"Last": (self._last or now).isoformat(), "Next": self.schedule.next_after(now).isoformat(),
                      "LastUpdated": now.isoformat()}
            request = TimerRequest(past_due=past_due, schedule_status=status, schedule={"AdjustForDST": True})
            self._last = now
            await self._invoker.invoke(self.spec, request, reason=reason)
