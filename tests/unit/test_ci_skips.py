"""tests/conftest.py: with CI=true a skipped test fails the run; locally a skip stays a skip."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
RULE = (Path(__file__).resolve().parents[1] / "conftest.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["one process", "xdist workers"])
@pytest.mark.parametrize(("ci", "exit_code"), [("true", 1), ("", 0)])
def test_a_skip_fails_the_run_only_in_ci(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, ci: str,
                                         exit_code: int, workers: tuple[str, ...]) -> None:
    """Under xdist (make test) the skip happens in a worker; the controller still fails the run."""
    monkeypatch.setenv("CI", ci)
    pytester.makeconftest(RULE)
    pytester.makepyfile("import pytest\n\ndef test_needs_a_tool():\n    pytest.skip('tool missing')\n\n"
                        "def test_fine():\n    pass\n")
    result = pytester.runpytest_subprocess(*workers)
    assert result.ret == exit_code
    result.assert_outcomes(passed=1, skipped=1)
