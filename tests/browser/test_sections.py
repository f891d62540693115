"""Each section of the admin page, one test apiece: what it shows for the seeded installation (one watched mailbox
whose person email was captured and whose auto-reply was skipped) is asserted, then the section is screenshot
to test-artifacts/screenshots/ (gitignored). The options of issue 16 (private mail, auto-link exclusions, the
backstop interval, only the new text, the never-capture and tag categories, the seed roles), the full preview
and the erasure listing are among them."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from devhost.stack import Stack
from tests.browser.pages import drop_file, use_key
from tests.browser.support import MAILBOX, PERSON_MAIL, admin_client

pytestmark = [pytest.mark.browser, pytest.mark.integration]
ALICE = "alice.moreau@example.org"  # the sender of the seeded person email, contact 20001 in the emulator
SUBJECT = "Renewal for 2026 – can I pay by bank transfer?"


def shot(page: Any, screenshot: Any, section: str) -> None:
    path = screenshot(page, section)
    assert path.stat().st_size > 1000  # a real image of the section, not an empty file


def test_roles_show_the_seed_role_options(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    roles = page.locator("#step-roles")
    for label in ("Change Options Roles", "View Options Roles", "Interaction Roles", "Default Activities Roles",
                  "Add New Contact Roles"):
        expect(roles.get_by_label(label, exact=True)).to_be_visible()
    expect(roles.get_by_label("Change Options Roles", exact=True)).to_have_value("MailCapture.Admin")
    expect(roles.get_by_label("Interaction Roles", exact=True)).to_have_value("")  # empty: any owner
    shot(page, screenshot, "step-roles")


def test_activity_types_show_the_default_record_and_activity_type(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    types = page.locator("#step-types")
    expect(types.get_by_label("Default activity type")).to_have_value("EMAIL")
    expect(types.get_by_label("Default record type")).to_contain_text("Activity")
    shot(page, screenshot, "step-types")


def test_field_mappings_show_each_activity_field_and_its_template(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    expect(page.locator("#map-DESCRIPTION")).to_have_value("[Subject]")
    expect(page.locator("#step-mapping")).to_contain_text("Activity description (DESCRIPTION)")
    expect(page.locator("#step-mapping")).to_contain_text("Field Configuration Results")
    shot(page, screenshot, "step-mapping")


def test_limits_show_the_new_options_with_their_defaults(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    limits = page.locator("#step-limits")
    expect(limits.get_by_label("Skip private mail")).to_be_checked()
    expect(limits.get_by_label("Never-capture category")).to_have_value("Not for CRM")
    expect(limits.get_by_label("Never link or create from these domains")).to_have_value(re.compile(r"^gmail\.com\n"))
    expect(limits.get_by_label("Sync interval (minutes)")).to_have_value("15")
    expect(limits.get_by_label("Only the new text")).not_to_be_checked()
    expect(limits.get_by_label("Tag captured mail in Outlook")).to_have_value("")
    expect(limits.get_by_label("Max Total Emails")).to_have_value("2000")
    shot(page, screenshot, "step-limits")


def test_advanced_json_holds_the_options_without_a_control_of_their_own(
        page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    page.locator("summary", has_text="Advanced (JSON)").click()
    doc = json.loads(page.locator("#opt-advanced").input_value())  # only what has no control of its own
    assert doc["activity_types"][0]["code"] == "EMAIL" and doc["interaction"]["message_type"] == "Email"
    assert not {"skip_private_mail", "backstop_interval_minutes", "never_capture_category"} & set(doc)
    expect(page.locator("#options-fields")).to_contain_text("Advanced (JSON): ")
    shot(page, screenshot, "options-fields")


def test_full_preview_shows_the_record_fields_a_mapping_change_would_write(
        page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    page.locator("#map-DESCRIPTION").fill("Email: [Subject]")
    page.get_by_role("button", name="Preview against recent mail").click()
    result = page.locator("#options-preview-result")
    row = result.locator("tbody tr", has_text=SUBJECT).first
    expect(row).to_contain_text(f'activity DESCRIPTION: "{SUBJECT}" → "Email: {SUBJECT}"')
    expect(result).to_contain_text("recent emails would change")
    shot(page, screenshot, "options-preview-result")


def test_history_lists_saved_versions(page: Any, stack: Stack, screenshot: Any) -> None:
    with admin_client(stack) as admin:
        current = admin.get("/options").json()
        admin.patch("/options", json={"retention_days": current["options"]["retention_days"] + 1},
                    headers={"If-Match": f'"v{current["version"]}"'}).raise_for_status()
    use_key(page, stack)
    page.locator("#options-history summary").click()
    expect(page.locator("#options-history-list li").first).to_contain_text(
        f"Version {current['version'] + 1}, function-key")
    expect(page.locator("#options-history-list li").first).to_contain_text("retention_days")
    shot(page, screenshot, "options-history")


def test_mailboxes_list_the_watched_mailbox(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    expect(page.locator("#mailboxes-list tbody tr", has_text=MAILBOX)).to_contain_text("yes")
    expect(page.locator("#mailbox-form")).to_contain_text("Import days")
    shot(page, screenshot, "mailboxes")


def test_status_shows_the_subscriptions_and_the_last_day(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    body = page.locator("#status-body")
    expect(body.locator("tr", has_text="Inbox").first).to_contain_text(MAILBOX)
    expect(body).to_contain_text("auto_reply")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-outcomes'))")
    shot(page, screenshot, "status")


def test_decision_log_finds_the_captured_and_the_skipped_email(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    page.locator("#log-form input[name=mailbox]").fill(MAILBOX)
    page.locator("#log-form").get_by_role("button", name="Search").click()
    results = page.locator("#log-results")
    expect(results.locator("tr", has_text=SUBJECT).first).to_contain_text("captured")
    expect(results).to_contain_text("auto_reply")
    shot(page, screenshot, "log")


def test_explain_shows_the_decision_for_a_dropped_email(page: Any, stack: Stack, screenshot: Any) -> None:
    use_key(page, stack)
    page.locator("#explain-mailbox").fill(MAILBOX)
    drop_file(page, "#drop-zone", PERSON_MAIL)
    expect(page.locator("#explain-result .decision-capture")).to_have_text("capture")
    expect(page.locator("#explain-result")).to_contain_text(ALICE)
    shot(page, screenshot, "explain")


def test_erasure_lists_what_was_written_for_an_address_and_deletes_only_when_switched_on(
        page: Any, stack: Stack, screenshot: Any) -> None:
    with admin_client(stack) as admin:
        listing = admin.get("/erasure", params={"address": ALICE}).json()
    use_key(page, stack)
    page.locator("#erasure-value").fill(ALICE)
    page.locator("#erasure-form").get_by_role("button", name="List").click()
    result = page.locator("#erasure-result")
    expect(result).to_contain_text(f"{listing['count']} record(s) with 0 attached file(s) for 1 contact(s)")
    for record in listing["records"]:
        expect(result.locator("tr", has_text=record["record_id"])).to_contain_text("Alice Moreau (20001)")
    expect(page.locator("#erasure-delete")).to_be_disabled()  # this stack runs with IMIS_ALLOW_DELETE=false
    expect(page.locator("#erasure-message")).to_contain_text("IMIS_ALLOW_DELETE=false")
    shot(page, screenshot, "erasure")
    assert listing["count"] >= 1
