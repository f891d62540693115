"""Helpers for the devhost integration tests: polling with a deadline and the sample app's record file."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(produce: Callable[[], T | None], timeout: float = 10.0, what: str = "condition") -> T:
    """Poll ``produce`` until it returns something truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = produce()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class Records:
    """The JSON lines written by tests/devhost/sample_app.py."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def where(self, **match: Any) -> list[dict[str, Any]]:
        return [r for r in self.all() if all(r.get(k) == v for k, v in match.items())]

    def wait(self, count: int = 1, timeout: float = 10.0, **match: Any) -> list[dict[str, Any]]:
        """At least ``count`` records matching ``match``."""
        return wait_for(lambda: (found := self.where(**match)) and len(found) >= count and found,
                        timeout, f"{count} record(s) {match}")
