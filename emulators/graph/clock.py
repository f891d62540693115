"""Emulated time: real UTC time plus an offset that the control API can move forward.

Subscriptions expire, delta tokens age and throttling windows slide on this clock, so a test can
jump a week ahead with ``POST /_emulator/clock`` instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the emulated clock only moves forward")
        self._offset += timedelta(seconds=seconds)
        return self.now()
