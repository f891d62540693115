"""The demo's capability summary: a step that ends unexpectedly or breaks is a ✗ (never a crashed demo), and the
closing line counts and names what failed, which is what makes `DEMO_ONCE=1 make demo` exit 1."""

from __future__ import annotations

from typing import Any

import pytest

from devhost.demo_tour import STEPS, print_tour, run_tour


def broken(driver: Any) -> tuple[bool, str]:
    raise TimeoutError("timed out after 60s waiting for 1 message outcome(s)")


def test_each_step_is_shown_with_its_mark_and_what_judged_it(capsys: pytest.CaptureFixture[str]) -> None:
    steps = (("good", lambda d: (True, "1 record"), "CRM records"), ("bad", lambda d: (False, "2 records"), "CRM"),
             ("broken", broken, "log"))
    rows = run_tour(object(), steps)  # type: ignore[arg-type]
    assert [(r[0], r[1]) for r in rows] == [("good", True), ("bad", False), ("broken", False)]
    assert rows[2][3] == "TimeoutError: timed out after 60s waiting for 1 message outcome(s)"
    print_tour(rows)
    out = capsys.readouterr().out
    assert "✓ good" in out and "✗ bad" in out and "✗ broken" in out and "checked: CRM records" in out
    assert "1/3 capabilities ✓; ✗ bad, broken" in out


def test_the_tour_covers_issue_16s_capabilities() -> None:
    names = {name for name, _, _ in STEPS}
    assert {"attachments", "Interactions", ".eml copies", "organisation linking", "contact creation", "daily cap",
            "historical import", "lifecycle: removed", "lifecycle: missed", "explain", "options preview",
            "private mail", "never-capture category", "capture folder", "whole-mailbox capture", "tag in Outlook",
            "only the new text", "auto-link exclusions", "seed roles", "delta backstop", "erasure"} <= names
    assert [name for name, _, _ in STEPS][-1] == "erasure"  # it deletes: nothing may run after it
