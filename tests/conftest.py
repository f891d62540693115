"""Suite-wide rules.

In CI (``CI=true``) a skipped test fails the run, because a skip there can only mean a missing prerequisite that
`make test` should have installed, and a skip would hide it. Under pytest-xdist the controller sees every worker's
reports, so the rule holds for the whole run.

`make test` runs on two xdist workers (``-n 2 --dist loadfile``): the integration stacks mostly wait on their
servers, and a single process left a core idle. A unit of work is a test file, so a module's stack starts once;
the browser and devhost packages share one stack per package/session, so each of them is one unit. Units known
to take minutes are handed out first, so no worker is left with a long one at the end (the order only costs or
saves time: a stale list is never wrong).

Hypothesis: one seed per run for every property test, printed at the end and beside each failing one; every xdist
worker runs with the controller's.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import core

SHARED_STACKS = ("tests/browser/", "tests/devhost/")
SEED = pytest.StashKey[int]()
LONG_FIRST = ("tests/integration/test_subscriptions.py", "tests/browser/", "tests/faults/",
              "tests/integration/test_lifecycle_events.py", "tests/integration/test_sample_mail.py",
              "tests/integration/test_shared_limits.py", "tests/integration/test_user_marks.py")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not _ci() or reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; a skip in CI hides a missing prerequisite:",
                            red=True)
        for report in skipped:
            reporter.write_line(f"  {report.nodeid or report.fspath}: {report.longrepr}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def work_unit(nodeid: str) -> str:
    """What one xdist worker runs as a whole: the test file, or the package whose tests share one stack."""
    path = nodeid.split("::", 1)[0]
    return next((package for package in SHARED_STACKS if path.startswith(package)), path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class StackScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    config.option.loadscopereorder = False  # keep the collection order below, not "most tests first"
    return StackScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):
        return  # a single process keeps pytest's order

    def rank(item: pytest.Item) -> int:
        return next((i for i, prefix in enumerate(LONG_FIRST) if item.nodeid.startswith(prefix)), len(LONG_FIRST))

    items.sort(key=rank)  # stable: each file's tests stay together and in order


def pytest_configure(config: pytest.Config) -> None:
    """One Hypothesis seed per run, printed, so any failure can be replayed exactly: ``--hypothesis-seed=N``, else a
    fresh one (an xdist worker takes the controller's)."""
    given = config.getoption("hypothesis_seed", default=None)
    worker = getattr(config, "workerinput", None)
    if given and str(given).isdigit():
        seed = int(given)
    else:
        seed = worker["hypothesis_seed"] if worker else random.SystemRandom().randrange(2**32)
    if not given:
        core.global_force_seed = seed  # what --hypothesis-seed would set
    config.stash[SEED] = seed


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    node.workerinput["hypothesis_seed"] = node.config.stash[SEED]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed and getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
        seed = item.config.stash[SEED]
        report.sections.append(("hypothesis seed", f"rerun with: pytest --hypothesis-seed={seed} {item.nodeid}"))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seed = config.stash[SEED]
    terminalreporter.write_line(f"hypothesis seed of this run: {seed} (replay: --hypothesis-seed={seed})")
