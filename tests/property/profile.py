"""Hypothesis settings for the property tests, applied per test (no global profile, so other suites keep theirs).

``ci`` (default): derandomized, a few seconds per file, so ``make test`` is repeatable. ``HYPOTHESIS_PROFILE=deep``:
ten times the examples with fresh randomness, for a soak. Deadlines stay on: an input that takes seconds to
handle is a finding too (the webhook must answer Graph within seconds, a worker must not stall on one email).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def profile(examples: int = 100, deadline_ms: int = 2000) -> settings:
    return settings(max_examples=examples * (10 if DEEP else 1), deadline=deadline_ms, derandomize=not DEEP,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
