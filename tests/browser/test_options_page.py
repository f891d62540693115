"""The Options section: invalid changes are shown next to their field and change nothing; valid ones save."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from tests.browser.pages import use_key
from tests.browser.support import admin_client

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def stored(stack: Stack) -> dict[str, Any]:
    with admin_client(stack) as admin:
        return admin.get("/options").json()


class TestInvalidChange:
    def test_unknown_token_is_shown_next_to_the_template_and_nothing_is_stored(
            self, page: Any, stack: Stack, screenshot: Any) -> None:
        before = stored(stack)
        use_key(page, stack)
        page.get_by_label("Record type", exact=True).select_option(label="Interactions")
        template = page.get_by_label("Subject (subject_template)")
        template.fill("[Subject] [Nope]")
        page.get_by_role("button", name="Save").click()
        error = page.locator("#map-subject_template-error")
        expect(error).to_contain_text("unknown token(s) [Nope]")
        expect(template).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#options-message")).to_contain_text("Not saved: 1 problem")
        screenshot(page)
        screenshot(page, "options")
        assert stored(stack) == before

    def test_problem_in_the_advanced_json_is_shown_next_to_it_with_its_path(self, page: Any, stack: Stack) -> None:
        before = stored(stack)
        use_key(page, stack)
        page.locator("summary", has_text="Advanced (JSON)").click()
        advanced = page.locator("#opt-advanced")
        doc = json.loads(advanced.input_value())
        doc["activity_types"][0]["fields"][0]["template"] = "[Subjekt]"
        advanced.fill(json.dumps(doc))
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#opt-advanced-error")).to_contain_text(
            "activity_types.0.fields.0.template: unknown token(s) [Subjekt]")
        assert stored(stack) == before

    def test_broken_json_is_caught_before_sending(self, page: Any, stack: Stack) -> None:
        before = stored(stack)
        use_key(page, stack)
        page.locator("summary", has_text="Advanced (JSON)").click()
        page.locator("#opt-advanced").fill("{not json")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#opt-advanced-error")).to_contain_text("Not valid JSON")
        assert stored(stack) == before


class TestValidChange:
    def test_saving_shows_the_new_version_and_stores_the_change(
            self, page: Any, stack: Stack, screenshot: Any) -> None:
        version = stored(stack)["version"]
        use_key(page, stack)
        page.get_by_label("Internal domains").fill("association.example\nstaff.association.example")
        page.get_by_label("Skip bulk mail").uncheck()
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#options-message")).to_have_text(f"Saved: version {version + 1}.")
        expect(page.locator("#options-meta")).to_contain_text(f"Version {version + 1} by function-key")
        screenshot(page)
        after = stored(stack)
        assert after["version"] == version + 1
        assert after["options"]["internal_domains"] == ["association.example", "staff.association.example"]
        assert after["options"]["automated"]["skip_bulk"] is False
        page.locator("#options-history summary").click()  # "History" alone also names a folder
        expect(page.locator("#options-history-list li").first).to_contain_text(f"Version {version + 1}")

    def test_change_made_elsewhere_meanwhile_asks_for_a_reload(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        current = stored(stack)
        with admin_client(stack) as admin:
            admin.patch("/options", json={"look_back_days": 7}, headers={"If-Match": f'"v{current["version"]}"'}
                        ).raise_for_status()
        page.get_by_label("Look-back days").fill("9")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#options-message")).to_contain_text("changed by someone else: reload")
        assert stored(stack)["options"]["look_back_days"] == 7
        page.get_by_role("button", name="Reload").click()
        expect(page.get_by_label("Look-back days")).to_have_value("7")


class TestUnsavedEdits:
    def test_a_load_the_admin_did_not_ask_for_keeps_them_and_reload_drops_them(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        stored_days = str(stored(stack)["options"]["look_back_days"])
        days = page.get_by_label("Look-back days")
        days.fill("11")
        # The key again: every section loads anew; the options' load ends by asking for their history.
        with page.expect_response(lambda r: "/manage/options/history" in r.url):
            page.get_by_role("button", name="Use key").click()
        expect(days).to_have_value("11")
        page.get_by_role("button", name="Reload").click()  # asked for: the stored options, edits dropped
        expect(days).to_have_value(stored_days)

    def test_a_version_stored_meanwhile_is_announced_and_the_edits_stay(self, page: Any, stack: Stack) -> None:
        use_key(page, stack)
        current = stored(stack)
        page.get_by_label("Look-back days").fill("12")
        with admin_client(stack) as admin:
            admin.patch("/options", json={"retention_days": 91}, headers={"If-Match": f'"v{current["version"]}"'}
                        ).raise_for_status()
        with page.expect_response(lambda r: "/manage/options/history" in r.url):
            page.get_by_role("button", name="Use key").click()
        expect(page.locator("#options-message")).to_contain_text(
            f"The stored options changed (version {current['version'] + 1})")
        expect(page.get_by_label("Look-back days")).to_have_value("12")
        page.get_by_role("button", name="Save").click()  # against the version it was edited from: refused
        expect(page.locator("#options-message")).to_contain_text("changed by someone else: reload")
        assert stored(stack)["options"]["retention_days"] == 91


class TestPreview:
    def test_shows_which_logged_emails_the_proposed_options_would_decide_differently(
            self, page: Any, stack: Stack) -> None:
        before = stored(stack)
        use_key(page, stack)
        page.get_by_label("Skip automatic replies").uncheck()
        page.get_by_role("button", name="Preview against recent mail").click()
        row = page.locator("#options-preview-result tbody tr", has_text="auto_reply").first  # replays log it again
        expect(row.locator("td").nth(1)).to_contain_text("skip: auto_reply")
        expect(row.locator("td").nth(2)).not_to_contain_text("auto_reply")
        expect(page.locator("#options-preview-result")).to_contain_text("recent emails would change")
        assert stored(stack) == before


class TestKey:
    def test_without_a_key_the_page_says_how_to_get_in(self, page: Any) -> None:
        expect(page.locator("#options-message")).to_contain_text("paste a function key")
