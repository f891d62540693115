"""One random seed per run for every Hypothesis test, printed, so any failure can be replayed exactly.

Without ``--hypothesis-seed`` a fresh seed is drawn; it is shown in the summary and beside each failing property
test, and ``pytest --hypothesis-seed=N tests/property`` reruns the same examples.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import core

SEED: list[int] = []


def pytest_configure(config: pytest.Config) -> None:
    given = config.getoption("hypothesis_seed", default=None)
    seed = int(given) if given and str(given).isdigit() else random.SystemRandom().randrange(2**32)
    if not given:
        core.global_force_seed = seed  # what --hypothesis-seed would set
    SEED[:] = [seed]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and SEED:
        report.sections.append(("hypothesis seed", f"rerun with: pytest --hypothesis-seed={SEED[0]} {item.nodeid}"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SEED:
        terminalreporter.write_line(f"hypothesis seed of this run: {SEED[0]} (replay: --hypothesis-seed={SEED[0]})")
