"""Hypothesis settings for the property tests, applied per test (no global profile, so other suites keep theirs).

Every run draws fresh random examples, in CI too: a property test that always sees the same inputs can only
find a bug once. A failure is reproducible from what it prints: the falsifying example, and (``print_blob``)
an ``@reproduce_failure(...)`` line to paste over the test; ``pytest --hypothesis-seed=N`` replays a whole run.
The seed of each run is printed in the pytest summary (tests/conftest.py). ``HYPOTHESIS_PROFILE=deep``:
ten times the examples, for a soak. Deadlines stay on: an input that takes seconds to handle is a finding too
(the webhook must answer Graph within seconds, a worker must not stall on one email).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


# differing_executors: the tests are methods of stateless classes; a runner that collects them twice in one
# process (mutmut does) calls them through two instances, which changes nothing they compute.
SUPPRESSED = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.differing_executors]


def profile(examples: int = 100, deadline_ms: int = 2000) -> settings:
    return settings(max_examples=examples * (10 if DEEP else 1), deadline=deadline_ms, derandomize=False,
                    print_blob=True, suppress_health_check=SUPPRESSED)
