"""Suite-wide rule: in CI (``CI=true``) a skipped test fails the run, because a skip there can only mean a missing
prerequisite that `make test` should have installed, and a skip would hide it."""

from __future__ import annotations

import os

import pytest


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
