"""The admin page as an iMIS administrator sets it up: field mappings without JSON and their live results, charts,
a moving import, and accessibility (axe-core, keyboard, narrow window) on every section, with screenshots."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from devhost.stack import REPO, Stack
from tests.browser.support import MAILBOX, PERSON_MAIL, admin_client, full_stack, seed, wait_for

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
from tests.browser.pages import use_key  # noqa: E402  (needs playwright)

expect = sync_api.expect
pytestmark = [pytest.mark.browser, pytest.mark.integration]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SECTIONS = ("step-roles", "step-types", "step-mapping", "step-limits", "mailboxes", "status", "log", "explain",
            "erasure")
SUBJECT = "Renewal for 2026 – can I pay by bank transfer?"  # the sample email 01


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own: the import here logs hundreds of emails, which the other pages' tests must not see."""
    with full_stack(tmp_path_factory.mktemp("admin-setup-stack")) as started:
        seed(started)
        yield started


def axe_violations(page: Any, selector: str) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations inside ``selector`` (axe is evaluated, not injected as a
    script element, so the page's strict CSP stays as it is)."""
    assert AXE.exists(), "node_modules/axe-core is missing: npm ci"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("async (s) => (await axe.run(document.querySelector(s))).violations", selector)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result if v["impact"] in ("serious", "critical")]


def crm_activities(stack: Stack) -> list[dict[str, Any]]:
    return list(httpx.get(f"{stack.imis_control_url}/records", timeout=10).json()["activities"])


class TestFieldMapping:
    def test_subject_and_literal_text_mapped_without_json_shown_truncated_saved_and_written_so(
            self, page: Any, stack: Stack, screenshot: Any) -> None:
        use_key(page, stack)
        template = page.get_by_label("Source code (SOURCE_CODE)")
        template.fill("Email: ")
        page.get_by_label("Insert a token into Source code").select_option("[Subject]")
        expect(template).to_have_value("Email: [Subject]")
        expect(page.locator("#map-SOURCE_CODE-count")).to_have_text("Literal text 7 of 40 characters")
        assert '"template": "Email: [Subject]"' in page.locator("#opt-advanced").input_value()
        page.get_by_label("Recent email").select_option(label=f"{SUBJECT} – {MAILBOX}")
        row = page.locator("#results-table tr[data-field=SOURCE_CODE]")
        shown = f"Email: {SUBJECT}"[:39] + "…"
        expect(row.locator("td.written")).to_have_text(shown)
        expect(row).to_contain_text(f"cut to 40 of {len('Email: ' + SUBJECT)} (limit 40)")
        screenshot(page, "step-mapping")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#options-message")).to_contain_text("Saved: version")
        stored = admin_client(stack).get("/options").json()["options"]["activity_types"][0]["fields"]
        assert {"field": "SOURCE_CODE", "template": "Email: [Subject]", "max_length": None} in stored
        raw = PERSON_MAIL.read_bytes().replace(b"Message-ID: <", f"Message-ID: <{uuid.uuid4().hex}".encode(), 1)
        httpx.post(f"{stack.graph_control_url}/mailboxes/{MAILBOX}/messages", content=raw,
                   headers={"content-type": "message/rfc822"}, timeout=10).raise_for_status()
        written = wait_for(lambda: [a for a in crm_activities(stack) if a.get("SOURCE_CODE")], 60,
                           "the worker's activity with the new mapping")
        assert {a["SOURCE_CODE"] for a in written} == {shown}

    def test_unknown_token_is_flagged_beside_the_field_at_once(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.get_by_label("User field 2 (UF_2)").fill("[Subjekt]")
        expect(page.locator("#map-UF_2-error")).to_have_text("Unknown token(s) [Subjekt].")
        expect(page.get_by_label("User field 2 (UF_2)")).to_have_attribute("aria-invalid", "true")

    def test_interactions_have_their_own_rows(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        page.get_by_label("Record type", exact=True).select_option(label="Interactions")
        expect(page.get_by_label("Subject (subject_template)")).to_have_value("[Subject]")
        page.get_by_label("Subject (subject_template)").fill("Mail: [Subject]")
        assert json.loads(page.locator("#opt-advanced").input_value())["interaction"]["subject_template"] == \
            "Mail: [Subject]"


class TestCharts:
    def test_charts_draw_the_sample_organisations_mail(self, page: Any, stack: Stack, screenshot: Any) -> None:
        use_key(page, stack)
        for chart in ("chart-outcomes", "chart-reasons", "chart-mailboxes", "chart-trends", "chart-expiry"):
            page.wait_for_function("(id) => window.Chart && Chart.getChart(document.getElementById(id))", arg=chart)
        stats = admin_client(stack).get("/stats").json()
        drawn = page.evaluate("Chart.getChart(document.getElementById('chart-outcomes')).data.datasets"
                              ".map(d => [d.label, d.data])")
        assert drawn == [[k, v] for k, v in stats["by_outcome"].items()]
        assert sum(stats["by_outcome"]["captured"]) >= 1 and stats["by_reason"]["auto_reply"][-1] == 1
        expect(page.locator("#chart-reasons")).to_have_attribute("aria-label", re.compile("auto_reply 1"))
        counts = stats["by_mailbox"][MAILBOX]
        assert f"{MAILBOX} captured {counts['captured']} skipped {counts['skipped']}" in \
            (page.locator("#chart-mailboxes").get_attribute("aria-label") or "")
        screenshot(page, "status")


class TestImport:
    def test_an_import_shows_a_moving_progress_bar(self, page: Any, stack: Stack) -> None:
        address = f"archive-{uuid.uuid4().hex[:6]}@association.example"
        httpx.post(f"{stack.graph_control_url}/mailboxes", json={"address": address}, timeout=10)
        now = datetime.now(UTC)
        messages = [{"subject": f"Question {i}", "from": {"emailAddress": {"address": "alice@example.org"}},
                     "toRecipients": [{"emailAddress": {"address": address}}],
                     "body": {"contentType": "text", "content": "Hello"},
                     "internetMessageId": f"<{uuid.uuid4().hex}@example.org>",
                     "receivedDateTime": (now - timedelta(minutes=i)).isoformat()} for i in range(300)]
        httpx.post(f"{stack.graph_control_url}/mailboxes/{address}/bulk", json={"messages": messages,
                   "notify": False}, timeout=60).raise_for_status()
        use_key(page, stack)
        admin_client(stack).post("/mailboxes", json={"address": address, "import_days": 7}).raise_for_status()
        page.get_by_role("button", name="Refresh").click()
        bar = page.get_by_role("progressbar", name=address)
        seen = set()

        def moved() -> bool:
            value = float(bar.get_attribute("value") or 0)
            seen.add(value)
            return len({v for v in seen if 0 < v < 300}) >= 2 or (len(seen) >= 2 and value == 300)

        wait_for(moved, 120, "the import's bar to move")
        expect(bar).to_have_attribute("max", "300")
        expect(page.locator("#imports")).to_contain_text("of 300 processed")


class TestAccessibility:
    @pytest.mark.parametrize("width", [1280, 420])
    def test_every_section_has_no_serious_axe_violation_and_a_screenshot(
            self, page: Any, stack: Stack, screenshot: Any, width: int) -> None:
        page.set_viewport_size({"width": width, "height": 900})
        use_key(page, stack)
        page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-outcomes'))")
        found = {section: axe_violations(page, f"#{section}") for section in SECTIONS}
        assert all(not v for v in found.values()), found
        for section in SECTIONS:
            screenshot(page, section)
        wide = page.evaluate("() => [...document.querySelectorAll('body *')].filter((e) => "
                             "e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('table'))"
                             ".map((e) => e.id || e.tagName + '.' + e.className).slice(0, 8)")
        assert not wide, f"wider than the window: {wide}"

    def test_keyboard_reaches_the_mapping_editor_and_saves(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        expect(page.locator("#map-DESCRIPTION")).to_be_visible()
        page.get_by_role("link", name="3 Field mappings").focus()
        page.keyboard.press("Enter")  # to the step; Tab then walks into its controls
        visited = []
        for _ in range(12):
            page.keyboard.press("Tab")
            visited.append(page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))
            if visited[-1].startswith("map-"):
                break
        focused = visited[-1]
        assert "mapping-type" in visited and focused == "map-DESCRIPTION", visited
        page.keyboard.type("x")
        assert page.locator(f"#{focused}").input_value().endswith("x")
        assert page.locator(f"#{focused}").input_value() in page.locator("#opt-advanced").input_value()
